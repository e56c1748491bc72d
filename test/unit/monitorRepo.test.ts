/**
 * The monitor's durable state (src/store/monitorRepo.ts) through a real Store on a temporary
 * SQLite file: watches, alerts and connection health, and that all of it survives a restart.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Alert, NewWatch, Watch } from '../../src/store/monitorRepo';
import { Store } from '../../src/store/store';

const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;

function pageId(index: number): string {
  return index.toString(16).padStart(32, '0');
}

function newWatch(index: number, overrides: Partial<NewWatch> = {}): NewWatch {
  return {
    channelId: 'C0ONE',
    connection: 'default',
    resourceId: pageId(index),
    resourceType: 'page',
    title: `Page ${index}`,
    url: `https://www.notion.so/acme/Page-${pageId(index)}`,
    addedBy: 'U0ALICE01',
    addedAt: T0 + index,
    status: { state: 'ok', since: T0 },
    ...overrides,
  };
}

function newAlert(watches: Watch[], overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'a00112233aabbccdd',
    channelId: 'C0ONE',
    postedChannel: null,
    ts: null,
    connection: 'default',
    scope: 'resources',
    kind: 'not_shared',
    status: 'open',
    openedAt: T0 + HOUR,
    failingSince: T0,
    acknowledgedBy: null,
    acknowledgedAt: null,
    snoozedBy: null,
    snoozedUntil: null,
    lastReminderAt: null,
    resolvedAt: null,
    details: {
      title: 'Not shared with the integration (or deleted)',
      watches: watches.map((w) => ({
        id: w.id,
        title: w.title ?? w.resourceId,
        url: w.url,
        resourceId: w.resourceId,
      })),
      requestIds: ['req-1', 'req-2'],
      integrationName: 'Roadmap Sync',
      fingerprint: '…abcd',
    },
    ...overrides,
  };
}

let dir: string;
let file: string;
let store: Store;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notion-check-monitor-repo-'));
  file = path.join(dir, 'data', 'monitor.db');
  store = new Store(file);
});

afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function restart(): Store {
  store.close();
  store = new Store(file);
  return store;
}

/** Adds watches 1..n to a channel and returns them as stored. */
function addWatches(n: number, overrides: Partial<NewWatch> = {}): Watch[] {
  for (let i = 1; i <= n; i++) expect(store.monitor.addWatch(newWatch(i, overrides))).toBe(true);
  return store.monitor.watchesInChannel(overrides.channelId ?? 'C0ONE');
}

