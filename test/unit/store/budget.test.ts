/**
 * The shared Notion budget (src/store/budget.ts) on both engines: at most `limit` starts per
 * key in any window, measured on the database's clock; the wait it gives is when the oldest
 * start leaves the window; keys are independent; concurrent takers never over-take; a person
 * refused a start is left a slot by sweeps for the next window.
 */
import { BudgetRepo } from '../../../src/store/budget';
import type { Store } from '../../../src/store/store';
import { DIALECTS, storeFor } from '../../support/stores';

describe.each(DIALECTS)('%s', (dialect) => {
  const fresh = storeFor(dialect);
  let store: Store;

  beforeEach(async () => {
    store = await fresh();
  });

  it('grants `limit` starts at once, then says how long until the window frees a slot', async () => {
    const waits = [];
    for (let i = 0; i < 4; i++) waits.push(await store.budget.take('token-a', 3, 60_000));
    expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
    expect(waits[3]).toBeGreaterThan(59_000);
    expect(waits[3]).toBeLessThanOrEqual(60_000);
    expect(await store.budget.take('token-b', 3, 60_000)).toBe(0);
  });

  it('a slot comes back once its start leaves the window', async () => {
    for (let i = 0; i < 3; i++) expect(await store.budget.take('k', 3, 150)).toBe(0);
    const wait = await store.budget.take('k', 3, 150);
    expect(wait).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, wait + 5));
    expect(await store.budget.take('k', 3, 150)).toBe(0);
  });

  it('many takers at once (separate repositories, as replicas are) get exactly `limit`', async () => {
    const takers = Array.from({ length: 12 }, () => new BudgetRepo(store.database));
    const waits = await Promise.all(takers.map((taker) => taker.take('shared', 3, 60_000)));
    expect(waits.filter((wait) => wait === 0)).toHaveLength(3);
  });

  describe('people before sweeps, across replicas', () => {
    const WINDOW = 300;
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const fill = async (key: string) => {
      for (let i = 0; i < 3; i++) expect(await store.budget.take(key, 3, WINDOW)).toBe(0);
    };

    it('after a person was refused, a sweep takes a start only if one stays free for them', async () => {
      await fill('p');
      await sleep(WINDOW / 2);
      // A person on one replica finds the window full: the key is marked for a window.
      expect(await store.budget.take('p', 3, WINDOW, 'interactive')).toBeGreaterThan(0);
      await sleep(WINDOW / 2 + 20);
      // Every slot is free again; sweeps on other replicas take two and leave the third.
      expect(await store.budget.take('p', 3, WINDOW, 'background')).toBe(0);
      expect(await store.budget.take('p', 3, WINDOW, 'background')).toBe(0);
      const kept = await store.budget.take('p', 3, WINDOW, 'background');
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThanOrEqual(WINDOW);
      expect(await store.budget.take('p', 3, WINDOW, 'interactive')).toBe(0);
    });

    it('with nobody refused, sweeps use the whole window', async () => {
      await fill('q');
      await sleep(WINDOW + 20);
      for (let i = 0; i < 3; i++) {
        expect(await store.budget.take('q', 3, WINDOW, 'background')).toBe(0);
      }
    });
  });
});
