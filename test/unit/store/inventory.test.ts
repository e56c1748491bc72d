/**
 * A connection's inventory for "watch all" (src/store/inventory.ts, InventoryRepo) through a
 * real Store, on SQLite and on PostgreSQL: every field, a listing again keeps the status, the
 * sweep's statuses, removal, a large listing in one call, and that it survives a restart.
 */
import type { InventoryItem } from '../../../src/domain/inventory';
import type { WatchStatus } from '../../../src/domain/watch';
import type { Store } from '../../../src/store/store';
import { HOUR, T0 } from '../../support/fixtures';
import { DIALECTS, storeFor } from '../../support/stores';
import { restartableStoreFor } from './restartable';

const CONNECTION = 'default';
const OTHER = 'marketing';

const item = (n: number, overrides: Partial<InventoryItem> = {}): InventoryItem => ({
  id: `item-${String(n).padStart(5, '0')}`,
  type: 'page',
  title: `Page ${n}`,
  inTrash: false,
  ...overrides,
});

const FULL: InventoryItem = {
  id: 'db-1',
  type: 'database',
  title: 'Roadmap',
  url: 'https://www.notion.so/Roadmap-db1',
  parentId: 'page-1',
  inTrash: true,
};

describe.each(DIALECTS)('%s', (dialect) => {
  const fresh = storeFor(dialect);
  let store: Store;

  beforeEach(async () => {
    store = await fresh();
  });

  describe('inventory', () => {
    it('stores every field of a listed item and reads it back', async () => {
      const bare = item(1);
      await store.inventory.upsertListed(CONNECTION, [FULL, bare], T0);
      expect(await store.inventory.get(CONNECTION, FULL.id)).toEqual({
        item: FULL,
        status: { state: 'ok', since: T0 },
        lastListedAt: T0,
      });
      const stored = await store.inventory.get(CONNECTION, bare.id);
      expect(stored?.item).toEqual(bare);
      // NULL comes back as undefined, never null; the trash flag as a boolean.
      expect(stored?.item.url).toBeUndefined();
      expect(stored?.item.parentId).toBeUndefined();
      expect(stored?.item.inTrash).toBe(false);
      expect((await store.inventory.all(CONNECTION)).map((e) => e.item.id)).toEqual([
        'db-1',
        bare.id,
      ]);
      expect(await store.inventory.get(CONNECTION, 'nope')).toBeUndefined();
      expect(await store.inventory.get(OTHER, FULL.id)).toBeUndefined();
    });

    it('a listing again updates title, parent, url and trash, and keeps the status', async () => {
      await store.inventory.upsertListed(CONNECTION, [FULL], T0);
      const suspect: WatchStatus = {
        state: 'suspect',
        since: T0 + HOUR,
        kind: 'not_shared',
        requestId: 'req-1',
      };
      await store.inventory.saveStatuses(CONNECTION, [{ id: FULL.id, status: suspect }]);

      const moved: InventoryItem = {
        id: FULL.id,
        type: 'database',
        title: 'Roadmap 2025',
        parentId: 'page-2',
        inTrash: false,
      };
      await store.inventory.upsertListed(CONNECTION, [moved], T0 + 2 * HOUR);
      expect(await store.inventory.get(CONNECTION, FULL.id)).toEqual({
        item: moved,
        status: suspect,
        lastListedAt: T0 + 2 * HOUR,
      });
      expect(await store.inventory.count(CONNECTION)).toBe(1);
    });

    it('a listing that fails midway records none of it (one transaction)', async () => {
      await store.inventory.upsertListed(CONNECTION, [item(1)], T0);
      const broken = { ...item(3), type: 'folder' } as unknown as InventoryItem;
      // By message: SqliteError is not an Error of this file's realm when files share a worker.
      await expect(
        store.inventory.upsertListed(
          CONNECTION,
          [{ ...item(1), title: 'Renamed' }, item(2), broken],
          T0 + HOUR,
        ),
      ).rejects.toHaveProperty('message', expect.stringMatching(/check constraint/i));
      expect(await store.inventory.all(CONNECTION)).toEqual([
        { item: item(1), status: { state: 'ok', since: T0 }, lastListedAt: T0 },
      ]);
    });

    it('removes items of one connection only', async () => {
      await store.inventory.upsertListed(CONNECTION, [item(1), item(2), item(3)], T0);
      await store.inventory.upsertListed(OTHER, [item(1)], T0);
      expect(await store.inventory.remove(CONNECTION, [item(1).id, item(3).id, 'unknown'])).toBe(2);
      expect(await store.inventory.remove(CONNECTION, [])).toBe(0);
      expect((await store.inventory.all(CONNECTION)).map((e) => e.item.id)).toEqual([item(2).id]);
      expect(await store.inventory.get(OTHER, item(1).id)).toBeDefined();
    });

    it('ids with quotes, commas and brackets are removed as given (bound as JSON)', async () => {
      const odd = ["it's", 'a,b', '["x"]', 'back\\slash', 'ünï'];
      await store.inventory.upsertListed(
        CONNECTION,
        odd.map((id) => ({ ...item(0), id })),
        T0,
      );
      expect(await store.inventory.remove(CONNECTION, odd.slice(0, 4))).toBe(4);
      expect((await store.inventory.all(CONNECTION)).map((e) => e.item.id)).toEqual(['ünï']);
    });

    it('forgetConnection drops that connection’s whole inventory, and says how much', async () => {
      await store.inventory.upsertListed(CONNECTION, [item(1), item(2)], T0);
      await store.inventory.upsertListed(OTHER, [item(1)], T0);
      expect(await store.inventory.forgetConnection(CONNECTION)).toBe(2);
      expect(await store.inventory.count(CONNECTION)).toBe(0);
      expect(await store.inventory.count(OTHER)).toBe(1);
      expect(await store.inventory.forgetConnection('nobody')).toBe(0);
    });

    it('counts each connection separately', async () => {
      expect(await store.inventory.count(CONNECTION)).toBe(0);
      await store.inventory.upsertListed(CONNECTION, [item(1), item(2), item(3)], T0);
      await store.inventory.upsertListed(OTHER, [item(1), item(4)], T0);
      await store.inventory.upsertListed(CONNECTION, [item(1)], T0 + HOUR);
      expect(await store.inventory.count(CONNECTION)).toBe(3);
      expect(await store.inventory.count(OTHER)).toBe(2);
      expect(await store.inventory.count('none')).toBe(0);
    });

    it('upserts 10,000 listed items in one call', async () => {
      const items = Array.from({ length: 10_000 }, (_, i) =>
        item(i, { parentId: i === 0 ? undefined : item(Math.floor(i / 10)).id }),
      );
      const started = performance.now();
      await store.inventory.upsertListed(CONNECTION, items, T0);
      const inserted = performance.now() - started;
      const again = performance.now();
      await store.inventory.upsertListed(CONNECTION, items, T0 + HOUR);
      const updated = performance.now() - again;
      console.log(
        `inventory (${dialect}): 10,000 items inserted in ${inserted.toFixed(0)} ms, upserted again in ${updated.toFixed(0)} ms`,
      );
      expect(await store.inventory.count(CONNECTION)).toBe(10_000);
      expect(await store.inventory.get(CONNECTION, item(9_999).id)).toEqual({
        item: item(9_999, { parentId: item(999).id }),
        status: { state: 'ok', since: T0 },
        lastListedAt: T0 + HOUR,
      });
    });
  });

  describe('a restart (the database opened again)', () => {
    const stores = restartableStoreFor(dialect, 'inventory');

    it('keeps the statuses of a sweep', async () => {
      const first = await stores.fresh();
      await first.inventory.upsertListed(CONNECTION, [item(1), item(2), item(3)], T0);
      await first.inventory.upsertListed(OTHER, [item(1)], T0);
      const failing: WatchStatus = { state: 'failing', since: T0 + HOUR, kind: 'restricted' };
      const back: WatchStatus = { state: 'ok', since: T0 + 2 * HOUR };
      await first.inventory.saveStatuses(CONNECTION, [
        { id: item(1).id, status: failing },
        { id: item(2).id, status: { ...failing, state: 'suspect', requestId: 'req-2' } },
        { id: 'unknown', status: failing },
      ]);
      await first.inventory.saveStatuses(CONNECTION, [{ id: item(2).id, status: back }]);

      const reopened = await stores.restart();
      expect((await reopened.inventory.all(CONNECTION)).map((e) => e.status)).toEqual([
        failing,
        back,
        { state: 'ok', since: T0 },
      ]);
      expect((await reopened.inventory.get(OTHER, item(1).id))?.status).toEqual({
        state: 'ok',
        since: T0,
      });
      expect((await reopened.inventory.get(CONNECTION, item(1).id))?.item).toEqual(item(1));
      expect(await reopened.inventory.count(CONNECTION)).toBe(3);
    });
  });
});
