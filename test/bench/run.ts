/**
 * `npm run bench`: how much slower notion-check acks than a bare Bolt app, how fast it starts
 * and how much memory it holds idle. Three processes: this one (the load generator, hosting the
 * fake Slack and Notion), the real bot (`node dist/src/index.js`, its production entry, with the
 * fakes' URLs, a temporary SQLite file and LOG_LEVEL=info going to a log file) and a bare Bolt
 * app (bareBolt.ts) that only acks. Neither app shares an event loop with the load or the other.
 *
 * Ack latency: both apps are warmed up (WARMUP requests each), then each run sends both the same
 * TOTAL signed requests (a quarter each of page checks, `help`, `list` and walkthrough clicks),
 * each built and signed beforehand and timed at the client from writing it to the whole HTTP
 * response (ackLoad.ts). The two take turns of CHUNK requests (A B B A …) so machine noise hits
 * both. Errors: non-2xx answers and no answer within 10 s. Three runs per mode; each is printed,
 * and the median of the three counts. Two modes:
 * - open loop, the one the targets are judged on: requests arrive at RATES[0] per second as a
 *   Poisson process (exponential gaps from fixed seeds, the same arrivals for both apps), sent
 *   whatever the earlier ones' answers, as Slack sends to an app. A workspace sends a few
 *   commands and clicks a second at its busiest; 100/s is far above that, yet leaves both apps
 *   mostly idle (their CPU busy is printed), so it measures how long an ack takes, not how many
 *   the app can take. The other RATES are printed too, not judged;
 * - closed loop, CONCURRENCY in flight from one client: both apps saturated, latency is queueing
 *   behind CPU per request; printed as "throughput under saturation", not judged.
 * Also printed: CPU time per request of each app over the run (the bot's includes its follow-up
 * work, which is done once the fakes hear nothing for 1 s) and of the load generator's event
 * loop during each one's turns; each one's CPU busy during its own turns (100% = one core); in
 * open loop, how late the load generator sent (p99); p50 per kind of request; and the load
 * average after each run. BENCH_BOT_ENTRY runs another build of the bot under load (before/after
 * comparisons); start-up always measures this checkout's.
 *
 * Start-up: STARTS times `npm start` (npm included) until GET /healthz answers 200, then idle
 * RSS of the bot's node process after 2 s, then SIGTERM to npm's pid; the same with plain `node`
 * for npm's share. dist/ is fresh (the script builds first), so no start should compile; one
 * that does (src/ edited meanwhile) is flagged and replaced, not counted.
 *
 * Prints PASS/FAIL per target without asserting them: exits 1 only when a request failed or
 * the bench itself did. BENCH_CPU_PROF=1 runs both apps with --cpu-prof (bot.cpuprofile and
 * bare.cpuprofile) and keeps the temp dir with them and the logs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  KINDS,
  load,
  merge,
  paced,
  poissonArrivals,
  RemoteFakes,
  type Sample,
  type Stats,
  stats,
  Target,
} from './ackLoad';
import {
  BARE_ENTRY,
  BOT_ENTRY,
  type Child,
  childEnv,
  freePort,
  spawnChild,
  stopChild,
  waitForHttp,
} from './children';
import { type StartCommand, type StartUp, startOnce } from './startup';
import {
  mainThreadCpuMs,
  median,
  procCpuMs,
  procMemoryMb,
  runBench,
  sleep,
  verdict,
} from './support';

const TOTAL = 2_000;
/**
 * The open-loop rates, req/s (BENCH_RATE overrides, e.g. `100,200`): the targets are judged on
 * the first; the others are printed too, not judged.
 */
const RATES = [100, 200];
/** The saturation runs, and the warm-ups at twice this. */
const CONCURRENCY = 50;
const RUNS = 3;
/** Requests per turn of one app; each run is A B B A A B B A … (B A A B … every other run). */
const CHUNK = 250;
/**
 * Untimed, at twice the concurrency, before the first run (JIT of Bolt's code and ours) and
 * REWARM before each run: fetch opens more sockets than requests in flight while its pool grows
 * (slow on a busy loop), and idle sockets close after 4-5 s, e.g. while the bot's checks finish.
 */
const WARMUP = 1_000;
const REWARM = 200;
const STARTS = 5;
const EXTRA_STARTS = 3;
const TARGETS = { p50Ratio: 1.2, p99Ratio: 1.3, startupMs: 1_500 };

const f = (n: number, digits = 1) => n.toFixed(digits);

