import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
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
  /** Each workspace's sweep (its Notion connections, its Slack); undefined once uninstalled. */
  sweeps: (team: string) => Promise<Sweep | undefined>;
  logger: Logger;
  intervalMs: number;
  now?: () => number;
  /**
   * How long a replica's claim on a connection lasts without renewal (renewed every third of
   * it while the work runs): a replica that dies mid-sweep hands the connection on this late.
   * Default: CHECK_INTERVAL, within 3–30 s.
   */
  leaseMs?: number;
  /**
   * Whether other processes share the database (PostgreSQL: replicas), so work is leased.
   * SQLite's file belongs to one process: no leases (a crashed process's lease would hold the
   * next start back). Default: from the store's dialect.
   */
  replicas?: boolean;
  /** This process, in the leases table (default: host, pid and a random suffix). */
  replicaId?: string;
}

/** A connection's monitor work (sweeps and re-checks), one replica at a time. */
const leaseName = (team: string, connection: string) =>
  team === '' ? `monitor:${connection}` : `monitor:${team}/${connection}`;

/** One workspace's connection: the unit of monitor work (one workspace: team ''). */
const workKey = (team: string, connection: string) => `${team}\n${connection}`;

/** CHECK_INTERVAL, within 3–30 s: short enough to take over soon, long enough to renew. */
export const defaultLeaseMs = (intervalMs: number) => Math.min(30_000, Math.max(3_000, intervalMs));

/** A re-check waiting for another replica's work on the same connection asks this often. */
const RECHECK_RETRY_MS = 500;

/**
 * Who is due: each watched connection (token) is swept every CHECK_INTERVAL, never twice at
 * once — in this process (one queue per connection) nor across replicas sharing the database
 * (a lease per connection, held while a sweep or re-check runs). Pacing per token comes from
 * the RateLimiter in the Notion client.
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
  private readonly leaseMs: number;
  private readonly replicas: boolean;
  readonly replicaId: string;

  constructor(private readonly deps: SchedulerDeps) {
    this.now = deps.now ?? Date.now;
    this.leaseMs = deps.leaseMs ?? defaultLeaseMs(deps.intervalMs);
    this.replicas = deps.replicas ?? deps.store.dialect === 'postgres';
    this.replicaId = deps.replicaId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
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
    for (const { team, connection } of await this.deps.store.monitored()) {
      if (this.running.has(workKey(team, connection))) continue;
      if (!(await this.isDue(team, connection, now))) continue;
      // stop() came while this tick was reading: it waits only for sweeps already started.
      if (this.stopped) return;
      // Due is asked again under the lease: another replica may have swept it meanwhile.
      this.sweep(connection, false, team).catch((error) =>
        this.deps.logger.error({ err: error, team, connection }, 'monitor sweep failed'),
      );
    }
  }

  /**
   * One sweep of one connection, unless one is running here; skipped when another replica holds
   * the connection, or swept it since this one found it due. Public so benches and tests can
   * time it (they call it without a tick: `force` sweeps even when not due).
   */
  sweep(connection: string, force = true, team = ''): Promise<void> {
    const key = workKey(team, connection);
    const existing = this.running.get(key);
    if (existing) return existing;
    const work = this.serialise(key, () =>
      this.leased(team, connection, 'skip', async () => {
        if (!force && !(await this.isDue(team, connection, this.now()))) return;
        await (await this.deps.sweeps(team))?.run(connection);
      }),
    ).finally(() => this.running.delete(key));
    this.running.set(key, work);
    return work;
  }

  /**
   * A Notion webhook's re-check of these objects (Sweep.recheck), after the connection's sweep
   * or re-check under way, here or on another replica: two never interleave their writes for
   * one connection.
   */
  recheck(connection: string, ids: string[], team = ''): Promise<void> {
    return this.serialise(workKey(team, connection), () =>
      this.leased(team, connection, 'wait', async () => {
        await (await this.deps.sweeps(team))?.recheck(connection, ids);
      }),
    );
  }

  /**
   * Resolves once the workspace's monitor work started so far has ended, here and (with
   * replicas) on any other replica: that replica's sweep holds its lease at most `leaseMs`
   * without renewing it, so this waits that long too.
   */
  async settled(team: string): Promise<void> {
    const prefix = workKey(team, '');
    const work = [...this.tails].filter(([key]) => key.startsWith(prefix)).map(([, tail]) => tail);
    await Promise.allSettled(work);
    if (this.replicas) await new Promise((resolve) => setTimeout(resolve, this.leaseMs).unref());
  }

  private async isDue(team: string, connection: string, now: number): Promise<boolean> {
    const last = (await this.deps.store.forTeam(team).health.get(connection))?.lastSweepAt;
    return (
      last === undefined ||
      now - last >= this.deps.intervalMs - jitterMs(connection, this.deps.intervalMs)
    );
  }

  /**
   * Runs `work` holding the connection's lease (with replicas), renewed while it runs, released
   * after. When
   * another replica holds it: 'skip' does nothing (that replica is sweeping), 'wait' asks again
   * until it is free (or this scheduler stops).
   */
  private async leased(
    team: string,
    connection: string,
    busy: 'skip' | 'wait',
    work: () => Promise<void>,
  ): Promise<void> {
    if (!this.replicas) return work();
    const { leases } = this.deps.store;
    const name = leaseName(team, connection);
    while (!(await leases.claim(name, this.replicaId, this.now(), this.leaseMs))) {
      if (busy === 'skip' || this.stopped) return;
      await new Promise((resolve) => setTimeout(resolve, RECHECK_RETRY_MS));
    }
    const renewal = setInterval(() => {
      leases.renew(name, this.replicaId, this.now(), this.leaseMs).then(
        (held) => {
          if (!held)
            this.deps.logger.warn({ connection }, 'lost the lease on a connection mid-sweep');
        },
        (error: unknown) =>
          this.deps.logger.warn({ err: error, connection }, 'could not renew a lease'),
      );
    }, this.leaseMs / 3);
    renewal.unref();
    try {
      await work();
    } finally {
      clearInterval(renewal);
      await leases
        .release(name, this.replicaId)
        .catch((error: unknown) =>
          this.deps.logger.warn({ err: error, connection }, 'could not release a lease'),
        );
    }
  }

  private serialise(key: string, step: () => Promise<void>): Promise<void> {
    const before = this.tails.get(key) ?? Promise.resolve();
    const work = before.catch(() => undefined).then(step);
    const tail = work.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return work;
  }
}
