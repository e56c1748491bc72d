import type { Alert, AlertDetails } from '../domain/alert';
import type { DiagnosisKind } from '../domain/diagnosis';
import type { Sql } from './sql';
import { orNull, orUndefined } from './sql';

interface AlertRow {
  id: string;
  channelId: string;
  postedChannel: string | null;
  ts: string | null;
  connection: string;
  scope: Alert['scope'];
  kind: DiagnosisKind;
  status: Alert['status'];
  openedAt: number;
  failingSince: number;
  acknowledgedBy: string | null;
  acknowledgedAt: number | null;
  snoozedBy: string | null;
  snoozedUntil: number | null;
  lastReminderAt: number | null;
  resolvedAt: number | null;
  detailsJson: string;
}

const COLUMNS = `id, channel_id AS "channelId", posted_channel AS "postedChannel", ts, connection,
  scope, kind, status, opened_at AS "openedAt", failing_since AS "failingSince",
  acknowledged_by AS "acknowledgedBy", acknowledged_at AS "acknowledgedAt", snoozed_by AS "snoozedBy",
  snoozed_until AS "snoozedUntil", last_reminder_at AS "lastReminderAt", resolved_at AS "resolvedAt",
  details_json AS "detailsJson"`;

/** The details as stored; rows written before 0.2 also hold a `title` and `url: null`. */
interface StoredDetails extends Omit<AlertDetails, 'watches'> {
  watches: { id: number; title: string; url?: string | null; resourceId: string }[];
}

function toDetails(json: string): AlertDetails {
  const stored = JSON.parse(json) as StoredDetails;
  const { roots, items, moreRoots, morePages, trashedBy } = stored;
  return {
    // Scope 'inventory' only; absent keys stay absent.
    ...(roots !== undefined && { roots }),
    ...(items !== undefined && { items }),
    ...(moreRoots !== undefined && { moreRoots }),
    ...(morePages !== undefined && { morePages }),
    ...(trashedBy !== undefined && { trashedBy }),
    watches: stored.watches.map(({ id, title, url, resourceId }) => ({
      id,
      title,
      url: orUndefined(url ?? null),
      resourceId,
    })),
    requestIds: stored.requestIds,
    integrationName: stored.integrationName,
    fingerprint: stored.fingerprint,
    closedBecause: stored.closedBecause,
  };
}

function toAlert(row: AlertRow): Alert {
  return {
    id: row.id,
    channelId: row.channelId,
    postedChannel: orUndefined(row.postedChannel),
    ts: orUndefined(row.ts),
    connection: row.connection,
    scope: row.scope,
    kind: row.kind,
    status: row.status,
    openedAt: row.openedAt,
    failingSince: row.failingSince,
    acknowledgedBy: orUndefined(row.acknowledgedBy),
    acknowledgedAt: orUndefined(row.acknowledgedAt),
    snoozedBy: orUndefined(row.snoozedBy),
    snoozedUntil: orUndefined(row.snoozedUntil),
    lastReminderAt: orUndefined(row.lastReminderAt),
    resolvedAt: orUndefined(row.resolvedAt),
    details: toDetails(row.detailsJson),
  };
}

/** The columns an update may change, by field name. */
const MUTABLE = {
  postedChannel: 'posted_channel',
  ts: 'ts',
  status: 'status',
  snoozedBy: 'snoozed_by',
  snoozedUntil: 'snoozed_until',
  lastReminderAt: 'last_reminder_at',
  resolvedAt: 'resolved_at',
  details: 'details_json',
} as const;

export type AlertChanges = Partial<Pick<Alert, keyof typeof MUTABLE>>;

/**
 * A team's alerts: stored before they are posted, so one is never lost when Slack is down. Ids
 * are unique across teams; each statement by id is still the team's only.
 */
export class AlertRepo {
  constructor(
    private readonly sql: Sql,
    private readonly team: string,
  ) {}

  async create(alert: Alert): Promise<void> {
    await this.sql.run(
      `INSERT INTO alerts (team_id, id, channel_id, posted_channel, ts, connection, scope, kind,
           status, opened_at, failing_since, details_json)
         VALUES (@team, @id, @channelId, @postedChannel, @ts, @connection, @scope, @kind,
           @status, @openedAt, @failingSince, @detailsJson)`,
      {
        team: this.team,
        id: alert.id,
        channelId: alert.channelId,
        postedChannel: orNull(alert.postedChannel),
        ts: orNull(alert.ts),
        connection: alert.connection,
        scope: alert.scope,
        kind: alert.kind,
        status: alert.status,
        openedAt: alert.openedAt,
        failingSince: alert.failingSince,
        detailsJson: JSON.stringify(alert.details),
      },
    );
  }

  async get(id: string): Promise<Alert | undefined> {
    const row = await this.sql.get(`SELECT ${COLUMNS} FROM alerts WHERE team_id = ? AND id = ?`, [
      this.team,
      id,
    ]);
    return row ? toAlert(row as AlertRow) : undefined;
  }

  async open(connection: string): Promise<Alert[]> {
    const rows = await this.sql.all(
      `SELECT ${COLUMNS} FROM alerts WHERE team_id = ? AND connection = ? AND status = 'open'
       ORDER BY opened_at`,
      [this.team, connection],
    );
    return (rows as AlertRow[]).map(toAlert);
  }

  /** Changes some fields; returns the alert as it now is. */
  async update(id: string, changes: AlertChanges): Promise<Alert | undefined> {
    const entries = Object.entries(changes).filter(([key]) => key in MUTABLE);
    if (entries.length > 0) {
      const sets = entries
        .map(([key]) => `${MUTABLE[key as keyof typeof MUTABLE]} = @${key}`)
        .join(', ');
      const values = Object.fromEntries(
        entries.map(([key, value]) => [
          key,
          key === 'details' ? JSON.stringify(value) : orNull(value as string | number | undefined),
        ]),
      );
      await this.sql.run(`UPDATE alerts SET ${sets} WHERE team_id = @team AND id = @id`, {
        ...values,
        team: this.team,
        id,
      });
    }
    return this.get(id);
  }

  /** Records an acknowledgement once: the first person to take it keeps it. */
  async acknowledge(id: string, userId: string, at: number): Promise<boolean> {
    return (
      (await this.sql.run(
        `UPDATE alerts SET acknowledged_by = ?, acknowledged_at = ?
             WHERE team_id = ? AND id = ? AND status = 'open' AND acknowledged_at IS NULL`,
        [userId, at, this.team, id],
      )) === 1
    );
  }
}