describe('watches', () => {
  it('adds a watch and reads every field back', () => {
    expect(store.monitor.addWatch(newWatch(1))).toBe(true);
    const [watch, ...rest] = store.monitor.watchesInChannel('C0ONE');
    expect(rest).toEqual([]);
    expect(watch).toEqual({
      id: expect.any(Number),
      channelId: 'C0ONE',
      connection: 'default',
      resourceId: pageId(1),
      resourceType: 'page',
      title: 'Page 1',
      url: `https://www.notion.so/acme/Page-${pageId(1)}`,
      addedBy: 'U0ALICE01',
      addedAt: T0 + 1,
      state: 'ok',
      stateSince: T0,
      kind: null,
      requestId: null,
      lastCheckedAt: T0 + 1,
      lastKind: null,
    });
  });

  it('stores the state of the first check (a suspect page keeps its diagnosis)', () => {
    store.monitor.addWatch(
      newWatch(1, {
        status: { state: 'suspect', since: T0 + 5, kind: 'not_shared', requestId: 'req-x' },
      }),
    );
    expect(store.monitor.watchesInChannel('C0ONE')[0]).toMatchObject({
      state: 'suspect',
      stateSince: T0 + 5,
      kind: 'not_shared',
      requestId: 'req-x',
    });
  });

  it('a duplicate (same channel, same page) returns false and leaves the first watch alone', () => {
    store.monitor.addWatch(
      newWatch(1, { status: { state: 'failing', since: T0, kind: 'not_shared' } }),
    );
    const again = newWatch(1, {
      addedBy: 'U0BOB0002',
      addedAt: T0 + HOUR,
      status: { state: 'ok', since: T0 + HOUR },
    });
    expect(store.monitor.addWatch(again)).toBe(false);
    const watches = store.monitor.watchesInChannel('C0ONE');
    expect(watches).toHaveLength(1);
    // Re-adding a failing page must not silently reset it, nor steal "added by".
    expect(watches[0]).toMatchObject({ addedBy: 'U0ALICE01', state: 'failing', stateSince: T0 });
    expect(store.monitor.countWatches('C0ONE')).toBe(1);
  });

  it('the same page in another channel is a separate watch', () => {
    expect(store.monitor.addWatch(newWatch(1))).toBe(true);
    expect(store.monitor.addWatch(newWatch(1, { channelId: 'C0TWO' }))).toBe(true);
    expect(store.monitor.countWatches('C0ONE')).toBe(1);
    expect(store.monitor.countWatches('C0TWO')).toBe(1);
    expect(store.monitor.watchesForConnection('default')).toHaveLength(2);
  });

  it('lists a channel in the order pages were added', () => {
    store.monitor.addWatch(newWatch(3, { addedAt: T0 + 30 }));
    store.monitor.addWatch(newWatch(1, { addedAt: T0 + 10 }));
    store.monitor.addWatch(newWatch(2, { addedAt: T0 + 20 }));
    store.monitor.addWatch(newWatch(9, { channelId: 'C0TWO' }));
    expect(store.monitor.watchesInChannel('C0ONE').map((w) => w.resourceId)).toEqual([
      pageId(1),
      pageId(2),
      pageId(3),
    ]);
  });

  it('removeWatch returns the removed watch once, and only in its channel', () => {
    addWatches(2);
    store.monitor.addWatch(newWatch(1, { channelId: 'C0TWO' }));
    const removed = store.monitor.removeWatch('C0ONE', pageId(1));
    expect(removed).toMatchObject({ channelId: 'C0ONE', resourceId: pageId(1), title: 'Page 1' });
    expect(store.monitor.removeWatch('C0ONE', pageId(1))).toBeUndefined();
    expect(store.monitor.removeWatch('C0ONE', pageId(42))).toBeUndefined();
    expect(store.monitor.watchesInChannel('C0ONE').map((w) => w.resourceId)).toEqual([pageId(2)]);
    expect(store.monitor.countWatches('C0TWO')).toBe(1);
    // Removed, it can be watched again.
    expect(store.monitor.addWatch(newWatch(1))).toBe(true);
  });

  it('countWatches counts one channel; zero for a channel with none', () => {
    addWatches(5);
    addWatches(2, { channelId: 'C0TWO' });
    expect(store.monitor.countWatches('C0ONE')).toBe(5);
    expect(store.monitor.countWatches('C0TWO')).toBe(2);
    expect(store.monitor.countWatches('C0NONE')).toBe(0);
  });

  it('watchesForConnection returns every channel’s watches of that connection only', () => {
    addWatches(2);
    addWatches(1, { channelId: 'C0TWO' });
    store.monitor.addWatch(newWatch(7, { connection: 'marketing' }));
    const ofDefault = store.monitor.watchesForConnection('default');
    expect(ofDefault).toHaveLength(3);
    expect(ofDefault.every((w) => w.connection === 'default')).toBe(true);
    expect(store.monitor.watchesForConnection('marketing').map((w) => w.resourceId)).toEqual([
      pageId(7),
    ]);
    expect(store.monitor.watchesForConnection('nobody')).toEqual([]);
    expect(store.monitor.watchedConnections()).toEqual(['default', 'marketing']);
  });

  it('saveWatchStatuses persists state, since, kind, request id, last check and last kind', () => {
    const [first, second, third] = addWatches(3);
    if (!first || !second || !third) throw new Error('three watches expected');
    store.monitor.saveWatchStatuses([
      {
        id: first.id,
        status: { state: 'failing', since: T0 + 1, kind: 'restricted', requestId: 'req-f' },
        checkedAt: T0 + 2 * HOUR,
        lastKind: 'restricted',
      },
      {
        id: second.id,
        status: { state: 'suspect', since: T0 + 2, kind: 'in_trash' },
        checkedAt: T0 + 2 * HOUR,
        lastKind: 'in_trash',
      },
    ]);
    const byId = new Map(store.monitor.watchesInChannel('C0ONE').map((w) => [w.id, w]));
    expect(byId.get(first.id)).toMatchObject({
      state: 'failing',
      stateSince: T0 + 1,
      kind: 'restricted',
      requestId: 'req-f',
      lastCheckedAt: T0 + 2 * HOUR,
      lastKind: 'restricted',
    });
    expect(byId.get(second.id)).toMatchObject({
      state: 'suspect',
      stateSince: T0 + 2,
      kind: 'in_trash',
      requestId: null,
    });
    // Not in this sweep: untouched.
    expect(byId.get(third.id)).toEqual(third);

    // Back to ok: the old diagnosis is cleared, not left behind.
    store.monitor.saveWatchStatuses([
      {
        id: first.id,
        status: { state: 'ok', since: T0 + 3 * HOUR },
        checkedAt: T0 + 3 * HOUR,
        lastKind: 'ok',
      },
    ]);
    expect(store.monitor.watchesInChannel('C0ONE')[0]).toMatchObject({
      state: 'ok',
      stateSince: T0 + 3 * HOUR,
      kind: null,
      requestId: null,
      lastKind: 'ok',
    });
  });

  it('saveWatchStatuses ignores a watch removed in the meantime', () => {
    const [first, second] = addWatches(2);
    if (!first || !second) throw new Error('two watches expected');
    store.monitor.removeWatch('C0ONE', first.resourceId);
    store.monitor.saveWatchStatuses([
      { id: first.id, status: { state: 'failing', since: T0 }, checkedAt: T0, lastKind: 'x' },
      { id: second.id, status: { state: 'suspect', since: T0 }, checkedAt: T0, lastKind: 'y' },
    ]);
    expect(store.monitor.watchesInChannel('C0ONE').map((w) => [w.resourceId, w.state])).toEqual([
      [second.resourceId, 'suspect'],
    ]);
  });
});

