/**
 * ConnectionDirectory (src/services/connectionDirectory.ts) on a real Store (a temporary SQLite
 * file): which connections exist, which one a channel uses, what `disconnect` would take and
 * what it takes — exactly that connection's watches, inventory, channel choices and health —
 * and its open alerts closed as "connection removed" and redrawn.
 */
import { randomBytes } from 'node:crypto';
import type { Alert } from '../../../src/domain/alert';
import type { InventoryItem } from '../../../src/domain/inventory';
import { createLogger } from '../../../src/logger';
import { ConnectionDirectory } from '../../../src/services/connectionDirectory';
import { Connections } from '../../../src/services/connections';
import { FakeClock, RecordingNotifier, ScriptedChecks } from '../../support/fakes';
import {
  alert,
  CHANNEL,
  checkRun,
  failedTokenRun,
  fakeToken,
  newWatch,
  OTHER_USER,
  T0,
  USER,
} from '../../support/fixtures';
import { LogCapture } from '../../support/harness';
import { useTempStore } from '../../support/tempStore';

const temp = useTempStore('directory');
const OTHER_CHANNEL = 'C0OTHER01';
const THIRD_CHANNEL = 'C0THIRD01';
const ENV_TOKEN = fakeToken('env1');
const REPORTS_TOKEN = fakeToken('rep1');
const SYNC_TOKEN = fakeToken('syn1');

async function setup(options: { envToken?: string } = {}) {
  const store = temp.store;
  const logs = new LogCapture();
  const connections = new Connections(store, {
    notion: { defaultToken: options.envToken, apiUrl: 'http://notion.invalid' },
    encryptionKey: randomBytes(32),
    previousEncryptionKey: undefined,
  });
  await connections.syncEnvToken(T0);
  const checks = new ScriptedChecks();
  const notifier = new RecordingNotifier();
  const clock = new FakeClock();
  const directory = new ConnectionDirectory({
    store,
    connections,
    checks: checks.service,
    notifier,
    logger: createLogger('info', logs),
    now: clock.now,
  });
  return { store, connections, checks, notifier, clock, directory, logs };
}

function item(id: string, parentId?: string): InventoryItem {
  return { id, type: 'page', title: `Item ${id}`, parentId, inTrash: false };
}

/** Two connections side by side, each with watches, inventory, a channel's choice and alerts. */
async function twoConnections(options: { envToken?: string } = { envToken: ENV_TOKEN }) {
  const s = await setup(options);
  const { store, connections } = s;
  await connections.saveFromSlack('reports', REPORTS_TOKEN, USER, T0);
  await connections.rememberIdentity('reports', {
    integrationName: 'Reporting Job',
    workspaceName: 'Acme',
  });
  await connections.saveFromSlack('sync', SYNC_TOKEN, USER, T0);
  await connections.rememberIdentity('sync', {
    integrationName: 'Sync Script',
    workspaceName: 'Acme',
  });

  // reports: two watches in CHANNEL, one in OTHER_CHANNEL; sync: one in CHANNEL, one in THIRD.
  await store.watches.add(newWatch(1, { connection: 'reports' }));
  await store.watches.add(newWatch(2, { connection: 'reports' }));
  await store.watches.add(newWatch(3, { connection: 'reports', channelId: OTHER_CHANNEL }));
  await store.watches.add(newWatch(4, { connection: 'sync' }));
  await store.watches.add(newWatch(5, { connection: 'sync', channelId: THIRD_CHANNEL }));
  await store.watches.add(newWatch(6, { connection: 'default', channelId: THIRD_CHANNEL }));

  await store.inventory.upsertListed(
    'reports',
    [item('r1'), item('r2', 'r1'), item('r3', 'r1')],
    T0,
  );
  await store.inventory.upsertListed('sync', [item('s1'), item('s2', 's1')], T0);

  await store.channels.use({ channelId: CHANNEL, connection: 'reports', setBy: USER, setAt: T0 });
  await store.channels.use({
    channelId: OTHER_CHANNEL,
    connection: 'sync',
    setBy: USER,
    setAt: T0,
  });
  await store.channels.watchAll({
    channelId: CHANNEL,
    connection: 'reports',
    addedBy: USER,
    addedAt: T0,
  });
  await store.channels.watchAll({
    channelId: CHANNEL,
    connection: 'sync',
    addedBy: USER,
    addedAt: T0,
  });

  const healthy = {
    status: { state: 'ok' as const, since: T0 },
    reachability: { noticePosted: false },
  };
  await store.health.save({ connection: 'reports', ...healthy }, T0);
  await store.health.save({ connection: 'sync', ...healthy }, T0);

  const reportsWatches = await store.watches.forConnection('reports');
  const open: Alert[] = [
    alert(reportsWatches.slice(0, 2), { id: 'a0000000000000001', connection: 'reports' }),
    alert([], {
      id: 'a0000000000000002',
      connection: 'reports',
      scope: 'connection',
      kind: 'token_invalid',
      channelId: OTHER_CHANNEL,
      postedChannel: OTHER_CHANNEL,
      ts: '1700000000.000200',
    }),
    // Never posted (Slack was down when it opened): closed too, nothing to redraw.
    alert([], {
      id: 'a0000000000000003',
      connection: 'reports',
      scope: 'connection',
      kind: 'token_invalid',
      postedChannel: undefined,
      ts: undefined,
    }),
    alert(await store.watches.forConnection('sync'), {
      id: 'a0000000000000004',
      connection: 'sync',
      ts: '1700000000.000300',
    }),
  ];
  for (const each of open) await store.alerts.create(each);
  // Already resolved: left as it was.
  await store.alerts.create(
    alert(reportsWatches.slice(0, 1), {
      id: 'a0000000000000005',
      connection: 'reports',
      status: 'resolved',
      ts: '1700000000.000400',
    }),
  );
  return s;
}

