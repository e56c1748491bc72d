import {
  type Clock,
  DeadlineExceededError,
  QueueFullError,
  RateLimiter,
} from '../../../src/notion/pacing';

/**
 * Virtual time. `sleep` queues a wake-up; queued sleepers are woken one at a time in time order
 * (after pending promise callbacks have run), moving `now()` to each wake-up time. No real waiting.
 */
class FakeClock implements Clock {
  private current = 0;
  private readonly sleepers: { wakeAt: number; order: number; wake: () => void }[] = [];
  private counter = 0;
  readonly sleeps: number[] = [];

  now(): number {
    return this.current;
  }

  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    return new Promise((resolve) => {
      this.sleepers.push({ wakeAt: this.current + ms, order: this.counter++, wake: resolve });
      setImmediate(() => this.wakeNext());
    });
  }

  private wakeNext(): void {
    this.sleepers.sort((a, b) => a.wakeAt - b.wakeAt || a.order - b.order);
    const next = this.sleepers.shift();
    if (!next) return;
    this.current = Math.max(this.current, next.wakeAt);
    next.wake();
  }

  advance(ms: number): void {
    this.current += ms;
  }
}

/** Acquires a slot and returns the (virtual) time the request would start. */
async function startTime(limiter: RateLimiter, clock: FakeClock, key: string, deadline?: number) {
  await limiter.acquire(key, deadline);
  return clock.now();
}

function maxInAnyWindow(starts: number[], windowMs: number): number {
  return Math.max(
    ...starts.map((from) => starts.filter((t) => t >= from && t < from + windowMs).length),
  );
}

describe('RateLimiter', () => {
  it('paces 10 concurrent requests on one key to 3 per second', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(3, 1000, clock);

    const starts = await Promise.all(
      Array.from({ length: 10 }, () => startTime(limiter, clock, 'token-a')),
    );

    expect(maxInAnyWindow(starts, 1000)).toBe(3);
    // Callers start in the order they asked, and no slot is wasted.
    expect(starts).toEqual([0, 0, 0, 1000, 1000, 1000, 2000, 2000, 2000, 3000]);
  });

  it('keeps pacing requests that arrive later', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(3, 1000, clock);
    const first = await Promise.all([0, 1, 2].map(() => startTime(limiter, clock, 'k')));
    clock.advance(400);
    const later = await Promise.all([0, 1].map(() => startTime(limiter, clock, 'k')));
    expect(first).toEqual([0, 0, 0]);
    expect(later).toEqual([1000, 1000]);
    expect(maxInAnyWindow([...first, ...later], 1000)).toBeLessThanOrEqual(3);
  });

  it('lets a request through at once when the window has moved on', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(3, 1000, clock);
    await Promise.all([0, 1, 2].map(() => startTime(limiter, clock, 'k')));
    clock.advance(1000);
    expect(await startTime(limiter, clock, 'k')).toBe(1000);
    expect(clock.sleeps).toEqual([]);
  });

  it('does not make one token wait for another', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(3, 1000, clock);
    const busy = Array.from({ length: 9 }, () => startTime(limiter, clock, 'token-a'));
    const other = await Promise.all([0, 1, 2].map(() => startTime(limiter, clock, 'token-b')));
    expect(other).toEqual([0, 0, 0]);
    expect(Math.max(...(await Promise.all(busy)))).toBe(2000);
  });

  it('refuses a slot past the deadline without using it up', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(1, 1000, clock);

    expect(await startTime(limiter, clock, 'k')).toBe(0);
    await expect(limiter.acquire('k', 500)).rejects.toBeInstanceOf(DeadlineExceededError);
    await expect(limiter.acquire('k', 999)).rejects.toBeInstanceOf(DeadlineExceededError);
    // Had the refused calls kept their slots, this one would have to wait until 3000.
    expect(await startTime(limiter, clock, 'k', 1000)).toBe(1000);
    expect(await startTime(limiter, clock, 'k')).toBe(2000);
  });

  it('refuses without waiting when the deadline has already passed', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(2, 1000, clock);
    await Promise.all([0, 1].map(() => startTime(limiter, clock, 'k')));
    await expect(limiter.acquire('k', 0)).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(clock.sleeps).toEqual([]);
    expect(clock.now()).toBe(0);
  });
});

