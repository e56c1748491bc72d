import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations';
import { MonitorRepo } from './monitorRepo';

export interface ConnectionRow {
  name: string;
  source: 'env' | 'slack';
  tokenCiphertext: string | null;
  tokenFingerprint: string;
  tokenHash: string;
  updatedBy: string | null;
  updatedAt: number;
  /** NOTION_TOKEN's hash when a token was saved from Slack: if .env changes later, .env wins. */
  envTokenHash: string | null;
}

export interface WalkthroughRecord<State, Report> {
  id: string;
  channelId: string;
  reportTs: string;
  messageTs: string | null;
  state: State;
  report: Report;
}

export type UpdateResult<T> = { duplicate: true } | ({ duplicate: false } & T);

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
  /** Watches, alerts and connection health. */
  readonly monitor: MonitorRepo;

  constructor(file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
    this.monitor = new MonitorRepo(this.db);
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
                token_hash AS tokenHash, updated_by AS updatedBy, updated_at AS updatedAt,
                env_token_hash AS envTokenHash
         FROM connections WHERE name = ?`,
      )
      .get(name);
    return row as ConnectionRow | undefined;
  }

  saveConnection(row: ConnectionRow): void {
    this.db
      .prepare(
        `INSERT INTO connections (name, source, token_ciphertext, token_fingerprint, token_hash, updated_by,
           updated_at, env_token_hash)
         VALUES (@name, @source, @tokenCiphertext, @tokenFingerprint, @tokenHash, @updatedBy, @updatedAt,
           @envTokenHash)
         ON CONFLICT (name) DO UPDATE SET source = excluded.source, token_ciphertext = excluded.token_ciphertext,
           token_fingerprint = excluded.token_fingerprint, token_hash = excluded.token_hash,
           updated_by = excluded.updated_by, updated_at = excluded.updated_at,
           env_token_hash = excluded.env_token_hash`,
      )
      .run(row);
  }

  createWalkthrough<State, Report>(
    record: WalkthroughRecord<State, Report> & { status: string },
    now = Date.now(),
  ): void {
    this.db
      .prepare(
        `INSERT INTO walkthroughs (id, channel_id, report_ts, message_ts, status, state_json, report_json,
           created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        record.id,
        record.channelId,
        record.reportTs,
        record.messageTs,
        record.status,
        JSON.stringify(record.state),
        JSON.stringify(record.report),
        now,
        now,
      );
  }

  walkthroughIdByReport(channelId: string, reportTs: string): string | undefined {
    const row = this.db
      .prepare('SELECT id FROM walkthroughs WHERE channel_id = ? AND report_ts = ? LIMIT 1')
      .get(channelId, reportTs) as { id: string } | undefined;
    return row?.id;
  }

  setWalkthroughMessage(id: string, messageTs: string): void {
    this.db.prepare('UPDATE walkthroughs SET message_ts = ? WHERE id = ?').run(messageTs, id);
  }

  getWalkthrough<State, Report>(id: string): WalkthroughRecord<State, Report> | undefined {
    const row = this.db
      .prepare(
        `SELECT id, channel_id AS channelId, report_ts AS reportTs, message_ts AS messageTs,
                state_json AS stateJson, report_json AS reportJson
         FROM walkthroughs WHERE id = ?`,
      )
      .get(id) as
      | {
          id: string;
          channelId: string;
          reportTs: string;
          messageTs: string | null;
          stateJson: string;
          reportJson: string;
        }
      | undefined;
    if (!row) return undefined;
    return {
      id: row.id,
      channelId: row.channelId,
      reportTs: row.reportTs,
      messageTs: row.messageTs,
      state: JSON.parse(row.stateJson) as State,
      report: JSON.parse(row.reportJson) as Report,
    };
  }

  /**
   * Read, transform and write one walkthrough atomically (BEGIN IMMEDIATE: two clicks at once
   * are serialized). `actionKey` identifies one delivery of one click: seen before → nothing.
   */
  updateWalkthrough<
    State extends { status: string },
    T extends { changed: boolean; walkthrough: State },
  >(
    id: string,
    transform: (state: State) => T,
    actionKey?: string,
    now = Date.now(),
  ): UpdateResult<T> | undefined {
    const run = this.db.transaction((): UpdateResult<T> | undefined => {
      if (actionKey && !this.markActionProcessed(actionKey, now)) return { duplicate: true };
      const row = this.db
        .prepare('SELECT state_json AS stateJson FROM walkthroughs WHERE id = ?')
        .get(id) as { stateJson: string } | undefined;
      if (!row) return undefined;
      const result = transform(JSON.parse(row.stateJson) as State);
      if (result.changed) {
        this.db
          .prepare(
            'UPDATE walkthroughs SET state_json = ?, status = ?, updated_at = ? WHERE id = ?',
          )
          .run(JSON.stringify(result.walkthrough), result.walkthrough.status, now, id);
      }
      return { duplicate: false, ...result };
    });
    return run.immediate();
  }

  /** Records one delivery of a click; false when it was seen before (a Slack retry). */
  markActionProcessed(key: string, now = Date.now()): boolean {
    return (
      this.db
        .prepare('INSERT OR IGNORE INTO processed_actions (key, processed_at) VALUES (?, ?)')
        .run(key, now).changes === 1
    );
  }

  /** Forget de-duplication keys older than `maxAgeMs` (Slack retries within minutes). */
  pruneProcessedActions(maxAgeMs: number, now = Date.now()): void {
    this.db.prepare('DELETE FROM processed_actions WHERE processed_at < ?').run(now - maxAgeMs);
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
