/**
 * What each channel chose (src/store/channels.ts, ChannelRepo) through a real Store, on SQLite
 * and on PostgreSQL: its connection (`use <name>`, changed by using another), the connections
 * it watches everything of (`watch all`: once each, undone once), who watches a connection,
 * and a removed connection taking both with it.
 */
import type { ChannelConnection, WatchAll } from '../../../src/domain/connection';
import type { Store } from '../../../src/store/store';
import { CHANNEL, HOUR, OTHER_USER, T0, USER } from '../../support/fixtures';
import { DIALECTS, storeFor } from '../../support/stores';

const OTHER_CHANNEL = 'C0TWO';

const choice = (overrides: Partial<ChannelConnection> = {}): ChannelConnection => ({
  channelId: CHANNEL,
  connection: 'marketing',
  setBy: USER,
  setAt: T0,
  ...overrides,
});

const watchAll = (overrides: Partial<WatchAll> = {}): WatchAll => ({
  channelId: CHANNEL,
  connection: 'marketing',
  addedBy: USER,
  addedAt: T0,
  ...overrides,
});

describe.each(DIALECTS)('%s', (dialect) => {
  const fresh = storeFor(dialect);
  let store: Store;

  beforeEach(async () => {
    store = await fresh();
  });

  describe('the channel’s connection', () => {
    it('none until chosen (the caller falls back to default)', async () => {
      expect(await store.channels.connectionOf(CHANNEL)).toBeUndefined();
    });

    it('use records the choice with who and when; using another replaces it', async () => {
      await store.channels.use(choice());
      expect(await store.channels.connectionOf(CHANNEL)).toEqual(choice());
      const again = choice({ connection: 'sync', setBy: OTHER_USER, setAt: T0 + HOUR });
      await store.channels.use(again);
      expect(await store.channels.connectionOf(CHANNEL)).toEqual(again);
    });

    it('each channel keeps its own', async () => {
      await store.channels.use(choice());
      await store.channels.use(choice({ channelId: OTHER_CHANNEL, connection: 'sync' }));
      expect((await store.channels.connectionOf(CHANNEL))?.connection).toBe('marketing');
      expect((await store.channels.connectionOf(OTHER_CHANNEL))?.connection).toBe('sync');
    });
  });

  describe('watch all', () => {
    it('once per channel and connection: the second time is false and changes nothing', async () => {
      expect(await store.channels.watchAll(watchAll())).toBe(true);
      expect(
        await store.channels.watchAll(watchAll({ addedBy: OTHER_USER, addedAt: T0 + HOUR })),
      ).toBe(false);
      expect(await store.channels.watchAllIn(CHANNEL)).toEqual([watchAll()]);
    });

    it('unwatchAll returns what was removed, once', async () => {
      await store.channels.watchAll(watchAll());
      await store.channels.watchAll(watchAll({ connection: 'sync' }));
      expect(await store.channels.unwatchAll(CHANNEL, 'marketing')).toEqual(watchAll());
      expect(await store.channels.unwatchAll(CHANNEL, 'marketing')).toBeUndefined();
      expect(await store.channels.unwatchAll(OTHER_CHANNEL, 'sync')).toBeUndefined();
      expect(await store.channels.watchAllIn(CHANNEL)).toEqual([watchAll({ connection: 'sync' })]);
      // Undone, it can be done again.
      expect(await store.channels.watchAll(watchAll())).toBe(true);
    });

    it('watchingAll: the channels watching a connection, the earliest first', async () => {
      await store.channels.watchAll(watchAll({ channelId: 'C0LATE', addedAt: T0 + 2 * HOUR }));
      await store.channels.watchAll(watchAll({ channelId: 'C0EARLY', addedAt: T0 }));
      await store.channels.watchAll(watchAll({ channelId: 'C0MID', addedAt: T0 + HOUR }));
      await store.channels.watchAll(watchAll({ channelId: 'C0EARLY', connection: 'sync' }));
      expect((await store.channels.watchingAll('marketing')).map((w) => w.channelId)).toEqual([
        'C0EARLY',
        'C0MID',
        'C0LATE',
      ]);
      expect(await store.channels.watchingAll('nobody')).toEqual([]);
    });

    it('watchAllIn: one channel’s subscriptions by connection name', async () => {
      await store.channels.watchAll(watchAll({ connection: 'sync' }));
      await store.channels.watchAll(watchAll({ connection: 'default' }));
      await store.channels.watchAll(watchAll({ connection: 'marketing' }));
      await store.channels.watchAll(watchAll({ channelId: OTHER_CHANNEL, connection: 'other' }));
      expect((await store.channels.watchAllIn(CHANNEL)).map((w) => w.connection)).toEqual([
        'default',
        'marketing',
        'sync',
      ]);
      expect(await store.channels.watchAllIn('C0NONE')).toEqual([]);
    });

    it('watchAllConnections: each connection some channel watches, once, by name', async () => {
      expect(await store.channels.watchAllConnections()).toEqual([]);
      await store.channels.watchAll(watchAll({ connection: 'sync' }));
      await store.channels.watchAll(watchAll({ channelId: OTHER_CHANNEL, connection: 'sync' }));
      await store.channels.watchAll(watchAll({ connection: 'marketing' }));
      expect(await store.channels.watchAllConnections()).toEqual(['marketing', 'sync']);
    });
  });

  describe('a removed connection', () => {
    it('takes every channel’s choice of it and every "watch all" of it, nothing else', async () => {
      await store.channels.use(choice());
      await store.channels.use(choice({ channelId: OTHER_CHANNEL, connection: 'sync' }));
      await store.channels.watchAll(watchAll());
      await store.channels.watchAll(watchAll({ channelId: OTHER_CHANNEL }));
      await store.channels.watchAll(watchAll({ connection: 'sync' }));

      await store.channels.forgetConnection('marketing');

      expect(await store.channels.connectionOf(CHANNEL)).toBeUndefined();
      expect((await store.channels.connectionOf(OTHER_CHANNEL))?.connection).toBe('sync');
      expect(await store.channels.watchingAll('marketing')).toEqual([]);
      expect(await store.channels.watchAllConnections()).toEqual(['sync']);
      // A new connection of the same name starts unused.
      expect(await store.channels.watchAll(watchAll())).toBe(true);
    });

    it('forgotten inside a transaction that fails, stays', async () => {
      await store.channels.use(choice());
      await store.channels.watchAll(watchAll());
      await expect(
        store.transaction(async (tx) => {
          await tx.channels.forgetConnection('marketing');
          throw new Error('the removal failed later');
        }),
      ).rejects.toThrow('the removal failed later');
      expect(await store.channels.connectionOf(CHANNEL)).toEqual(choice());
      expect(await store.channels.watchAllIn(CHANNEL)).toEqual([watchAll()]);
    });
  });
});
