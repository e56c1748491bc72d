/**
 * What each channel watches (src/store/watches.ts, WatchRepo) through a real Store, on SQLite
 * and on PostgreSQL: every field, duplicates, removal, the caps' counts, the sweep's statuses,
 * the members of an alert (byIds), ids never reused, repository calls grouped in one
 * transaction, and that all of it survives a restart.
 */
import type { NewWatch, Watch } from '../../../src/domain/watch';
import type { Store } from '../../../src/store/store';
import {
  alert,
  CHANNEL,
  HOUR,
  newWatch,
  OTHER_USER,
  pageId,
  pageUrl,
  T0,
  USER,
} from '../../support/fixtures';
import { DIALECTS, storeFor } from '../../support/stores';
import { restartableStoreFor } from './restartable';

const OTHER_CHANNEL = 'C0TWO';

/** Adds watches 1..n to a channel and returns them as stored. */
async function addWatches(
  store: Store,
  n: number,
  overrides: Partial<NewWatch> = {},
): Promise<Watch[]> {
  for (let i = 1; i <= n; i++) expect(await store.watches.add(newWatch(i, overrides))).toBe(true);
  return store.watches.inChannel(overrides.channelId ?? CHANNEL);
}

/** The watches an alert listing these still has, as the sweep and the alert service ask. */
function members(store: Store, listed: Watch[], connection = 'default'): Promise<Watch[]> {
  const listing = alert(listed, { connection });
  return store.watches.byIds(
    listing.connection,
    listing.details.watches.map((w) => w.id),
  );
}

