/**
 * The load generator of `npm run bench` and the fakes it talks to. The request mix: a quarter
 * each of page checks, `help`, `list` and walkthrough Done/Skip clicks, signed like Slack's.
 * Sent either closed loop (a fixed number in flight, the next one as soon as one is answered:
 * throughput under saturation) or open loop (at fixed arrival times, whatever the answers: the
 * way Slack sends to one app). Each request is built and signed before its clock starts and sent
 * with node:http over keep-alive connections, timed from the write to the whole response, so the
 * client's own work (building, signing, fetch's machinery: 0.5-1 ms a request) is not counted
 * as the app's latency.
 *
 * The fake Slack and Notion run in a worker thread (fakesWorker.ts): the bot's follow-up work
 * (response_url posts, Slack calls, Notion requests) is handled there, not on the event loop that
 * times the requests, and their garbage is collected on another heap.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { FakeNotion } from '../fakes/fakeNotion';
import { FakeSlack, SLACK_IDS, type SlackCall } from '../fakes/fakeSlack';
import {
  blockActionPayload,
  eventsUrl,
  sendSlashCommand,
  slackHeaders,
} from '../support/slackRequest';
import { percentile, sleep } from './support';

/** A request that has no answer by then counts as an error (Slack gives up after 3 s). */
const REQUEST_TIMEOUT_MS = 10_000;

const pageId = () => randomUUID().replaceAll('-', '');

export interface Click {
  actionId: string;
  value: string;
  messageTs: string;
}

/** The fake Slack and Notion on loopback, with the pages of the mix (run in fakesWorker.ts). */
export class Fakes {
  readonly slack = new FakeSlack();
  readonly notion = new FakeNotion();
  readonly signingSecret = randomBytes(16).toString('hex');
  /** Obviously fake, built at run time so no token-shaped literal sits in the repository. */
  readonly notionToken = `ntn_${'0'.repeat(40)}bench`;
  /** Pages the integration can see (the mix checks these) and pages it cannot (walkthroughs). */
  readonly sharedPages = [pageId(), pageId(), pageId(), pageId()];
  readonly unsharedPages = [pageId(), pageId(), pageId()];

  async start(): Promise<this> {
    await Promise.all([this.slack.start(), this.notion.start()]);
    this.notion.addIntegration({
      token: this.notionToken,
      name: 'Zapier Sync',
      workspaceName: 'Acme',
    });
    for (const id of this.sharedPages)
      this.notion.addPage({ id, title: id, sharedWith: [this.notionToken] });
    for (const id of this.unsharedPages) this.notion.addPage({ id, title: id });
    return this;
  }

  async stop(): Promise<void> {
    await Promise.all([this.slack.stop(), this.notion.stop()]);
  }

  /** Everything the bot has sent the fakes so far: Notion requests, Slack calls, response_url posts. */
  activity(): { notion: number; slack: number; responses: number } {
    const { notion, slack } = this;
    return {
      notion: notion.requests.length,
      slack: slack.calls.length,
      responses: slack.responses.length,
    };
  }
}

function buttonsOf(call: SlackCall): { action_id: string; value: string }[] {
  const blocks = (call.body.blocks ?? []) as { type: string; elements?: unknown[] }[];
  return blocks
    .filter((block) => block.type === 'actions')
    .flatMap((block) => (block.elements ?? []) as { action_id: string; value: string }[]);
}

/**
 * Has the bot check each unshared page and collects the Done/Skip buttons of its walkthrough
 * (in the fakes' worker: it waits for the bot's chat.postMessage).
 */
export async function createWalkthroughs(botUrl: string, fakes: Fakes): Promise<Click[]> {
  const clicks: Click[] = [];
  for (const page of fakes.unsharedPages) {
    const before = fakes.slack.calls.length;
    const sent = await sendSlashCommand(botUrl, fakes.signingSecret, {
      text: page,
      responseUrl: fakes.slack.responseUrl(`setup-${page}`),
    });
    if (sent.status !== 200) throw new Error(`set-up check answered HTTP ${sent.status}`);
    const post = await fakes.slack.waitFor(
      'chat.postMessage',
      (c) =>
        fakes.slack.calls.indexOf(c) >= before &&
        Boolean(c.body.thread_ts) &&
        buttonsOf(c).length > 0,
      15_000,
    );
    const messageTs = String(post.response?.ts);
    for (const { action_id: actionId, value } of buttonsOf(post)) {
      if (/^walkthrough_(done|skip)$/.test(actionId)) clicks.push({ actionId, value, messageTs });
    }
  }
  if (clicks.length === 0) throw new Error('the walkthroughs have no Done/Skip buttons');
  return clicks;
}

