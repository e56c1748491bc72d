import type { DailyRepo } from './daily';
import type { Sql } from './sql';

export interface CheckHistoryEntry {
  checkedAt: number;
  connection: string;
  /** The Notion ID, or what the user typed when it held none, or `token` for the token check. */
  target: string;
  targetType: string;
  category: string;
  diagnosisKind: string;
  httpStatus?: number;
  requestId?: string;
  durationMs: number;
  channelId?: string;
  userId?: string;
}

const INSERT = `INSERT INTO check_history (team_id, checked_at, connection, target, target_type,
    category, diagnosis_kind, http_status, request_id, duration_ms, channel_id, user_id)
  VALUES (@team, @checkedAt, @connection, @target, @targetType, @category, @diagnosisKind,
    @httpStatus, @requestId, @durationMs, @channelId, @userId)`;

/**
 * A team's checks, one row per target: for diagnosis, and rolled up per day for strips.
 */
export class HistoryRepo {
  constructor(
    private readonly sql: Sql,
    private readonly team: string,
    /** The daily roll-up (the Home tab's strips), written in the same transaction. */
    private readonly daily: DailyRepo,
  ) {}

  async record(entries: CheckHistoryEntry[]): Promise<void> {
    await this.sql.transaction(async (tx) => {
      for (const entry of entries) {
        await tx.run(INSERT, {
          ...entry,
          team: this.team,
          httpStatus: entry.httpStatus ?? null,
          requestId: entry.requestId ?? null,
          channelId: entry.channelId ?? null,
          userId: entry.userId ?? null,
        });
      }
      await this.daily.add(entries, tx);
    });
  }

  async recent(limit = 50): Promise<CheckHistoryEntry[]> {
    return this.sql.all<CheckHistoryEntry>(
      `SELECT checked_at AS "checkedAt", connection, target, target_type AS "targetType",
         category, diagnosis_kind AS "diagnosisKind", http_status AS "httpStatus",
         request_id AS "requestId", duration_ms AS "durationMs", channel_id AS "channelId",
         user_id AS "userId"
       FROM check_history WHERE team_id = ? ORDER BY id DESC LIMIT ?`,
      [this.team, limit],
    );
  }
}
