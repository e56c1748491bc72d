/**
 * InventoryService (src/services/inventory.ts): `watch all`, `unwatch all` and the `list`
 * lines, against a real in-memory Store, a real CheckService and the fake Notion over HTTP.
 * Also what Start fix checks for an inventory alert (services/alerts.ts fixTargets).
 */
import pino from 'pino';
import { openAlert } from '../../../src/domain/alert';
import { RateLimiter } from '../../../src/notion/pacing';
import { fixTargets } from '../../../src/services/alerts';
import { CheckService } from '../../../src/services/checks';
import { Connections } from '../../../src/services/connections';
import { InventoryService } from '../../../src/services/inventory';
import { Store } from '../../../src/store/store';
import { FakeNotion } from '../../fakes/fakeNotion';
import { FakeClock, RecordingNotifier } from '../../support/fakes';
import { CHANNEL, fakeToken, OTHER_USER, T0, USER } from '../../support/fixtures';

const TOKEN = fakeToken('invs');
const OTHER = 'C0OTHER001';
const notion = new FakeNotion();
const id = (n: number) => `${n.toString(16).padStart(8, '0')}bbbb4bbb8bbb${'0'.repeat(12)}`;

beforeAll(async () => {
  await notion.start();
  notion.addIntegration({ token: TOKEN, name: 'Acme Sync', workspaceName: 'Acme' });
  notion.addPage({ id: id(1), title: 'Wiki', sharedWith: [TOKEN] });
  notion.addPage({ id: id(2), title: 'Onboarding', parentId: id(1) });
  notion.addPage({ id: id(3), title: 'Old', parentId: id(1), inTrash: true });
  notion.addDatabase({
    id: id(4),
    title: 'Tasks',
    parentId: id(1),
    dataSources: [
      { id: id(5), name: 'Tasks' },
      { id: id(6), name: 'Archive' },
    ],
  });
});
afterAll(() => notion.stop());
afterEach(() => notion.clearFaults());

async function setup(options: { token?: string } = { token: TOKEN }) {
  const { token } = options;
  const store = new Store(':memory:');
  const connections = new Connections(store, {
    notion: { defaultToken: token, apiUrl: notion.url },
    encryptionKey: undefined,
    previousEncryptionKey: undefined,
  });
  await connections.syncEnvToken();
  const checks = new CheckService({
    connections,
    store,
    limiter: new RateLimiter(100, 1_000),
    notionApiUrl: notion.url,
    logger: pino({ level: 'silent' }),
  });
  const notifier = new RecordingNotifier();
  const clock = new FakeClock();
  const service = new InventoryService({ store, checks, notifier, now: clock.now });
  return { store, service, notifier, clock };
}

const yes = async () => true;
const no = async () => false;

describe('watchAll', () => {
  it('lists, stores the inventory, subscribes the channel, and counts what it can see', async () => {
    const { store, service } = await setup();
    const outcome = await service.watchAll(CHANNEL, USER, 'default');
    // Wiki, Onboarding, Tasks (its two data sources once); Old is in trash.
    expect(outcome).toEqual({
      ok: true,
      connection: 'default',
      integrationName: 'Acme Sync',
      count: 3,
      already: false,
      complete: true,
    });
    expect(await store.inventory.count('default')).toBe(4); // the trashed page is not kept
    expect((await store.channels.watchingAll('default')).map((w) => w.channelId)).toEqual([
      CHANNEL,
    ]);
    expect(await service.summaries(CHANNEL)).toEqual([
      { connection: 'default', integrationName: 'Acme Sync', count: 3, since: T0, addedBy: USER },
    ]);
    expect(await service.watchAll(CHANNEL, OTHER_USER, 'default')).toMatchObject({
      ok: true,
      already: true,
    });
  });

  it('an incomplete listing says so', async () => {
    const { service } = await setup();
    notion.setSearchIncomplete(true);
    try {
      expect(await service.watchAll(CHANNEL, USER, 'default')).toMatchObject({ complete: false });
    } finally {
      notion.setSearchIncomplete(false);
    }
  });

  it.each([
    ['no token', undefined, undefined, 'token_missing'],
    ['Notion down', TOKEN, 503, 'notion_unavailable'],
  ] as const)('%s: listing_failed, and nothing stored', async (_, token, status, kind) => {
    const { store, service } = await setup({ token });
    if (status) {
      notion.fault({ match: { pathPrefix: '/v1/search' }, fault: { kind: 'status', status } });
    }
    const outcome = await service.watchAll(CHANNEL, USER, 'default');
    expect(outcome).toMatchObject({
      ok: false,
      reason: 'listing_failed',
      connection: 'default',
      diagnosis: { kind },
    });
    expect(await store.channels.watchingAll('default')).toEqual([]);
    expect(await store.inventory.count('default')).toBe(0);
  });
});

