import type { DatabaseTarget } from '../config';
import { PostgresDatabase, type PostgresOptions } from './postgres';
import { POSTGRES_MIGRATIONS } from './postgresMigrations';
import { Store } from './store';

/** The session lock held while migrating, so replicas starting together migrate once. */
const MIGRATION_LOCK = 7_212_024_002;

/**
 * Applies PostgreSQL's pending migrations, each in its own transaction, under an advisory
 * lock: a second replica starting meanwhile waits, then finds nothing left to do.
 */
export async function migratePostgres(database: PostgresDatabase): Promise<number> {
  const client = await database.pool.connect();
  try {
    // A migration may take longer than the pool's statement timeout (kept short for acks).
    await client.query('SET statement_timeout = 0');
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
    );
    const { rows } = await client.query<{ version: number }>(
      'SELECT COALESCE(MAX(version), 0)::integer AS version FROM schema_migrations',
    );
    const current = rows[0]?.version ?? 0;
    for (let version = current + 1; version <= POSTGRES_MIGRATIONS.length; version++) {
      await client.query('BEGIN');
      try {
        await client.query(POSTGRES_MIGRATIONS[version - 1] as string);
        await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
          version,
          Date.now(),
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
    return POSTGRES_MIGRATIONS.length - current;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    await client.query('RESET statement_timeout').catch(() => {});
    client.release();
  }
}

/** Opens the configured database, migrated: SQLite at once, PostgreSQL over its pool. */
export async function openStore(
  target: DatabaseTarget,
  options: PostgresOptions = {},
): Promise<Store> {
  if (target.dialect === 'sqlite') return new Store(target.path);
  const database = new PostgresDatabase(target.url, options);
  try {
    await migratePostgres(database);
  } catch (error) {
    await database.close().catch(() => {});
    throw error;
  }
  return new Store(database);
}
