/**
 * Starts one real PostgreSQL for the whole `npm test` run (test/support/postgres/server.ts), on
 * a free port, in a temporary folder; each test file then makes a database of its own on it
 * (test/support/postgres/databases.ts). The URL reaches the workers through the environment.
 */
import { type PostgresServer, startPostgres } from './server';

export const URL_VARIABLE = 'NOTION_CHECK_TEST_POSTGRES_URL';

declare global {
  // Read by globalTeardown (same process).
  var notionCheckPostgres: PostgresServer | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (process.env[URL_VARIABLE]) return; // a server given from outside (or a watch re-run)
  const server = await startPostgres();
  globalThis.notionCheckPostgres = server;
  process.env[URL_VARIABLE] = server.url;
}
