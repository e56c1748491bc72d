import type { DiagnosisKind } from '../domain/diagnosis';
import type { ConnectionHealth, WatchState } from '../domain/watch';
import type { Sql } from './sql';
import { orNull, orUndefined } from './sql';

interface HealthRow {
  connection: string;
  state: WatchState;
  since: number;
  kind: DiagnosisKind | null;
  requestId: string | null;
  unreachableSince: number | null;
  noticePosted: number;
  lastSweepAt: number | null;
}

/** Per connection of a team: the token's state, whether Notion answers, when it was last swept. */
export class HealthRepo {
  constructor(
    private readonly sql: Sql,
    private readonly team: string,
  ) {}

  async get(connection: string): Promise<ConnectionHealth | undefined> {
    const row = (await this.sql.get(
      `SELECT connection, state, since, kind, request_id AS "requestId",
           unreachable_since AS "unreachableSince", notice_posted AS "noticePosted",
           last_sweep_at AS "lastSweepAt"
         FROM connection_health WHERE team_id = ? AND connection = ?`,
      [this.team, connection],
    )) as HealthRow | undefined;
    if (!row) return undefined;
    return {
      connection: row.connection,
      status: {
        state: row.state,
        since: row.since,
        kind: orUndefined(row.kind),
        requestId: orUndefined(row.requestId),
      },
      reachability: {
        unreachableSince: orUndefined(row.unreachableSince),
        noticePosted: row.noticePosted === 1,
      },
      lastSweepAt: orUndefined(row.lastSweepAt),
    };
  }

  async save(health: ConnectionHealth, sweptAt: number): Promise<void> {
    await this.sql.run(
      `INSERT INTO connection_health (team_id, connection, state, since, kind, request_id,
           unreachable_since, notice_posted, last_sweep_at)
         VALUES (@team, @connection, @state, @since, @kind, @requestId, @unreachableSince,
           @noticePosted, @sweptAt)
         ON CONFLICT (team_id, connection) DO UPDATE SET state = excluded.state, since = excluded.since,
           kind = excluded.kind, request_id = excluded.request_id,
           unreachable_since = excluded.unreachable_since,
           notice_posted = excluded.notice_posted, last_sweep_at = excluded.last_sweep_at`,
      {
        team: this.team,
        connection: health.connection,
        state: health.status.state,
        since: health.status.since,
        kind: orNull(health.status.kind),
        requestId: orNull(health.status.requestId),
        unreachableSince: orNull(health.reachability.unreachableSince),
        noticePosted: health.reachability.noticePosted ? 1 : 0,
        sweptAt,
      },
    );
  }

  /** The connection was removed: a new one with that name starts with a clean slate. */
  async forget(connection: string): Promise<void> {
    await this.sql.run('DELETE FROM connection_health WHERE team_id = ? AND connection = ?', [
      this.team,
      connection,
    ]);
  }
}
