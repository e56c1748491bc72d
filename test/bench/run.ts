/**
 * Load benchmark (`npm run bench`): ack latency, throughput and memory of the real app (against
 * the fake Slack and Notion, all on loopback) under 2,000 signed requests, 50 in flight, compared
 * with a bare Bolt app that only acks the same requests. Exits 1 when a target is missed.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { App } from '@slack/bolt';
import type { SlackCall } from '../fakes/fakeSlack';
import { Harness } from '../support/harness';
import { type SlackHttpResult, sendBlockAction, sendSlashCommand } from '../support/slackRequest';
import { rssMb, runBench, settledRssMb, verdict } from './support';

const TOTAL = 2_000;
const CONCURRENCY = 50;
/**
 * Untimed requests, at twice the concurrency: both apps get them first (they share Bolt's code and
 * the client's, whose JIT keeps improving for a few thousand requests), then each gets them again
 * right before its timed run: fetch opens more sockets than requests in flight while its pool
 * grows (each new one costs up to ~100 ms on a busy loop), and idle sockets close after 4-5 s.
 */
const WARMUP = 1_000;
const TARGETS = { p99Ms: 200, p99Ratio: 1.5, rssGrowthMb: 30 };

const pageId = () => randomUUID().replaceAll('-', '');
const SHARED_PAGES = [pageId(), pageId(), pageId(), pageId()];
const UNSHARED_PAGES = [pageId(), pageId(), pageId()];

interface Click {
  actionId: string;
  value: string;
  messageTs: string;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

let sequence = 0;
/** Request `i` of the mix: a quarter each of page checks, `help`, `list` and walkthrough clicks. */
function send(appUrl: string, h: Harness, clicks: Click[], i: number): Promise<SlackHttpResult> {
  sequence += 1;
  const responseUrl = h.slack.responseUrl(`bench-${sequence}`);
  // One user per command: the app answers a repeated command from the same person only once.
  const userId = `U0LOAD${sequence}`;
  const slash = (text: string) =>
    sendSlashCommand(appUrl, h.signingSecret, { text, userId, responseUrl });
  switch (i % 4) {
    case 0:
      return slash(SHARED_PAGES[(i / 4) % SHARED_PAGES.length] ?? '');
    case 1:
      return slash('help');
    case 2:
      return slash('list');
    default: {
      const click = clicks[Math.floor(i / 4) % clicks.length];
      if (!click) throw new Error('no walkthrough buttons to click');
      // A distinct action_ts: each is a new click, not Slack re-delivering the same one.
      const actionTs = `1700000000.${String(sequence).padStart(6, '0')}`;
      return sendBlockAction(appUrl, h.signingSecret, { ...click, actionTs, responseUrl });
    }
  }
}

/** Sends `count` requests of the mix, `concurrency` at a time; times each until its ack. */
async function load(
  appUrl: string,
  h: Harness,
  clicks: Click[],
  count: number,
  concurrency = CONCURRENCY,
) {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const started = process.hrtime.bigint();
      try {
        const response = await send(appUrl, h, clicks, i);
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        if (response.status !== 200) {
          errors += 1;
          firstError ??= `HTTP ${response.status} ${response.body.slice(0, 100)}`;
        }
      } catch (error) {
        errors += 1;
        firstError ??= String(error);
      }
    }
  };
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const sorted = latencies.sort((a, b) => a - b);
  const at = (p: number) => percentile(sorted, p);
  return { errors, firstError, perSecond: count / seconds, p50: at(50), p95: at(95), p99: at(99) };
}

type RunResult = Awaited<ReturnType<typeof load>>;

function buttonsOf(call: SlackCall): { action_id: string; value: string }[] {
  const blocks = (call.body.blocks ?? []) as { type: string; elements?: unknown[] }[];
  return blocks
    .filter((block) => block.type === 'actions')
    .flatMap((block) => (block.elements ?? []) as { action_id: string; value: string }[]);
}

/** Checks each unshared page and collects the Done/Skip buttons of the walkthrough it starts. */
async function createWalkthroughs(h: Harness): Promise<Click[]> {
  const clicks: Click[] = [];
  for (const page of UNSHARED_PAGES) {
    const before = h.slack.calls.length;
    const sent = await sendSlashCommand(h.appUrl, h.signingSecret, {
      text: page,
      responseUrl: h.slack.responseUrl(`setup-${page}`),
    });
    if (sent.status !== 200) throw new Error(`set-up check answered HTTP ${sent.status}`);
    const post = await h.slack.waitFor(
      'chat.postMessage',
      (c) =>
        h.slack.calls.indexOf(c) >= before && Boolean(c.body.thread_ts) && buttonsOf(c).length > 0,
      15_000,
    );
    const messageTs = String(post.response?.ts);
    for (const { action_id: actionId, value } of buttonsOf(post)) {
      if (/^walkthrough_(done|skip)$/.test(actionId)) clicks.push({ actionId, value, messageTs });
    }
  }
  return clicks;
}

