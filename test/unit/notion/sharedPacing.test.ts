/**
 * Pacing across replicas: RateLimiters in "two processes" (two PostgreSQL pools on one
 * database, as two replicas have) share each token's window through the database
 * (src/store/budget.ts), so together they start no more than the limit in any window — and a
 * person on one replica still goes before that replica's own sweep. Real time, scaled 5× (a 210 ms window).
 */
import { RateLimiter, systemClock } from '../../../src/notion/pacing';
import { openStore } from '../../../src/store/open';
import type { Store } from '../../../src/store/store';
import { createDatabase } from '../../support/postgres/databases';
import { busiest } from '../../support/windows';

const LIMIT = 3;
const WINDOW_MS = 210;

let database: Awaited<ReturnType<typeof createDatabase>>;
let replicas: Store[];

beforeAll(async () => {
  database = await createDatabase();
  replicas = [];
  for (let i = 0; i < 3; i++) {
    replicas.push(await openStore({ dialect: 'postgres', url: database.url }));
  }
});

afterAll(async () => {
  for (const store of replicas) await store.close();
  await database.drop();
});

const limiterOf = (store: Store, shared = true) =>
  new RateLimiter(LIMIT, WINDOW_MS, systemClock, 600, shared ? store.budget : undefined);

async function drive(limiters: RateLimiter[], key: string, perReplica: number) {
  const starts: number[] = [];
  await Promise.all(
    limiters.flatMap((limiter) =>
      Array.from({ length: perReplica }, () =>
        limiter.acquire(key).then(() => {
          starts.push(Date.now());
        }),
      ),
    ),
  );
  return starts;
}

it('three replicas together stay within the limit per window (one token)', async () => {
  const starts = await drive(
    replicas.map((store) => limiterOf(store)),
    'token-one',
    12,
  );
  expect(starts).toHaveLength(36);
  // 30 ms of slack: a grant is timed here, after the database's clock took the start (later
  // when the event loop is busy).
  expect(busiest(starts, WINDOW_MS - 30)).toBeLessThanOrEqual(LIMIT);
});

it('without the shared budget they would not (the test can fail)', async () => {
  const starts = await drive(
    replicas.map((store) => limiterOf(store, false)),
    'token-two',
    6,
  );
  expect(busiest(starts, WINDOW_MS - 30)).toBeGreaterThan(LIMIT);
});

it('on one replica, a person still goes before its queued sweep', async () => {
  const [first] = replicas as [Store];
  const limiter = limiterOf(first);
  const order: string[] = [];
  const sweep = Array.from({ length: 6 }, (_, i) =>
    limiter.acquire('token-three', Number.POSITIVE_INFINITY, 'background').then(() => {
      order.push(`sweep ${i}`);
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, 5));
  const person = limiter.acquire('token-three').then(() => {
    order.push('person');
  });
  await Promise.all([...sweep, person]);
  expect(order.indexOf('person')).toBeLessThanOrEqual(LIMIT);
});
