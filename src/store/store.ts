import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations';

export interface ConnectionRow {
  name: string;
  source: 'env' | 'slack';
  tokenCiphertext: string | null;
  tokenFingerprint: string;
  tokenHash: string;
  updatedBy: string | null;
  updatedAt: number;
}

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

/** SQLite through better-sqlite3: synchronous, so every method is one short transaction. */
export class Store {
  private readonly db: Database.Database;

  constructor(file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
  }

  private migrate(): void {
    const current = this.db.pragma('user_version', { simple: true }) as number;
    MIGRATIONS.slice(current).forEach((sql, index) => {
      this.db.transaction(() => {
        this.db.exec(sql);
        this.db.pragma(`user_version = ${current + index + 1}`);
      })();
    });
  }

  /** For /healthz: the file is open and answers a query. */
  isHealthy(): boolean {
    try {
      return this.db.open && this.db.prepare('SELECT 1 AS ok').get() !== undefined;
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  getConnection(name: string): ConnectionRow | undefined {
    const row = this.db
      .prepare(
        `SELECT name, source, token_ciphertext AS tokenCiphertext, token_fingerprint AS tokenFingerprint,
                token_hash AS tokenHash, updated_by AS updatedBy, updated_at AS updatedAt
         FROM connections WHERE name = ?`,
      )
      .get(name);
    return row as ConnectionRow | undefined;
  }

  saveConnection(row: ConnectionRow): void {
    this.db
      .prepare(
        `INSERT INTO connections (name, source, token_ciphertext, token_fingerprint, token_hash, updated_by, updated_at)
         VALUES (@name, @source, @tokenCiphertext, @tokenFingerprint, @tokenHash, @updatedBy, @updatedAt)
         ON CONFLICT (name) DO UPDATE SET source = excluded.source, token_ciphertext = excluded.token_ciphertext,
           token_fingerprint = excluded.token_fingerprint, token_hash = excluded.token_hash,
           updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      )
      .run(row);
  }

  recordChecks(entries: CheckHistoryEntry[]): void {
    const insert = this.db.prepare(
      `INSERT INTO check_history (checked_at, connection, target, target_type, category, diagnosis_kind,
         http_status, request_id, duration_ms, channel_id, user_id)
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
    })();
  }

  recentChecks(limit = 50): CheckHistoryEntry[] {
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