describe('RateLimiter priorities', () => {
  it('serves a person waiting in Slack before a queued background sweep', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(1, 1000, clock);
    const order: string[] = [];
    const sweep = [0, 1, 2].map((i) =>
      limiter.acquire('k', undefined, 'background').then(() => order.push(`sweep${i}`)),
    );
    const person = limiter.acquire('k', undefined, 'interactive').then(() => order.push('person'));
    await Promise.all([...sweep, person]);
    // The first sweep request had already started; the person goes next, then the sweep.
    expect(order).toEqual(['sweep0', 'person', 'sweep1', 'sweep2']);
  });

  it('records the real start time, so a late wake-up does not bunch requests', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(2, 1000, clock);
    await Promise.all([0, 1].map(() => limiter.acquire('k')));
    clock.advance(1500);
    const starts = await Promise.all([0, 1, 2].map(() => startTime(limiter, clock, 'k')));
    expect(starts).toEqual([1500, 1500, 2500]);
  });
});

describe('RateLimiter order between checks', () => {
  it("serves an earlier check's requests before a later check's, so checks finish in turn", async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(1, 1000, clock);
    const done: string[] = [];
    const later = [0, 1].map((i) =>
      limiter.acquire('k', undefined, 'interactive', 20).then(() => done.push(`later${i}`)),
    );
    const earlier = [0, 1].map((i) =>
      limiter.acquire('k', undefined, 'interactive', 10).then(() => done.push(`earlier${i}`)),
    );
    await Promise.all([...later, ...earlier]);
    // The first slot was already taken by the first caller; then the earlier check goes first.
    expect(done).toEqual(['later0', 'earlier0', 'earlier1', 'later1']);
  });
});

describe('RateLimiter fairness between people', () => {
  it("one member's queue delays another's first request by at most one slot", async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(1, 1000, clock);
    const served: string[] = [];
    // Ana has 60 requests queued (three checks of twenty) before Ben asks once.
    const ana = Array.from({ length: 60 }, (_, i) =>
      limiter
        .acquire('k', undefined, 'interactive', i < 20 ? 1 : 2, 'U_ANA')
        .then(() => served.push('ana')),
    );
    const ben = limiter
      .acquire('k', undefined, 'interactive', 99, 'U_BEN')
      .then(() => served.push('ben'));
    await Promise.all([...ana, ben]);
    // Ana's first request had started; Ben, never served, goes next.
    expect(served.indexOf('ben')).toBe(1);
  });

  it('people take turns, one slot each, whatever their queue lengths', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(1, 1000, clock);
    const served: string[] = [];
    const ask = (owner: string, count: number) =>
      Array.from({ length: count }, () =>
        limiter.acquire('k', undefined, 'interactive', 0, owner).then(() => served.push(owner)),
      );
    await Promise.all([...ask('a', 5), ...ask('b', 2), ...ask('c', 1)]);
    expect(served).toEqual(['a', 'b', 'c', 'a', 'b', 'a', 'a', 'a']);
  });

  it('background sweeps still wait for every person', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(1, 1000, clock);
    const served: string[] = [];
    const sweep = [0, 1].map(() =>
      limiter.acquire('k', undefined, 'background').then(() => served.push('sweep')),
    );
    const people = ['a', 'b'].map((owner) =>
      limiter.acquire('k', undefined, 'interactive', 0, owner).then(() => served.push(owner)),
    );
    await Promise.all([...sweep, ...people]);
    expect(served).toEqual(['sweep', 'a', 'b', 'sweep']);
  });

  it('a full queue refuses at once (QueueFullError) instead of queueing to time out', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(1, 1000, clock, 3);
    // The first is granted at once; three more wait: the queue is full.
    const queued = [0, 1, 2, 3].map(() => limiter.acquire('k'));
    await expect(limiter.acquire('k')).rejects.toBeInstanceOf(QueueFullError);
    await Promise.all(queued);
    await expect(limiter.acquire('k')).resolves.toBeUndefined();
  });
});
