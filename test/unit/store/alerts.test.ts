/**
 * Alerts (src/store/alerts.ts, AlertRepo) through a real Store, on SQLite and on PostgreSQL:
 * every field and the details round-trip, open alerts per connection, the first
 * acknowledgement wins, partial updates, and all of it survives a restart.
 */
import type { Alert } from '../../../src/domain/alert';
import type { Watch } from '../../../src/domain/watch';
import type { Store } from '../../../src/store/store';
import { alert, CHANNEL, HOUR, newWatch, OTHER_USER, T0, USER } from '../../support/fixtures';
import { DIALECTS, storeFor } from '../../support/stores';
import { restartableStoreFor } from './restartable';

const CAROL = 'U0CAROL03';

/** Watches 1..n in the channel, as stored (an alert lists stored watch ids). */
async function addWatches(store: Store, n: number): Promise<Watch[]> {
  for (let i = 1; i <= n; i++) await store.watches.add(newWatch(i));
  return store.watches.inChannel(CHANNEL);
}

/** An alert as the sweep stores it: open, not posted yet, nobody has touched it. */
function newAlert(watches: Watch[], overrides: Partial<Alert> = {}): Alert {
  return alert(watches, {
    id: 'a00112233aabbccdd',
    postedChannel: undefined,
    ts: undefined,
    openedAt: T0 + HOUR,
    failingSince: T0,
    ...overrides,
  });
}

