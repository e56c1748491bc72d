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

/**
 * Sliding-window pacing per key (one key per Notion token): at most `limit` request starts
 * in any `windowMs` window. Slots are reserved synchronously, so concurrent callers queue
 * up in order instead of racing for the same slot.
 */
export class RateLimiter {
  private readonly starts = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Waits for this key's next slot; throws DeadlineExceededError if it comes after `deadline`. */
  async acquire(key: string, deadline = Number.POSITIVE_INFINITY): Promise<void> {
    const now = this.clock.now();
    const history = (this.starts.get(key) ?? []).filter((at) => at > now - this.windowMs);
    const blocking =
      history.length >= this.limit ? history[history.length - this.limit] : undefined;
    const slot = blocking === undefined ? now : Math.max(now, blocking + this.windowMs);
    if (slot > deadline) {
      this.starts.set(key, history);
      throw new DeadlineExceededError();
    }
    history.push(slot);
    this.starts.set(key, history);
    if (slot > now) await this.clock.sleep(slot - now);
  }
}
