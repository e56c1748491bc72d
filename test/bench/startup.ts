/**
 * Start-up of the bot for `npm run bench`: the time from spawning `npm start` (npm itself
 * included, the way a person or a supervisor starts it) to the first 200 from GET /healthz,
 * polled every 10 ms on a fresh connection; then, after 2 s idle, the RSS of the bot's node
 * process (not npm's) read from /proc; then SIGTERM to the spawned pid and how the bot ended.
 */
import fs from 'node:fs';
import {
  BOT_ENTRY,
  type Child,
  freePort,
  processTree,
  spawnChild,
  stopChild,
  waitForHttp,
} from './children';
import { procMemoryMb, sleep } from './support';

const IDLE_MS = 2_000;

export interface StartUp {
  /** Spawn → /healthz 200. */
  ms: number;
  /** The bot's node process after IDLE_MS idle. */
  idleRssMb: number;
  /** npm, sh and the bot together. */
  treeRssMb: number;
  /** bin/start.js compiled first: src/ changed after the bench built dist/ (the time is not a restart's). */
  compiled: boolean;
  /**
   * After SIGTERM to the spawned pid: `clean`, the bot shut down and it exited 0; `orphaned`,
   * it exited but the bot kept running without a parent (npm's `sh -c` does not pass the
   * signal on); `unclean`, a non-zero exit or a kill.
   */
  stop: 'clean' | 'orphaned' | 'unclean';
}

export type StartCommand = 'npm start' | 'node dist/src/index.js';

function spawnBot(command: StartCommand, env: NodeJS.ProcessEnv, logFile: string): Child {
  return command === 'npm start'
    ? spawnChild('npm', ['start'], env, logFile)
    : spawnChild(process.execPath, [BOT_ENTRY], env, logFile);
}

/** The bot's own node process: node running bin/start.js or dist/src/index.js. */
function botPid(child: Child): number {
  const tree = processTree(child.pid);
  const bot = tree.find((p) => /^\S*node\s.*(bin\/start\.js|dist\/src\/index\.js)/.test(p.cmdline));
  if (!bot) {
    throw new Error(`no bot process under ${child.pid}: ${tree.map((p) => p.cmdline).join(' | ')}`);
  }
  return bot.pid;
}

/** One start: `env` must hold everything but PORT (a free port is chosen here). */
export async function startOnce(
  command: StartCommand,
  env: NodeJS.ProcessEnv,
  logFile: string,
): Promise<StartUp> {
  const port = await freePort();
  const logStart = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
  const started = performance.now();
  const child = spawnBot(command, { ...env, PORT: String(port) }, logFile);
  try {
    // Generous: a start that compiles (src/ edited meanwhile) takes 10-60 s; it is flagged.
    await waitForHttp(child, `http://127.0.0.1:${port}/healthz`, (status) => status === 200, {
      timeoutMs: 120_000,
    });
    const ms = performance.now() - started;
    await sleep(IDLE_MS);
    const bot = botPid(child);
    const idleRssMb = procMemoryMb(bot).rss;
    const treeRssMb = processTree(child.pid).reduce((sum, p) => sum + procMemoryMb(p.pid).rss, 0);
    const log = fs.readFileSync(logFile, 'utf8').slice(logStart);
    const compiled = log.includes('compiling TypeScript');
    return { ms, idleRssMb, treeRssMb, compiled, stop: await stop(child, bot) };
  } finally {
    await stopChild(child);
  }
}

/**
 * SIGTERM to the spawned pid only, as `kill <pid>`, Docker or a pid-file supervisor do; then
 * how the bot ended. An orphaned bot gets its own SIGTERM (and SIGKILL after 10 s).
 */
async function stop(child: Child, bot: number): Promise<StartUp['stop']> {
  await stopChild(child);
  const { code } = await child.exited;
  // npm exits as soon as its script does: give the bot a moment to finish its shutdown.
  for (let waited = 0; waited < 3_000 && alive(bot); waited += 20) await sleep(20);
  if (!alive(bot)) return code === 0 ? 'clean' : 'unclean';
  process.kill(bot, 'SIGTERM');
  for (let waited = 0; waited < 10_000 && alive(bot); waited += 20) await sleep(20);
  if (alive(bot)) process.kill(bot, 'SIGKILL');
  return 'orphaned';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie has exited; it only waits for its parent (or init) to reap it.
    return !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}