/** One app under load: its process and the client side of its requests. */
interface Side {
  child: Child;
  target: Target;
}

/** Env of the bot: every setting given, so a developer's .env changes nothing. */
function botEnv(fakes: RemoteFakes, dir: string, checkInterval: string): NodeJS.ProcessEnv {
  return childEnv({
    SLACK_BOT_TOKEN: fakes.info.botToken,
    SLACK_SIGNING_SECRET: fakes.info.signingSecret,
    SLACK_APP_TOKEN: '',
    SLACK_API_URL: fakes.info.slackApiUrl,
    NOTION_TOKEN: fakes.info.notionToken,
    NOTION_API_URL: fakes.info.notionUrl,
    DATABASE_URL: `file:${path.join(dir, 'notion-check.db')}`,
    CHECK_INTERVAL: checkInterval,
    LOG_LEVEL: 'info',
  });
}

/** BENCH_CPU_PROF=1: node flags that write a .cpuprofile named after `name` into `dir`. */
function profile(dir: string, name: string): string[] {
  if (!process.env.BENCH_CPU_PROF) return [];
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}.cpuprofile`];
}

async function startBot(fakes: RemoteFakes, dir: string): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  const env = { ...botEnv(fakes, dir, '1h'), PORT: String(port) };
  const log = path.join(dir, 'bot.log');
  const entry = process.env.BENCH_BOT_ENTRY ?? BOT_ENTRY;
  if (entry !== BOT_ENTRY) console.log(`the bot under load: ${entry} (BENCH_BOT_ENTRY)`);
  const child = spawnChild(process.execPath, [...profile(dir, 'bot'), entry], env, log);
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(child, `${url}/healthz`, (status) => status === 200);
  return { child, url };
}

async function startBare(fakes: RemoteFakes, dir: string): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  const env = childEnv({
    SLACK_BOT_TOKEN: fakes.info.botToken,
    SLACK_SIGNING_SECRET: fakes.info.signingSecret,
    SLACK_API_URL: fakes.info.slackApiUrl,
    PORT: String(port),
  });
  const log = path.join(dir, 'bare.log');
  const child = spawnChild(process.execPath, [...profile(dir, 'bare'), BARE_ENTRY], env, log);
  const url = `http://127.0.0.1:${port}`;
  // Bolt's receiver answers 404 to anything but POST /slack/events: it is listening.
  await waitForHttp(child, url, () => true);
  return { child, url };
}

/**
 * How requests are sent. `paced`, the mode the targets are judged on: open loop, Poisson
 * arrivals at `perSecond` whatever the answers, the way Slack sends to one app (a workspace
 * sends a few commands and clicks a second at its busiest); it measures the bot's ack latency.
 * `saturated`: closed loop, `concurrency` in flight from one client, which keeps both apps
 * busy all the time, so latency there is queueing behind CPU work: throughput, not ack latency.
 */
type Mode = { kind: 'paced'; perSecond: number } | { kind: 'saturated'; concurrency: number };

const modeLabel = (mode: Mode) =>
  mode.kind === 'paced'
    ? `${mode.perSecond} req/s open loop (Poisson arrivals, fixed seeds)`
    : `${mode.concurrency} in flight, closed loop`;

interface AppRun extends Stats {
  /** The app's own CPU per request over the whole run, ms (the bot's includes its follow-up work). */
  cpuMs: number;
  /** The app's CPU during its own turns over their wall time: 1 is one core busy all the time. */
  busy: number;
  /** The load generator's CPU (its main thread, not the fakes' worker) per request during this app's turns, ms. */
  clientCpuMs: number;
  /** The load generator's main-thread CPU during this app's turns over their wall time. */
  clientBusy: number;
}

interface Run {
  bot: AppRun;
  bare: AppRun;
  ratio: { p50: number; p95: number; p99: number };
  followUp: { notion: number; slack: number; responses: number; seconds: number; settled: boolean };
  /** 1-minute load average at the end of the run (this bench's own three processes included). */
  loadAverage: number;
}

/** What one app's turns of a run added up to. */
interface Turns {
  samples: Sample[];
  appCpuMs: number;
  clientCpuMs: number;
  seconds: number;
}

/** Same seed for the same turn of both apps: they get the very same arrivals. */
const seedOf = (run: number, turn: number) => 1_000 * (run + 1) + turn;

