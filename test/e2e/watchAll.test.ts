/**
 * "Watch all" end to end (PRODUCT.md, "Watching everything an integration can see"): the real
 * app over HTTP against the fake Slack and Notion. `/notion-check watch all` lists what the
 * integration sees; sweeps (driven through the monitor, its timer stopped) confirm losses with
 * direct requests and alert once per loss event, naming its root; recovery replies in the
 * alert's thread; a webhook's re-check alerts at once.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { RateLimiter } from '../../src/notion/pacing';
import { SLACK_IDS, type SlackCall } from '../fakes/fakeSlack';
import { assertBlockKitLimits } from '../support/blockKitLimits';
import { messageText } from '../support/blocks';
import { fakeNotionToken, Harness } from '../support/harness';

const CHANNEL = SLACK_IDS.channelId;
const OTHER_CHANNEL = 'C0REPORTS1';

let h: Harness;
/** Notion objects the current test created: unshared (and restored) after it. */
let created: string[] = [];
/** Slack calls before the current test began. */
let mark = 0;

const newId = () => randomUUID().replaceAll('-', '');

beforeAll(async () => {
  h = await new Harness({
    env: { CHECK_INTERVAL: '1h', ENCRYPTION_KEY: randomBytes(32).toString('hex') },
    // Pacing is not under test here: sweeps of a few dozen direct requests stay fast.
    limiter: new RateLimiter(100, 1_000),
  }).start();
  // Sweeps happen when a test says so, never on the timer.
  await bot().monitor.stop(0);
});

afterAll(async () => {
  for (const call of h.slack.calls) {
    if (['chat.postMessage', 'chat.update'].includes(call.method)) assertBlockKitLimits(call.body);
  }
  await h.stop();
});

beforeEach(() => {
  created = [];
  mark = h.slack.calls.length;
});

afterEach(async () => {
  const { store } = bot().services;
  for (const watch of await store.watches.inChannel(CHANNEL))
    await store.watches.remove(CHANNEL, watch.resourceId);
  for (const connection of ['default', ...extraConnections]) {
    for (const subscription of await store.channels.watchingAll(connection)) {
      await store.channels.unwatchAll(subscription.channelId, connection);
    }
    await store.inventory.forgetConnection(connection);
    for (const alert of await store.alerts.open(connection)) {
      await store.alerts.update(alert.id, { status: 'resolved', resolvedAt: Date.now() });
    }
  }
  for (const id of created) {
    for (const token of h.notion.tokens()) h.notion.unshare(id, token);
    h.notion.restore(id);
    h.notion.showInSearch(id);
  }
  h.notion.setSearchIncomplete(false);
  h.notion.clearFaults();
});

const extraConnections: string[] = [];

function bot() {
  if (!h.bot) throw new Error('the app is not running');
  return h.bot;
}

function page(title: string, parentId?: string, options: { share?: boolean } = {}): string {
  const id = newId();
  h.notion.addPage({
    id,
    title,
    parentId,
    sharedWith: options.share === false || parentId ? [] : [h.notionToken],
  });
  created.push(id);
  return id;
}

/** A page with `children` pages inside, each with `grandchildren`: 1 + c + c·g objects. */
function tree(title: string, children: number, grandchildren: number, parentId?: string) {
  const root = page(title, parentId);
  const inside: string[] = [];
  for (let c = 0; c < children; c++) {
    const child = page(`${title} ${c}`, root);
    inside.push(child);
    for (let g = 0; g < grandchildren; g++) inside.push(page(`${title} ${c}.${g}`, child));
  }
  return { root, inside };
}

async function command(text: string, channelId: string = CHANNEL) {
  return (await h.command(text, { channelId })).responseId;
}

/** `/notion-check watch all`, and its answer in the channel. */
async function watchAll(channelId: string = CHANNEL, connection?: string): Promise<string> {
  const id = await command(connection ? `watch all -c ${connection}` : 'watch all', channelId);
  const answer = await h.slack.waitForResponse((post) => post.id === id, 15_000);
  return messageText(answer.body as Parameters<typeof messageText>[0]);
}

const sweep = (connection = 'default') => bot().monitor.sweep(connection);

async function sweeps(n: number, connection = 'default') {
  for (let i = 0; i < n; i++) await sweep(connection);
}

/** Alerts (top-level posts) this test caused, in `channel` or anywhere. */
function alertsPosted(channel?: string): SlackCall[] {
  return h.slack.calls
    .slice(mark)
    .filter(
      (call) =>
        call.method === 'chat.postMessage' &&
        !call.error &&
        !call.body.thread_ts &&
        messageText(call.body).includes('Notion access lost') &&
        (channel === undefined || call.body.channel === channel),
    );
}