describe('known, exists', () => {
  test('default always exists, first; the others in name order', async () => {
    const { directory, connections } = await setup();
    expect(await directory.known()).toEqual(['default']);
    await connections.saveFromSlack('sync', SYNC_TOKEN, USER, T0);
    await connections.saveFromSlack('alpha', REPORTS_TOKEN, USER, T0);
    await connections.saveFromSlack('0-first', fakeToken('zero'), USER, T0);
    expect(await directory.known()).toEqual(['default', '0-first', 'alpha', 'sync']);
  });

  test('default from NOTION_TOKEN is listed once', async () => {
    const { directory, store } = await setup({ envToken: ENV_TOKEN });
    expect((await store.connections.get('default'))?.source).toBe('env');
    expect(await directory.known()).toEqual(['default']);
  });

  test('an unknown name is refused with every known name', async () => {
    const { directory, connections } = await setup();
    await connections.saveFromSlack('reports', REPORTS_TOKEN, USER, T0);
    expect(await directory.exists('reports')).toEqual({ ok: true, name: 'reports' });
    expect(await directory.exists('default')).toEqual({ ok: true, name: 'default' });
    expect(await directory.exists('nope')).toEqual({
      ok: false,
      reason: 'unknown_connection',
      name: 'nope',
      known: ['default', 'reports'],
    });
  });
});

describe('choose, use', () => {
  test('named → that one; else the channel’s `use`; else default', async () => {
    const { directory, connections } = await setup();
    await connections.saveFromSlack('reports', REPORTS_TOKEN, USER, T0);
    await connections.saveFromSlack('sync', SYNC_TOKEN, USER, T0);
    expect(await directory.choose(CHANNEL)).toEqual({ ok: true, name: 'default' });

    expect(await directory.use(CHANNEL, 'reports', USER)).toEqual({ ok: true, name: 'reports' });
    expect(await directory.choose(CHANNEL)).toEqual({ ok: true, name: 'reports' });
    // Another channel is untouched.
    expect(await directory.choose(OTHER_CHANNEL)).toEqual({ ok: true, name: 'default' });
    // A named connection wins over the channel's, for that command only.
    expect(await directory.choose(CHANNEL, 'sync')).toEqual({ ok: true, name: 'sync' });
    expect(await directory.choose(CHANNEL, 'default')).toEqual({ ok: true, name: 'default' });
    expect(await directory.choose(CHANNEL)).toEqual({ ok: true, name: 'reports' });
  });

  test('use again replaces the choice, and records who set it and when', async () => {
    const { directory, connections, store, clock } = await setup();
    await connections.saveFromSlack('reports', REPORTS_TOKEN, USER, T0);
    await connections.saveFromSlack('sync', SYNC_TOKEN, USER, T0);
    await directory.use(CHANNEL, 'reports', USER);
    clock.advance(60_000);
    await directory.use(CHANNEL, 'sync', OTHER_USER);
    expect(await store.channels.connectionOf(CHANNEL)).toEqual({
      channelId: CHANNEL,
      connection: 'sync',
      setBy: OTHER_USER,
      setAt: T0 + 60_000,
    });
    expect(await directory.choose(CHANNEL)).toEqual({ ok: true, name: 'sync' });
  });

  test('use of an unknown name is refused and changes nothing', async () => {
    const { directory, connections, store } = await setup();
    await connections.saveFromSlack('reports', REPORTS_TOKEN, USER, T0);
    await directory.use(CHANNEL, 'reports', USER);
    expect(await directory.use(CHANNEL, 'nope', USER)).toMatchObject({
      ok: false,
      reason: 'unknown_connection',
      known: ['default', 'reports'],
    });
    expect((await store.channels.connectionOf(CHANNEL))?.connection).toBe('reports');
  });

  test('a named unknown connection is refused, even where the channel has one', async () => {
    const { directory, connections } = await setup();
    await connections.saveFromSlack('reports', REPORTS_TOKEN, USER, T0);
    await directory.use(CHANNEL, 'reports', USER);
    expect(await directory.choose(CHANNEL, 'nope')).toMatchObject({
      ok: false,
      reason: 'unknown_connection',
      name: 'nope',
    });
  });

  test('a channel whose chosen connection no longer exists falls back to default', async () => {
    const { directory, store } = await setup();
    // As a database written before the connection was removed by other means might hold.
    await store.channels.use({ channelId: CHANNEL, connection: 'gone', setBy: USER, setAt: T0 });
    expect(await directory.choose(CHANNEL)).toEqual({ ok: true, name: 'default' });
  });
});

