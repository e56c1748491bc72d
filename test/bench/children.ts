/**
 * The processes `npm run bench` measures: the real bot (`node dist/src/index.js` or `npm start`)
 * and the bare Bolt baseline, each its own child with its own event loop. Their output goes to a
 * log file, not through a pipe, so the load generator never spends time reading it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { sleep } from './support';

export const ROOT = path.resolve(__dirname, '../../..');
export const BOT_ENTRY = path.join(ROOT, 'dist/src/index.js');
export const BARE_ENTRY = path.join(__dirname, 'bareBolt.js');

export interface Child {
  process: ChildProcess;
  pid: number;
  logFile: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A port nobody listens on right now (the OS's pick, released again). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Every KEY= of a dotenv file (none when it does not exist). */
function dotenvKeys(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  const keys = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1]);
  return keys.filter((key): key is string => Boolean(key));
}

/**
 * A child's whole environment: PATH and HOME (npm needs them), `vars`, and every other variable
 * a developer's .env (or .env.example) names set to '' — the bot reads .env through dotenv,
 * which never overrides a variable that is set, and treats '' as unset.
 */
export function childEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const blanks = [
    ...dotenvKeys(path.join(ROOT, '.env.example')),
    ...dotenvKeys(path.join(ROOT, '.env')),
  ];
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...Object.fromEntries(blanks.map((key) => [key, ''])),
    ...vars,
  };
}

/** Starts `command args` in ROOT, output appended to `logFile`, in its own process group. */
export function spawnChild(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logFile: string,
): Child {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(command, args, {
    cwd: ROOT,
    env,
    stdio: ['ignore', log, log],
    detached: true,
  });
  fs.closeSync(log);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  if (child.pid === undefined) throw new Error(`could not start ${command} ${args.join(' ')}`);
  return { process: child, pid: child.pid, logFile, exited };
}

/** The status of one GET on a fresh connection; undefined when nothing answers. */
function getStatus(url: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 1_000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(undefined));
  });
}

/**
 * Polls `url` every `everyMs` until it answers with a status `ready` accepts; fails when the
 * child exits first or `timeoutMs` passes.
 */
export async function waitForHttp(
  child: Child,
  url: string,
  ready: (status: number) => boolean,
  { everyMs = 10, timeoutMs = 30_000 } = {},
): Promise<void> {
  let exited = false;
  void child.exited.then(() => {
    exited = true;
  });
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const status = await getStatus(url);
    if (status !== undefined && ready(status)) return;
    if (exited) break;
    await sleep(everyMs);
  }
  const log = fs.readFileSync(child.logFile, 'utf8').slice(-2_000);
  throw new Error(`${url} never became ready${exited ? ' (the process exited)' : ''}:\n${log}`);
}

/** SIGTERM (the way a supervisor stops it), SIGKILL to its whole group after `graceMs`. */
export async function stopChild(child: Child, graceMs = 10_000): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, graceMs);
  await child.exited;
  clearTimeout(timer);
}

/** Parent pid of every process, from /proc/<pid>/stat (the field after the command name). */
function parents(): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      byPid.set(Number(entry), ppid);
    } catch {
      // exited while we looked
    }
  }
  return byPid;
}

/** `pid` and all its descendants (npm → sh → node), each with its command line. */
export function processTree(pid: number): { pid: number; cmdline: string }[] {
  const byPid = parents();
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const [child, ppid] of byPid) if (ppid === tree[i]) tree.push(child);
  }
  return tree.flatMap((p) => {
    try {
      const cmdline = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ').trim();
      return [{ pid: p, cmdline }];
    } catch {
      return [];
    }
  });
}