function requestsNow(token = h.notionToken): number {
  return h.notion.requestsFor(token).length;
}

test('watch all: says how many; a database and its data sources count once; trash does not count', async () => {
  const wiki = page('Acme Wiki');
  page('Onboarding', wiki);
  page('Holidays', wiki);
  const gone = page('Old plans', wiki);
  h.notion.trash(gone);
  const db = newId();
  h.notion.addDatabase({
    id: db,
    title: 'Tasks',
    parentId: wiki,
    dataSources: [
      { id: newId(), name: 'Tasks' },
      { id: newId(), name: 'Archive' },
    ],
  });
  created.push(db);

  const reply = await watchAll();
  // Acme Wiki, Onboarding, Holidays and Tasks (with its two data sources).
  expect(reply).toContain('4 pages and databases');
  expect(reply).toContain('Zapier Sync');
  expect(await bot().services.inventory.summaries(CHANNEL)).toEqual([
    expect.objectContaining({ connection: 'default', count: 4, addedBy: SLACK_IDS.userId }),
  ]);

  // Again: "already", and the channel still watches it once.
  expect(await watchAll()).toContain('already');
  expect(await bot().services.store.channels.watchingAll('default')).toHaveLength(1);
});

test('a parent unshared with 40 pages inside: one alert after confirmation, naming it and 40; shared back: recovery in its thread', async () => {
  const company = page('Company');
  const { root } = tree('Roadmap', 8, 4, company); // Roadmap and 8 + 32 = 40 pages inside
  page('Handbook', company);
  await watchAll();
  await sweep();

  h.notion.unshareSubtree(root, h.notionToken);
  await sweep();
  expect(alertsPosted()).toHaveLength(0); // one sweep is only a suspicion
  await sweep();
  const posted = alertsPosted();
  expect(posted).toHaveLength(1);
  const [alert] = posted as [SlackCall];
  expect(alert.body.channel).toBe(CHANNEL);
  const text = messageText(alert.body);
  expect(text).toContain('Roadmap');
  expect(text).toMatch(/\b40\b/);
  expect(text).not.toContain('Handbook');

  await sweeps(2);
  expect(alertsPosted()).toHaveLength(1);

  h.notion.share(root, h.notionToken);
  await sweep();
  const recovery = h.slack.calls
    .slice(mark)
    .find(
      (call) =>
        call.method === 'chat.postMessage' &&
        call.body.thread_ts === alert.response?.ts &&
        messageText(call.body).includes('Access restored'),
    );
  expect(recovery?.body.channel).toBe(CHANNEL);
  expect(await bot().services.store.alerts.open('default')).toEqual([]);
});

test('a page hidden from search but still shared is never alerted, sweep after sweep', async () => {
  const wiki = page('Wiki');
  const lagging = page('Lagging', wiki);
  await watchAll();
  h.notion.hideFromSearch(lagging);
  const before = requestsNow();
  await sweeps(4);
  expect(alertsPosted()).toHaveLength(0);
  // Each sweep asked Notion about it directly (absence is a hint, the GET is the verdict).
  const direct = h.notion
    .requestsFor(h.notionToken)
    .slice(before)
    .filter((request) => request.path.replaceAll('-', '').endsWith(lagging));
  expect(direct).toHaveLength(4);
  expect(direct.every((request) => request.status === 200)).toBe(true);
});

test('a page moved to trash, with pages inside: one alert that says trash', async () => {
  const wiki = page('Wiki');
  const { root, inside } = tree('Drafts', 2, 0, wiki);
  await watchAll();
  await sweep();
  // (The fake trashes only what it is told to: the pages inside go to trash with it.)
  for (const id of [root, ...inside]) h.notion.trash(id);
  await sweeps(2);
  const posted = alertsPosted();
  expect(posted).toHaveLength(1);
  const text = messageText((posted[0] as SlackCall).body);
  expect(text).toContain('Drafts');
  expect(text).toMatch(/\b2 pages\b/);
  expect(text.toLowerCase()).toContain('trash');
  const [open] = await bot().services.store.alerts.open('default');
  expect(open).toMatchObject({ scope: 'inventory', kind: 'in_trash' });
  expect(open?.details.items).toHaveLength(3);
});

