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

/** A Notion token someone pasted in Slack: only its hash and fingerprint are kept. */
export interface LeakRecord {
  id: string;
  channelId: string;
  messageTs: string;
  tokenHash: string;
  fingerprint: string;
  connection: string | null;
  reportedBy: string | null;
  createdAt: number;
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

export function statementCache(db: Database.Database): (sql: string) => Database.Statement {
  const statements = new Map<string, Database.Statement>();
  return (sql) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
}

const CONNECTION_COLUMNS = `name, source, token_ciphertext AS tokenCiphertext,
  token_fingerprint AS tokenFingerprint, token_hash AS tokenHash, updated_by AS updatedBy,
  updated_at AS updatedAt, env_token_hash AS envTokenHash`;

/** SQLite through better-sqlite3: synchronous, so every method is one short transaction. */
export class Store {
  private readonly db: Database.Database;
  /** Watches, alerts and connection health. */
  readonly monitor: MonitorRepo;
  /** Prepared once per SQL text: preparing is a measurable share of each click's cost. */
  private readonly prepare: (sql: string) => Database.Statement;

  constructor(file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // With WAL, NORMAL stays consistent after a crash and skips an fsync per commit (only the
    // last commits can be lost on power loss): every click and command writes a row.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.prepare = statementCache(this.db);
    this.migrate();
    this.monitor = new MonitorRepo(this.db, this.prepare);
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
      return this.db.open && this.prepare('SELECT 1 AS ok').get() !== undefined;
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  getConnection(name: string): ConnectionRow | undefined {
    const row = this.prepare(`SELECT ${CONNECTION_COLUMNS} FROM connections WHERE name = ?`).get(
      name,
    );
    return row as ConnectionRow | undefined;
  }

  listConnections(): ConnectionRow[] {
    return this.prepare(
      `SELECT ${CONNECTION_COLUMNS} FROM connections ORDER BY name`,
    ).all() as ConnectionRow[];
  }

  saveConnection(row: ConnectionRow): void {
    this.prepare(
      `INSERT INTO connections (name, source, token_ciphertext, token_fingerprint, token_hash, updated_by,
           updated_at, env_token_hash)
         VALUES (@name, @source, @tokenCiphertext, @tokenFingerprint, @tokenHash, @updatedBy, @updatedAt,
           @envTokenHash)
         ON CONFLICT (name) DO UPDATE SET source = excluded.source, token_ciphertext = excluded.token_ciphertext,
           token_fingerprint = excluded.token_fingerprint, token_hash = excluded.token_hash,
           updated_by = excluded.updated_by, updated_at = excluded.updated_at,
           env_token_hash = excluded.env_token_hash`,
    ).run(row);
  }

  /** Connections whose current token is one of these hashes (a leaked token we hold). */
  connectionsByTokenHash(hashes: string[]): { name: string; tokenFingerprint: string }[] {
    if (hashes.length === 0) return [];
    return this.prepare(
      `SELECT name, token_fingerprint AS tokenFingerprint FROM connections
         WHERE token_hash IN (${hashes.map(() => '?').join(', ')})`,
    ).all(...hashes) as { name: string; tokenFingerprint: string }[];
  }

  /** `at` null clears the mark (a new token was saved). */
  markCompromised(name: string, at: number | null): void {
    this.prepare('UPDATE connections SET compromised_at = ? WHERE name = ?').run(at, name);
  }

  isCompromised(name: string): boolean {
    const row = this.prepare('SELECT compromised_at AS at FROM connections WHERE name = ?').get(
      name,
    ) as { at: number | null } | undefined;
    return row?.at != null;
  }

  /** Records a pasted token once per message; false when this message was seen already. */
  recordLeak(leak: LeakRecord): boolean {
    return (
      this.prepare(
        `INSERT OR IGNORE INTO leaks (id, channel_id, message_ts, token_hash, fingerprint, connection,
             reported_by, created_at)
           VALUES (@id, @channelId, @messageTs, @tokenHash, @fingerprint, @connection, @reportedBy, @createdAt)`,
      ).run(leak).changes === 1
    );
  }

  getLeak(id: string): LeakRecord | undefined {
    return this.prepare(
      `SELECT id, channel_id AS channelId, message_ts AS messageTs, token_hash AS tokenHash,
                fingerprint, connection, reported_by AS reportedBy, created_at AS createdAt
         FROM leaks WHERE id = ?`,
    ).get(id) as LeakRecord | undefined;
  }

  createWalkthrough<State, Report>(
    record: WalkthroughRecord<State, Report> & { status: string },
    now = Date.now(),
  ): void {
    this.prepare(
      `INSERT INTO walkthroughs (id, channel_id, report_ts, message_ts, status, state_json, report_json,
           created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
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
    const row = this.prepare(
      'SELECT id FROM walkthroughs WHERE channel_id = ? AND report_ts = ? LIMIT 1',
    ).get(channelId, reportTs) as { id: string } | undefined;
    return row?.id;
  }

  getWalkthrough<State, Report>(id: string): WalkthroughRecord<State, Report> | undefined {
    const row = this.prepare(
      `SELECT id, channel_id AS channelId, report_ts AS reportTs, message_ts AS messageTs,
                state_json AS stateJson, report_json AS reportJson
         FROM walkthroughs WHERE id = ?`,
    ).get(id) as
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
      const row = this.prepare('SELECT state_json AS stateJson FROM walkthroughs WHERE id = ?').get(
        id,
      ) as { stateJson: string } | undefined;
      if (!row) return undefined;
      const result = transform(JSON.parse(row.stateJson) as State);
      if (result.changed) {
        this.prepare(
          'UPDATE walkthroughs SET state_json = ?, status = ?, updated_at = ? WHERE id = ?',
        ).run(JSON.stringify(result.walkthrough), result.walkthrough.status, now, id);
      }
      return { duplicate: false, ...result };
    });
    return run.immediate();
  }

  /** Records one delivery of a click; false when it was seen before (a Slack retry). */
  markActionProcessed(key: string, now = Date.now()): boolean {
    return (
      this.prepare('INSERT OR IGNORE INTO processed_actions (key, processed_at) VALUES (?, ?)').run(
        key,
        now,
      ).changes === 1
    );
  }

  /**
   * True unless the same key was claimed within `windowMs` (a double-submitted command).
   * One statement, so two deliveries at once cannot both win.
   */
  claimOnceWithin(key: string, windowMs: number, now = Date.now()): boolean {
    return (
      this.prepare(
        `INSERT INTO processed_actions (key, processed_at) VALUES (@key, @now)
           ON CONFLICT (key) DO UPDATE SET processed_at = @now WHERE processed_at <= @now - @windowMs`,
      ).run({ key, now, windowMs }).changes === 1
    );
  }

  /** Forget de-duplication keys older than `maxAgeMs` (Slack retries within minutes). */
  pruneProcessedActions(maxAgeMs: number, now = Date.now()): void {
    this.prepare('DELETE FROM processed_actions WHERE processed_at < ?').run(now - maxAgeMs);
  }

  recordChecks(entries: CheckHistoryEntry[]): void {
    const insert = this.prepare(
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
    return this.prepare(
      `SELECT checked_at AS checkedAt, connection, target, target_type AS targetType, category,
                diagnosis_kind AS diagnosisKind, http_status AS httpStatus, request_id AS requestId,
                duration_ms AS durationMs, channel_id AS channelId, user_id AS userId
         FROM check_history ORDER BY id DESC LIMIT ?`,
    ).all(limit) as CheckHistoryEntry[];
  }
}