describe.each(DIALECTS)('%s', (dialect) => {
  const fresh = storeFor(dialect);
  let store: Store;

  beforeEach(async () => {
    store = await fresh();
  });

  describe('watches', () => {
    it('adds a watch and reads every field back', async () => {
      expect(
        await store.watches.add(
          newWatch(1, { addedAt: T0 + 1, status: { state: 'ok', since: T0 } }),
        ),
      ).toBe(true);
      const [watch, ...rest] = await store.watches.inChannel(CHANNEL);
      expect(rest).toEqual([]);
      expect(watch).toEqual<Watch>({
        id: expect.any(Number),
        channelId: CHANNEL,
        connection: 'default',
        resourceId: pageId(1),
        resourceType: 'page',
        title: 'Roadmap page 1',
        url: pageUrl(1, 'Roadmap-page'),
        addedBy: USER,
        addedAt: T0 + 1,
        status: { state: 'ok', since: T0, kind: undefined, requestId: undefined },
        // The check made when adding counts as the first check.
        lastCheckedAt: T0 + 1,
        lastKind: undefined,
      });
    });

    it('a watch without title or link reads back without them (undefined, not null)', async () => {
      await store.watches.add(newWatch(1, { title: undefined, url: undefined }));
      const [watch] = await store.watches.inChannel(CHANNEL);
      expect(watch?.title).toBeUndefined();
      expect(watch?.url).toBeUndefined();
    });

    it('stores the state of the first check (a suspect page keeps its diagnosis)', async () => {
      await store.watches.add(
        newWatch(1, {
          status: { state: 'suspect', since: T0 + 5, kind: 'not_shared', requestId: 'req-x' },
        }),
      );
      expect((await store.watches.inChannel(CHANNEL))[0]?.status).toEqual({
        state: 'suspect',
        since: T0 + 5,
        kind: 'not_shared',
        requestId: 'req-x',
      });
    });

    it('a duplicate (same channel, same page) returns false and leaves the first watch alone', async () => {
      await store.watches.add(
        newWatch(1, { status: { state: 'failing', since: T0, kind: 'not_shared' } }),
      );
      const again = newWatch(1, {
        addedBy: OTHER_USER,
        addedAt: T0 + HOUR,
        status: { state: 'ok', since: T0 + HOUR },
      });
      expect(await store.watches.add(again)).toBe(false);
      const watches = await store.watches.inChannel(CHANNEL);
      expect(watches).toHaveLength(1);
      // Re-adding a failing page must not silently reset it, nor steal "added by".
      expect(watches[0]).toMatchObject({ addedBy: USER, status: { state: 'failing', since: T0 } });
      expect(await store.watches.countInChannel(CHANNEL)).toBe(1);
    });

    it('the same page added twice at once: one watch, one true', async () => {
      const results = await Promise.all([
        store.watches.add(newWatch(1)),
        store.watches.add(newWatch(1, { addedBy: OTHER_USER })),
      ]);
      expect(results.sort()).toEqual([false, true]);
      expect(await store.watches.countInChannel(CHANNEL)).toBe(1);
    });

    it('the same page in another channel is a separate watch', async () => {
      expect(await store.watches.add(newWatch(1))).toBe(true);
      expect(await store.watches.add(newWatch(1, { channelId: OTHER_CHANNEL }))).toBe(true);
      expect(await store.watches.countInChannel(CHANNEL)).toBe(1);
      expect(await store.watches.countInChannel(OTHER_CHANNEL)).toBe(1);
      expect(await store.watches.forConnection('default')).toHaveLength(2);
    });

    it('lists a channel in the order pages were added', async () => {
      await store.watches.add(newWatch(3, { addedAt: T0 + 30 }));
      await store.watches.add(newWatch(1, { addedAt: T0 + 10 }));
      await store.watches.add(newWatch(2, { addedAt: T0 + 20 }));
      await store.watches.add(newWatch(9, { channelId: OTHER_CHANNEL }));
      expect((await store.watches.inChannel(CHANNEL)).map((w) => w.resourceId)).toEqual([
        pageId(1),
        pageId(2),
        pageId(3),
      ]);
    });

    it('remove returns the removed watch once, and only in its channel', async () => {
      await addWatches(store, 2);
      await store.watches.add(newWatch(1, { channelId: OTHER_CHANNEL }));
      const removed = await store.watches.remove(CHANNEL, pageId(1));
      expect(removed).toMatchObject({
        channelId: CHANNEL,
        resourceId: pageId(1),
        title: 'Roadmap page 1',
      });
      expect(await store.watches.remove(CHANNEL, pageId(1))).toBeUndefined();
      expect(await store.watches.remove(CHANNEL, pageId(42))).toBeUndefined();
      expect((await store.watches.inChannel(CHANNEL)).map((w) => w.resourceId)).toEqual([
        pageId(2),
      ]);
      expect(await store.watches.countInChannel(OTHER_CHANNEL)).toBe(1);
      // Removed, it can be watched again.
      expect(await store.watches.add(newWatch(1))).toBe(true);
    });

    it('a removed watch’s id never comes back (an alert lists watch ids)', async () => {
      const [w1, w2] = await addWatches(store, 2);
      if (!w1 || !w2) throw new Error('two watches expected');
      await store.watches.remove(CHANNEL, w2.resourceId);
      await store.watches.add(newWatch(3));
      await store.watches.add(newWatch(2));
      const ids = (await store.watches.inChannel(CHANNEL)).map((w) => w.id);
      expect(ids).toHaveLength(3);
      expect(ids.filter((id) => id === w2.id)).toEqual([]);
      expect(Math.min(...ids.filter((id) => id !== w1.id))).toBeGreaterThan(w2.id);
    });

    it('countInChannel counts one channel; zero for a channel with none', async () => {
      await addWatches(store, 5);
      await addWatches(store, 2, { channelId: OTHER_CHANNEL });
      expect(await store.watches.countInChannel(CHANNEL)).toBe(5);
      expect(await store.watches.countInChannel(OTHER_CHANNEL)).toBe(2);
      expect(await store.watches.countInChannel('C0NONE')).toBe(0);
    });

    it('counts: the channel’s, the person’s and the workspace’s (the caps), as numbers', async () => {
      expect(await store.watches.counts(CHANNEL, USER)).toEqual({
        channel: 0,
        user: 0,
        workspace: 0,
      });
      await addWatches(store, 3);
      await addWatches(store, 2, { channelId: OTHER_CHANNEL, addedBy: OTHER_USER });
      await store.watches.add(newWatch(9, { channelId: OTHER_CHANNEL }));
      expect(await store.watches.counts(CHANNEL, USER)).toEqual({
        channel: 3,
        user: 4,
        workspace: 6,
      });
      expect(await store.watches.counts(OTHER_CHANNEL, OTHER_USER)).toEqual({
        channel: 3,
        user: 2,
        workspace: 6,
      });
      expect(await store.watches.counts('C0NONE', 'U0NOBODY')).toEqual({
        channel: 0,
        user: 0,
        workspace: 6,
      });
    });

    it('forConnection returns every channel’s watches of that connection only', async () => {
      await addWatches(store, 2);
      await addWatches(store, 1, { channelId: OTHER_CHANNEL });
      await store.watches.add(newWatch(7, { connection: 'marketing' }));
      const ofDefault = await store.watches.forConnection('default');
      expect(ofDefault).toHaveLength(3);
      expect(ofDefault.every((w) => w.connection === 'default')).toBe(true);
      expect((await store.watches.forConnection('marketing')).map((w) => w.resourceId)).toEqual([
        pageId(7),
      ]);
      expect(await store.watches.forConnection('nobody')).toEqual([]);
      expect(await store.watches.connections()).toEqual(['default', 'marketing']);
    });

    it('forgetConnection removes every channel’s watches of it, and says how many', async () => {
      await addWatches(store, 2, { connection: 'marketing' });
      await addWatches(store, 1, { connection: 'marketing', channelId: OTHER_CHANNEL });
      await store.watches.add(newWatch(7));
      expect(await store.watches.forgetConnection('marketing')).toBe(3);
      expect(await store.watches.forConnection('marketing')).toEqual([]);
      expect(await store.watches.connections()).toEqual(['default']);
      expect(await store.watches.forgetConnection('marketing')).toBe(0);
    });

    it('saveStatuses persists state, since, kind, request id, last check and last kind', async () => {
      const [first, second, third] = await addWatches(store, 3);
      if (!first || !second || !third) throw new Error('three watches expected');
      await store.watches.saveStatuses([
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
      const byId = new Map((await store.watches.inChannel(CHANNEL)).map((w) => [w.id, w]));
      expect(byId.get(first.id)).toMatchObject({
        status: { state: 'failing', since: T0 + 1, kind: 'restricted', requestId: 'req-f' },
        lastCheckedAt: T0 + 2 * HOUR,
        lastKind: 'restricted',
      });
      expect(byId.get(second.id)?.status).toEqual({
        state: 'suspect',
        since: T0 + 2,
        kind: 'in_trash',
        requestId: undefined,
      });
      // Not in this sweep: untouched.
      expect(byId.get(third.id)).toEqual(third);

      // Back to ok: the old diagnosis is cleared, not left behind.
      await store.watches.saveStatuses([
        {
          id: first.id,
          status: { state: 'ok', since: T0 + 3 * HOUR },
          checkedAt: T0 + 3 * HOUR,
          lastKind: 'ok',
        },
      ]);
      expect((await store.watches.inChannel(CHANNEL))[0]).toMatchObject({
        status: { state: 'ok', since: T0 + 3 * HOUR },
        lastKind: 'ok',
      });
      expect((await store.watches.inChannel(CHANNEL))[0]?.status).toEqual({
        state: 'ok',
        since: T0 + 3 * HOUR,
        kind: undefined,
        requestId: undefined,
      });
    });

    it('saveStatuses ignores a watch removed in the meantime', async () => {
      const [first, second] = await addWatches(store, 2);
      if (!first || !second) throw new Error('two watches expected');
      await store.watches.remove(CHANNEL, first.resourceId);
      await store.watches.saveStatuses([
        {
          id: first.id,
          status: { state: 'failing', since: T0 },
          checkedAt: T0,
          lastKind: 'timeout',
        },
        {
          id: second.id,
          status: { state: 'suspect', since: T0 },
          checkedAt: T0,
          lastKind: 'network',
        },
      ]);
      expect(
        (await store.watches.inChannel(CHANNEL)).map((w) => [w.resourceId, w.status.state]),
      ).toEqual([[second.resourceId, 'suspect']]);
    });
  });

  describe('byIds: the pages of an alert that are still watched', () => {
    it('returns the alert’s pages still watched, not removed ones nor others', async () => {
      const watches = await addWatches(store, 4);
      const [w1, w2, w3] = watches;
      if (!w1 || !w2 || !w3) throw new Error('watches expected');
      expect((await members(store, [w1, w2, w3])).map((w) => w.id)).toEqual([w1.id, w2.id, w3.id]);

      await store.watches.remove(CHANNEL, w2.resourceId);
      expect((await members(store, [w1, w2, w3])).map((w) => w.id)).toEqual([w1.id, w3.id]);

      await store.watches.remove(CHANNEL, w1.resourceId);
      await store.watches.remove(CHANNEL, w3.resourceId);
      expect(await members(store, [w1, w2, w3])).toEqual([]);
      expect(await store.watches.byIds('default', [])).toEqual([]);
    });

    it('a page watched after the alert’s page was unwatched is not a member', async () => {
      // The alert is about page 1; page 1 is unwatched, then another page is watched (here in
      // another channel). The new watch has nothing to do with the alert.
      const [w1] = await addWatches(store, 1);
      if (!w1) throw new Error('watch expected');
      await store.watches.remove(CHANNEL, w1.resourceId);
      expect(await members(store, [w1])).toEqual([]);
      await store.watches.add(newWatch(2, { channelId: OTHER_CHANNEL }));
      expect((await members(store, [w1])).map((w) => [w.channelId, w.resourceId])).toEqual([]);
    });

    it('re-watching the alert’s page starts a fresh watch, not the alert’s', async () => {
      const [w1] = await addWatches(store, 1);
      if (!w1) throw new Error('watch expected');
      await store.watches.remove(CHANNEL, w1.resourceId);
      await store.watches.add(newWatch(1));
      expect(await members(store, [w1])).toEqual([]);
    });

    it('only watches of the alert’s connection', async () => {
      const [w1] = await addWatches(store, 1, { connection: 'marketing' });
      if (!w1) throw new Error('watch expected');
      expect((await members(store, [w1], 'marketing')).map((w) => w.id)).toEqual([w1.id]);
      expect(await members(store, [w1], 'default')).toEqual([]);
    });
  });

  describe('store.transaction groups repository calls', () => {
    it('commits them together, or none of them when the work throws', async () => {
      await expect(
        store.transaction(async (tx) => {
          await tx.watches.add(newWatch(1));
          await tx.watches.add(newWatch(2));
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.watches.countInChannel(CHANNEL)).toBe(0);
      const added = await store.transaction(async (tx) => {
        await tx.watches.add(newWatch(1));
        return tx.watches.add(newWatch(2));
      });
      expect(added).toBe(true);
      expect(await store.watches.countInChannel(CHANNEL)).toBe(2);
    });

    it('inside it, tx reads what tx wrote before the commit', async () => {
      await store.transaction(async (tx) => {
        await tx.watches.add(newWatch(1));
        expect(await tx.watches.countInChannel(CHANNEL)).toBe(1);
        expect(await tx.watches.add(newWatch(1))).toBe(false);
      });
      expect(await store.watches.countInChannel(CHANNEL)).toBe(1);
    });
  });

  describe('a restart (the database opened again)', () => {
    const stores = restartableStoreFor(dialect, 'watches');

    it('keeps watches and their states; duplicates are still refused', async () => {
      const first = await stores.fresh();
      const watches = await addWatches(first, 3);
      await addWatches(first, 1, { channelId: OTHER_CHANNEL });
      const [w1] = watches;
      if (!w1) throw new Error('watch expected');
      await first.watches.saveStatuses([
        {
          id: w1.id,
          status: { state: 'failing', since: T0, kind: 'not_shared', requestId: 'req-1' },
          checkedAt: T0 + HOUR,
          lastKind: 'not_shared',
        },
      ]);
      const before = {
        one: await first.watches.inChannel(CHANNEL),
        two: await first.watches.inChannel(OTHER_CHANNEL),
      };

      const reopened = await stores.restart();

      expect(await reopened.watches.inChannel(CHANNEL)).toEqual(before.one);
      expect(await reopened.watches.inChannel(OTHER_CHANNEL)).toEqual(before.two);
      expect((await reopened.watches.inChannel(CHANNEL))[0]?.status).toMatchObject({
        state: 'failing',
        since: T0,
        kind: 'not_shared',
      });
      expect((await members(reopened, [w1])).map((w) => w.id)).toEqual([w1.id]);
      expect(await reopened.watches.add(newWatch(1))).toBe(false);
    });

    it('a watch removed before the restart does not give its id to the next one', async () => {
      const first = await stores.fresh();
      const [, w2] = await addWatches(first, 2);
      if (!w2) throw new Error('two watches expected');
      await first.watches.remove(CHANNEL, w2.resourceId);
      const reopened = await stores.restart();
      await reopened.watches.add(newWatch(3));
      const [, next] = await reopened.watches.inChannel(CHANNEL);
      expect(next?.id).toBeGreaterThan(w2.id);
    });
  });
});