test('an incomplete or failing search never makes a loss', async () => {
  const wiki = page('Wiki');
  const hidden = [page('A', wiki), page('B', wiki), page('C', wiki)];
  await watchAll();
  h.notion.setSearchIncomplete(true);
  for (const id of hidden) h.notion.hideFromSearch(id);
  await sweeps(3);
  h.notion.setSearchIncomplete(false);
  // Search down altogether: no verdicts at all, and no flood of direct requests either.
  h.notion.fault({
    match: { method: 'POST', pathPrefix: '/v1/search' },
    fault: { kind: 'status', status: 503 },
  });
  const before = requestsNow();
  await sweeps(2);
  expect(
    h.notion
      .requestsFor(h.notionToken)
      .slice(before)
      .filter((r) => r.path.startsWith('/v1/pages')),
  ).toHaveLength(0);
  expect(alertsPosted()).toHaveLength(0);
  expect(
    (await bot().services.store.inventory.all('default')).filter(
      (entry) => entry.status.state !== 'ok',
    ),
  ).toEqual([]);
});

test('nothing changed: a sweep costs ⌈N/100⌉ listing requests and users.me, watches included', async () => {
  const { root } = tree('Big', 14, 17); // 1 + 14 + 238 = 253 pages
  await watchAll();
  // An explicit watch the listing shows needs no request of its own.
  await command(`watch ${root}`);
  await h.slack.waitForResponse((post) => JSON.stringify(post.body).includes('watch list'), 15_000);
  await sweep();
  const before = requestsNow();
  await sweep();
  const made = h.notion.requestsFor(h.notionToken).slice(before);
  expect(made.length).toBeLessThanOrEqual(Math.ceil(253 / 100) + 2);
  expect(made.filter((r) => r.path === '/v1/search')).toHaveLength(3);
  expect(made.filter((r) => r.path.startsWith('/v1/pages'))).toEqual([]);
});

test('a revoked token alerts only the channels of that connection', async () => {
  const token = fakeNotionToken('reports2');
  h.notion.addIntegration({ token, name: 'Reports Job', workspaceName: 'Acme' });
  await bot().services.connections.saveFromSlack('reports', token, SLACK_IDS.adminUserId);
  extraConnections.push('reports');
  const mine = newId();
  h.notion.addPage({ id: mine, title: 'Quarterly', sharedWith: [token] });
  created.push(mine);
  page('Wiki');

  await watchAll(CHANNEL);
  await watchAll(OTHER_CHANNEL, 'reports');
  await sweeps(1, 'reports');
  await sweeps(1);

  h.notion.revoke(token);
  await sweeps(2, 'reports');
  await sweeps(2);
  const posted = alertsPosted();
  expect(posted).toHaveLength(1);
  expect(posted[0]?.body.channel).toBe(OTHER_CHANNEL);
  const [open] = await bot().services.store.alerts.open('reports');
  expect(open).toMatchObject({ scope: 'connection', channelId: OTHER_CHANNEL });
  expect(await bot().services.store.alerts.open('default')).toEqual([]);
});

test('a webhook re-check confirms a loss at once, and a re-check after re-sharing posts the recovery', async () => {
  const wiki = page('Wiki');
  const { root } = tree('Specs', 3, 0, wiki);
  await watchAll();
  await sweep();

  h.notion.unshareSubtree(root, h.notionToken);
  await bot().monitor.recheck('default', [root]);
  const posted = alertsPosted();
  expect(posted).toHaveLength(1);
  expect(messageText((posted[0] as SlackCall).body)).toContain('Specs');

  h.notion.share(root, h.notionToken);
  await bot().monitor.recheck('default', [root]);
  expect(
    h.slack.calls
      .slice(mark)
      .some(
        (call) =>
          call.method === 'chat.postMessage' &&
          call.body.thread_ts === posted[0]?.response?.ts &&
          messageText(call.body).includes('Access restored'),
      ),
  ).toBe(true);

  // A page shared later, that a webhook names: joins the inventory silently.
  const fresh = page('Fresh');
  await bot().monitor.recheck('default', [fresh]);
  expect(
    (await bot().services.store.inventory.all('default')).some(
      (entry) => entry.item.id.replaceAll('-', '') === fresh,
    ),
  ).toBe(true);
  expect(alertsPosted()).toHaveLength(1);
});

test('unwatch all closes the channel’s open inventory alerts', async () => {
  const wiki = page('Wiki');
  const { root } = tree('Plans', 1, 0, wiki);
  await watchAll();
  await sweep();
  h.notion.unshareSubtree(root, h.notionToken);
  await sweeps(2);
  expect(alertsPosted()).toHaveLength(1);
  const id = await command('unwatch all');
  await h.slack.waitForResponse((post) => post.id === id, 15_000);
  expect(await bot().services.store.alerts.open('default')).toEqual([]);
  expect(await bot().services.store.inventory.count('default')).toBe(0);
});