describe('integrationName', () => {
  test('what users.me last said, undefined for a connection never checked or unknown', async () => {
    const { directory, connections } = await setup();
    await connections.saveFromSlack('reports', REPORTS_TOKEN, USER, T0);
    expect(await directory.integrationName('reports')).toBeUndefined();
    await connections.rememberIdentity('reports', { integrationName: 'Reporting Job' });
    expect(await directory.integrationName('reports')).toBe('Reporting Job');
    expect(await directory.integrationName('nope')).toBeUndefined();
  });
});

describe('overview', () => {
  test('each connection checked with its own name; counts here and in all; this channel’s', async () => {
    const { directory, checks } = await twoConnections();
    // One answer per connection, whatever order they are asked in.
    for (let i = 0; i < 3; i++) {
      checks.answer((request) =>
        request.connection === 'sync'
          ? { ...failedTokenRun('token_invalid'), connection: 'sync' }
          : checkRun({ connection: request.connection, fingerprint: '…xxxx' }),
      );
    }
    const overview = await directory.overview(CHANNEL, USER);
    expect(checks.requests.map((request) => request.connection).sort()).toEqual([
      'default',
      'reports',
      'sync',
    ]);
    expect(checks.requests.every((request) => request.targets.length === 0)).toBe(true);
    expect(overview.map((line) => line.name)).toEqual(['default', 'reports', 'sync']);
    const [byDefault, reports, sync] = overview;
    expect(reports).toMatchObject({
      watches: { here: 2, total: 3 },
      usedHere: true,
      watchingAllHere: true,
      diagnosis: { kind: 'ok' },
      source: 'slack',
    });
    expect(sync).toMatchObject({
      watches: { here: 1, total: 2 },
      usedHere: false,
      diagnosis: { kind: 'token_invalid' },
      // users.me refused the token: the name it last gave is still shown.
      integrationName: 'Sync Script',
      workspaceName: 'Acme',
    });
    expect(byDefault).toMatchObject({ watches: { here: 0, total: 1 }, usedHere: false });
  });
});

describe('preview', () => {
  test('refused for an unknown name and for default from NOTION_TOKEN', async () => {
    const { directory } = await setup({ envToken: ENV_TOKEN });
    expect(await directory.preview('nope')).toMatchObject({
      ok: false,
      reason: 'unknown_connection',
    });
    expect(await directory.preview('default')).toEqual({
      ok: false,
      reason: 'env_connection',
      name: 'default',
    });
  });

  test('what removing would take: watches, channels, inventory, open alerts', async () => {
    const { directory } = await twoConnections();
    expect(await directory.preview('reports')).toEqual({
      ok: true,
      summary: {
        name: 'reports',
        integrationName: 'Reporting Job',
        fingerprint: '…rep1',
        watches: 3,
        channels: 2,
        inventory: 3,
        openAlerts: 3,
      },
    });
  });
});

