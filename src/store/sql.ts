/**
 * The one interface every repository speaks: SQL text with `?` (positional) or `@name` (named)
 * placeholders, run on SQLite (sqlite.ts) or PostgreSQL (postgres.ts). Repositories write the
 * SQL both engines share (ON CONFLICT, RETURNING, quoted camelCase aliases, CASE instead of
 * boolean sums); the few places that differ ask `dialect` (e.g. lists passed as JSON).
 */
export type Dialect = 'sqlite' | 'postgres';

/** Positional values for `?`, or named values for `@name`. */
export type Params = readonly unknown[] | object;

export interface Sql {
  readonly dialect: Dialect;
  /** Every row. */
  all<T>(text: string, params?: Params): Promise<T[]>;
  /** The first row, if any. */
  get<T>(text: string, params?: Params): Promise<T | undefined>;
  /** A write; resolves to the number of rows it changed. */
  run(text: string, params?: Params): Promise<number>;
  /**
   * Runs `work` as one transaction (a savepoint inside another). Write transactions are
   * serialized across every process sharing the database, as SQLite's BEGIN IMMEDIATE does:
   * a read-modify-write (claim a click, read the state, save the next) never interleaves with
   * another. `work` must use the `tx` it is given, never the outer handle.
   */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
}

/** The database itself: an Sql, plus health and closing. */
export interface Database extends Sql {
  /** Answers a query now (for /healthz). Never throws. */
  isHealthy(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The database cannot answer now (PostgreSQL down, restarting, unreachable, or too slow): the
 * request is not done, and doing it again later may work. Listeners tell the person to try
 * again in a minute; the monitor retries at its next tick.
 */
export class DatabaseUnavailableError extends Error {
  constructor(override readonly cause: unknown) {
    super(`the database is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'DatabaseUnavailableError';
  }
}

export const isDatabaseUnavailable = (error: unknown): error is DatabaseUnavailableError =>
  error instanceof DatabaseUnavailableError;

/** A list of values as one parameter: `IN (${inList(sql, 'text')})`, bound to jsonList(ids). */
export function inList(dialect: Dialect, type: 'text' | 'bigint'): string {
  if (dialect === 'sqlite') return 'SELECT value FROM json_each(?)';
  return type === 'text'
    ? 'SELECT json_array_elements_text(?::json)'
    : 'SELECT json_array_elements_text(?::json)::bigint';
}

/** The value bound to an inList() placeholder. */
export const jsonList = (values: readonly (string | number)[]): string => JSON.stringify(values);

/** SQL NULL as TypeScript's absent value, and back. */
export const orUndefined = <T>(value: T | null): T | undefined => value ?? undefined;
export const orNull = <T>(value: T | undefined): T | null => value ?? null;
