import type Database from 'better-sqlite3';
import type { WatchState, WatchStatus } from '../monitor/state';
import type { DiagnosisKind } from '../notion/diagnose';

export interface Watch {
  id: number;
  channelId: string;
  connection: string;
  resourceId: string;
  resourceType: string;
  title: string | null;
  url: string | null;
  addedBy: string;
  addedAt: number;
  state: WatchState;
  stateSince: number;
  kind: DiagnosisKind | null;
  requestId: string | null;
  lastCheckedAt: number | null;
  lastKind: string | null;
}

export type NewWatch = Pick<
  Watch,
  | 'channelId'
  | 'connection'
  | 'resourceId'
  | 'resourceType'
  | 'title'
  | 'url'
  | 'addedBy'
  | 'addedAt'
> & { status: WatchStatus };

/** What an alert lists: kept with it so the message can be redrawn after a restart. */
export interface AlertDetails {
  title: string;
  watches: { id: number; title: string; url: string | null; resourceId: string }[];
  requestIds: string[];
  integrationName?: string;
  fingerprint?: string;
  /** Set when the alert closed because its pages were removed from the watch list. */
  closedBecause?: 'unwatched';
}

export interface Alert {
  id: string;
  channelId: string;
  postedChannel: string | null;
  ts: string | null;
  connection: string;
  scope: 'connection' | 'resources';
  kind: DiagnosisKind;
  status: 'open' | 'resolved';
  openedAt: number;
  failingSince: number;
  acknowledgedBy: string | null;
  acknowledgedAt: number | null;
  snoozedBy: string | null;
  snoozedUntil: number | null;
  lastReminderAt: number | null;
  resolvedAt: number | null;
  details: AlertDetails;
}

export interface ConnectionHealth {
  connection: string;
  status: WatchStatus;
  unreachableSince: number | null;
  noticePosted: boolean;
  lastSweepAt?: number;
}

const WATCH_COLUMNS = `id, channel_id AS channelId, connection, resource_id AS resourceId,
  resource_type AS resourceType, title, url, added_by AS addedBy, added_at AS addedAt, state,
  state_since AS stateSince, kind, request_id AS requestId, last_checked_at AS lastCheckedAt,
  last_kind AS lastKind`;

const ALERT_COLUMNS = `id, channel_id AS channelId, posted_channel AS postedChannel, ts, connection,
  scope, kind, status, opened_at AS openedAt, failing_since AS failingSince,
  acknowledged_by AS acknowledgedBy, acknowledged_at AS acknowledgedAt, snoozed_by AS snoozedBy,
  snoozed_until AS snoozedUntil, last_reminder_at AS lastReminderAt, resolved_at AS resolvedAt,
  details_json AS detailsJson`;

function toAlert(row: Omit<Alert, 'details'> & { detailsJson: string }): Alert {
  const { detailsJson, ...rest } = row;
  return { ...rest, details: JSON.parse(detailsJson) as AlertDetails };
}

/** Watches, alerts and per-connection health: the monitor's durable state. */
export class MonitorRepo {
  constructor(
    private readonly db: Database.Database,
    private readonly prepare: (sql: string) => Database.Statement,
  ) {}

  // ---- watches ---------------------------------------------------------------------------

  /** Adds a watch; returns false (and changes nothing) when the channel already watches it. */
  addWatch(watch: NewWatch): boolean {
    const result = this.prepare(
      `INSERT INTO watches (channel_id, connection, resource_id, resource_type, title, url, added_by,
           added_at, state, state_since, kind, request_id, last_checked_at)
         VALUES (@channelId, @connection, @resourceId, @resourceType, @title, @url, @addedBy, @addedAt,
           @state, @since, @kind, @requestId, @addedAt)
         ON CONFLICT (channel_id, resource_id) DO NOTHING`,
    ).run({
      ...watch,
      state: watch.status.state,
      since: watch.status.since,
      kind: watch.status.kind ?? null,
      requestId: watch.status.requestId ?? null,
    });
    return result.changes === 1;
  }

  removeWatch(channelId: string, resourceId: string): Watch | undefined {
    const watch = this.prepare(
      `SELECT ${WATCH_COLUMNS} FROM watches WHERE channel_id = ? AND resource_id = ?`,
    ).get(channelId, resourceId) as Watch | undefined;
    if (watch) this.prepare('DELETE FROM watches WHERE id = ?').run(watch.id);
    return watch;
  }

  watchesInChannel(channelId: string): Watch[] {
    return this.prepare(
      `SELECT ${WATCH_COLUMNS} FROM watches WHERE channel_id = ? ORDER BY added_at, id`,
    ).all(channelId) as Watch[];
  }

  countWatches(channelId: string): number {
    const row = this.prepare('SELECT COUNT(*) AS n FROM watches WHERE channel_id = ?').get(
      channelId,
    ) as { n: number };
    return row.n;
  }

  watchesForConnection(connection: string): Watch[] {
    return this.prepare(
      `SELECT ${WATCH_COLUMNS} FROM watches WHERE connection = ? ORDER BY id`,
    ).all(connection) as Watch[];
  }

  watchedConnections(): string[] {
    return (
      this.prepare('SELECT DISTINCT connection FROM watches ORDER BY connection').all() as {
        connection: string;
      }[]
    ).map((row) => row.connection);
  }