/** What the worker hosting the fakes tells the load generator once they listen. */
export interface FakesInfo {
  signingSecret: string;
  botToken: string;
  slackApiUrl: string;
  notionUrl: string;
  notionToken: string;
  /** A response_url without its id: `${responseBase}${encodeURIComponent(id)}`. */
  responseBase: string;
  /** The pages the mix's checks name (the integration can see them). */
  sharedPages: string[];
}

export type Activity = ReturnType<Fakes['activity']>;

/** A question to the fakes' worker; each answer carries the same `id`. */
export type FakesRequest =
  | { id: number; op: 'activity' }
  | { id: number; op: 'walkthroughs'; botUrl: string }
  | { id: number; op: 'stop' };

/** A FakesRequest before it gets its id. */
type FakesQuestion<R = FakesRequest> = R extends FakesRequest ? Omit<R, 'id'> : never;

export type FakesAnswer =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: string };

/** The load generator's side of the fakes, which run in a worker thread (fakesWorker.ts). */
export class RemoteFakes {
  private nextId = 0;
  private readonly waiting = new Map<number, (answer: FakesAnswer) => void>();

  private constructor(
    private readonly worker: Worker,
    readonly info: FakesInfo,
  ) {
    worker.on('message', (answer: FakesAnswer) => {
      this.waiting.get(answer.id)?.(answer);
      this.waiting.delete(answer.id);
    });
  }

  static async start(): Promise<RemoteFakes> {
    const worker = new Worker(path.join(__dirname, 'fakesWorker.js'));
    const info = await new Promise<FakesInfo>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the fakes' worker exited (${code})`)));
    });
    worker.on('error', (error) => console.error(`the fakes' worker failed: ${String(error)}`));
    return new RemoteFakes(worker, info);
  }

  get signingSecret(): string {
    return this.info.signingSecret;
  }

  get sharedPages(): string[] {
    return this.info.sharedPages;
  }

  responseUrl(id: string): string {
    return `${this.info.responseBase}${encodeURIComponent(id)}`;
  }

  private ask<T>(request: FakesQuestion): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, (answer) =>
        answer.ok ? resolve(answer.value as T) : reject(new Error(answer.error)),
      );
      this.worker.postMessage({ ...request, id });
    });
  }

  /** Everything the bot has sent the fakes so far: Notion requests, Slack calls, response_url posts. */
  activity(): Promise<Activity> {
    return this.ask({ op: 'activity' });
  }

  /** Has the bot check each unshared page and collects the Done/Skip buttons of its walkthrough. */
  walkthroughs(botUrl: string): Promise<Click[]> {
    return this.ask({ op: 'walkthroughs', botUrl });
  }

  /**
   * Resolves once nothing reached the fakes for `quietMs` (at most `limitMs`): the bot's
   * background work (checks, reports, walkthrough updates) is done. Returns how long after the
   * call the last of it arrived.
   */
  async quiet(quietMs = 1_000, limitMs = 60_000): Promise<{ seconds: number; settled: boolean }> {
    const started = performance.now();
    const total = async () => Object.values(await this.activity()).reduce((a, b) => a + b, 0);
    let last = await total();
    let lastChange = started;
    while (performance.now() - lastChange < quietMs) {
      if (performance.now() - started > limitMs) return { seconds: limitMs / 1000, settled: false };
      await sleep(50);
      const now = await total();
      if (now !== last) [last, lastChange] = [now, performance.now()];
    }
    return { seconds: (lastChange - started) / 1000, settled: true };
  }

  async stop(): Promise<void> {
    await this.ask({ op: 'stop' });
    await this.worker.terminate();
  }
}

/** The kinds of request in the mix, in the order request `i` cycles through them (`i % 4`). */
export const KINDS = ['check', 'help', 'list', 'click'] as const;

/** A request built and signed, ready to be written. */
export interface Prepared {
  /** Its position in the mix. */
  i: number;
  body: string;
  headers: Record<string, string>;
}

export interface Answer {
  status: number;
  body: string;
}

const FORM = 'application/x-www-form-urlencoded';

let triggers = 0;
/** A trigger_id shaped like Slack's (and like test/support/slackRequest.ts makes them). */
export const triggerId = () =>
  `${++triggers}.${SLACK_IDS.teamId.slice(1)}.0f1e2d3c4b5a69788796a5b4c3d2e1f0`;

