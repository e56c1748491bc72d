import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations';

export type Statement = Database.Statement;

/**
 * The SQLite file through better-sqlite3: open, pragmas, migrations, health. Every repository
 * shares this one handle and its statement cache, through SqliteDatabase (sqlite.ts), which
 * gives it the async Sql interface PostgreSQL has too.
 */
export class Db {
  readonly handle: Database.Database;
  private readonly statements = new Map<string, Statement>();

  constructor(file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.handle = new Database(file);
    this.handle.pragma('journal_mode = WAL');
    // With WAL, NORMAL stays consistent after a crash and skips an fsync per commit (only the
    // last commits can be lost on power loss): every click and command writes a row.
    this.handle.pragma('synchronous = NORMAL');
    this.handle.pragma('foreign_keys = ON');
    this.handle.pragma('busy_timeout = 5000');
    this.migrate();
  }

  /** Prepared once per SQL text: preparing is a measurable share of each click's cost. */
  prepare(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.handle.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs `work` in one transaction (a savepoint when one is already open). */
  transaction<T>(work: () => T): T {
    return this.handle.transaction(work)();
  }

  private migrate(): void {
    const current = this.handle.pragma('user_version', { simple: true }) as number;
    MIGRATIONS.slice(current).forEach((migration, index) => {
      this.transaction(() => {
        if (typeof migration === 'string') this.handle.exec(migration);
        else migration(this.handle);
        this.handle.pragma(`user_version = ${current + index + 1}`);
      });
    });
  }

  /** For /healthz: the file is open and answers a query. */
  isHealthy(): boolean {
    try {
      return this.handle.open && this.prepare('SELECT 1 AS ok').get() !== undefined;
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.handle.open) this.handle.close();
  }
}

export { orNull, orUndefined } from './sql';