describe('disconnect', () => {
  test('removes exactly that connection’s token, watches, inventory, choices and health', async () => {
    const { directory, store, connections } = await twoConnections();
    const outcome = await directory.disconnect('reports', USER);
    expect(outcome).toMatchObject({ ok: true, summary: { name: 'reports', watches: 3 } });

    expect(await store.connections.get('reports')).toBeUndefined();
    expect((await connections.resolve('reports')).token).toBeUndefined();
    expect(await store.watches.forConnection('reports')).toHaveLength(0);
    expect(await store.inventory.count('reports')).toBe(0);
    expect(await store.channels.connectionOf(CHANNEL)).toBeUndefined();
    expect((await store.channels.watchAllIn(CHANNEL)).map((each) => each.connection)).toEqual([
      'sync',
    ]);
    expect(await store.health.get('reports')).toBeUndefined();
    expect(await directory.known()).toEqual(['default', 'sync']);
    expect(await directory.choose(CHANNEL)).toEqual({ ok: true, name: 'default' });

    // The other connection is left alone.
    expect((await connections.resolve('sync')).token).toBe(SYNC_TOKEN);
    expect((await store.watches.forConnection('sync')).map((each) => each.channelId)).toEqual([
      CHANNEL,
      THIRD_CHANNEL,
    ]);
    expect(await store.watches.forConnection('default')).toHaveLength(1);
    expect(await store.inventory.count('sync')).toBe(2);
    expect((await store.channels.connectionOf(OTHER_CHANNEL))?.connection).toBe('sync');
    expect(await store.health.get('sync')).toBeDefined();
    expect((await store.alerts.open('sync')).map((each) => each.id)).toEqual(['a0000000000000004']);
  });

  test('closes its open alerts as disconnected and redraws those that were posted', async () => {
    const { directory, store, notifier, clock } = await twoConnections();
    clock.advance(5_000);
    await directory.disconnect('reports', USER);
    expect(await store.alerts.open('reports')).toHaveLength(0);
    for (const id of ['a0000000000000001', 'a0000000000000002', 'a0000000000000003']) {
      expect(await store.alerts.get(id)).toMatchObject({
        status: 'resolved',
        resolvedAt: T0 + 5_000,
        details: { closedBecause: 'disconnected' },
      });
    }
    // The one resolved before keeps its own end.
    expect((await store.alerts.get('a0000000000000005'))?.details.closedBecause).toBeUndefined();
    expect((await store.alerts.get('a0000000000000005'))?.resolvedAt).toBeUndefined();

    const redrawn = notifier.ofOp('updateAlert');
    expect(redrawn.map((call) => call.alert.id).sort()).toEqual([
      'a0000000000000001',
      'a0000000000000002',
      'a0000000000000003',
    ]);
    for (const call of redrawn) {
      expect(call.alert.status).toBe('resolved');
      expect(call.alert.details.closedBecause).toBe('disconnected');
    }
    expect(notifier.ofOp('postAlert')).toHaveLength(0);
    expect(notifier.ofOp('replyToAlert')).toHaveLength(0);
  });

  test('a redraw Slack refuses is logged; the removal stands', async () => {
    const { directory, store, notifier, logs } = await twoConnections();
    notifier.updateAlert = async () => {
      throw new Error('slack down');
    };
    const outcome = await directory.disconnect('reports', USER);
    expect(outcome.ok).toBe(true);
    expect(await store.connections.get('reports')).toBeUndefined();
    expect(logs.text()).toContain('could not redraw alert');
  });

  test('a second disconnect is refused as unknown, and changes nothing', async () => {
    const { directory, store, notifier } = await twoConnections();
    await directory.disconnect('reports', USER);
    notifier.clear();
    expect(await directory.disconnect('reports', USER)).toEqual({
      ok: false,
      reason: 'unknown_connection',
      name: 'reports',
      known: ['default', 'sync'],
    });
    expect(notifier.calls).toHaveLength(0);
    expect(await store.watches.forConnection('sync')).toHaveLength(2);
  });

  test('default from NOTION_TOKEN is refused; nothing of it is removed', async () => {
    const { directory, store } = await twoConnections();
    expect(await directory.disconnect('default', USER)).toMatchObject({
      ok: false,
      reason: 'env_connection',
    });
    expect(await store.watches.forConnection('default')).toHaveLength(1);
    expect((await store.connections.get('default'))?.source).toBe('env');
  });

  test('the log line names the connection and its fingerprint, never the token', async () => {
    const { directory, logs } = await twoConnections();
    await directory.disconnect('reports', USER);
    expect(logs.text()).toContain('connection removed');
    expect(logs.text()).toContain('reports');
    for (const token of [REPORTS_TOKEN, SYNC_TOKEN, ENV_TOKEN]) {
      expect(logs.text()).not.toContain(token);
    }
  });

  test('a new connection under the removed name starts clean', async () => {
    const { directory, store, connections } = await twoConnections();
    await directory.disconnect('reports', USER);
    await connections.saveFromSlack('reports', fakeToken('new1'), USER, T0);
    expect(await directory.preview('reports')).toMatchObject({
      ok: true,
      summary: { watches: 0, inventory: 0, openAlerts: 0, integrationName: undefined },
    });
    expect(await store.health.get('reports')).toBeUndefined();
    expect(await directory.choose(CHANNEL)).toEqual({ ok: true, name: 'default' });
  });
});
