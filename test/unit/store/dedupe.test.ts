/**
 * Things done once (src/store/dedupe.ts, DedupeRepo) through a real Store, on SQLite and on
 * PostgreSQL: a key is claimed once however often it is delivered (at once, too); a command is
 * claimed once within a window and again after it; old keys are pruned; claims survive a
 * restart (Slack retries across one) and are undone with a transaction that fails.
 */
import type { Store } from '../../../src/store/store';
import { MINUTE, T0 } from '../../support/fixtures';
import { DIALECTS, storeFor } from '../../support/stores';
import { restartableStoreFor } from './restartable';

const WINDOW = 5_000;

describe.each(DIALECTS)('%s', (dialect) => {
  const fresh = storeFor(dialect);
  let store: Store;

  beforeEach(async () => {
    store = await fresh();
  });

  describe('claim', () => {
    it('the first claim of a key wins, every later one is refused', async () => {
      expect(await store.dedupe.seen('event:Ev1')).toBe(false);
      expect(await store.dedupe.claim('event:Ev1', T0)).toBe(true);
      expect(await store.dedupe.seen('event:Ev1')).toBe(true);
      expect(await store.dedupe.claim('event:Ev1', T0 + 1)).toBe(false);
      expect(await store.dedupe.claim('event:Ev1', T0 + 10 * MINUTE)).toBe(false);
      expect(await store.dedupe.claim('event:Ev2', T0)).toBe(true);
    });

    it('ten deliveries of one key at once: exactly one claims it', async () => {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => store.dedupe.claim('click:U1:a:1.1', T0 + i)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('seen does not claim', async () => {
      expect(await store.dedupe.seen('k')).toBe(false);
      expect(await store.dedupe.claim('k', T0)).toBe(true);
    });

    it('a claim inside a transaction that fails is undone: the retry gets it', async () => {
      await expect(
        store.transaction(async (tx) => {
          expect(await tx.dedupe.claim('click:x', T0)).toBe(true);
          throw new Error('applying the click failed');
        }),
      ).rejects.toThrow('applying the click failed');
      expect(await store.dedupe.seen('click:x')).toBe(false);
      expect(await store.transaction((tx) => tx.dedupe.claim('click:x', T0 + 1))).toBe(true);
      expect(await store.dedupe.claim('click:x', T0 + 2)).toBe(false);
    });
  });

  describe('claimOnceWithin (a double-submitted command)', () => {
    it('refused within the window, claimed again once it has passed', async () => {
      expect(await store.dedupe.claimOnceWithin('cmd', WINDOW, T0)).toBe(true);
      expect(await store.dedupe.claimOnceWithin('cmd', WINDOW, T0 + 1)).toBe(false);
      expect(await store.dedupe.claimOnceWithin('cmd', WINDOW, T0 + WINDOW - 1)).toBe(false);
      // The window is counted from the last successful claim, and ends at exactly WINDOW.
      expect(await store.dedupe.claimOnceWithin('cmd', WINDOW, T0 + WINDOW)).toBe(true);
      expect(await store.dedupe.claimOnceWithin('cmd', WINDOW, T0 + WINDOW + 1)).toBe(false);
      expect(await store.dedupe.claimOnceWithin('cmd', WINDOW, T0 + 2 * WINDOW)).toBe(true);
    });

    it('a refused claim does not extend the window', async () => {
      await store.dedupe.claimOnceWithin('cmd', WINDOW, T0);
      await store.dedupe.claimOnceWithin('cmd', WINDOW, T0 + WINDOW - 1);
      expect(await store.dedupe.claimOnceWithin('cmd', WINDOW, T0 + WINDOW)).toBe(true);
    });

    it('keys are independent', async () => {
      expect(await store.dedupe.claimOnceWithin('cmd:U1:C1:check', WINDOW, T0)).toBe(true);
      expect(await store.dedupe.claimOnceWithin('cmd:U2:C1:check', WINDOW, T0)).toBe(true);
      expect(await store.dedupe.claimOnceWithin('cmd:U1:C1:check x', WINDOW, T0)).toBe(true);
    });

    it('the same command delivered twice at once: exactly one runs', async () => {
      const results = await Promise.all(
        Array.from({ length: 10 }, () => store.dedupe.claimOnceWithin('cmd', WINDOW, T0)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });

  describe('prune', () => {
    it('forgets keys older than the age, keeps newer ones', async () => {
      await store.dedupe.claim('old', T0);
      await store.dedupe.claim('edge', T0 + 10 * MINUTE);
      await store.dedupe.claim('new', T0 + 20 * MINUTE);
      await store.dedupe.prune(10 * MINUTE, T0 + 20 * MINUTE);
      expect(await store.dedupe.seen('old')).toBe(false);
      // Exactly maxAge old: kept.
      expect(await store.dedupe.seen('edge')).toBe(true);
      expect(await store.dedupe.seen('new')).toBe(true);
      // Pruned, a key can be claimed again (a delivery that old is not a retry).
      expect(await store.dedupe.claim('old', T0 + 21 * MINUTE)).toBe(true);
    });

    it("the hourly maintenance prunes every workspace's old keys at once, and only old ones", async () => {
      const alpha = store.forTeam('T0ALPHA');
      await alpha.dedupe.claim('old', T0);
      await store.dedupe.claim('old', T0);
      await alpha.dedupe.claim('new', T0 + 20 * MINUTE);
      expect(await store.pruneDedupeKeys(10 * MINUTE, T0 + 20 * MINUTE)).toBe(2);
      expect(await alpha.dedupe.seen('old')).toBe(false);
      expect(await store.dedupe.seen('old')).toBe(false);
      expect(await alpha.dedupe.seen('new')).toBe(true);
    });

    it('a command claim renewed by claimOnceWithin is as old as its last claim', async () => {
      await store.dedupe.claimOnceWithin('cmd', WINDOW, T0);
      await store.dedupe.claimOnceWithin('cmd', WINDOW, T0 + 10 * MINUTE);
      await store.dedupe.prune(5 * MINUTE, T0 + 12 * MINUTE);
      expect(await store.dedupe.seen('cmd')).toBe(true);
    });
  });

  describe('a restart (the database opened again)', () => {
    const stores = restartableStoreFor(dialect, 'dedupe');

    it('a delivery retried after it is still refused', async () => {
      const first = await stores.fresh();
      await first.dedupe.claim('event:Ev1', T0);
      await first.dedupe.claimOnceWithin('cmd', WINDOW, T0);
      const reopened = await stores.restart();
      expect(await reopened.dedupe.claim('event:Ev1', T0 + 1)).toBe(false);
      expect(await reopened.dedupe.claimOnceWithin('cmd', WINDOW, T0 + 1)).toBe(false);
    });
  });
});