describe('alerts', () => {
  it('createAlert / getAlert round-trip every field and the details', () => {
    const watches = addWatches(3);
    const alert = newAlert(watches);
    store.monitor.createAlert(alert);
    expect(store.monitor.getAlert(alert.id)).toEqual(alert);
    expect(store.monitor.getAlert('a-unknown')).toBeUndefined();
  });

  it('details with unusual text come back exactly as stored', () => {
    const watches = addWatches(1);
    const alert = newAlert(watches);
    alert.details.title = 'Quotes " \' \\ and <!channel> & emoji :x: — ünïcødé';
    alert.details.watches[0] = {
      id: 1,
      title: 'Ä "page"\nwith newline',
      url: null,
      resourceId: 'r',
    };
    store.monitor.createAlert(alert);
    expect(store.monitor.getAlert(alert.id)?.details).toEqual(alert.details);
  });

  it('openAlerts lists the open alerts of one connection, oldest first', () => {
    const watches = addWatches(1);
    store.monitor.createAlert(newAlert(watches, { id: 'a-late', openedAt: T0 + 2 * HOUR }));
    store.monitor.createAlert(newAlert(watches, { id: 'a-early', openedAt: T0 + HOUR }));
    store.monitor.createAlert(newAlert(watches, { id: 'a-other', connection: 'marketing' }));
    store.monitor.createAlert(newAlert(watches, { id: 'a-closed' }));
    store.monitor.updateAlert('a-closed', { status: 'resolved', resolvedAt: T0 + 3 * HOUR });
    expect(store.monitor.openAlerts('default').map((a) => a.id)).toEqual(['a-early', 'a-late']);
  });

  it('acknowledgeAlert records the first person only', () => {
    const alert = newAlert(addWatches(1));
    store.monitor.createAlert(alert);
    expect(store.monitor.acknowledgeAlert(alert.id, 'U0ALICE01', T0 + 2 * HOUR)).toBe(true);
    expect(store.monitor.acknowledgeAlert(alert.id, 'U0BOB0002', T0 + 3 * HOUR)).toBe(false);
    expect(store.monitor.getAlert(alert.id)).toMatchObject({
      acknowledgedBy: 'U0ALICE01',
      acknowledgedAt: T0 + 2 * HOUR,
    });
  });

  it('acknowledgeAlert refuses a resolved alert and an unknown one', () => {
    const alert = newAlert(addWatches(1));
    store.monitor.createAlert(alert);
    store.monitor.updateAlert(alert.id, { status: 'resolved', resolvedAt: T0 + HOUR });
    expect(store.monitor.acknowledgeAlert(alert.id, 'U0ALICE01', T0 + 2 * HOUR)).toBe(false);
    expect(store.monitor.getAlert(alert.id)).toMatchObject({
      acknowledgedBy: null,
      acknowledgedAt: null,
    });
    expect(store.monitor.acknowledgeAlert('a-unknown', 'U0ALICE01', T0)).toBe(false);
  });

  it('updateAlert changes only the fields given', () => {
    const alert = newAlert(addWatches(2));
    store.monitor.createAlert(alert);

    store.monitor.updateAlert(alert.id, { postedChannel: 'C0ONE', ts: '1700000000.000200' });
    expect(store.monitor.getAlert(alert.id)).toEqual({
      ...alert,
      postedChannel: 'C0ONE',
      ts: '1700000000.000200',
    });

    store.monitor.updateAlert(alert.id, { snoozedBy: 'U0BOB0002', snoozedUntil: T0 + 30 * HOUR });
    store.monitor.updateAlert(alert.id, { lastReminderAt: T0 + 25 * HOUR });
    expect(store.monitor.getAlert(alert.id)).toEqual({
      ...alert,
      postedChannel: 'C0ONE',
      ts: '1700000000.000200',
      snoozedBy: 'U0BOB0002',
      snoozedUntil: T0 + 30 * HOUR,
      lastReminderAt: T0 + 25 * HOUR,
    });

    const details = { ...alert.details, closedBecause: 'unwatched' as const };
    store.monitor.updateAlert(alert.id, {
      status: 'resolved',
      resolvedAt: T0 + 40 * HOUR,
      details,
    });
    expect(store.monitor.getAlert(alert.id)).toMatchObject({
      status: 'resolved',
      resolvedAt: T0 + 40 * HOUR,
      snoozedBy: 'U0BOB0002',
      lastReminderAt: T0 + 25 * HOUR,
      details,
    });
  });

  it('updateAlert can clear a field with null, and does nothing with no fields', () => {
    const alert = newAlert(addWatches(1));
    store.monitor.createAlert(alert);
    store.monitor.updateAlert(alert.id, { snoozedBy: 'U0BOB0002', snoozedUntil: T0 + HOUR });
    store.monitor.updateAlert(alert.id, { snoozedBy: null, snoozedUntil: null });
    store.monitor.updateAlert(alert.id, {});
    expect(store.monitor.getAlert(alert.id)).toEqual(alert);
  });

  it('updateAlert touches only its own alert', () => {
    const watches = addWatches(1);
    store.monitor.createAlert(newAlert(watches, { id: 'a-one' }));
    store.monitor.createAlert(newAlert(watches, { id: 'a-two' }));
    store.monitor.updateAlert('a-one', { status: 'resolved', resolvedAt: T0 });
    expect(store.monitor.getAlert('a-two')).toMatchObject({ status: 'open', resolvedAt: null });
  });

  it('alertMembers returns the alert’s pages still watched, not removed ones nor others', () => {
    const watches = addWatches(4);
    const [w1, w2, w3] = watches;
    if (!w1 || !w2 || !w3) throw new Error('watches expected');
    const alert = newAlert([w1, w2, w3]);
    store.monitor.createAlert(alert);
    expect(store.monitor.alertMembers(alert).map((w) => w.id)).toEqual([w1.id, w2.id, w3.id]);

    store.monitor.removeWatch('C0ONE', w2.resourceId);
    expect(store.monitor.alertMembers(alert).map((w) => w.id)).toEqual([w1.id, w3.id]);

    store.monitor.removeWatch('C0ONE', w1.resourceId);
    store.monitor.removeWatch('C0ONE', w3.resourceId);
    expect(store.monitor.alertMembers(alert)).toEqual([]);
  });

  it('alertMembers: a page watched after the alert’s page was unwatched is not a member', () => {
    // The alert is about page 1; page 1 is unwatched, then another page is watched (here in
    // another channel). The new watch has nothing to do with the alert.
    const [w1] = addWatches(1);
    if (!w1) throw new Error('watch expected');
    const alert = newAlert([w1]);
    store.monitor.createAlert(alert);
    store.monitor.removeWatch('C0ONE', w1.resourceId);
    expect(store.monitor.alertMembers(alert)).toEqual([]);
    store.monitor.addWatch(newWatch(2, { channelId: 'C0TWO' }));
    expect(store.monitor.alertMembers(alert).map((w) => [w.channelId, w.resourceId])).toEqual([]);
  });

  it('alertMembers: re-watching the alert’s page starts a fresh watch, not the alert’s', () => {
    const [w1] = addWatches(1);
    if (!w1) throw new Error('watch expected');
    const alert = newAlert([w1]);
    store.monitor.createAlert(alert);
    store.monitor.removeWatch('C0ONE', w1.resourceId);
    store.monitor.addWatch(newWatch(1));
    expect(store.monitor.alertMembers(alert)).toEqual([]);
  });
});

