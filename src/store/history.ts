import type { DailyRepo } from './daily';
import type { Db } from './db';

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

/** Every check's result, one row per target: for diagnosis, and rolled up per day for strips. */
export class HistoryRepo {
  constructor(
    private readonly db: Db,
    /** The daily roll-up (the Home tab's strips), written in the same transaction. */
    private readonly daily: DailyRepo,
  ) {}

  record(entries: CheckHistoryEntry[]): void {
    const insert = this.db.prepare(
      `INSERT INTO check_history (checked_at, connection, target, target_type, category,
         diagnosis_kind, http_status, request_id, duration_ms, channel_id, user_id)
       VALUES (@checkedAt, @connection, @target, @targetType, @category, @diagnosisKind,
         @httpStatus, @requestId, @durationMs, @channelId, @userId)`,
    );
    this.db.transaction(() => {
      for (const entry of entries) {
        insert.run({
          ...entry,
          httpStatus: entry.httpStatus ?? null,
          requestId: entry.requestId ?? null,
          channelId: entry.channelId ?? null,
          userId: entry.userId ?? null,
        });
      }
      this.daily.add(entries);
    });
  }

  recent(limit = 50): CheckHistoryEntry[] {
    return this.db
      .prepare(
        `SELECT checked_at AS checkedAt, connection, target, target_type AS targetType, category,
           diagnosis_kind AS diagnosisKind, http_status AS httpStatus, request_id AS requestId,
           duration_ms AS durationMs, channel_id AS channelId, user_id AS userId
         FROM check_history ORDER BY id DESC LIMIT ?`,
      )
      .all(limit) as CheckHistoryEntry[];
  }
}