/** One run: REWARM untimed, then TOTAL requests to each in alternating turns. */
async function oneRun(
  run: number,
  mode: Mode,
  bot: Side,
  bare: Side,
  fakes: RemoteFakes,
): Promise<Run> {
  await load(bot.target, 0, REWARM, 2 * CONCURRENCY);
  await load(bare.target, 0, REWARM, 2 * CONCURRENCY);
  await fakes.quiet();
  const order = run % 2 === 0 ? [bot, bare, bare, bot] : [bare, bot, bot, bare];
  const turns = new Map<Side, Turns>(
    [bot, bare].map((side) => [side, { samples: [], appCpuMs: 0, clientCpuMs: 0, seconds: 0 }]),
  );
  const [botCpu, bareCpu] = [procCpuMs(bot.child.pid), procCpuMs(bare.child.pid)];
  const before = await fakes.activity();
  for (let turn = 0; turn < (2 * TOTAL) / CHUNK; turn++) {
    const side = order[turn % order.length] as Side;
    const done = turns.get(side) as Turns;
    const from = done.samples.length * CHUNK;
    const [app, client, started] = [
      procCpuMs(side.child.pid),
      mainThreadCpuMs(),
      performance.now(),
    ];
    done.samples.push(
      mode.kind === 'paced'
        ? await paced(
            side.target,
            from,
            poissonArrivals(CHUNK, mode.perSecond, seedOf(run, done.samples.length)),
          )
        : await load(side.target, from, CHUNK, mode.concurrency),
    );
    done.seconds += (performance.now() - started) / 1000;
    done.appCpuMs += procCpuMs(side.child.pid) - app;
    done.clientCpuMs += mainThreadCpuMs() - client;
  }
  const background = await fakes.quiet();
  const after = await fakes.activity();
  const appRun = (side: Side, cpuBefore: number): AppRun => {
    const t = turns.get(side) as Turns;
    return {
      ...stats(merge(t.samples)),
      cpuMs: (procCpuMs(side.child.pid) - cpuBefore) / TOTAL,
      busy: t.appCpuMs / 1000 / t.seconds,
      clientCpuMs: t.clientCpuMs / TOTAL,
      clientBusy: t.clientCpuMs / 1000 / t.seconds,
    };
  };
  const [b, bb] = [appRun(bot, botCpu), appRun(bare, bareCpu)];
  return {
    bot: b,
    bare: bb,
    ratio: { p50: b.p50 / bb.p50, p95: b.p95 / bb.p95, p99: b.p99 / bb.p99 },
    followUp: {
      notion: after.notion - before.notion,
      slack: after.slack - before.slack,
      responses: after.responses - before.responses,
      ...background,
    },
    loadAverage: os.loadavg()[0] ?? Number.NaN,
  };
}

const pct = (n: number) => `${f(100 * n, 0)}%`;

function header(mode: Mode): string {
  const lag = mode.kind === 'paced' ? '  send lag p99' : '';
  return `  ${''.padEnd(22)}${'req err   req/s'.padEnd(20)}${['p50', 'p95', 'p99'].map((h) => h.padStart(8)).join('')}   CPU ms/req app, client   CPU busy app, client${lag}`;
}

function row(label: string, s: Pick<Stats, 'p50' | 'p95' | 'p99'>, counts = '', cpu = ''): string {
  const latencies = [s.p50, s.p95, s.p99].map((n) => f(n).padStart(8)).join('');
  return `  ${label.padEnd(22)}${counts.padEnd(20)}${latencies}${cpu}`;
}

/** CPU ms per request (app, client), CPU busy (app, client), and the send lag when paced. */
function cpuColumns(s: Pick<AppRun, 'cpuMs' | 'clientCpuMs' | 'busy' | 'clientBusy' | 'lateP99'>) {
  const perRequest = `${f(s.cpuMs, 2).padStart(5)}, ${f(s.clientCpuMs, 2)}`;
  const busy = `${pct(s.busy).padStart(4)}, ${pct(s.clientBusy)}`;
  const lag = s.lateP99 === undefined ? '' : `${f(s.lateP99).padStart(8)} ms`;
  return `   ${perRequest.padEnd(22)}   ${busy.padEnd(18)}${lag}`;
}

function ratioRow(label: string, r: Run['ratio']): string {
  const ratios = [r.p50, r.p95, r.p99].map((n) => f(n, 2).padStart(8)).join('');
  return `  ${label.padEnd(42)}${ratios}`;
}

