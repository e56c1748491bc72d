import type { DiagnosisKind } from '../domain/diagnosis';
import type { NewWatch, Watch, WatchCounts, WatchState, WatchStatus } from '../domain/watch';
import { inList, jsonList, orNull, orUndefined, type Sql } from './sql';

interface WatchRow {
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
  lastKind: DiagnosisKind | null;
}

const COLUMNS = `id, channel_id AS "channelId", connection, resource_id AS "resourceId",
  resource_type AS "resourceType", title, url, added_by AS "addedBy", added_at AS "addedAt",
  state, state_since AS "stateSince", kind, request_id AS "requestId",
  last_checked_at AS "lastCheckedAt", last_kind AS "lastKind"`;

const SAVE_STATUS = `UPDATE watches SET state = @state, state_since = @since, kind = @kind,
    request_id = @requestId, last_checked_at = @checkedAt, last_kind = @lastKind
  WHERE team_id = @team AND id = @id`;

function toWatch(row: WatchRow): Watch {
  return {
    id: row.id,
    channelId: row.channelId,
    connection: row.connection,
    resourceId: row.resourceId,
    resourceType: row.resourceType,
    title: orUndefined(row.title),
    url: orUndefined(row.url),
    addedBy: row.addedBy,
    addedAt: row.addedAt,
    status: {
      state: row.state,
      since: row.stateSince,
      kind: orUndefined(row.kind),
      requestId: orUndefined(row.requestId),
    },
    lastCheckedAt: orUndefined(row.lastCheckedAt),
    lastKind: orUndefined(row.lastKind),
  };
}

const statusColumns = (status: WatchStatus) => ({
  state: status.state,
  since: status.since,
  kind: orNull(status.kind),
  requestId: orNull(status.requestId),
});

/**
 * What each of a team's channels watches, and each watch's state between sweeps. Ids are unique
 * across teams; each statement by id is still the team's only.
 */
export class WatchRepo {
  constructor(
    private readonly sql: Sql,
    private readonly team: string,
  ) {}

  /** The team's watches matching `where` (positional values after the team's). */
  private async all(where: string, params: readonly unknown[]): Promise<Watch[]> {
    const rows = await this.sql.all<WatchRow>(
      `SELECT ${COLUMNS} FROM watches WHERE team_id = ? AND ${where}`,
      [this.team, ...params],
    );
    return rows.map(toWatch);
  }

  /** Adds a watch; false (and nothing changes) when the channel already watches it. */
  async add(watch: NewWatch): Promise<boolean> {
    const changes = await this.sql.run(
      `INSERT INTO watches (team_id, channel_id, connection, resource_id, resource_type, title,
         url, added_by, added_at, state, state_since, kind, request_id, last_checked_at)
       VALUES (@team, @channelId, @connection, @resourceId, @resourceType, @title, @url,
         @addedBy, @addedAt, @state, @since, @kind, @requestId, @addedAt)
       ON CONFLICT (team_id, channel_id, resource_id) DO NOTHING`,
      {
        team: this.team,
        channelId: watch.channelId,
        connection: watch.connection,
        resourceId: watch.resourceId,
        resourceType: watch.resourceType,
        title: orNull(watch.title),
        url: orNull(watch.url),
        addedBy: watch.addedBy,
        addedAt: watch.addedAt,
        ...statusColumns(watch.status),
      },
    );
    return changes === 1;
  }

  /** Removes the channel's watch of this resource (one statement: nothing runs in between). */
  async remove(channelId: string, resourceId: string): Promise<Watch | undefined> {
    const row = await this.sql.get<WatchRow>(
      `DELETE FROM watches WHERE team_id = ? AND channel_id = ? AND resource_id = ?
       RETURNING ${COLUMNS}`,
      [this.team, channelId, resourceId],
    );
    return row && toWatch(row);
  }

  /** The connection was removed: every channel's watches with it go. Returns how many. */
  async forgetConnection(connection: string): Promise<number> {
    return this.sql.run('DELETE FROM watches WHERE team_id = ? AND connection = ?', [
      this.team,
      connection,
    ]);
  }

  async inChannel(channelId: string): Promise<Watch[]> {
    return this.all('channel_id = ? ORDER BY added_at, id', [channelId]);
  }

  async countInChannel(channelId: string): Promise<number> {
    const row = await this.sql.get<{ n: number }>(
      'SELECT COUNT(*) AS n FROM watches WHERE team_id = ? AND channel_id = ?',
      [this.team, channelId],
    );
    return row?.n ?? 0;
  }

  /**
   * How many watches there are in the channel, added by the person, and in the team's
   * workspace (the caps).
   */
  async counts(channelId: string, userId: string): Promise<WatchCounts> {
    const row = await this.sql.get<WatchCounts>(
      `SELECT COALESCE(SUM(CASE WHEN channel_id = @channelId THEN 1 ELSE 0 END), 0) AS channel,
         COALESCE(SUM(CASE WHEN added_by = @userId THEN 1 ELSE 0 END), 0) AS "user",
         COUNT(*) AS workspace
       FROM watches WHERE team_id = @team`,
      { team: this.team, channelId, userId },
    );
    return row as WatchCounts;
  }

  async forConnection(connection: string): Promise<Watch[]> {
    return this.all('connection = ? ORDER BY id', [connection]);
  }

  /** These watches of a connection, those still watched (an alert lists watch ids). */
  async byIds(connection: string, ids: number[]): Promise<Watch[]> {
    return this.all(
      `connection = ? AND id IN (${inList(this.sql.dialect, 'bigint')}) ORDER BY id`,
      [connection, jsonList(ids)],
    );
  }

  async connections(): Promise<string[]> {
    const rows = await this.sql.all<{ connection: string }>(
      'SELECT DISTINCT connection FROM watches WHERE team_id = ? ORDER BY connection',
      [this.team],
    );
    return rows.map((row) => row.connection);
  }

  /** Saves the outcome of one sweep for every watch at once. */
  async saveStatuses(
    updates: { id: number; status: WatchStatus; checkedAt: number; lastKind: DiagnosisKind }[],
  ): Promise<void> {
    await this.sql.transaction(async (tx) => {
      for (const { id, status, checkedAt, lastKind } of updates) {
        await tx.run(SAVE_STATUS, {
          team: this.team,
          id,
          checkedAt,
          lastKind,
          ...statusColumns(status),
        });
      }
    });
  }
}
