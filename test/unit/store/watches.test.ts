/**
 * What each channel watches (src/store/watches.ts, WatchRepo) through a real Store on a
 * temporary SQLite file: every field, duplicates, removal, the sweep's statuses, the members of
 * an alert (byIds), and that all of it survives a restart.
 */
import type { NewWatch, Watch } from '../../../src/domain/watch';
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
import { useTempStore } from '../../support/tempStore';

const OTHER_CHANNEL = 'C0TWO';

const temp = useTempStore('watches');

/** Adds watches 1..n to a channel and returns them as stored. */
function addWatches(n: number, overrides: Partial<NewWatch> = {}): Watch[] {
  for (let i = 1; i <= n; i++) expect(temp.store.watches.add(newWatch(i, overrides))).toBe(true);
  return temp.store.watches.inChannel(overrides.channelId ?? CHANNEL);
}

/** The watches an alert listing these still has, as the sweep and the alert service ask. */
function members(listed: Watch[], connection = 'default'): Watch[] {
  const listing = alert(listed, { connection });
  return temp.store.watches.byIds(
    listing.connection,
    listing.details.watches.map((w) => w.id),
  );
}

describe('watches', () => {
  it('adds a watch and reads every field back', () => {
    expect(
      temp.store.watches.add(newWatch(1, { addedAt: T0 + 1, status: { state: 'ok', since: T0 } })),
    ).toBe(true);
    const [watch, ...rest] = temp.store.watches.inChannel(CHANNEL);
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

  it('a watch without title or link reads back without them (undefined, not null)', () => {
    temp.store.watches.add(newWatch(1, { title: undefined, url: undefined }));
    const [watch] = temp.store.watches.inChannel(CHANNEL);
    expect(watch?.title).toBeUndefined();
    expect(watch?.url).toBeUndefined();
  });

  it('stores the state of the first check (a suspect page keeps its diagnosis)', () => {
    temp.store.watches.add(
      newWatch(1, {
        status: { state: 'suspect', since: T0 + 5, kind: 'not_shared', requestId: 'req-x' },
      }),
    );
    expect(temp.store.watches.inChannel(CHANNEL)[0]?.status).toEqual({
      state: 'suspect',
      since: T0 + 5,
      kind: 'not_shared',
      requestId: 'req-x',
    });
  });

  it('a duplicate (same channel, same page) returns false and leaves the first watch alone', () => {
    temp.store.watches.add(
      newWatch(1, { status: { state: 'failing', since: T0, kind: 'not_shared' } }),
    );
    const again = newWatch(1, {
      addedBy: OTHER_USER,
      addedAt: T0 + HOUR,
      status: { state: 'ok', since: T0 + HOUR },
    });
    expect(temp.store.watches.add(again)).toBe(false);
    const watches = temp.store.watches.inChannel(CHANNEL);
    expect(watches).toHaveLength(1);
    // Re-adding a failing page must not silently reset it, nor steal "added by".
    expect(watches[0]).toMatchObject({ addedBy: USER, status: { state: 'failing', since: T0 } });
    expect(temp.store.watches.countInChannel(CHANNEL)).toBe(1);
  });

  it('the same page in another channel is a separate watch', () => {
    expect(temp.store.watches.add(newWatch(1))).toBe(true);
    expect(temp.store.watches.add(newWatch(1, { channelId: OTHER_CHANNEL }))).toBe(true);
    expect(temp.store.watches.countInChannel(CHANNEL)).toBe(1);
    expect(temp.store.watches.countInChannel(OTHER_CHANNEL)).toBe(1);
    expect(temp.store.watches.forConnection('default')).toHaveLength(2);
  });

  it('lists a channel in the order pages were added', () => {
    temp.store.watches.add(newWatch(3, { addedAt: T0 + 30 }));
    temp.store.watches.add(newWatch(1, { addedAt: T0 + 10 }));
    temp.store.watches.add(newWatch(2, { addedAt: T0 + 20 }));
    temp.store.watches.add(newWatch(9, { channelId: OTHER_CHANNEL }));
    expect(temp.store.watches.inChannel(CHANNEL).map((w) => w.resourceId)).toEqual([
      pageId(1),
      pageId(2),
      pageId(3),
    ]);
  });

  it('remove returns the removed watch once, and only in its channel', () => {
    addWatches(2);
    temp.store.watches.add(newWatch(1, { channelId: OTHER_CHANNEL }));
    const removed = temp.store.watches.remove(CHANNEL, pageId(1));
    expect(removed).toMatchObject({
      channelId: CHANNEL,
      resourceId: pageId(1),
      title: 'Roadmap page 1',
    });
    expect(temp.store.watches.remove(CHANNEL, pageId(1))).toBeUndefined();
    expect(temp.store.watches.remove(CHANNEL, pageId(42))).toBeUndefined();
    expect(temp.store.watches.inChannel(CHANNEL).map((w) => w.resourceId)).toEqual([pageId(2)]);
    expect(temp.store.watches.countInChannel(OTHER_CHANNEL)).toBe(1);
    // Removed, it can be watched again.
    expect(temp.store.watches.add(newWatch(1))).toBe(true);
  });

  it('countInChannel counts one channel; zero for a channel with none', () => {
    addWatches(5);
    addWatches(2, { channelId: OTHER_CHANNEL });
    expect(temp.store.watches.countInChannel(CHANNEL)).toBe(5);
    expect(temp.store.watches.countInChannel(OTHER_CHANNEL)).toBe(2);
    expect(temp.store.watches.countInChannel('C0NONE')).toBe(0);
  });

  it('forConnection returns every channel’s watches of that connection only', () => {
    addWatches(2);
    addWatches(1, { channelId: OTHER_CHANNEL });
    temp.store.watches.add(newWatch(7, { connection: 'marketing' }));
    const ofDefault = temp.store.watches.forConnection('default');
    expect(ofDefault).toHaveLength(3);
    expect(ofDefault.every((w) => w.connection === 'default')).toBe(true);
    expect(temp.store.watches.forConnection('marketing').map((w) => w.resourceId)).toEqual([
      pageId(7),
    ]);
    expect(temp.store.watches.forConnection('nobody')).toEqual([]);
    expect(temp.store.watches.connections()).toEqual(['default', 'marketing']);
  });

  it('saveStatuses persists state, since, kind, request id, last check and last kind', () => {
    const [first, second, third] = addWatches(3);
    if (!first || !second || !third) throw new Error('three watches expected');
    temp.store.watches.saveStatuses([
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
    const byId = new Map(temp.store.watches.inChannel(CHANNEL).map((w) => [w.id, w]));
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
    temp.store.watches.saveStatuses([
      {
        id: first.id,
        status: { state: 'ok', since: T0 + 3 * HOUR },
        checkedAt: T0 + 3 * HOUR,
        lastKind: 'ok',
      },
    ]);
    expect(temp.store.watches.inChannel(CHANNEL)[0]).toMatchObject({
      status: { state: 'ok', since: T0 + 3 * HOUR },
      lastKind: 'ok',
    });
    expect(temp.store.watches.inChannel(CHANNEL)[0]?.status).toEqual({
      state: 'ok',
      since: T0 + 3 * HOUR,
      kind: undefined,
      requestId: undefined,
    });
  });

  it('saveStatuses ignores a watch removed in the meantime', () => {
    const [first, second] = addWatches(2);
    if (!first || !second) throw new Error('two watches expected');
    temp.store.watches.remove(CHANNEL, first.resourceId);
    temp.store.watches.saveStatuses([
      { id: first.id, status: { state: 'failing', since: T0 }, checkedAt: T0, lastKind: 'timeout' },
      {
        id: second.id,
        status: { state: 'suspect', since: T0 },
        checkedAt: T0,
        lastKind: 'network',
      },
    ]);
    expect(
      temp.store.watches.inChannel(CHANNEL).map((w) => [w.resourceId, w.status.state]),
    ).toEqual([[second.resourceId, 'suspect']]);
  });
});

describe('byIds: the pages of an alert that are still watched', () => {
  it('returns the alert’s pages still watched, not removed ones nor others', () => {
    const watches = addWatches(4);
    const [w1, w2, w3] = watches;
    if (!w1 || !w2 || !w3) throw new Error('watches expected');
    expect(members([w1, w2, w3]).map((w) => w.id)).toEqual([w1.id, w2.id, w3.id]);

    temp.store.watches.remove(CHANNEL, w2.resourceId);
    expect(members([w1, w2, w3]).map((w) => w.id)).toEqual([w1.id, w3.id]);

    temp.store.watches.remove(CHANNEL, w1.resourceId);
    temp.store.watches.remove(CHANNEL, w3.resourceId);
    expect(members([w1, w2, w3])).toEqual([]);
  });

  it('a page watched after the alert’s page was unwatched is not a member', () => {
    // The alert is about page 1; page 1 is unwatched, then another page is watched (here in
    // another channel). The new watch has nothing to do with the alert.
    const [w1] = addWatches(1);
    if (!w1) throw new Error('watch expected');
    temp.store.watches.remove(CHANNEL, w1.resourceId);
    expect(members([w1])).toEqual([]);
    temp.store.watches.add(newWatch(2, { channelId: OTHER_CHANNEL }));
    expect(members([w1]).map((w) => [w.channelId, w.resourceId])).toEqual([]);
  });

  it('re-watching the alert’s page starts a fresh watch, not the alert’s', () => {
    const [w1] = addWatches(1);
    if (!w1) throw new Error('watch expected');
    temp.store.watches.remove(CHANNEL, w1.resourceId);
    temp.store.watches.add(newWatch(1));
    expect(members([w1])).toEqual([]);
  });

  it('only watches of the alert’s connection', () => {
    const [w1] = addWatches(1, { connection: 'marketing' });
    if (!w1) throw new Error('watch expected');
    expect(members([w1], 'marketing').map((w) => w.id)).toEqual([w1.id]);
    expect(members([w1], 'default')).toEqual([]);
  });
});

describe('a restart (close and reopen the Store)', () => {
  it('keeps watches and their states; duplicates are still refused', () => {
    const watches = addWatches(3);
    addWatches(1, { channelId: OTHER_CHANNEL });
    const [w1] = watches;
    if (!w1) throw new Error('watch expected');
    temp.store.watches.saveStatuses([
      {
        id: w1.id,
        status: { state: 'failing', since: T0, kind: 'not_shared', requestId: 'req-1' },
        checkedAt: T0 + HOUR,
        lastKind: 'not_shared',
      },
    ]);
    const before = {
      one: temp.store.watches.inChannel(CHANNEL),
      two: temp.store.watches.inChannel(OTHER_CHANNEL),
    };

    const reopened = temp.restart();

    expect(reopened.watches.inChannel(CHANNEL)).toEqual(before.one);
    expect(reopened.watches.inChannel(OTHER_CHANNEL)).toEqual(before.two);
    expect(reopened.watches.inChannel(CHANNEL)[0]?.status).toMatchObject({
      state: 'failing',
      since: T0,
      kind: 'not_shared',
    });
    expect(members([w1]).map((w) => w.id)).toEqual([w1.id]);
    expect(reopened.watches.add(newWatch(1))).toBe(false);
  });
});
