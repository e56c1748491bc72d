/**
 * The "watch all" part of the sweep (src/monitor/inventory.ts through Sweep) and the webhook
 * re-check, against a real in-memory Store, a real CheckService and the fake Notion API over
 * HTTP, with a recording Notifier: requests made, statuses kept, alerts told.
 */
import pino from 'pino';
import { Scheduler } from '../../../src/monitor/scheduler';
import { Sweep } from '../../../src/monitor/sweep';
import { RateLimiter } from '../../../src/notion/pacing';
import { CheckService } from '../../../src/services/checks';
import { Connections } from '../../../src/services/connections';
import { Store } from '../../../src/store/store';
import { FakeNotion } from '../../fakes/fakeNotion';
import { FakeClock, RecordingNotifier } from '../../support/fakes';
import { CHANNEL, fakeToken, MINUTE, newWatch, USER } from '../../support/fixtures';

const TOKEN = fakeToken('swep');
const OTHER = 'C0OTHER001';
const notion = new FakeNotion();
const hex = (n: number) => `${n.toString(16).padStart(8, '0')}aaaa4aaa8aaa${'0'.repeat(12)}`;
const dashed = (id: string) =>
  `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;

beforeAll(async () => {
  await notion.start();
  notion.addIntegration({ token: TOKEN, name: 'Acme Sync', workspaceName: 'Acme' });
});
afterAll(() => notion.stop());

let next = 1;
/** A fresh tree per test: `root` shared, with `children` pages inside it. */
function tree(children: number) {
  const root = hex(next++);
  notion.addPage({ id: root, title: `Root ${root.slice(0, 8)}`, sharedWith: [TOKEN] });
  const inside = Array.from({ length: children }, (_, c) => {
    const id = hex(next++);
    notion.addPage({ id, title: `Child ${c}`, parentId: root });
    return id;
  });
  return { root, inside };
}

const trees: string[] = [];
afterEach(() => {
  for (const root of trees.splice(0)) notion.unshare(root, TOKEN);
  notion.clearFaults();
  notion.setSearchIncomplete(false);
});

function setup() {
  const store = new Store(':memory:');
  const connections = new Connections(store, {
    notion: { defaultToken: TOKEN, apiUrl: notion.url },
    encryptionKey: undefined,
    previousEncryptionKey: undefined,
  });
  const clock = new FakeClock();
  const checks = new CheckService({
    connections,
    store,
    limiter: new RateLimiter(100, 1_000),
    notionApiUrl: notion.url,
    logger: pino({ level: 'silent' }),
  });
  const notifier = new RecordingNotifier();
  const sweep = new Sweep({ store, checks, notifier, now: clock.now });
  const watchAll = async (channelId = CHANNEL) =>
    await store.channels.watchAll({
      channelId,
      connection: 'default',
      addedBy: USER,
      addedAt: clock.now(),
    });
  /** One sweep, and the Notion requests it made. */
  const sweepOnce = async () => {
    clock.advance(15 * MINUTE);
    const before = notion.requestsFor(TOKEN).length;
    await sweep.run('default');
    return notion.requestsFor(TOKEN).slice(before);
  };
  const state = async (id: string) =>
    (await store.inventory.all('default')).find((e) => e.item.id.replaceAll('-', '') === id)?.status
      .state;
  return { store, clock, checks, notifier, sweep, watchAll, sweepOnce, state };
}

/** Everything the fake lists for TOKEN is in this test's trees (earlier ones are unshared). */
function fresh(children: number) {
  const made = tree(children);
  trees.push(made.root);
  return made;
}

describe('a sweep of a connection some channel watches all of', () => {
  it('the first lists everything silently; nothing changed costs users.me and the listing', async () => {
    const { root } = fresh(149); // 150 pages: two search requests
    const { store, notifier, watchAll, sweepOnce } = setup();
    await watchAll();
    await store.watches.add(newWatch(1, { resourceId: dashed(root), connection: 'default' }));
    const first = await sweepOnce();
    expect(await store.inventory.count('default')).toBe(150);
    expect(notifier.calls).toEqual([]);
    expect(first.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /v1/users/me',
      'POST /v1/search',
      'POST /v1/search',
    ]);
    // The watched root was listed: ok, without a request of its own.
    expect((await store.watches.forConnection('default'))[0]?.lastKind).toBe('ok');
    expect(await sweepOnce()).toHaveLength(3);
  });

  it('only what went missing gets a direct request; a loss alerts on the second sweep', async () => {
    const { root, inside } = fresh(3);
    const { store, notifier, watchAll, sweepOnce, state } = setup();
    await watchAll();
    await watchAll(OTHER);
    await sweepOnce();

    notion.unshareSubtree(root, TOKEN);
    const first = await sweepOnce();
    expect(first.filter((r) => r.path.startsWith('/v1/pages'))).toHaveLength(4);
    expect(await state(root)).toBe('suspect');
    expect(notifier.calls).toEqual([]);

    await sweepOnce();
    const posted = notifier.ofOp('postAlert');
    expect(posted.map((p) => p.alert.channelId)).toEqual([CHANNEL, OTHER]);
    expect(posted[0]?.alert).toMatchObject({
      scope: 'inventory',
      kind: 'not_shared',
      details: { roots: [{ id: dashed(root), inside: 3 }], watches: [] },
    });
    expect(posted[0]?.alert.details.items).toHaveLength(1 + inside.length);
    expect(await state(inside[0] as string)).toBe('failing');

    // Still lost: no second alert; still watched all: the chores keep it open.
    await sweepOnce();
    expect(notifier.ofOp('postAlert')).toHaveLength(2);
    expect(await store.alerts.open('default')).toHaveLength(2);
  });

  it('part back: the alert is redrawn; all back: resolved, with the recovery in its thread', async () => {
    const { root, inside } = fresh(2);
    const { store, notifier, watchAll, sweepOnce } = setup();
    await watchAll();
    await sweepOnce();
    notion.unshareSubtree(root, TOKEN);
    await sweepOnce();
    await sweepOnce();
    notifier.clear();

    notion.share(inside[0] as string, TOKEN);
    await sweepOnce();
    expect(notifier.summary()).toEqual(['updateAlert']);
    const redrawn = notifier.ofOp('updateAlert')[0]?.alert;
    expect(redrawn?.details.roots?.map((r) => r.inside)).toEqual([1]);

    notifier.clear();
    notion.share(root, TOKEN);
    await sweepOnce();
    expect(notifier.summary()).toEqual(['updateAlert', 'replyToAlert:alert_recovered']);
    expect(await store.alerts.open('default')).toEqual([]);
  });

  it('a broken token: nothing is listed, and the token alert reaches the channels watching all', async () => {
    const token = fakeToken('gone');
    notion.addIntegration({ token, name: 'Gone', workspaceName: 'Acme' });
    const store = new Store(':memory:');
    const connections = new Connections(store, {
      notion: { defaultToken: token, apiUrl: notion.url },
      encryptionKey: undefined,
      previousEncryptionKey: undefined,
    });
    const checks = new CheckService({
      connections,
      store,
      limiter: new RateLimiter(100, 1_000),
      notionApiUrl: notion.url,
      logger: pino({ level: 'silent' }),
    });
    const notifier = new RecordingNotifier();
    const clock = new FakeClock();
    const sweep = new Sweep({ store, checks, notifier, now: clock.now });
    await store.channels.watchAll({
      channelId: OTHER,
      connection: 'default',
      addedBy: USER,
      addedAt: 0,
    });
    notion.revoke(token);
    await sweep.run('default');
    clock.advance(MINUTE);
    await sweep.run('default');
    expect(notion.requestsFor(token).map((r) => r.path)).toEqual(['/v1/users/me', '/v1/users/me']);
    expect(notifier.ofOp('postAlert').map((p) => [p.alert.scope, p.alert.channelId])).toEqual([
      ['connection', OTHER],
    ]);
    clock.advance(MINUTE);
    await sweep.run('default');
    expect(await store.alerts.open('default')).toHaveLength(1); // not closed as "unwatched"
  });

  it('a channel that stopped watching all: its open inventory alert closes as unwatched', async () => {
    const { root } = fresh(1);
    const { store, notifier, watchAll, sweepOnce } = setup();
    await watchAll();
    await watchAll(OTHER);
    await sweepOnce();
    notion.unshareSubtree(root, TOKEN);
    await sweepOnce();
    await sweepOnce();
    await store.channels.unwatchAll(OTHER, 'default');
    notifier.clear();
    await sweepOnce();
    const closed = notifier.ofOp('updateAlert');
    expect(closed.map((c) => [c.alert.channelId, c.alert.details.closedBecause])).toEqual([
      [OTHER, 'unwatched'],
    ]);
    expect((await store.alerts.open('default')).map((a) => a.channelId)).toEqual([CHANNEL]);
  });

  it('search down: no verdicts, and no direct requests for the whole inventory', async () => {
    fresh(5);
    const { watchAll, sweepOnce, state, store } = setup();
    await watchAll();
    await sweepOnce();
    notion.fault({ match: { pathPrefix: '/v1/search' }, fault: { kind: 'status', status: 503 } });
    const made = await sweepOnce();
    expect(made.filter((r) => r.path.startsWith('/v1/pages'))).toEqual([]);
    expect((await store.inventory.all('default')).every((e) => e.status.state === 'ok')).toBe(true);
    expect(await state('nope')).toBeUndefined();
  });
});

describe('Sweep.recheck (a webhook said something happened)', () => {
  it('a loss it confirms alerts at once; a recheck after re-sharing resolves it', async () => {
    const { root, inside } = fresh(2);
    const { store, notifier, sweep, watchAll, sweepOnce } = setup();
    await watchAll();
    await sweepOnce();
    notion.unshareSubtree(root, TOKEN);
    const before = notion.requestsFor(TOKEN).length;
    await sweep.recheck('default', [root]);
    // users.me, then the root and what is inside it.
    expect(notion.requestsFor(TOKEN).slice(before)).toHaveLength(1 + 1 + inside.length);
    expect(notifier.ofOp('postAlert').map((p) => p.alert.details.roots?.[0]?.id)).toEqual([
      dashed(root),
    ]);
    notion.share(root, TOKEN);
    await sweep.recheck('default', [dashed(root)]);
    expect(notifier.ofOp('replyToAlert').map((r) => r.notice.type)).toEqual(['alert_recovered']);
    expect(await store.alerts.open('default')).toEqual([]);
  });

  it('an explicit watch (no watch all) alerts at once too', async () => {
    const { root } = fresh(0);
    const { store, notifier, sweep } = setup();
    await store.watches.add(newWatch(1, { resourceId: dashed(root), connection: 'default' }));
    notion.unshare(root, TOKEN);
    await sweep.recheck('default', [root]);
    expect(notifier.ofOp('postAlert').map((p) => p.alert.scope)).toEqual(['resources']);
  });

  it('an id nobody knows: ignored, unless a channel watches all and it is shared (kept silently)', async () => {
    const { root } = fresh(0);
    const { store, notifier, sweep, watchAll } = setup();
    const before = notion.requestsFor(TOKEN).length;
    await sweep.recheck('default', [root]);
    expect(notion.requestsFor(TOKEN).length).toBe(before);

    await watchAll();
    await sweep.recheck('default', [root]);
    expect((await store.inventory.all('default')).map((e) => e.item.id)).toEqual([dashed(root)]);
    expect(notifier.calls).toEqual([]);
  });
});

describe('Scheduler', () => {
  it('sweeps connections watched all of, and runs a re-check after the sweep under way', async () => {
    fresh(1);
    const { store, checks, notifier, watchAll } = setup();
    await watchAll();
    const order: string[] = [];
    const sweep = new Sweep({ store, checks, notifier });
    const run = sweep.run.bind(sweep);
    const recheck = sweep.recheck.bind(sweep);
    sweep.run = async (c) => {
      order.push('sweep start');
      await run(c);
      order.push('sweep end');
    };
    sweep.recheck = async (c, ids) => {
      order.push('recheck start');
      await recheck(c, ids);
      order.push('recheck end');
    };
    const scheduler = new Scheduler({
      store,
      sweeps: async (team) => (team === '' ? sweep : undefined),
      logger: pino({ level: 'silent' }),
      intervalMs: 60 * MINUTE,
    });
    await scheduler.tick();
    const rechecked = scheduler.recheck('default', [hex(999)]);
    await rechecked;
    await scheduler.stop(1_000);
    expect(order).toEqual(['sweep start', 'sweep end', 'recheck start', 'recheck end']);
    expect((await store.health.get('default'))?.lastSweepAt).toBeDefined();
  });
});