const f = (n: number) => n.toFixed(1);

function print(name: string, r: RunResult): void {
  console.log(`\n${name}`);
  console.log(`  requests         ${TOTAL}, ${CONCURRENCY} in flight`);
  console.log(`  errors           ${r.errors}${r.firstError ? ` (first: ${r.firstError})` : ''}`);
  console.log(`  requests/s       ${f(r.perSecond)}`);
  console.log(`  ack p50/p95/p99  ${f(r.p50)} / ${f(r.p95)} / ${f(r.p99)} ms`);
}

async function startBareBolt(h: Harness): Promise<{ app: App; url: string }> {
  const app = new App({
    token: h.slack.botToken,
    signingSecret: h.signingSecret,
    clientOptions: { slackApiUrl: h.slack.apiUrl },
    deferInitialization: true,
  });
  await app.init();
  app.command('/notion-check', async ({ ack }) => ack());
  app.action(/.*/, async ({ ack }) => ack());
  const server = await app.start(0);
  return { app, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function main(): Promise<boolean> {
  const h = await new Harness({ env: { CHECK_INTERVAL: '1h' } }).start();
  let stopBare = async (): Promise<unknown> => undefined;
  try {
    for (const id of SHARED_PAGES) h.notion.addPage({ id, title: id, sharedWith: [h.notionToken] });
    for (const id of UNSHARED_PAGES) h.notion.addPage({ id, title: id });
    const clicks = await createWalkthroughs(h);
    console.log(`walkthroughs: ${UNSHARED_PAGES.length}, Done/Skip buttons: ${clicks.length}`);

    // Before any load, so one-time costs (JIT code, socket pools, the bare app) count as growth.
    const rssBefore = await settledRssMb();
    const bare = await startBareBolt(h);
    stopBare = () => bare.app.stop();
    const warm = (url: string) => load(url, h, clicks, WARMUP, 2 * CONCURRENCY);
    await warm(h.appUrl);
    await warm(bare.url);
    await h.bot?.services.inflight.drain(60_000);

    await warm(h.appUrl);
    const [notionBefore, slackBefore] = [h.notion.requests.length, h.slack.calls.length];
    const app = await load(h.appUrl, h, clicks, TOTAL);
    const drainStarted = Date.now();
    const drained = await h.bot?.services.inflight.drain(60_000);
    const drainSeconds = (Date.now() - drainStarted) / 1000;
    const [rssRaw, rssAfter] = [rssMb(), await settledRssMb()];
    const growth = rssAfter - rssBefore;
    print('notion-check', app);
    console.log(
      `  RSS (settled)    ${f(rssBefore)} → ${f(rssAfter)} MB, growth ${f(growth)} MB (${f(rssRaw)} MB before settling)`,
    );
    console.log(
      `  background work  ${drained ? 'finished' : 'NOT finished'} ${f(drainSeconds)} s after the last ack: ${h.notion.requests.length - notionBefore} Notion requests, ${h.slack.calls.length - slackBefore} Slack API calls`,
    );

    await warm(bare.url);
    const baseline = await load(bare.url, h, clicks, TOTAL);
    print('bare Bolt (ack only)', baseline);

    const ratio = [app.p50 / baseline.p50, app.p95 / baseline.p95, app.p99 / baseline.p99];
    console.log(
      `\nack ratio notion-check / bare Bolt  p50/p95/p99  ${ratio.map((r) => r.toFixed(2)).join(' / ')}\n`,
    );
    const p99Ratio = ratio[2] ?? Number.NaN;
    const targets: [string, boolean][] = [
      [`zero errors (${app.errors})`, app.errors === 0],
      [`p99 ack < ${TARGETS.p99Ms} ms (${f(app.p99)} ms)`, app.p99 < TARGETS.p99Ms],
      [`p99 ratio < ${TARGETS.p99Ratio} (${p99Ratio.toFixed(2)})`, p99Ratio < TARGETS.p99Ratio],
      [`RSS growth < ${TARGETS.rssGrowthMb} MB (${f(growth)} MB)`, growth < TARGETS.rssGrowthMb],
    ];
    return verdict(targets);
  } finally {
    await stopBare();
    await h.stop();
  }
}

runBench(main);