function printRun(label: string, r: Run): void {
  const counts = (s: AppRun) =>
    `${s.requests} ${String(s.errors).padStart(3)} ${f(s.perSecond).padStart(7)}`;
  console.log(row(`${label} notion-check`, r.bot, counts(r.bot), cpuColumns(r.bot)));
  console.log(row(`${label} bare Bolt`, r.bare, counts(r.bare), cpuColumns(r.bare)));
  console.log(ratioRow(`${label} ratio`, r.ratio));
  for (const s of [r.bot, r.bare])
    if (s.firstError) console.log(`    first error: ${s.firstError}`);
  const { notion, slack, responses, seconds, settled } = r.followUp;
  const last = settled ? `the last ${f(seconds)} s after the last ack` : 'NOT finished after 60 s';
  console.log(
    `    bot's follow-up work: ${notion} Notion requests, ${slack} Slack calls, ${responses} response_url posts, ${last}; load average ${f(r.loadAverage, 2)}`,
  );
}

function memory(child: Child): string {
  const { rss, peak } = procMemoryMb(child.pid);
  return `${f(rss)} MB (peak ${f(peak)})`;
}

interface Median {
  ratio: Run['ratio'];
  bot: AppRun;
  bare: AppRun;
}

/** The runs of one mode and their medians. */
interface ModeResult {
  mode: Mode;
  runs: Run[];
  median: Median;
  errors: number;
}

interface AckResult {
  /** The first is the one the targets are judged on. */
  paced: ModeResult[];
  saturated: ModeResult;
  errors: number;
  rss: { label: string; bot: string; bare: string }[];
}

function medianOf(runs: Run[], pick: (r: Run) => AppRun): AppRun {
  const m = (key: keyof AppRun) => median(runs.map((r) => Number(pick(r)[key])));
  const errors = runs.reduce((sum, r) => sum + pick(r).errors, 0);
  const lag = runs.every((r) => pick(r).lateP99 !== undefined) ? { lateP99: m('lateP99') } : {};
  return {
    requests: TOTAL,
    errors,
    perSecond: m('perSecond'),
    p50: m('p50'),
    p95: m('p95'),
    p99: m('p99'),
    p50ByKind: KINDS.map((_, k) => median(runs.map((r) => pick(r).p50ByKind[k] as number))),
    cpuMs: m('cpuMs'),
    busy: m('busy'),
    clientCpuMs: m('clientCpuMs'),
    clientBusy: m('clientBusy'),
    ...lag,
  };
}

/** RUNS runs in `mode`, each printed, then their medians. */
async function runMode(mode: Mode, title: string, bot: Side, bare: Side, fakes: RemoteFakes) {
  console.log(`\n${title}`);
  console.log(
    `ack latency, ms (client side: sent → whole response), ${TOTAL} requests each, ${modeLabel(mode)}, turns of ${CHUNK}`,
  );
  console.log(header(mode));
  const runs: Run[] = [];
  for (let run = 0; run < RUNS; run++) {
    runs.push(await oneRun(run, mode, bot, bare, fakes));
    printRun(`run ${run + 1}`, runs[run] as Run);
  }
  const med: Median = {
    ratio: {
      p50: median(runs.map((r) => r.ratio.p50)),
      p95: median(runs.map((r) => r.ratio.p95)),
      p99: median(runs.map((r) => r.ratio.p99)),
    },
    bot: medianOf(runs, (r) => r.bot),
    bare: medianOf(runs, (r) => r.bare),
  };
  console.log(row('median notion-check', med.bot, '', cpuColumns(med.bot)));
  console.log(row('median bare Bolt', med.bare, '', cpuColumns(med.bare)));
  console.log(ratioRow('median ratio', med.ratio));
  const byKind = (s: AppRun) => s.p50ByKind.map((p) => f(p, 2)).join(' / ');
  console.log(
    `  median p50 by kind (${KINDS.join(' / ')}): notion-check ${byKind(med.bot)}, bare Bolt ${byKind(med.bare)} ms`,
  );
  return { mode, runs, median: med, errors: med.bot.errors + med.bare.errors };
}

/** RATES, or BENCH_RATE's comma-separated list. */
function pacedRates(): number[] {
  const rates = (process.env.BENCH_RATE ?? RATES.join(',')).split(',').map(Number);
  if (rates.some((r) => !(r > 0))) throw new Error(`BENCH_RATE: not a list of rates: ${rates}`);
  return rates;
}

