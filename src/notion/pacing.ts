/** The request waited in our own queue until its check's deadline: we were busy, not Notion. */
export class DeadlineExceededError extends Error {
  constructor(message = 'the check ran out of time waiting for its turn to ask Notion') {
    super(message);
    this.name = 'DeadlineExceededError';
  }
}

/** The token's queue is full: refused at once rather than queued to time out. */
export class QueueFullError extends Error {
  constructor(readonly waiting: number) {
    super(`${waiting} requests for this token are already waiting`);
    this.name = 'QueueFullError';
  }
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A person waiting in Slack goes before a background sweep of the same token. */
export type Priority = 'interactive' | 'background';

interface Waiter {
  priority: Priority;
  /** Who waits (a Slack user, else a channel): people take turns, one slot each. */
  owner: string;
  /** Within one owner, requests of an earlier check go first. */
  order: number;
  deadline: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

interface KeyState {
  /** Actual start times of recent requests (not planned ones: timers can fire late). */
  starts: number[];
  waiters: Waiter[];
  pumping: boolean;
  /** When each owner was last served (a grant counter), for round-robin among people. */
  served: Map<string, number>;
  grants: number;
  /** No request starts before this (Notion answered 429 with a Retry-After). */
  pausedUntil: number;
}

/**
 * The starts of every process sharing a token (replicas on one database): asked before each
 * start, after this process's own pacing agrees.
 */
export interface SharedBudget {
  /**
   * Takes a start for `key` now if the last `limit` starts fit `windowMs` (a background one
   * leaving room for people waiting on other replicas); else the ms to wait.
   */
  take(key: string, limit: number, windowMs: number, priority: Priority): Promise<number>;
}

/** A token's queue never holds more than this many requests (about 3 minutes at Notion's pace). */
export const MAX_QUEUED_PER_KEY = 600;

/**
 * How many of one check's requests may wait in their token's queue at once. A sweep of 2,000
 * watches queued all at once would pass MAX_QUEUED_PER_KEY and be refused as busy; fed this
 * many at a time it keeps the queue short (people's checks still go first) and every page gets
 * its turn.
 */
export const MAX_IN_FLIGHT_PER_CHECK = 60;

/** `items.map(work)` with at most `limit` of them running at once; results in input order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Sliding-window pacing per key (one key per Notion token): at most `limit` request starts in
 * any `windowMs` window. Waiters are served one slot at a time: interactive before background;
 * among people, round-robin by owner (the one served longest ago goes next), so one member's
 * twenty queued checks never hold another's first request back by more than a slot or two;
 * within one owner, the earliest check's requests first, then first come. A start is recorded
 * when it really happens, so late timers can never bunch requests together.
 */
export class RateLimiter {
  private readonly keys = new Map<string, KeyState>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly clock: Clock = systemClock,
    private readonly maxQueued = MAX_QUEUED_PER_KEY,
    /** Other replicas' starts (PostgreSQL); none: this process is the only one. */
    private readonly shared?: SharedBudget,
  ) {}

  /** Waits for this key's next slot; throws DeadlineExceededError if it comes after `deadline`. */
  acquire(
    key: string,
    deadline = Number.POSITIVE_INFINITY,
    priority: Priority = 'interactive',
    order = this.clock.now(),
    owner = 'anyone',
  ): Promise<void> {
    const state = this.keys.get(key) ?? {
      starts: [],
      waiters: [],
      pumping: false,
      served: new Map<string, number>(),
      grants: 0,
      pausedUntil: 0,
    };
    this.keys.set(key, state);
    if (state.waiters.length >= this.maxQueued) {
      return Promise.reject(new QueueFullError(state.waiters.length));
    }
    const granted = new Promise<void>((resolve, reject) => {
      state.waiters.push({ priority, owner, order, deadline, resolve, reject });
    });
    void this.pump(key, state);
    return granted;
  }

  /**
   * Notion said "retry after": no request with this token starts before `until`, whichever
   * check it belongs to (the limit is the token's). A later, shorter pause changes nothing.
   */
  pauseUntil(key: string, until: number): void {
    const state = this.keys.get(key);
    if (state) state.pausedUntil = Math.max(state.pausedUntil, until);
  }