/** A slash command's form fields, as sendSlashCommand (test/support/slackRequest.ts) sends them. */
export function slashFields(
  text: string,
  userId: string,
  responseUrl: string,
): Record<string, string> {
  return {
    token: 'deprecated-verification-token',
    team_id: SLACK_IDS.teamId,
    team_domain: SLACK_IDS.teamDomain,
    channel_id: SLACK_IDS.channelId,
    channel_name: 'general',
    user_id: userId,
    user_name: userId.toLowerCase(),
    command: '/notion-check',
    text,
    api_app_id: SLACK_IDS.appId,
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: triggerId(),
  };
}

/** A button click's interactivity payload, as sendBlockAction sends it (default options). */
function clickPayload(click: Click, actionTs: string, responseUrl: string): object {
  return blockActionPayload({ ...click, actionTs, responseUrl, triggerId: triggerId() });
}

/**
 * One app's stream of requests. Request number `n` is the same for every target: the same
 * kind, text, user and click, so both apps get identical traffic. Keep-alive connections of its
 * own; an idle one is closed after 4 s, before the app's server would (Node's default is 5 s),
 * so no request goes out on a connection the server is closing.
 */
export class Target {
  private sent = 0;
  private readonly agent = new http.Agent({ keepAlive: true, timeout: 4_000 });
  private readonly endpoint: URL;

  constructor(
    readonly name: string,
    url: string,
    private readonly fakes: Pick<RemoteFakes, 'signingSecret' | 'sharedPages' | 'responseUrl'>,
    private readonly clicks: Click[],
  ) {
    this.endpoint = new URL(eventsUrl(url));
  }

  /** Request `i` of the mix, of kind KINDS[i % 4], built and signed now. */
  prepare(i: number): Prepared {
    this.sent += 1;
    const n = this.sent;
    const { fakes } = this;
    const responseUrl = fakes.responseUrl(`bench-${n}`);
    // One user per command: the bot answers a repeated command from the same person only once.
    const userId = `U0LOAD${n}`;
    const form = (fields: Record<string, string>): Prepared => {
      const body = new URLSearchParams(fields).toString();
      return { i, body, headers: slackHeaders(fakes.signingSecret, body, FORM) };
    };
    switch (i % 4) {
      case 0:
        return form(
          slashFields(
            fakes.sharedPages[(i / 4) % fakes.sharedPages.length] ?? '',
            userId,
            responseUrl,
          ),
        );
      case 1:
        return form(slashFields('help', userId, responseUrl));
      case 2:
        return form(slashFields('list', userId, responseUrl));
      default: {
        const click = this.clicks[Math.floor(i / 4) % this.clicks.length] as Click;
        // A distinct action_ts: each is a new click, not Slack re-delivering the same one.
        const actionTs = `1700000000.${String(n).padStart(6, '0')}`;
        return form({ payload: JSON.stringify(clickPayload(click, actionTs, responseUrl)) });
      }
    }
  }

  /** Writes a prepared request; resolves with the whole answer. */
  post(request: Prepared): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.endpoint.hostname,
          port: this.endpoint.port,
          path: this.endpoint.pathname,
          method: 'POST',
          agent: this.agent,
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
      req.on('error', reject);
      req.end(request.body);
    });
  }

  /** Closes its idle connections. */
  close(): void {
    this.agent.destroy();
  }
}

