import type { DiagnosisKind } from '../domain/diagnosis';
import type { NewWatch, Watch, WatchCounts, WatchState, WatchStatus } from '../domain/watch';
import { type Db, orNull, orUndefined } from './db';

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

const COLUMNS = `id, channel_id AS channelId, connection, resource_id AS resourceId,
  resource_type AS resourceType, title, url, added_by AS addedBy, added_at AS addedAt, state,
  state_since AS stateSince, kind, request_id AS requestId, last_checked_at AS lastCheckedAt,
  last_kind AS lastKind`;

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

/** What each channel watches, and each watch's state between sweeps. */
export class WatchRepo {
  constructor(private readonly db: Db) {}

  private all(where: string, ...params: unknown[]): Watch[] {
    const rows = this.db.prepare(`SELECT ${COLUMNS} FROM watches WHERE ${where}`).all(...params);
    return (rows as WatchRow[]).map(toWatch);
  }

  /** Adds a watch; false (and nothing changes) when the channel already watches it. */
  add(watch: NewWatch): boolean {
    const result = this.db
      .prepare(
        `INSERT INTO watches (channel_id, connection, resource_id, resource_type, title, url,
           added_by, added_at, state, state_since, kind, request_id, last_checked_at)
         VALUES (@channelId, @connection, @resourceId, @resourceType, @title, @url, @addedBy,
           @addedAt, @state, @since, @kind, @requestId, @addedAt)
         ON CONFLICT (channel_id, resource_id) DO NOTHING`,
      )
      .run({
        channelId: watch.channelId,
        connection: watch.connection,
        resourceId: watch.resourceId,
        resourceType: watch.resourceType,
        title: orNull(watch.title),
        url: orNull(watch.url),
        addedBy: watch.addedBy,
        addedAt: watch.addedAt,
        ...statusColumns(watch.status),
      });
    return result.changes === 1;
  }

  remove(channelId: string, resourceId: string): Watch | undefined {
    const [watch] = this.all('channel_id = ? AND resource_id = ?', channelId, resourceId);
    if (watch) this.db.prepare('DELETE FROM watches WHERE id = ?').run(watch.id);
    return watch;
  }

  /** The connection was removed: every channel's watches with it go. Returns how many. */
  forgetConnection(connection: string): number {
    return this.db.prepare('DELETE FROM watches WHERE connection = ?').run(connection).changes;
  }

  inChannel(channelId: string): Watch[] {
    return this.all('channel_id = ? ORDER BY added_at, id', channelId);
  }

  countInChannel(channelId: string): number {
    const row = this.db
      .prepare('SELECT COUNT(*) AS n FROM watches WHERE channel_id = ?')
      .get(channelId) as { n: number };
    return row.n;
  }

  /** How many watches there are in the channel, added by the person, and in all (the caps). */
  counts(channelId: string, userId: string): WatchCounts {
    return this.db
      .prepare(
        `SELECT COALESCE(SUM(channel_id = @channelId), 0) AS channel,
           COALESCE(SUM(added_by = @userId), 0) AS user, COUNT(*) AS workspace
         FROM watches`,
      )
      .get({ channelId, userId }) as WatchCounts;
  }

  forConnection(connection: string): Watch[] {
    return this.all('connection = ? ORDER BY id', connection);
  }

  /** These watches of a connection, those still watched (an alert lists watch ids). */
  byIds(connection: string, ids: number[]): Watch[] {
    return this.all(
      'connection = ? AND id IN (SELECT value FROM json_each(?)) ORDER BY id',
      connection,
      JSON.stringify(ids),
    );
  }

  connections(): string[] {
    const rows = this.db
      .prepare('SELECT DISTINCT connection FROM watches ORDER BY connection')
      .all() as { connection: string }[];
    return rows.map((row) => row.connection);
  }

  /** Saves the outcome of one sweep for every watch at once. */
  saveStatuses(
    updates: { id: number; status: WatchStatus; checkedAt: number; lastKind: DiagnosisKind }[],
  ): void {
    const update = this.db.prepare(
      `UPDATE watches SET state = @state, state_since = @since, kind = @kind,
         request_id = @requestId, last_checked_at = @checkedAt, last_kind = @lastKind
       WHERE id = @id`,
    );
    this.db.transaction(() => {
      for (const { id, status, checkedAt, lastKind } of updates) {
        update.run({ id, checkedAt, lastKind, ...statusColumns(status) });
      }
    });
  }
}