async function ackBench(fakes: RemoteFakes, dir: string): Promise<AckResult> {
  const [botApp, bareApp] = await Promise.all([startBot(fakes, dir), startBare(fakes, dir)]);
  try {
    await sleep(2_000);
    const rss = [
      { label: 'idle after start', bot: memory(botApp.child), bare: memory(bareApp.child) },
    ];
    const clicks = await fakes.walkthroughs(botApp.url);
    console.log(`walkthroughs: 3, Done/Skip buttons to click: ${clicks.length}`);
    const side = (name: string, app: { child: Child; url: string }): Side => ({
      child: app.child,
      target: new Target(name, app.url, fakes, clicks),
    });
    const [bot, bare] = [side('notion-check', botApp), side('bare Bolt', bareApp)];
    await load(bot.target, 0, WARMUP, 2 * CONCURRENCY);
    await load(bare.target, 0, WARMUP, 2 * CONCURRENCY);
    await fakes.quiet();
    rss.push({ label: 'after warm-up', bot: memory(bot.child), bare: memory(bare.child) });

    const paced: ModeResult[] = [];
    for (const [i, perSecond] of pacedRates().entries()) {
      const title =
        i === 0
          ? `== targets judged at ${perSecond} req/s open loop: the bot's ack latency, not its throughput ==`
          : `== also at ${perSecond} req/s open loop (not judged) ==`;
      paced.push(await runMode({ kind: 'paced', perSecond }, title, bot, bare, fakes));
    }
    const saturated = await runMode(
      { kind: 'saturated', concurrency: CONCURRENCY },
      `== throughput under saturation (not judged): ${CONCURRENCY} in flight from one client keep both apps busy, so latency is queueing behind CPU per request ==`,
      bot,
      bare,
      fakes,
    );
    await sleep(2_000);
    rss.push({
      label: 'after the runs, 2 s idle',
      bot: memory(bot.child),
      bare: memory(bare.child),
    });
    for (const side of [bot, bare]) side.target.close();
    const errors = [...paced, saturated].reduce((sum, m) => sum + m.errors, 0);
    return { paced, saturated, errors, rss };
  } finally {
    await Promise.all([stopChild(botApp.child), stopChild(bareApp.child)]);
  }
}

const STOPS: Record<StartUp['stop'], string> = {
  clean: 'stopped by SIGTERM',
  orphaned: 'ORPHANED: SIGTERM to npm did not reach the bot',
  unclean: 'exited non-zero after SIGTERM',
};

/**
 * STARTS restarts of each command. A start that compiled (another engineer edited src/ after
 * the bench's build) is shown but not counted, and replaced, up to EXTRA_STARTS times.
 */
async function startupBench(
  fakes: RemoteFakes,
  dir: string,
): Promise<Record<StartCommand, StartUp[]>> {
  const result: Record<StartCommand, StartUp[]> = { 'npm start': [], 'node dist/src/index.js': [] };
  console.log(`\nstart-up: spawn → GET /healthz 200 (polled every 10 ms), then RSS after 2 s idle`);
  for (const command of Object.keys(result) as StartCommand[]) {
    const db = fs.mkdtempSync(path.join(dir, 'start-'));
    const env = botEnv(fakes, db, '');
    const starts = result[command];
    for (let i = 0; restarts(starts).length < STARTS && i < STARTS + EXTRA_STARTS; i++) {
      const start = await startOnce(command, env, path.join(db, 'start.log'));
      starts.push(start);
      const tree = command === 'npm start' ? ` (npm + sh + bot ${f(start.treeRssMb)} MB)` : '';
      const compiled = start.compiled
        ? ', COMPILED (src/ changed during the bench): not counted'
        : '';
      console.log(
        `  ${command.padEnd(24)}#${i + 1} ${f(start.ms, 0).padStart(5)} ms   bot RSS ${f(start.idleRssMb)} MB${tree}, ${STOPS[start.stop]}${compiled}`,
      );
    }
  }
  return result;
}

/** How the starts ended after SIGTERM, e.g. `5/5 stopped by SIGTERM`. */
function stops(starts: StartUp[]): string {
  const counts = new Map<StartUp['stop'], number>();
  for (const { stop } of starts) counts.set(stop, (counts.get(stop) ?? 0) + 1);
  return [...counts].map(([stop, n]) => `${n}/${starts.length} ${STOPS[stop]}`).join(', ');
}

/** The starts that measured a restart: those that did not compile first. */
const restarts = (starts: StartUp[]) => starts.filter((s) => !s.compiled);