/** Latencies (ms, client side: from sending to the whole response) and errors of some requests. */
export interface Sample {
  sent: number;
  latencies: number[];
  /** The kind of each answered request, KINDS[i % 4], same order as `latencies`. */
  kinds: number[];
  errors: number;
  firstError?: string;
  /** Wall time spent sending them (and waiting for the last answer). */
  seconds: number;
  /** Open loop only: how late each request left against its arrival time, ms. */
  lateMs?: number[];
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Sends mix positions `from` … `from + count - 1` to `target`, `concurrency` at a time. */
export async function load(
  target: Target,
  from: number,
  count: number,
  concurrency: number,
): Promise<Sample> {
  const sample: Sample = { sent: 0, latencies: [], kinds: [], errors: 0, seconds: 0 };
  let next = from;
  const worker = async () => {
    while (next < from + count) {
      const i = next++;
      sample.sent += 1;
      const request = target.prepare(i);
      const started = performance.now();
      try {
        const response = await withTimeout(target.post(request), REQUEST_TIMEOUT_MS);
        sample.latencies.push(performance.now() - started);
        sample.kinds.push(i % KINDS.length);
        if (response.status < 200 || response.status > 299) {
          sample.errors += 1;
          sample.firstError ??= `HTTP ${response.status} ${response.body.slice(0, 100)}`;
        }
      } catch (error) {
        sample.errors += 1;
        sample.firstError ??= String(error);
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  sample.seconds = (performance.now() - started) / 1000;
  return sample;
}

/** mulberry32: a small seeded PRNG, so the arrivals are the same on every run of the bench. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * Arrival times (ms after the first, which is at 0) of `count` requests of a Poisson process at
 * `perSecond`: independent, exponentially distributed gaps, so bursts happen as they do when
 * people click, from a fixed `seed`. The same seed gives both apps the very same arrivals.
 */
export function poissonArrivals(count: number, perSecond: number, seed: number): number[] {
  const random = seeded(seed);
  const arrivals: number[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    arrivals.push(at);
    at += (-Math.log(1 - random()) * 1000) / perSecond;
  }
  return arrivals;
}

/**
 * Open loop: sends mix positions `from` … `from + arrivals.length - 1` to `target`, request k
 * at `arrivals[k]` ms after the start, whether or not earlier ones have been answered; resolves
 * once all are. Each is timed from the moment it is sent (`lateMs` says how far that was behind
 * its arrival time: the load generator's own lag, timers have 1 ms granularity).
 */
export async function paced(target: Target, from: number, arrivals: number[]): Promise<Sample> {
  const sample: Sample = { sent: 0, latencies: [], kinds: [], errors: 0, seconds: 0, lateMs: [] };
  const lateMs = sample.lateMs as number[];
  const answers: Promise<void>[] = [];
  // Built and signed beforehand: at its arrival time a request is only written.
  const requests = arrivals.map((_, k) => target.prepare(from + k));
  const started = performance.now();
  for (const [k, arrival] of arrivals.entries()) {
    const due = started + arrival;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    sample.sent += 1;
    const request = requests[k] as Prepared;
    const i = request.i;
    const sentAt = performance.now();
    lateMs.push(Math.max(0, sentAt - due));
    answers.push(
      withTimeout(target.post(request), REQUEST_TIMEOUT_MS).then(
        (response) => {
          sample.latencies.push(performance.now() - sentAt);
          sample.kinds.push(i % KINDS.length);
          if (response.status < 200 || response.status > 299) {
            sample.errors += 1;
            sample.firstError ??= `HTTP ${response.status} ${response.body.slice(0, 100)}`;
          }
        },
        (error: unknown) => {
          sample.errors += 1;
          sample.firstError ??= String(error);
        },
      ),
    );
  }
  await Promise.all(answers);
  sample.seconds = (performance.now() - started) / 1000;
  return sample;
}

/** Several samples of one app as one. */
export function merge(samples: Sample[]): Sample {
  const late = samples.flatMap((s) => s.lateMs ?? []);
  return {
    sent: samples.reduce((sum, s) => sum + s.sent, 0),
    latencies: samples.flatMap((s) => s.latencies),
    kinds: samples.flatMap((s) => s.kinds),
    errors: samples.reduce((sum, s) => sum + s.errors, 0),
    firstError: samples.find((s) => s.firstError)?.firstError,
    seconds: samples.reduce((sum, s) => sum + s.seconds, 0),
    ...(samples.some((s) => s.lateMs) ? { lateMs: late } : {}),
  };
}

export interface Stats {
  requests: number;
  errors: number;
  firstError?: string;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** Open loop only: the 99th percentile of how late requests were sent, ms. */
  lateP99?: number;
  /** The p50 of each kind of request, in KINDS order. */
  p50ByKind: number[];
}

export function stats(sample: Sample): Stats {
  const sorted = [...sample.latencies].sort((a, b) => a - b);
  const late = sample.lateMs && [...sample.lateMs].sort((a, b) => a - b);
  return {
    ...(late ? { lateP99: percentile(late, 99) } : {}),
    requests: sample.sent,
    errors: sample.errors,
    firstError: sample.firstError,
    perSecond: sample.latencies.length / sample.seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    p50ByKind: KINDS.map((_, kind) => {
      const own = sample.latencies.filter((_, j) => sample.kinds[j] === kind);
      return percentile(
        own.sort((a, b) => a - b),
        50,
      );
    }),
  };
}
