/**
 * The same repository tests on both engines: `describe.each(DIALECTS)` and `storeFor(dialect)`.
 * SQLite: a new in-memory database per test. PostgreSQL: one database per test file on the
 * run's server (migrated once), emptied before each test.
 */
import { openStore } from '../../src/store/open';
import { Store } from '../../src/store/store';
import { createDatabase } from './postgres/databases';

export const DIALECTS = ['sqlite', 'postgres'] as const;
export type TestDialect = (typeof DIALECTS)[number];

/** Call inside a describe: registers its hooks and returns a function giving a fresh store. */
export function storeFor(dialect: TestDialect): () => Promise<Store> {
  const opened: Store[] = [];
  if (dialect === 'sqlite') {
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
    });
    return async () => {
      const store = new Store(':memory:');
      opened.push(store);
      return store;
    };
  }
  let database: Awaited<ReturnType<typeof createDatabase>> | undefined;
  let store: Store | undefined;
  beforeAll(async () => {
    database = await createDatabase();
    store = await openStore({ dialect: 'postgres', url: database.url });
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });
  return async () => {
    if (!store) throw new Error('storeFor(postgres): the database was not created');
    await emptyTables(store);
    return store;
  };
}

/** Every table of the schema emptied, identities restarted (schema_migrations kept). */
async function emptyTables(store: Store): Promise<void> {
  const tables = await store.database.all<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables
     WHERE schemaname = 'public' AND tablename <> 'schema_migrations'`,
  );
  await store.database.run(
    `TRUNCATE ${tables.map((table) => `"${table.name}"`).join(', ')} RESTART IDENTITY CASCADE`,
  );
}
