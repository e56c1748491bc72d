import type { ChannelConnection, WatchAll } from '../domain/connection';
import type { Sql } from './sql';

const CHANNEL_COLUMNS =
  'channel_id AS "channelId", connection, set_by AS "setBy", set_at AS "setAt"';
const WATCH_ALL_COLUMNS =
  'channel_id AS "channelId", connection, added_by AS "addedBy", added_at AS "addedAt"';

/**
 * What a channel chose: its connection (`use <name>`) and the connections whose whole inventory
 * it watches (`watch all`).
 */
export class ChannelRepo {
  constructor(
    private readonly sql: Sql,
    private readonly team: string,
  ) {}

  /** The channel's connection, if one was chosen (else `default`). */
  async connectionOf(channelId: string): Promise<ChannelConnection | undefined> {
    return (await this.sql.get(
      `SELECT ${CHANNEL_COLUMNS} FROM channel_connections WHERE team_id = ? AND channel_id = ?`,
      [this.team, channelId],
    )) as ChannelConnection | undefined;
  }

  async use(choice: ChannelConnection): Promise<void> {
    await this.sql.run(
      `INSERT INTO channel_connections (team_id, channel_id, connection, set_by, set_at)
         VALUES (@team, @channelId, @connection, @setBy, @setAt)
         ON CONFLICT (team_id, channel_id) DO UPDATE SET connection = excluded.connection,
           set_by = excluded.set_by, set_at = excluded.set_at`,
      { ...choice, team: this.team },
    );
  }

  /** False when the channel already watched everything of that connection. */
  async watchAll(subscription: WatchAll): Promise<boolean> {
    return (
      (await this.sql.run(
        `INSERT INTO watch_all (team_id, channel_id, connection, added_by, added_at)
           VALUES (@team, @channelId, @connection, @addedBy, @addedAt)
         ON CONFLICT (team_id, channel_id, connection) DO NOTHING`,
        { ...subscription, team: this.team },
      )) === 1
    );
  }

  async unwatchAll(channelId: string, connection: string): Promise<WatchAll | undefined> {
    const existing = (await this.sql.get(
      `SELECT ${WATCH_ALL_COLUMNS} FROM watch_all
       WHERE team_id = ? AND channel_id = ? AND connection = ?`,
      [this.team, channelId, connection],
    )) as WatchAll | undefined;
    if (existing) {
      await this.sql.run(
        'DELETE FROM watch_all WHERE team_id = ? AND channel_id = ? AND connection = ?',
        [this.team, channelId, connection],
      );
    }
    return existing;
  }

  /** The channels watching everything this connection can see. */
  async watchingAll(connection: string): Promise<WatchAll[]> {
    return (await this.sql.all(
      `SELECT ${WATCH_ALL_COLUMNS} FROM watch_all WHERE team_id = ? AND connection = ?
       ORDER BY added_at`,
      [this.team, connection],
    )) as WatchAll[];
  }

  /** The "watch all" subscriptions of one channel. */
  async watchAllIn(channelId: string): Promise<WatchAll[]> {
    return (await this.sql.all(
      `SELECT ${WATCH_ALL_COLUMNS} FROM watch_all WHERE team_id = ? AND channel_id = ?
       ORDER BY connection`,
      [this.team, channelId],
    )) as WatchAll[];
  }

  /** Connections some channel watches everything of (the monitor sweeps them). */
  async watchAllConnections(): Promise<string[]> {
    const rows = (await this.sql.all(
      'SELECT DISTINCT connection FROM watch_all WHERE team_id = ? ORDER BY connection',
      [this.team],
    )) as { connection: string }[];
    return rows.map((row) => row.connection);
  }

  /** A connection was removed: channels that used it fall back to `default`. */
  async forgetConnection(connection: string): Promise<void> {
    await this.sql.run('DELETE FROM channel_connections WHERE team_id = ? AND connection = ?', [
      this.team,
      connection,
    ]);
    await this.sql.run('DELETE FROM watch_all WHERE team_id = ? AND connection = ?', [
      this.team,
      connection,
    ]);
  }
}