describe.each(DIALECTS)('%s', (dialect) => {
  const fresh = storeFor(dialect);
  let store: Store;

  beforeEach(async () => {
    store = await fresh();
  });

  describe('alerts', () => {
    it('create / get round-trip every field and the details', async () => {
      const watches = await addWatches(store, 3);
      const created = newAlert(watches);
      await store.alerts.create(created);
      expect(await store.alerts.get(created.id)).toEqual(created);
      expect(await store.alerts.get('a-unknown')).toBeUndefined();
    });

    it('an alert stored as posted (its channel and ts known) keeps them', async () => {
      const posted = alert(await addWatches(store, 1));
      await store.alerts.create(posted);
      expect(await store.alerts.get(posted.id)).toEqual(posted);
    });

    it('times come back as exact numbers (milliseconds past 2^31)', async () => {
      const created = newAlert(await addWatches(store, 1), {
        openedAt: T0 + 123,
        failingSince: T0 - 1,
      });
      await store.alerts.create(created);
      const stored = await store.alerts.get(created.id);
      expect(stored?.openedAt).toBe(T0 + 123);
      expect(typeof stored?.openedAt).toBe('number');
      expect(stored?.failingSince).toBe(T0 - 1);
    });

    it('details with unusual text come back exactly as stored', async () => {
      const watches = await addWatches(store, 1);
      const created = newAlert(watches);
      created.details.integrationName = 'Quotes " \' \\ and <!channel> & emoji :x: — ünïcødé';
      created.details.watches[0] = {
        id: 1,
        title: 'Ä "page"\nwith newline',
        url: undefined,
        resourceId: 'r',
      };
      await store.alerts.create(created);
      expect((await store.alerts.get(created.id))?.details).toEqual(created.details);
    });

    it('details written by 0.1 (a title, url: null) read back as 0.2 keeps them', async () => {
      const [w1] = await addWatches(store, 1);
      if (!w1) throw new Error('watch expected');
      const created = newAlert([w1]);
      await store.alerts.create(created);
      const legacy = {
        title: 'Not shared with the integration (or deleted)',
        watches: [{ id: w1.id, title: 'Roadmap page 1', url: null, resourceId: w1.resourceId }],
        requestIds: ['req-1'],
        integrationName: 'Roadmap Sync',
        fingerprint: '…abcd',
      };
      await store.database.run('UPDATE alerts SET details_json = ? WHERE id = ?', [
        JSON.stringify(legacy),
        created.id,
      ]);
      const details = (await store.alerts.get(created.id))?.details;
      expect(details).toEqual({
        watches: [
          { id: w1.id, title: 'Roadmap page 1', url: undefined, resourceId: w1.resourceId },
        ],
        requestIds: ['req-1'],
        integrationName: 'Roadmap Sync',
        fingerprint: '…abcd',
      });
      expect(details).not.toHaveProperty('title');
    });

    it('open lists the open alerts of one connection, oldest first', async () => {
      const watches = await addWatches(store, 1);
      await store.alerts.create(newAlert(watches, { id: 'a-late', openedAt: T0 + 2 * HOUR }));
      await store.alerts.create(newAlert(watches, { id: 'a-early', openedAt: T0 + HOUR }));
      await store.alerts.create(newAlert(watches, { id: 'a-other', connection: 'marketing' }));
      await store.alerts.create(newAlert(watches, { id: 'a-closed' }));
      await store.alerts.update('a-closed', { status: 'resolved', resolvedAt: T0 + 3 * HOUR });
      expect((await store.alerts.open('default')).map((a) => a.id)).toEqual(['a-early', 'a-late']);
      expect(await store.alerts.open('nobody')).toEqual([]);
    });

    it('acknowledge records the first person only', async () => {
      const created = newAlert(await addWatches(store, 1));
      await store.alerts.create(created);
      expect(await store.alerts.acknowledge(created.id, USER, T0 + 2 * HOUR)).toBe(true);
      expect(await store.alerts.acknowledge(created.id, OTHER_USER, T0 + 3 * HOUR)).toBe(false);
      expect(await store.alerts.get(created.id)).toMatchObject({
        acknowledgedBy: USER,
        acknowledgedAt: T0 + 2 * HOUR,
      });
    });

    it('two acknowledgements at once: exactly one wins', async () => {
      const created = newAlert(await addWatches(store, 1));
      await store.alerts.create(created);
      const results = await Promise.all(
        [USER, OTHER_USER, CAROL].map((user, i) =>
          store.alerts.acknowledge(created.id, user, T0 + i),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = [USER, OTHER_USER, CAROL][results.indexOf(true)];
      expect((await store.alerts.get(created.id))?.acknowledgedBy).toBe(winner);
    });

    it('acknowledge refuses a resolved alert and an unknown one', async () => {
      const created = newAlert(await addWatches(store, 1));
      await store.alerts.create(created);
      await store.alerts.update(created.id, { status: 'resolved', resolvedAt: T0 + HOUR });
      expect(await store.alerts.acknowledge(created.id, USER, T0 + 2 * HOUR)).toBe(false);
      const stored = await store.alerts.get(created.id);
      expect(stored?.acknowledgedBy).toBeUndefined();
      expect(stored?.acknowledgedAt).toBeUndefined();
      expect(await store.alerts.acknowledge('a-unknown', USER, T0)).toBe(false);
    });

    it('update changes only the fields given, and returns the alert as it now is', async () => {
      const created = newAlert(await addWatches(store, 2));
      await store.alerts.create(created);

      const posted = await store.alerts.update(created.id, {
        postedChannel: CHANNEL,
        ts: '1700000000.000200',
      });
      expect(await store.alerts.get(created.id)).toEqual({
        ...created,
        postedChannel: CHANNEL,
        ts: '1700000000.000200',
      });
      expect(posted).toEqual(await store.alerts.get(created.id));

      await store.alerts.update(created.id, {
        snoozedBy: OTHER_USER,
        snoozedUntil: T0 + 30 * HOUR,
      });
      await store.alerts.update(created.id, { lastReminderAt: T0 + 25 * HOUR });
      expect(await store.alerts.get(created.id)).toEqual({
        ...created,
        postedChannel: CHANNEL,
        ts: '1700000000.000200',
        snoozedBy: OTHER_USER,
        snoozedUntil: T0 + 30 * HOUR,
        lastReminderAt: T0 + 25 * HOUR,
      });

      const details = { ...created.details, closedBecause: 'unwatched' as const };
      await store.alerts.update(created.id, {
        status: 'resolved',
        resolvedAt: T0 + 40 * HOUR,
        details,
      });
      expect(await store.alerts.get(created.id)).toMatchObject({
        status: 'resolved',
        resolvedAt: T0 + 40 * HOUR,
        snoozedBy: OTHER_USER,
        lastReminderAt: T0 + 25 * HOUR,
        details,
      });
    });

    it('update can clear a field with undefined, and does nothing with no fields', async () => {
      const created = newAlert(await addWatches(store, 1));
      await store.alerts.create(created);
      await store.alerts.update(created.id, { snoozedBy: OTHER_USER, snoozedUntil: T0 + HOUR });
      await store.alerts.update(created.id, { snoozedBy: undefined, snoozedUntil: undefined });
      expect(await store.alerts.update(created.id, {})).toEqual(created);
      expect(await store.alerts.get(created.id)).toEqual(created);
    });

    it('update touches only its own alert; an unknown one is undefined', async () => {
      const watches = await addWatches(store, 1);
      await store.alerts.create(newAlert(watches, { id: 'a-one' }));
      await store.alerts.create(newAlert(watches, { id: 'a-two' }));
      await store.alerts.update('a-one', { status: 'resolved', resolvedAt: T0 });
      expect(await store.alerts.get('a-two')).toMatchObject({ status: 'open' });
      expect((await store.alerts.get('a-two'))?.resolvedAt).toBeUndefined();
      expect(await store.alerts.update('a-unknown', { status: 'resolved' })).toBeUndefined();
    });
  });

  describe('a restart (the database opened again)', () => {
    const stores = restartableStoreFor(dialect, 'alerts');

    it('keeps alerts with their acknowledgement and snooze', async () => {
      const before = await stores.fresh();
      const [w1] = await addWatches(before, 3);
      if (!w1) throw new Error('watch expected');
      const created = newAlert([w1]);
      await before.alerts.create(created);
      await before.alerts.update(created.id, {
        postedChannel: CHANNEL,
        ts: '1700000000.000300',
      });
      await before.alerts.acknowledge(created.id, USER, T0 + 2 * HOUR);
      await before.alerts.update(created.id, {
        snoozedBy: OTHER_USER,
        snoozedUntil: T0 + 26 * HOUR,
      });
      const stored = await before.alerts.get(created.id);

      const reopened = await stores.restart();

      expect(await reopened.alerts.get(created.id)).toEqual({
        ...created,
        postedChannel: CHANNEL,
        ts: '1700000000.000300',
        acknowledgedBy: USER,
        acknowledgedAt: T0 + 2 * HOUR,
        snoozedBy: OTHER_USER,
        snoozedUntil: T0 + 26 * HOUR,
      });
      expect(await reopened.alerts.get(created.id)).toEqual(stored);
      expect((await reopened.alerts.open('default')).map((a) => a.id)).toEqual([created.id]);
      expect(
        await reopened.watches.byIds(
          created.connection,
          created.details.watches.map((w) => w.id),
        ),
      ).toEqual([w1]);
      // The old buttons keep working: an acknowledgement stays the first person's.
      expect(await reopened.alerts.acknowledge(created.id, CAROL, T0 + 3 * HOUR)).toBe(false);
      expect((await reopened.alerts.get(created.id))?.acknowledgedBy).toBe(USER);
    });
  });
});