describe('unwatchAll', () => {
  it('refused when the channel does not watch all of it, or to someone else (not an admin)', async () => {
    const { service } = await setup();
    expect(await service.unwatchAll(CHANNEL, USER, 'default', yes)).toEqual({
      ok: false,
      reason: 'not_watching_all',
      connection: 'default',
    });
    await service.watchAll(CHANNEL, USER, 'default');
    expect(await service.unwatchAll(CHANNEL, OTHER_USER, 'default', no)).toEqual({
      ok: false,
      reason: 'not_owner',
      owner: USER,
    });
  });

  it('an admin may; the inventory stays while another channel watches, then is forgotten', async () => {
    const { store, service } = await setup();
    await service.watchAll(CHANNEL, USER, 'default');
    await service.watchAll(OTHER, USER, 'default');
    expect(await service.unwatchAll(CHANNEL, OTHER_USER, 'default', yes)).toMatchObject({
      ok: true,
      removed: { channelId: CHANNEL, connection: 'default', addedBy: USER },
    });
    expect(await store.inventory.count('default')).toBe(4);
    expect(await service.summaries(CHANNEL)).toEqual([]);
    await service.unwatchAll(OTHER, USER, 'default', no);
    expect(await store.inventory.count('default')).toBe(0);
  });

  it("closes that channel's open inventory alerts as unwatched, and only those", async () => {
    const { store, service, notifier } = await setup();
    await service.watchAll(CHANNEL, USER, 'default');
    await service.watchAll(OTHER, USER, 'default');
    const input = (channelId: string) => ({
      connection: 'default',
      channelId,
      scope: 'inventory' as const,
      kind: 'not_shared' as const,
      failingSince: T0,
      details: { watches: [], items: [id(2)], requestIds: [] },
    });
    await store.alerts.create({
      ...openAlert(input(CHANNEL), 'a-mine', T0),
      ts: '1.1',
      postedChannel: CHANNEL,
    });
    await store.alerts.create({
      ...openAlert(input(OTHER), 'a-other', T0),
      ts: '1.2',
      postedChannel: OTHER,
    });
    await service.unwatchAll(CHANNEL, USER, 'default', no);
    expect(await store.alerts.get('a-mine')).toMatchObject({
      status: 'resolved',
      details: { closedBecause: 'unwatched', items: [id(2)] },
    });
    expect((await store.alerts.get('a-other'))?.status).toBe('open');
    expect(notifier.summary()).toEqual(['updateAlert']);
  });
});

describe('fixTargets (Start fix on an alert)', () => {
  it('an inventory alert: its roots, at most 20; without roots, its items', () => {
    const roots = Array.from({ length: 25 }, (_, n) => ({
      id: id(n),
      title: `R${n}`,
      type: 'page' as const,
      inside: 0,
      examples: [],
    }));
    const alert = openAlert(
      {
        connection: 'default',
        channelId: CHANNEL,
        scope: 'inventory',
        kind: 'not_shared',
        failingSince: T0,
        details: { watches: [], roots, items: roots.map((r) => r.id), requestIds: [] },
      },
      'a1',
      T0,
    );
    expect(fixTargets(alert)).toEqual(roots.slice(0, 20).map((r) => r.id));
    const bare = { ...alert, details: { ...alert.details, roots: [], items: [id(7)] } };
    expect(fixTargets(bare)).toEqual([id(7)]);
  });
});
