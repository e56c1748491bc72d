/**
 * "A restart keeps it" on both engines: a store per test, and `restart()` giving a Store opened
 * anew on the same database, as the next process would open it.
 *   SQLite: a temporary file (useTempStore), closed and reopened.
 *   PostgreSQL: the file's database (storeFor), and a second Store on its URL (a new pool: the
 *   restarted process, or another replica); what it reads is what the server kept.
 * Call inside a describe, like storeFor.
 */
import { openStore } from '../../../src/store/open';
import type { PostgresDatabase } from '../../../src/store/postgres';
import type { Store } from '../../../src/store/store';
import { storeFor, type TestDialect } from '../../support/stores';
import { useTempStore } from '../../support/tempStore';

export interface Restartable {
  /** An empty store for this test. */
  fresh(): Promise<Store>;
  /** The same database opened again by a new Store (closed after the test). */
  restart(): Promise<Store>;
}

export function restartableStoreFor(dialect: TestDialect, name: string): Restartable {
  if (dialect === 'sqlite') {
    const temp = useTempStore(name);
    return { fresh: async () => temp.store, restart: () => temp.restart() };
  }
  const fresh = storeFor('postgres');
  let current: Store | undefined;
  const reopened: Store[] = [];
  afterEach(async () => {
    for (const store of reopened.splice(0)) await store.close();
  });
  return {
    fresh: async () => {
      current = await fresh();
      return current;
    },
    restart: async () => {
      if (!current) throw new Error('restartableStoreFor: fresh() first');
      const pool = (current.database as PostgresDatabase).pool;
      const url = (pool.options as { connectionString: string }).connectionString;
      const store = await openStore({ dialect: 'postgres', url });
      reopened.push(store);
      return store;
    },
  };
}