  private nextSlot(state: KeyState, now: number): number {
    state.starts = state.starts.filter((at) => at > now - this.windowMs);
    const blocking = state.starts[state.starts.length - this.limit];
    const paced =
      state.starts.length >= this.limit && blocking !== undefined ? blocking + this.windowMs : now;
    return Math.max(paced, state.pausedUntil);
  }

  /**
   * Interactive before background; then the owner served longest ago (never served: first);
   * then the earliest check; then first come.
   */
  private nextWaiter(state: KeyState): number {
    const rank = (w: Waiter) => [
      w.priority === 'interactive' ? 0 : 1,
      state.served.get(w.owner) ?? -1,
      w.order,
    ];
    let best = 0;
    let bestRank = rank(state.waiters[0] as Waiter);
    state.waiters.forEach((waiter, index) => {
      const candidate = rank(waiter);
      const better = candidate.findIndex((value, i) => value !== bestRank[i]);
      if (better !== -1 && (candidate[better] ?? 0) < (bestRank[better] ?? 0)) {
        best = index;
        bestRank = candidate;
      }
    });
    return best;
  }

  private async pump(key: string, state: KeyState): Promise<void> {
    if (state.pumping) return;
    state.pumping = true;
    try {
      while (state.waiters.length > 0) {
        const now = this.clock.now();
        const slot = this.nextSlot(state, now);
        // Whoever cannot make the next slot in time is told now, without taking a slot.
        const late = state.waiters.filter((waiter) => waiter.deadline < slot);
        state.waiters = state.waiters.filter((waiter) => waiter.deadline >= slot);
        for (const waiter of late) waiter.reject(new DeadlineExceededError());
        if (state.waiters.length === 0) break;
        if (slot > now) {
          await this.clock.sleep(slot - now);
          continue;
        }
        if (this.shared) {
          // Another replica may have used the token's window; the database cannot answer:
          // wait (deadlines still apply) rather than risk Notion's limit. People before sweeps
          // across replicas too: the budget keeps a slot for a person another replica serves.
          const priority = state.waiters[this.nextWaiter(state)]?.priority ?? 'interactive';
          const wait = await this.shared
            .take(key, this.limit, this.windowMs, priority)
            .catch(() => SHARED_BUDGET_RETRY_MS);
          if (wait > 0) {
            await this.clock.sleep(wait);
            continue;
          }
        }
        const [next] = state.waiters.splice(this.nextWaiter(state), 1);
        state.starts.push(this.clock.now());
        if (next) state.served.set(next.owner, state.grants++);
        next?.resolve();
      }
    } finally {
      state.pumping = false;
      const paused = state.pausedUntil > this.clock.now();
      if (state.waiters.length === 0 && state.starts.length === 0 && !paused) this.keys.delete(key);
    }
  }
}

/**
 * Notion allows about 3 requests per second per integration. A start is counted when it is
 * granted; the request reaches Notion later (event loop, connection): bench:replicas measured
 * up to ~250 ms on a loaded 2-core host, so 4 starts 1,050 ms apart arrived within 1 s. The
 * 200 ms margin keeps what Notion sees at 3 per second.
 */
export const NOTION_REQUESTS_PER_WINDOW = 3;
export const NOTION_WINDOW_MS = 1_200;

/** How long to wait before asking a shared budget that failed to answer again. */
const SHARED_BUDGET_RETRY_MS = 1_000;

/**
 * The pacing every token gets, in the bot and on the command line; `shared` when several
 * replicas use the same tokens.
 */
export function notionPacing(shared?: SharedBudget): RateLimiter {
  return new RateLimiter(
    NOTION_REQUESTS_PER_WINDOW,
    NOTION_WINDOW_MS,
    systemClock,
    MAX_QUEUED_PER_KEY,
    shared,
  );
}

/**
 * How long a check may take before the report goes out anyway: 25 s, plus a second per target
 * (Notion answers about three requests a second per token).
 */
export function checkDeadlineMs(targets: number): number {
  return 25_000 + targets * 1_000;
}