  /** Saves the outcome of one sweep for every watch at once. */
  saveWatchStatuses(
    updates: { id: number; status: WatchStatus; checkedAt: number; lastKind: string }[],
  ): void {
    const update = this.prepare(
      `UPDATE watches SET state = @state, state_since = @since, kind = @kind, request_id = @requestId,
         last_checked_at = @checkedAt, last_kind = @lastKind WHERE id = @id`,
    );
    this.db.transaction(() => {
      for (const { id, status, checkedAt, lastKind } of updates) {
        update.run({
          id,
          state: status.state,
          since: status.since,
          kind: status.kind ?? null,
          requestId: status.requestId ?? null,
          checkedAt,
          lastKind,
        });
      }
    })();
  }

  /** The watches an alert lists that are still watched. */
  alertMembers(alert: Alert): Watch[] {
    const ids = JSON.stringify(alert.details.watches.map((watch) => watch.id));
    return this.prepare(
      `SELECT ${WATCH_COLUMNS} FROM watches
       WHERE connection = ? AND id IN (SELECT value FROM json_each(?)) ORDER BY id`,
    ).all(alert.connection, ids) as Watch[];
  }

  // ---- alerts ----------------------------------------------------------------------------

  createAlert(alert: Alert): void {
    this.prepare(
      `INSERT INTO alerts (id, channel_id, posted_channel, ts, connection, scope, kind, status,
           opened_at, failing_since, details_json)
         VALUES (@id, @channelId, @postedChannel, @ts, @connection, @scope, @kind, @status,
           @openedAt, @failingSince, @detailsJson)`,
    ).run({ ...alert, detailsJson: JSON.stringify(alert.details) });
  }

  getAlert(id: string): Alert | undefined {
    const row = this.prepare(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE id = ?`).get(id) as
      | (Omit<Alert, 'details'> & { detailsJson: string })
      | undefined;
    return row ? toAlert(row) : undefined;
  }

  openAlerts(connection: string): Alert[] {
    return (
      this.prepare(
        `SELECT ${ALERT_COLUMNS} FROM alerts WHERE connection = ? AND status = 'open' ORDER BY opened_at`,
      ).all(connection) as (Omit<Alert, 'details'> & { detailsJson: string })[]
    ).map(toAlert);
  }

  /** Partial update of an alert's mutable fields. */
  updateAlert(
    id: string,
    fields: Partial<
      Pick<
        Alert,
        | 'postedChannel'
        | 'ts'
        | 'status'
        | 'acknowledgedBy'
        | 'acknowledgedAt'
        | 'snoozedBy'
        | 'snoozedUntil'
        | 'lastReminderAt'
        | 'resolvedAt'
        | 'details'
      >
    >,
  ): void {
    const columns: Record<string, string> = {
      postedChannel: 'posted_channel',
      ts: 'ts',
      status: 'status',
      acknowledgedBy: 'acknowledged_by',
      acknowledgedAt: 'acknowledged_at',
      snoozedBy: 'snoozed_by',
      snoozedUntil: 'snoozed_until',
      lastReminderAt: 'last_reminder_at',
      resolvedAt: 'resolved_at',
      details: 'details_json',
    };
    const entries = Object.entries(fields).filter(([key]) => key in columns);
    if (entries.length === 0) return;
    const sets = entries.map(([key]) => `${columns[key]} = @${key}`).join(', ');
    const values = Object.fromEntries(
      entries.map(([key, value]) => [key, key === 'details' ? JSON.stringify(value) : value]),
    );
    this.prepare(`UPDATE alerts SET ${sets} WHERE id = @id`).run({ ...values, id });
  }

  /** Records an acknowledgement once: the first person to take it keeps it. */
  acknowledgeAlert(id: string, userId: string, at: number): boolean {
    return (
      this.prepare(
        `UPDATE alerts SET acknowledged_by = ?, acknowledged_at = ?
           WHERE id = ? AND status = 'open' AND acknowledged_at IS NULL`,
      ).run(userId, at, id).changes === 1
    );
  }

  // ---- connection health -----------------------------------------------------------------

  getHealth(connection: string): ConnectionHealth | undefined {
    const row = this.prepare(
      `SELECT connection, state, since, kind, request_id AS requestId,
                unreachable_since AS unreachableSince, notice_posted AS noticePosted,
                last_sweep_at AS lastSweepAt
         FROM connection_health WHERE connection = ?`,
    ).get(connection) as
      | {
          connection: string;
          state: WatchState;
          since: number;
          kind: DiagnosisKind | null;
          requestId: string | null;
          unreachableSince: number | null;
          noticePosted: number;
          lastSweepAt: number | null;
        }
      | undefined;
    if (!row) return undefined;
    return {
      connection: row.connection,
      status: {
        state: row.state,
        since: row.since,
        kind: row.kind ?? undefined,
        requestId: row.requestId ?? undefined,
      },
      unreachableSince: row.unreachableSince,
      noticePosted: row.noticePosted === 1,
      lastSweepAt: row.lastSweepAt ?? undefined,
    };
  }

  saveHealth(health: ConnectionHealth, sweptAt: number): void {
    this.prepare(
      `INSERT INTO connection_health (connection, state, since, kind, request_id, unreachable_since,
           notice_posted, last_sweep_at)
         VALUES (@connection, @state, @since, @kind, @requestId, @unreachableSince, @noticePosted, @sweptAt)
         ON CONFLICT (connection) DO UPDATE SET state = excluded.state, since = excluded.since,
           kind = excluded.kind, request_id = excluded.request_id,
           unreachable_since = excluded.unreachable_since, notice_posted = excluded.notice_posted,
           last_sweep_at = excluded.last_sweep_at`,
    ).run({
      connection: health.connection,
      state: health.status.state,
      since: health.status.since,
      kind: health.status.kind ?? null,
      requestId: health.status.requestId ?? null,
      unreachableSince: health.unreachableSince,
      noticePosted: health.noticePosted ? 1 : 0,
      sweptAt,
    });
  }
}