function machine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${os.availableParallelism()} CPUs (${cpu}), ${f(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

const loadAverage = () =>
  os
    .loadavg()
    .map((n) => f(n, 2))
    .join(' ');

function summary(ack: AckResult, starts: Record<StartCommand, StartUp[]>): void {
  const npm = restarts(starts['npm start']);
  const node = restarts(starts['node dist/src/index.js']);
  const compiled = starts['npm start'].length - npm.length;
  const npmMs = median(npm.map((s) => s.ms));
  const judged = ack.paced[0] as ModeResult;
  const { ratio } = judged.median;
  const latency = (m: ModeResult, p: 'p50' | 'p99'): [string, string] => [
    `ack ${p} notion-check / bare`,
    `${f(m.median.bot[p])} / ${f(m.median.bare[p])} ms, ratio ${f(m.median.ratio[p], 2)}`,
  ];
  const busy = (m: ModeResult): [string, string] => [
    'CPU busy during its turns',
    `bot ${pct(m.median.bot.busy)}, bare Bolt ${pct(m.median.bare.busy)} of one core (CPU ms/req ${f(m.median.bot.cpuMs, 2)} / ${f(m.median.bare.cpuMs, 2)})`,
  ];
  const perMode = (m: ModeResult): [string, string][] => [
    [`${m === judged ? 'JUDGED' : 'not judged'}:`, modeLabel(m.mode)],
    latency(m, 'p50'),
    latency(m, 'p99'),
    busy(m),
    ...(m.mode.kind === 'saturated'
      ? [
          [
            'throughput notion-check / bare',
            `${f(m.median.bot.perSecond, 0)} / ${f(m.median.bare.perSecond, 0)} req/s`,
          ] as [string, string],
        ]
      : []),
  ];
  const lines: [string, string][] = [
    ...ack.paced.flatMap(perMode),
    ...perMode(ack.saturated),
    ['errors (all runs, both apps)', String(ack.errors)],
    [
      'start-up, npm start',
      `${f(npmMs, 0)} ms over ${npm.length} restarts (plain node: ${f(median(node.map((s) => s.ms)), 0)} ms)${compiled ? `; ${compiled} more compiled first, not counted` : ''}`,
    ],
    [
      'idle RSS of the bot after start',
      `${f(median(npm.map((s) => s.idleRssMb)))} MB (npm + sh + bot: ${f(median(npm.map((s) => s.treeRssMb)))} MB)`,
    ],
    ...ack.rss.map(({ label, bot, bare }): [string, string] => [
      `RSS ${label}`,
      `bot ${bot}, bare Bolt ${bare}`,
    ]),
    ['SIGTERM to npm start', stops(starts['npm start'])],
  ];
  console.log('\nsummary (medians of the runs)');
  for (const [label, value] of lines) console.log(`  ${label.padEnd(34)}${value}`);
  console.log('');
  const rate = modeLabel(judged.mode);
  const targets: [string, boolean][] = [
    [
      `p50 ack ratio ≤ ${TARGETS.p50Ratio} at ${rate} (${f(ratio.p50, 2)})`,
      ratio.p50 <= TARGETS.p50Ratio,
    ],
    [
      `p99 ack ratio ≤ ${TARGETS.p99Ratio} at ${rate} (${f(ratio.p99, 2)})`,
      ratio.p99 <= TARGETS.p99Ratio,
    ],
    [`0 errors, every mode (${ack.errors})`, ack.errors === 0],
    [
      `npm start → /healthz < ${TARGETS.startupMs} ms (${f(npmMs, 0)} ms)`,
      npmMs < TARGETS.startupMs,
    ],
  ];
  const all = verdict(targets);
  const missed = targets.filter(([, ok]) => !ok).map(([label]) => label);
  console.log(`verdict: ${all ? 'all targets met' : `missed ${missed.join('; ')}`}`);
}

async function main(): Promise<boolean> {
  console.log(`machine: ${machine()}; load average ${loadAverage()}`);
  const fakes = await RemoteFakes.start();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notion-check-bench-'));
  try {
    const ack = await ackBench(fakes, dir);
    const starts = await startupBench(fakes, dir);
    summary(ack, starts);
    console.log(`load average at the end ${loadAverage()}`);
    return ack.errors === 0;
  } finally {
    await fakes.stop();
    if (process.env.BENCH_CPU_PROF) console.log(`CPU profiles and logs: ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

runBench(main);