describe('connection health', () => {
  it('is undefined before the first sweep', () => {
    expect(store.monitor.getHealth('default')).toBeUndefined();
  });

  it('saveHealth / getHealth round-trip, including the last sweep time', () => {
    store.monitor.saveHealth(
      {
        connection: 'default',
        status: { state: 'suspect', since: T0, kind: 'token_invalid', requestId: 'req-t' },
        unreachableSince: T0 - HOUR,
        noticePosted: true,
      },
      T0 + 15 * 60_000,
    );
    expect(store.monitor.getHealth('default')).toEqual({
      connection: 'default',
      status: { state: 'suspect', since: T0, kind: 'token_invalid', requestId: 'req-t' },
      unreachableSince: T0 - HOUR,
      noticePosted: true,
      lastSweepAt: T0 + 15 * 60_000,
    });
  });

  it('the next sweep overwrites it, clearing what no longer applies', () => {
    store.monitor.saveHealth(
      {
        connection: 'default',
        status: { state: 'failing', since: T0, kind: 'token_invalid', requestId: 'req-t' },
        unreachableSince: T0,
        noticePosted: true,
      },
      T0,
    );
    store.monitor.saveHealth(
      {
        connection: 'default',
        status: { state: 'ok', since: T0 + HOUR },
        unreachableSince: null,
        noticePosted: false,
      },
      T0 + HOUR,
    );
    expect(store.monitor.getHealth('default')).toEqual({
      connection: 'default',
      status: { state: 'ok', since: T0 + HOUR, kind: undefined, requestId: undefined },
      unreachableSince: null,
      noticePosted: false,
      lastSweepAt: T0 + HOUR,
    });
  });

  it('keeps connections apart', () => {
    const health = (connection: string, since: number) => ({
      connection,
      status: { state: 'ok' as const, since },
      unreachableSince: null,
      noticePosted: false,
    });
    store.monitor.saveHealth(health('default', T0), T0 + 1);
    store.monitor.saveHealth(health('marketing', T0 + 5), T0 + 6);
    expect(store.monitor.getHealth('default')).toMatchObject({ lastSweepAt: T0 + 1 });
    expect(store.monitor.getHealth('marketing')).toMatchObject({
      status: { since: T0 + 5 },
      lastSweepAt: T0 + 6,
    });
  });
});

