export class DeadlineExceededError extends Error {
  constructor(message = 'the check ran out of time before Notion could be asked') {
    super(message);
    this.name = 'DeadlineExceededError';
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
  /** Requests of an earlier check go first, so checks finish one after another. */
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
}

/**
 * Sliding-window pacing per key (one key per Notion token): at most `limit` request starts in
 * any `windowMs` window. Waiters are served one slot at a time: interactive before background,
 * then the earliest check's requests (so ten people checking at once get their reports one after
 * another, not all at the deadline), then first come. A start is recorded when it really happens,
 * so late timers can never bunch requests together.
 */
export class RateLimiter {
  private readonly keys = new Map<string, KeyState>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Waits for this key's next slot; throws DeadlineExceededError if it comes after `deadline`. */
  acquire(
    key: string,
    deadline = Number.POSITIVE_INFINITY,
    priority: Priority = 'interactive',
    order = this.clock.now(),
  ): Promise<void> {
    const state = this.keys.get(key) ?? { starts: [], waiters: [], pumping: false };
    this.keys.set(key, state);
    const granted = new Promise<void>((resolve, reject) => {
      state.waiters.push({ priority, order, deadline, resolve, reject });
    });
    void this.pump(key, state);
    return granted;
  }

  private nextSlot(state: KeyState, now: number): number {
    state.starts = state.starts.filter((at) => at > now - this.windowMs);
    const blocking = state.starts[state.starts.length - this.limit];
    return state.starts.length >= this.limit && blocking !== undefined
      ? blocking + this.windowMs
      : now;
  }

  /** Interactive before background; within those, the earliest check; then first come. */
  private nextWaiter(waiters: Waiter[]): number {
    let best = 0;
    waiters.forEach((waiter, index) => {
      const current = waiters[best];
      if (!current) return;
      const rank = (w: Waiter) => (w.priority === 'interactive' ? 0 : 1);
      if (
        rank(waiter) < rank(current) ||
        (rank(waiter) === rank(current) && waiter.order < current.order)
      ) {
        best = index;
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
        const [next] = state.waiters.splice(this.nextWaiter(state.waiters), 1);
        state.starts.push(now);
        next?.resolve();
      }
    } finally {
      state.pumping = false;
      if (state.waiters.length === 0 && state.starts.length === 0) this.keys.delete(key);
    }
  }
}
