import pino from 'pino';
import { Scheduler } from '../../../src/monitor/scheduler';
import type { Sweep } from '../../../src/monitor/sweep';
import { Store } from '../../../src/store/store';

/** A sweep that runs until released, and says which workspace's connection it swept. */
function heldSweep(team: string, swept: string[]) {
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const sweep = {
    run: async (connection: string) => {
      await held;
      swept.push(`${team}/${connection}`);
    },
    recheck: async () => {},
  } as unknown as Sweep;
  return { sweep, release };
}

describe('Scheduler across workspaces', () => {
  let store: Store;
  beforeEach(() => {
    store = new Store(':memory:');
  });
  afterEach(() => store.close());

  it("sweeps each workspace's connection with that workspace's sweep; settled(team) waits for its work only", async () => {
    const swept: string[] = [];
    const alpha = heldSweep('T0A', swept);
    const bravo = heldSweep('T0B', swept);
    const sweeps = new Map([
      ['T0A', alpha.sweep],
      ['T0B', bravo.sweep],
    ]);
    const scheduler = new Scheduler({
      store,
      sweeps: async (team) => sweeps.get(team),
      logger: pino({ level: 'silent' }),
      intervalMs: 60_000,
      replicas: false,
    });
    // The same connection name in two workspaces: two separate pieces of work.
    const a = scheduler.sweep('default', true, 'T0A');
    const b = scheduler.sweep('default', true, 'T0B');
    let settledA = false;
    const waiting = scheduler.settled('T0A').then(() => {
      settledA = true;
    });
    bravo.release();
    await b;
    await new Promise((resolve) => setImmediate(resolve));
    expect(settledA).toBe(false);
    alpha.release();
    await Promise.all([a, waiting]);
    expect(settledA).toBe(true);
    expect(swept.sort()).toEqual(['T0A/default', 'T0B/default']);
    // A workspace without a sweep (uninstalled) is skipped, not an error.
    await expect(scheduler.sweep('default', true, 'T0GONE')).resolves.toBeUndefined();
    await scheduler.stop(1_000);
  });
});
