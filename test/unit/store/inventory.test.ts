/**
 * A connection's inventory for "watch all" (src/store/inventory.ts, InventoryRepo) through a
 * real Store on a temporary SQLite file: every field, a listing again keeps the status, the
 * sweep's statuses, removal, a large listing in one call, and that it survives a restart.
 */
import type { InventoryItem } from '../../../src/domain/inventory';
import type { WatchStatus } from '../../../src/domain/watch';
import { HOUR, T0 } from '../../support/fixtures';
import { useTempStore } from '../../support/tempStore';

const temp = useTempStore('inventory');

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

describe('inventory', () => {
  it('stores every field of a listed item and reads it back', () => {
    const bare = item(1);
    temp.store.inventory.upsertListed(CONNECTION, [FULL, bare], T0);
    expect(temp.store.inventory.get(CONNECTION, FULL.id)).toEqual({
      item: FULL,
      status: { state: 'ok', since: T0 },
      lastListedAt: T0,
    });
    const stored = temp.store.inventory.get(CONNECTION, bare.id);
    expect(stored?.item).toEqual(bare);
    // SQLite's NULL comes back as undefined, never null.
    expect(stored?.item.url).toBeUndefined();
    expect(stored?.item.parentId).toBeUndefined();
    expect(temp.store.inventory.all(CONNECTION).map((e) => e.item.id)).toEqual(['db-1', bare.id]);
    expect(temp.store.inventory.get(CONNECTION, 'nope')).toBeUndefined();
    expect(temp.store.inventory.get(OTHER, FULL.id)).toBeUndefined();
  });

  it('a listing again updates title, parent, url and trash, and keeps the status', () => {
    temp.store.inventory.upsertListed(CONNECTION, [FULL], T0);
    const suspect: WatchStatus = {
      state: 'suspect',
      since: T0 + HOUR,
      kind: 'not_shared',
      requestId: 'req-1',
    };
    temp.store.inventory.saveStatuses(CONNECTION, [{ id: FULL.id, status: suspect }]);

    const moved: InventoryItem = {
      id: FULL.id,
      type: 'database',
      title: 'Roadmap 2025',
      parentId: 'page-2',
      inTrash: false,
    };
    temp.store.inventory.upsertListed(CONNECTION, [moved], T0 + 2 * HOUR);
    expect(temp.store.inventory.get(CONNECTION, FULL.id)).toEqual({
      item: moved,
      status: suspect,
      lastListedAt: T0 + 2 * HOUR,
    });
    expect(temp.store.inventory.count(CONNECTION)).toBe(1);
  });

  it('saves the statuses of a sweep, and they survive a restart', () => {
    temp.store.inventory.upsertListed(CONNECTION, [item(1), item(2), item(3)], T0);
    temp.store.inventory.upsertListed(OTHER, [item(1)], T0);
    const failing: WatchStatus = { state: 'failing', since: T0 + HOUR, kind: 'restricted' };
    const back: WatchStatus = { state: 'ok', since: T0 + 2 * HOUR };
    temp.store.inventory.saveStatuses(CONNECTION, [
      { id: item(1).id, status: failing },
      { id: item(2).id, status: { ...failing, state: 'suspect', requestId: 'req-2' } },
      { id: 'unknown', status: failing },
    ]);
    temp.store.inventory.saveStatuses(CONNECTION, [{ id: item(2).id, status: back }]);

    const store = temp.restart();
    expect(store.inventory.all(CONNECTION).map((e) => e.status)).toEqual([
      failing,
      back,
      { state: 'ok', since: T0 },
    ]);
    expect(store.inventory.get(OTHER, item(1).id)?.status).toEqual({ state: 'ok', since: T0 });
    expect(store.inventory.get(CONNECTION, item(1).id)?.item).toEqual(item(1));
  });

  it('removes items of one connection only', () => {
    temp.store.inventory.upsertListed(CONNECTION, [item(1), item(2), item(3)], T0);
    temp.store.inventory.upsertListed(OTHER, [item(1)], T0);
    expect(temp.store.inventory.remove(CONNECTION, [item(1).id, item(3).id, 'unknown'])).toBe(2);
    expect(temp.store.inventory.remove(CONNECTION, [])).toBe(0);
    expect(temp.store.inventory.all(CONNECTION).map((e) => e.item.id)).toEqual([item(2).id]);
    expect(temp.store.inventory.get(OTHER, item(1).id)).toBeDefined();
  });

  it('counts each connection separately', () => {
    expect(temp.store.inventory.count(CONNECTION)).toBe(0);
    temp.store.inventory.upsertListed(CONNECTION, [item(1), item(2), item(3)], T0);
    temp.store.inventory.upsertListed(OTHER, [item(1), item(4)], T0);
    temp.store.inventory.upsertListed(CONNECTION, [item(1)], T0 + HOUR);
    expect(temp.store.inventory.count(CONNECTION)).toBe(3);
    expect(temp.store.inventory.count(OTHER)).toBe(2);
    expect(temp.store.inventory.count('none')).toBe(0);
  });

  it('upserts 10,000 listed items in one call', () => {
    const items = Array.from({ length: 10_000 }, (_, i) =>
      item(i, { parentId: i === 0 ? undefined : item(Math.floor(i / 10)).id }),
    );
    const started = performance.now();
    temp.store.inventory.upsertListed(CONNECTION, items, T0);
    const inserted = performance.now() - started;
    const again = performance.now();
    temp.store.inventory.upsertListed(CONNECTION, items, T0 + HOUR);
    const updated = performance.now() - again;
    console.log(
      `inventory: 10,000 items inserted in ${inserted.toFixed(0)} ms, upserted again in ${updated.toFixed(0)} ms`,
    );
    expect(temp.store.inventory.count(CONNECTION)).toBe(10_000);
    expect(temp.store.inventory.get(CONNECTION, item(9_999).id)).toEqual({
      item: item(9_999, { parentId: item(999).id }),
      status: { state: 'ok', since: T0 },
      lastListedAt: T0 + HOUR,
    });
  });
});
