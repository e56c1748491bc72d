/**
 * `npm run bench:sweep`: "watch all" on one connection with 10,000 inventoried pages (four trees,
 * five levels deep) at production pacing, against a fake Notion that answers 429 above 3
 * requests per second. Measures a sweep with nothing changed and one right after a subtree of
 * 500 was unshared, then the same sweep done the per-page way (one direct request per page) for
 * comparison. The per-page way takes 10,000 requests, about 56 minutes at Notion's pace, so it
 * runs with pacing and the fake's limit both sped up by PER_PAGE_SPEEDUP; its wall time is
 * printed scaled back to Notion's pace. Takes about 6 minutes.
 */

import { RateLimiter } from '../../src/notion/pacing';
import { SLACK_IDS } from '../fakes/fakeSlack';
import { Harness } from '../support/harness';
import { busiest } from '../support/windows';
import { rssMb, runBench, verdict } from './support';

const ITEMS = 10_000;
const TREES = 4;
const LEVELS = 5;
const FANOUT = 7;
const LOST_SUBTREE = 500;
const PER_PAGE_SPEEDUP = 20;

/** A Notion-shaped id (dashed UUID) for item number n. */
function idOf(n: number): string {
  const hex = `${n.toString(16).padStart(8, '0')}aaaa4bbb8ccc${'d'.repeat(12)}`;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

interface Node {
  id: string;
  parentId?: string;
}

/** A tree of exactly `size` pages, `levels` deep, the first child's subtree of `firstChild`. */
function tree(nodes: Node[], size: number, levels: number, parentId?: string, firstChild?: number) {
  const id = idOf(nodes.length);
  nodes.push({ id, parentId });
  let rest = size - 1;
  if (rest === 0) return id;
  if (levels <= 2) {
    for (; rest > 0; rest--) nodes.push({ id: idOf(nodes.length), parentId: id });
    return id;
  }
  const chunks: number[] = [];
  if (firstChild) {
    chunks.push(firstChild);
    rest -= firstChild;
  }
  const others = Math.min(FANOUT - chunks.length, rest);
  for (let i = 0; i < others; i++) {
    const share = Math.floor(rest / (others - i));
    chunks.push(share);
    rest -= share;
  }
  for (const chunk of chunks) if (chunk > 0) tree(nodes, chunk, levels - 1, id);
  return id;
}

interface Measured {
  requests: number;
  seconds: number;
  rateLimited: number;
  busiest1s: number;
  rss: number;
}

async function measure(h: Harness, work: () => Promise<unknown>): Promise<Measured> {
  h.notion.reset();
  const started = Date.now();
  await work();
  const seconds = (Date.now() - started) / 1000;
  const times = h.notion.requests.map((r) => r.at).sort((a, b) => a - b);
  return {
    requests: times.length,
    seconds,
    rateLimited: h.notion.rateLimited,
    busiest1s: busiest(times, 1_000),
    rss: rssMb(),
  };
}

function print(label: string, m: Measured, scale = 1): void {
  const time = (m.seconds * scale).toFixed(1);
  const scaled = scale === 1 ? '' : ` (measured ${m.seconds.toFixed(1)} s at ${scale}× pace)`;
  console.log(
    `${label.padEnd(34)} ${String(m.requests).padStart(6)} requests  ${time.padStart(7)} s${scaled}  429s ${m.rateLimited}  busiest 1 s ${m.busiest1s}  RSS ${m.rss.toFixed(0)} MB`,
  );
}

/** The app against a fake Notion holding the trees, shared at each root with the token. */
async function started(nodes: Node[], speedup = 1): Promise<Harness> {
  const h = await new Harness({
    env: { CHECK_INTERVAL: '1h', LOG_LEVEL: 'warn' },
    ...(speedup > 1 && { limiter: new RateLimiter(3 * speedup, 1_050) }),
  }).start();
  for (const node of nodes) {
    h.notion.addPage({
      id: node.id,
      title: `Page ${node.id.slice(0, 8)}`,
      parentId: node.parentId,
      ...(node.parentId ? {} : { sharedWith: [h.notionToken] }),
    });
  }
  return h;
}

/** The same pages as explicit watches, one direct request each. */
async function perPageSweep(nodes: Node[]): Promise<Measured> {
  const h = await started(nodes, PER_PAGE_SPEEDUP);
  try {
    const app = h.bot;
    if (!app) throw new Error('app not started');
    const now = Date.now();
    for (const [index, node] of nodes.entries()) {
      await app.services.store.watches.add({
        // Spread over channels: one channel may watch at most 200 pages.
        channelId: `C${String(Math.floor(index / 200)).padStart(8, '0')}`,
        connection: 'default',
        resourceId: node.id,
        resourceType: 'page',
        title: `Page ${node.id.slice(0, 8)}`,
        url: undefined,
        addedBy: SLACK_IDS.userId,
        addedAt: now,
        status: { state: 'ok', since: now },
      });
    }
    h.notion.setRateLimit({ limit: 3 * PER_PAGE_SPEEDUP, windowMs: 1_000 });
    return await measure(h, () => app.monitor.sweep('default'));
  } finally {
    await h.stop();
  }
}

async function main(): Promise<boolean> {
  const nodes: Node[] = [];
  const roots: string[] = [];
  for (let t = 0; t < TREES; t++) {
    roots.push(tree(nodes, ITEMS / TREES, LEVELS, undefined, t === 0 ? LOST_SUBTREE : undefined));
  }
  // The first child of the first tree: the subtree of exactly LOST_SUBTREE pages.
  const lostRoot = nodes.find((node) => node.parentId === roots[0])?.id as string;

  // The per-page way first, in its own app (sped up: see the top of this file).
  const perPage = await perPageSweep(nodes);
  const h = await started(nodes);
  try {
    const app = h.bot;
    if (!app) throw new Error('app not started');
    // Notion's documented limit: about 3 requests per second per integration.
    h.notion.setRateLimit({ limit: 3, windowMs: 1_000 });

    const listed = await measure(h, async () => {
      const outcome = await app.services.inventory.watchAll(
        SLACK_IDS.channelId,
        SLACK_IDS.userId,
        'default',
      );
      if (!outcome.ok || outcome.count !== ITEMS) {
        throw new Error(`watch all: ${JSON.stringify(outcome)}`);
      }
    });
    const unchanged = await measure(h, () => app.monitor.sweep('default'));
    h.notion.unshareSubtree(lostRoot, h.notionToken);
    const lost = await measure(h, () => app.monitor.sweep('default'));
    const lostSuspects = (await app.services.store.inventory.all('default')).filter(
      (entry) => entry.status.state !== 'ok',
    ).length;

    const budget = Math.ceil(ITEMS / 100);
    console.log(`inventory          ${ITEMS} pages in ${TREES} trees, ${LEVELS} levels deep`);
    console.log(
      `lost subtree       ${LOST_SUBTREE} pages (suspected after one sweep: ${lostSuspects})`,
    );
    print('watch all (first listing)', listed);
    print('sweep, nothing changed', unchanged);
    print(`sweep, ${LOST_SUBTREE} unshared`, lost);
    print('per-page sweep (for comparison)', perPage, PER_PAGE_SPEEDUP);
    const ratio = (perPage.requests / unchanged.requests).toFixed(0);
    const timeRatio = ((perPage.seconds * PER_PAGE_SPEEDUP) / unchanged.seconds).toFixed(0);
    console.log(
      `per-page / inventory, nothing changed: ${ratio}× the requests, ${timeRatio}× the time`,
    );
    return verdict([
      [
        `nothing changed: ${unchanged.requests} ≤ ${budget + 2} requests`,
        unchanged.requests <= budget + 2,
      ],
      [`nothing changed: ${unchanged.seconds.toFixed(1)} s ≤ 40 s`, unchanged.seconds <= 40],
      [
        `${LOST_SUBTREE} lost: ${lost.requests} ≤ ${budget + 502} requests`,
        lost.requests <= budget + 502,
      ],
      [
        `${LOST_SUBTREE} lost: all ${LOST_SUBTREE} suspected (${lostSuspects})`,
        lostSuspects === LOST_SUBTREE,
      ],
      [
        // Production pacing only: the per-page comparison runs 20× faster than Notion allows.
        `no 429s at production pace (${listed.rateLimited + unchanged.rateLimited + lost.rateLimited})`,
        listed.rateLimited + unchanged.rateLimited + lost.rateLimited === 0,
      ],
      [
        `RSS ${Math.max(listed.rss, unchanged.rss, lost.rss).toFixed(0)} MB < 150 MB`,
        Math.max(listed.rss, unchanged.rss, lost.rss) < 150,
      ],
    ]);
  } finally {
    await h.stop();
  }
}

runBench(main);
