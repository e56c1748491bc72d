/**
 * Per-connection health (src/store/health.ts, HealthRepo) through a real Store, on SQLite and
 * on PostgreSQL: the token's state, whether Notion answers, and when the last sweep ran.
 */
import type { ConnectionHealth } from '../../../src/domain/watch';
import type { Store } from '../../../src/store/store';
import { HOUR, MINUTE, T0 } from '../../support/fixtures';
import { DIALECTS, storeFor } from '../../support/stores';
import { restartableStoreFor } from './restartable';

const health = (connection: string, since: number): ConnectionHealth => ({
  connection,
  status: { state: 'ok', since },
  reachability: { noticePosted: false },
});

describe.each(DIALECTS)('%s', (dialect) => {
  const fresh = storeFor(dialect);
  let store: Store;

  beforeEach(async () => {
    store = await fresh();
  });

  describe('connection health', () => {
    it('is undefined before the first sweep', async () => {
      expect(await store.health.get('default')).toBeUndefined();
    });

    it('save / get round-trip, including the last sweep time', async () => {
      await store.health.save(
        {
          connection: 'default',
          status: { state: 'suspect', since: T0, kind: 'token_invalid', requestId: 'req-t' },
          reachability: { unreachableSince: T0 - HOUR, noticePosted: true },
        },
        T0 + 15 * MINUTE,
      );
      expect(await store.health.get('default')).toEqual<ConnectionHealth>({
        connection: 'default',
        status: { state: 'suspect', since: T0, kind: 'token_invalid', requestId: 'req-t' },
        reachability: { unreachableSince: T0 - HOUR, noticePosted: true },
        lastSweepAt: T0 + 15 * MINUTE,
      });
    });

    it('the next sweep overwrites it, clearing what no longer applies', async () => {
      await store.health.save(
        {
          connection: 'default',
          status: { state: 'failing', since: T0, kind: 'token_invalid', requestId: 'req-t' },
          reachability: { unreachableSince: T0, noticePosted: true },
        },
        T0,
      );
      await store.health.save(
        {
          connection: 'default',
          status: { state: 'ok', since: T0 + HOUR },
          reachability: { noticePosted: false },
        },
        T0 + HOUR,
      );
      expect(await store.health.get('default')).toEqual({
        connection: 'default',
        status: { state: 'ok', since: T0 + HOUR, kind: undefined, requestId: undefined },
        reachability: { unreachableSince: undefined, noticePosted: false },
        lastSweepAt: T0 + HOUR,
      });
    });

    it('the sweep time saved is the one given, not one carried in the health', async () => {
      await store.health.save({ ...health('default', T0), lastSweepAt: T0 - HOUR }, T0 + 1);
      expect((await store.health.get('default'))?.lastSweepAt).toBe(T0 + 1);
    });

    it('keeps connections apart', async () => {
      await store.health.save(health('default', T0), T0 + 1);
      await store.health.save(health('marketing', T0 + 5), T0 + 6);
      expect(await store.health.get('default')).toMatchObject({ lastSweepAt: T0 + 1 });
      expect(await store.health.get('marketing')).toMatchObject({
        status: { since: T0 + 5 },
        lastSweepAt: T0 + 6,
      });
    });

    it('forget clears one connection: a new one with its name starts clean', async () => {
      await store.health.save(health('default', T0), T0 + 1);
      await store.health.save(health('marketing', T0), T0 + 1);
      await store.health.forget('marketing');
      expect(await store.health.get('marketing')).toBeUndefined();
      expect(await store.health.get('default')).toBeDefined();
      await store.health.forget('nobody');
      await store.health.save(health('marketing', T0 + HOUR), T0 + HOUR);
      expect((await store.health.get('marketing'))?.status.since).toBe(T0 + HOUR);
    });
  });

  describe('a restart (the database opened again)', () => {
    const stores = restartableStoreFor(dialect, 'health');

    it('keeps the health of each connection', async () => {
      const first = await stores.fresh();
      const saved: ConnectionHealth = {
        connection: 'default',
        status: { state: 'ok', since: T0 },
        reachability: { unreachableSince: T0 + HOUR, noticePosted: true },
      };
      await first.health.save(saved, T0 + 2 * HOUR);
      const before = await first.health.get('default');

      const reopened = await stores.restart();

      expect(await reopened.health.get('default')).toEqual({
        ...saved,
        status: { ...saved.status, kind: undefined, requestId: undefined },
        lastSweepAt: T0 + 2 * HOUR,
      });
      expect(await reopened.health.get('default')).toEqual(before);
    });
  });
});
