/**
 * Leases (src/store/leases.ts) on both engines: one holder at a time, renewed by its holder,
 * taken over once expired, released only by its holder; two claims at once, one winner.
 */
import type { Store } from '../../../src/store/store';
import { DIALECTS, storeFor } from '../../support/stores';

const T0 = 1_790_000_000_000;
const LEASE = 'monitor:default';

describe.each(DIALECTS)('%s', (dialect) => {
  const fresh = storeFor(dialect);
  let store: Store;

  beforeEach(async () => {
    store = await fresh();
  });

  it('is taken by one holder; another cannot take it until it expires', async () => {
    expect(await store.leases.claim(LEASE, 'a', T0, 1_000)).toBe(true);
    expect(await store.leases.claim(LEASE, 'b', T0 + 500, 1_000)).toBe(false);
    expect(await store.leases.holder(LEASE, T0 + 500)).toBe('a');
    expect(await store.leases.claim(LEASE, 'b', T0 + 1_000, 1_000)).toBe(true);
    expect(await store.leases.holder(LEASE, T0 + 1_000)).toBe('b');
  });

  it('a holder claiming again extends its own lease', async () => {
    await store.leases.claim(LEASE, 'a', T0, 1_000);
    expect(await store.leases.claim(LEASE, 'a', T0 + 900, 1_000)).toBe(true);
    expect(await store.leases.claim(LEASE, 'b', T0 + 1_500, 1_000)).toBe(false);
  });

  it('renew works only for the holder, and not after someone else took it', async () => {
    await store.leases.claim(LEASE, 'a', T0, 1_000);
    expect(await store.leases.renew(LEASE, 'b', T0 + 100, 1_000)).toBe(false);
    expect(await store.leases.renew(LEASE, 'a', T0 + 900, 1_000)).toBe(true);
    expect(await store.leases.claim(LEASE, 'b', T0 + 1_500, 1_000)).toBe(false);
    await store.leases.claim(LEASE, 'b', T0 + 1_900, 1_000);
    expect(await store.leases.renew(LEASE, 'a', T0 + 2_000, 1_000)).toBe(false);
  });

  it('release frees it at once, but only the holder can release', async () => {
    await store.leases.claim(LEASE, 'a', T0, 10_000);
    await store.leases.release(LEASE, 'b');
    expect(await store.leases.holder(LEASE, T0 + 1)).toBe('a');
    await store.leases.release(LEASE, 'a');
    expect(await store.leases.holder(LEASE, T0 + 1)).toBeUndefined();
    expect(await store.leases.claim(LEASE, 'b', T0 + 2, 10_000)).toBe(true);
  });

  it('of many claims at once, exactly one wins; other names are independent', async () => {
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.leases.claim(LEASE, `r${i}`, T0, 1_000)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await store.leases.claim('monitor:other', 'r9', T0, 1_000)).toBe(true);
  });
});
