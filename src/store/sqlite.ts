import type { Db } from './db';
import type { Database, Params, Sql } from './sql';

type Run = (text: string, params: Params | undefined) => unknown;

/** Calls a better-sqlite3 statement method with positional or named values. */
function bind(values: Params | undefined): unknown[] {
  if (values === undefined) return [];
  return Array.isArray(values) ? [...values] : [values];
}

/**
 * The Sql interface on the synchronous SQLite handle. Statements run at once; a transaction is
 * BEGIN IMMEDIATE … COMMIT around async work, so while one is open every statement from
 * outside it waits until it ends (it would otherwise join it, or see what it has not committed).
 * Transactions only do database work, so the wait is a few microtasks.
 */
export class SqliteDatabase implements Database {
  readonly dialect = 'sqlite' as const;
  /** Settles when the open transaction ends. */
  private open: Promise<void> | undefined;

  constructor(readonly db: Db) {}

  private readonly now: Record<'all' | 'get' | 'run', Run> = {
    all: (text, params) => this.db.prepare(text).all(...bind(params)),
    get: (text, params) => this.db.prepare(text).get(...bind(params)),
    run: (text, params) => this.db.prepare(text).run(...bind(params)).changes,
  };

  async all<T>(text: string, params?: Params): Promise<T[]> {
    while (this.open) await this.open;
    return this.now.all(text, params) as T[];
  }

  async get<T>(text: string, params?: Params): Promise<T | undefined> {
    while (this.open) await this.open;
    return this.now.get(text, params) as T | undefined;
  }

  async run(text: string, params?: Params): Promise<number> {
    while (this.open) await this.open;
    return this.now.run(text, params) as number;
  }

  async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    // Checked and taken with no await in between: a waiter woken with others re-checks.
    while (this.open) await this.open;
    let end = () => {};
    this.open = new Promise<void>((resolve) => {
      end = resolve;
    });
    try {
      this.db.handle.exec('BEGIN IMMEDIATE');
      const result = await work(new SqliteTransaction(this.db, this.now));
      this.db.handle.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.handle.inTransaction) this.db.handle.exec('ROLLBACK');
      throw error;
    } finally {
      this.open = undefined;
      end();
    }
  }

  async isHealthy(): Promise<boolean> {
    return this.db.isHealthy();
  }

  async close(): Promise<void> {
    while (this.open) await this.open;
    this.db.close();
  }
}

/** Inside a transaction: statements run at once; a nested transaction is a savepoint. */
class SqliteTransaction implements Sql {
  readonly dialect = 'sqlite' as const;
  private depth = 0;

  constructor(
    private readonly db: Db,
    private readonly now: Record<'all' | 'get' | 'run', Run>,
  ) {}

  async all<T>(text: string, params?: Params): Promise<T[]> {
    return this.now.all(text, params) as T[];
  }

  async get<T>(text: string, params?: Params): Promise<T | undefined> {
    return this.now.get(text, params) as T | undefined;
  }

  async run(text: string, params?: Params): Promise<number> {
    return this.now.run(text, params) as number;
  }

  async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    const name = `nested_${++this.depth}`;
    this.db.handle.exec(`SAVEPOINT ${name}`);
    try {
      const result = await work(this);
      this.db.handle.exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      this.db.handle.exec(`ROLLBACK TO ${name}`);
      this.db.handle.exec(`RELEASE ${name}`);
      throw error;
    } finally {
      this.depth--;
    }
  }
}
