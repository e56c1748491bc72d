import { createHash } from 'node:crypto';
import type { Logger } from '../logger';
import type { Store } from '../store/store';
import type { Sweep } from './sweep';

/** Spreads connections over the interval (up to 10 %) so their sweeps don't start together. */
function jitterMs(connection: string, intervalMs: number): number {
  const hash = createHash('sha256').update(connection).digest().readUInt32BE(0);
  return hash % Math.max(1, Math.floor(intervalMs * 0.1));
}

export interface SchedulerDeps {
  store: Store;
  sweep: Sweep;
  logger: Logger;
  intervalMs: number;
  now?: () => number;
}

/**
 * Who is due: each watched connection (token) is swept every CHECK_INTERVAL, never twice at
 * once. Pacing per token comes from the shared RateLimiter in the Notion client.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  /** The sweep of each connection under way. */
  private readonly running = new Map<string, Promise<void>>();
  /** The last work queued for each connection (sweeps and re-checks, one at a time). */
  private readonly tails = new Map<string, Promise<void>>();
  /** The tick under way (it reads the database before it starts sweeps). */
  private ticking: Promise<void> | undefined;
  private readonly now: () => number;
  private stopped = false;

  constructor(private readonly deps: SchedulerDeps) {
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    this.stopped = false;
    const tickMs = Math.min(this.deps.intervalMs, 5_000);
    // Never rejects: a failed tick is logged, and the next one is scheduled either way.
    const loop = async () => {
      this.ticking = this.tick();
      try {
        await this.ticking;
      } catch (error) {
        // e.g. the database is unavailable: say so, and try again at the next tick.
        this.deps.logger.error({ err: error }, 'monitor tick failed; retrying at the next tick');
      } finally {
        this.ticking = undefined;
      }
      if (!this.stopped) this.timer = setTimeout(loop, tickMs);
    };
    this.timer = setTimeout(loop, Math.min(tickMs, 1_000));
  }

  /**
   * Stops scheduling; waits up to `graceMs` for sweeps in flight. A sweep cut off saves
   * nothing, so the next start finds it due and sweeps again: nothing is half-applied. A tick
   * under way starts no sweep once stopped; its reads are waited for too.
   */
  async stop(graceMs = 20_000): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([this.ticking, ...this.running.values(), ...this.tails.values()]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Starts a sweep for every watched connection that is due and not already being swept. */
  async tick(): Promise<void> {
    const now = this.now();
    const connections = new Set([
      ...(await this.deps.store.watches.connections()),
      ...(await this.deps.store.channels.watchAllConnections()),
    ]);
    for (const connection of connections) {
      if (this.running.has(connection)) continue;
      if (!(await this.isDue(connection, now))) continue;
      // stop() came while this tick was reading: it waits only for sweeps already started.
      if (this.stopped) return;
      this.sweep(connection).catch((error) =>
        this.deps.logger.error({ err: error, connection }, 'monitor sweep failed'),
      );
    }
  }

  /** One sweep of one connection, unless one is running. Public so benches and tests can time it. */
  sweep(connection: string): Promise<void> {
    const existing = this.running.get(connection);
    if (existing) return existing;
    const work = this.serialise(connection, () => this.deps.sweep.run(connection)).finally(() =>
      this.running.delete(connection),
    );
    this.running.set(connection, work);
    return work;
  }

  /**
   * A Notion webhook's re-check of these objects (Sweep.recheck), after the connection's sweep
   * or re-check under way: two never interleave their writes for one connection.
   */
  recheck(connection: string, ids: string[]): Promise<void> {
    return this.serialise(connection, () => this.deps.sweep.recheck(connection, ids));
  }

  private async isDue(connection: string, now: number): Promise<boolean> {
    const last = (await this.deps.store.health.get(connection))?.lastSweepAt;
    return (
      last === undefined ||
      now - last >= this.deps.intervalMs - jitterMs(connection, this.deps.intervalMs)
    );
  }

  private serialise(connection: string, step: () => Promise<void>): Promise<void> {
    const before = this.tails.get(connection) ?? Promise.resolve();
    const work = before.catch(() => undefined).then(step);
    const tail = work.catch(() => undefined);
    this.tails.set(connection, tail);
    void tail.then(() => {
      if (this.tails.get(connection) === tail) this.tails.delete(connection);
    });
    return work;
  }
}
