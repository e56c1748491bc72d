import type { ChannelConnection, WatchAll } from '../domain/connection';
import type { Db } from './db';

const CHANNEL_COLUMNS = 'channel_id AS channelId, connection, set_by AS setBy, set_at AS setAt';
const WATCH_ALL_COLUMNS =
  'channel_id AS channelId, connection, added_by AS addedBy, added_at AS addedAt';

/**
 * What a channel chose: its connection (`use <name>`) and the connections whose whole inventory
 * it watches (`watch all`).
 */
export class ChannelRepo {
  constructor(private readonly db: Db) {}

  /** The channel's connection, if one was chosen (else `default`). */
  connectionOf(channelId: string): ChannelConnection | undefined {
    return this.db
      .prepare(`SELECT ${CHANNEL_COLUMNS} FROM channel_connections WHERE channel_id = ?`)
      .get(channelId) as ChannelConnection | undefined;
  }

  use(choice: ChannelConnection): void {
    this.db
      .prepare(
        `INSERT INTO channel_connections (channel_id, connection, set_by, set_at)
         VALUES (@channelId, @connection, @setBy, @setAt)
         ON CONFLICT (channel_id) DO UPDATE SET connection = excluded.connection,
           set_by = excluded.set_by, set_at = excluded.set_at`,
      )
      .run(choice);
  }

  /** False when the channel already watched everything of that connection. */
  watchAll(subscription: WatchAll): boolean {
    return (
      this.db
        .prepare(
          `INSERT OR IGNORE INTO watch_all (channel_id, connection, added_by, added_at)
           VALUES (@channelId, @connection, @addedBy, @addedAt)`,
        )
        .run(subscription).changes === 1
    );
  }

  unwatchAll(channelId: string, connection: string): WatchAll | undefined {
    const existing = this.db
      .prepare(`SELECT ${WATCH_ALL_COLUMNS} FROM watch_all WHERE channel_id = ? AND connection = ?`)
      .get(channelId, connection) as WatchAll | undefined;
    if (existing) {
      this.db
        .prepare('DELETE FROM watch_all WHERE channel_id = ? AND connection = ?')
        .run(channelId, connection);
    }
    return existing;
  }

  /** The channels watching everything this connection can see. */
  watchingAll(connection: string): WatchAll[] {
    return this.db
      .prepare(`SELECT ${WATCH_ALL_COLUMNS} FROM watch_all WHERE connection = ? ORDER BY added_at`)
      .all(connection) as WatchAll[];
  }

  /** The "watch all" subscriptions of one channel. */
  watchAllIn(channelId: string): WatchAll[] {
    return this.db
      .prepare(
        `SELECT ${WATCH_ALL_COLUMNS} FROM watch_all WHERE channel_id = ? ORDER BY connection`,
      )
      .all(channelId) as WatchAll[];
  }

  /** Connections some channel watches everything of (the monitor sweeps them). */
  watchAllConnections(): string[] {
    const rows = this.db
      .prepare('SELECT DISTINCT connection FROM watch_all ORDER BY connection')
      .all() as { connection: string }[];
    return rows.map((row) => row.connection);
  }

  /** A connection was removed: channels that used it fall back to `default`. */
  forgetConnection(connection: string): void {
    this.db.prepare('DELETE FROM channel_connections WHERE connection = ?').run(connection);
    this.db.prepare('DELETE FROM watch_all WHERE connection = ?').run(connection);
  }
}
