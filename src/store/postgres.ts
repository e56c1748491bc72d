import { types } from 'node:util';
import pg from 'pg';
import { type Database, DatabaseUnavailableError, type Params, type Sql } from './sql';

/** SQL text with `?`/`@name` placeholders as PostgreSQL's `$1…`, and the names in order. */
interface Translated {
  text: string;
  /** For named SQL: the name bound to each `$n`. Positional SQL: undefined. */
  names: string[] | undefined;
}

const translations = new Map<string, Translated>();

/**
 * Rewrites placeholders outside quoted strings and identifiers: each `?` becomes the next `$n`;
 * each distinct `@name` gets one `$n` however often it appears. Cached per text.
 */
export function toPostgres(text: string): Translated {
  const cached = translations.get(text);
  if (cached) return cached;
  let out = '';
  let positional = 0;
  const names: string[] = [];
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (quote) {
      out += char;
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
      out += char;
    } else if (char === '?') {
      out += `$${++positional}`;
    } else if (char === '@' && /[A-Za-z_]/.test(text[i + 1] ?? '')) {
      const name = /^[A-Za-z_]\w*/.exec(text.slice(i + 1))?.[0] as string;
      let index = names.indexOf(name);
      if (index === -1) index = names.push(name) - 1;
      out += `$${index + 1}`;
      i += name.length;
    } else {
      out += char;
    }
  }
  if (positional > 0 && names.length > 0) throw new Error(`SQL mixes ? and @name: ${text}`);
  const translated = { text: out, names: names.length > 0 ? names : undefined };
  translations.set(text, translated);
  return translated;
}

function values(translated: Translated, params: Params | undefined): unknown[] {
  if (params === undefined) return [];
  if (Array.isArray(params)) return [...params];
  const named = params as Record<string, unknown>;
  return (translated.names ?? []).map((name) => {
    if (!(name in named)) throw new Error(`missing SQL parameter @${name}`);
    return named[name];
  });
}

/** Anything with pg's query(): the pool, or one client inside a transaction. */
type Queryable = Pick<pg.Pool, 'query'>;

/** Network errors of the socket to the server. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'EAI_AGAIN',
]);

/**
 * Whether an error from pg means "the server cannot answer now" rather than "this SQL is wrong":
 * the socket failed or was closed, the pool timed out connecting, or the server said it is
 * shutting down, starting, out of connections (SQLSTATE 08…, 57P0…, 53300) or cancelled the
 * statement at statement_timeout (57014).
 */
export function isUnavailable(error: unknown): boolean {
  // isNativeError too: an error from node:net (ECONNREFUSED) made in another realm (a jest
  // sandbox, a vm context) is not `instanceof` this realm's Error.
  if (!(error instanceof Error) && !types.isNativeError(error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code)) return true;
    if (/^08|^57P0/.test(code) || code === '53300' || code === '57014') return true;
  }
  return /Connection terminated|timeout exceeded when trying to connect|connection timeout|Client has encountered a connection error|not queryable/i.test(
    error.message,
  );
}

/** pg's error as DatabaseUnavailableError when the server cannot answer now; else unchanged. */
function classified(error: unknown): unknown {
  return isUnavailable(error) && !(error instanceof DatabaseUnavailableError)
    ? new DatabaseUnavailableError(error)
    : error;
}

async function query<T>(on: Queryable, text: string, params: Params | undefined) {
  const translated = toPostgres(text);
  try {
    return await on.query<T & pg.QueryResultRow>(translated.text, values(translated, params));
  } catch (error) {
    throw classified(error);
  }
}

/**
 * BIGINT (timestamps in ms, COUNT) and NUMERIC (SUM) as JavaScript numbers, as SQLite gives
 * them: every such value here is far below 2^53.
 */
const numbers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/** Statements on the pool (any connection) or on one client (a transaction's). */
abstract class Statements {
  readonly dialect = 'postgres' as const;

  constructor(private readonly on: Queryable) {}

  async all<T>(text: string, params?: Params): Promise<T[]> {
    return (await query<T>(this.on, text, params)).rows;
  }

  async get<T>(text: string, params?: Params): Promise<T | undefined> {
    return (await query<T>(this.on, text, params)).rows[0];
  }

  async run(text: string, params?: Params): Promise<number> {
    return (await query(this.on, text, params)).rowCount ?? 0;
  }
}

/** The lock every write transaction takes first (one writer at a time, as in SQLite). */
export const WRITE_LOCK = 7_212_024_001;

export interface PostgresOptions {
  /** Connections in the pool. */
  max?: number;
  /** A statement running longer than this is cancelled by the server. */
  statementTimeoutMs?: number;
  /** How long to wait for a connection (the server down, or the pool busy). */
  connectTimeoutMs?: number;
  /** A pooled connection broke while idle (the server restarted): logged, never thrown. */
  onIdleError?: (error: Error) => void;
}

/**
 * PostgreSQL through a `pg` pool: statements on any pooled connection; a transaction on one
 * connection, after `pg_advisory_xact_lock(WRITE_LOCK)` so write transactions are serialized
 * across every replica, as SQLite's BEGIN IMMEDIATE serializes them in one process. A broken
 * connection is dropped by the pool and the next statement opens a new one, so work resumes by
 * itself once the server is back.
 */
export class PostgresDatabase extends Statements implements Database {
  readonly pool: pg.Pool;

  constructor(url: string, options: PostgresOptions = {}) {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 10,
      // Short: a person's command is acked within Slack's 3 s, database or not.
      statement_timeout: options.statementTimeoutMs ?? 2_500,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 1_500,
      idleTimeoutMillis: 30_000,
      types: numbers,
    });
    super(pool);
    this.pool = pool;
    this.pool.on('error', (error) => options.onIdleError?.(error));
  }

  async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch((error: unknown) => {
      throw classified(error);
    });
    let broken: Error | undefined;
    try {
      await query(client, 'BEGIN', undefined);
      await query(client, 'SELECT pg_advisory_xact_lock(?)', [WRITE_LOCK]);
      const result = await work(new PostgresTransaction(client));
      await query(client, 'COMMIT', undefined);
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollback: Error) => {
        broken = rollback;
      });
      throw classified(error);
    } finally {
      client.release(broken);
    }
  }

  async isHealthy(): Promise<boolean> {
    try {
      await this.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Inside a transaction: its one client; a nested transaction is a savepoint. */
class PostgresTransaction extends Statements implements Sql {
  private depth = 0;

  constructor(private readonly client: pg.PoolClient) {
    super(client);
  }

  async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    const name = `nested_${++this.depth}`;
    await query(this.client, `SAVEPOINT ${name}`, undefined);
    try {
      const result = await work(this);
      await query(this.client, `RELEASE SAVEPOINT ${name}`, undefined);
      return result;
    } catch (error) {
      await query(this.client, `ROLLBACK TO SAVEPOINT ${name}`, undefined);
      throw error;
    } finally {
      this.depth--;
    }
  }
}