describe('a restart (close and reopen the Store)', () => {
  it('keeps watches, their states, alerts with acknowledgement and snooze, and health', () => {
    const watches = addWatches(3);
    addWatches(1, { channelId: 'C0TWO' });
    const [w1] = watches;
    if (!w1) throw new Error('watch expected');
    store.monitor.saveWatchStatuses([
      {
        id: w1.id,
        status: { state: 'failing', since: T0, kind: 'not_shared', requestId: 'req-1' },
        checkedAt: T0 + HOUR,
        lastKind: 'not_shared',
      },
    ]);
    const alert = newAlert([w1]);
    store.monitor.createAlert(alert);
    store.monitor.updateAlert(alert.id, { postedChannel: 'C0ONE', ts: '1700000000.000300' });
    store.monitor.acknowledgeAlert(alert.id, 'U0ALICE01', T0 + 2 * HOUR);
    store.monitor.updateAlert(alert.id, { snoozedBy: 'U0BOB0002', snoozedUntil: T0 + 26 * HOUR });
    const health = {
      connection: 'default',
      status: { state: 'ok' as const, since: T0 },
      unreachableSince: T0 + HOUR,
      noticePosted: true,
    };
    store.monitor.saveHealth(health, T0 + 2 * HOUR);

    const before = {
      one: store.monitor.watchesInChannel('C0ONE'),
      two: store.monitor.watchesInChannel('C0TWO'),
      alert: store.monitor.getAlert(alert.id),
      health: store.monitor.getHealth('default'),
    };

    const reopened = restart();

    expect(reopened.monitor.watchesInChannel('C0ONE')).toEqual(before.one);
    expect(reopened.monitor.watchesInChannel('C0TWO')).toEqual(before.two);
    expect(reopened.monitor.watchesInChannel('C0ONE')[0]).toMatchObject({
      state: 'failing',
      stateSince: T0,
      kind: 'not_shared',
    });
    expect(reopened.monitor.getAlert(alert.id)).toEqual({
      ...alert,
      postedChannel: 'C0ONE',
      ts: '1700000000.000300',
      acknowledgedBy: 'U0ALICE01',
      acknowledgedAt: T0 + 2 * HOUR,
      snoozedBy: 'U0BOB0002',
      snoozedUntil: T0 + 26 * HOUR,
    });
    expect(reopened.monitor.getAlert(alert.id)).toEqual(before.alert);
    expect(reopened.monitor.openAlerts('default').map((a) => a.id)).toEqual([alert.id]);
    expect(reopened.monitor.alertMembers(alert).map((w) => w.id)).toEqual([w1.id]);
    expect(reopened.monitor.getHealth('default')).toEqual({
      ...health,
      lastSweepAt: T0 + 2 * HOUR,
    });
    expect(reopened.monitor.getHealth('default')).toEqual(before.health);

    // The old buttons keep working: an acknowledgement stays the first person's after a restart.
    expect(reopened.monitor.acknowledgeAlert(alert.id, 'U0CAROL03', T0 + 3 * HOUR)).toBe(false);
    // And duplicates are still refused.
    expect(reopened.monitor.addWatch(newWatch(1))).toBe(false);
  });

  it('reopening twice runs no migration again and loses nothing', () => {
    addWatches(2);
    restart();
    restart();
    expect(store.monitor.countWatches('C0ONE')).toBe(2);
    expect(store.isHealthy()).toBe(true);
  });
});
