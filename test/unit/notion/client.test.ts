import { checkToken } from '../../../src/notion/check';
import { createNotionClient } from '../../../src/notion/client';
import { RateLimiter } from '../../../src/notion/pacing';
import { diagnosisText } from '../../../src/slack/blocks/resource';
import { FakeNotion } from '../../fakes/fakeNotion';
import { fakeNotionToken } from '../../support/harness';

const token = fakeNotionToken('client');
let notion: FakeNotion;

beforeAll(async () => {
  notion = new FakeNotion();
  await notion.start();
  notion.addIntegration({ token, name: 'Zapier Sync', workspaceName: 'Acme' });
});

afterAll(async () => {
  await notion.stop();
});

test('a request that waits long for its pacing slot is not timed out by the SDK', async () => {
  // A big sweep queues requests for minutes; the per-request timeout starts at the slot.
  const limiter = new RateLimiter(1, 6_000);
  const client = createNotionClient(token, {
    baseUrl: notion.url,
    limiter,
    deadline: Date.now() + 30_000,
    requestTimeoutMs: 200,
  });
  const first = await checkToken(client);
  const second = await checkToken(client); // waits ~6 s for its slot
  expect([first.diagnosis.kind, second.diagnosis.kind]).toEqual(['ok', 'ok']);
}, 20_000);

test('a Notion that holds the answer past the per-request timeout is a timeout', async () => {
  notion.fault({ fault: { kind: 'hold' } });
  const client = createNotionClient(token, {
    baseUrl: notion.url,
    limiter: new RateLimiter(3, 1_000),
    deadline: Date.now() + 30_000,
    requestTimeoutMs: 300,
  });
  const result = await checkToken(client);
  notion.clearFaults();
  notion.releaseHeld();
  expect(result.diagnosis.kind).toBe('timeout');
});

test('a Retry-After longer than the SDK back-off is waited for, not retried early', async () => {
  // Scaled: the SDK may back off at most 100 ms; Notion asks for 1 s.
  notion.fault({
    match: { pathPrefix: '/v1/users/me' },
    times: 1,
    fault: { kind: 'status', status: 429, headers: { 'retry-after': '1' } },
  });
  notion.requests.length = 0;
  const client = createNotionClient(token, {
    baseUrl: notion.url,
    limiter: new RateLimiter(3, 1_000),
    deadline: Date.now() + 10_000,
    maxRetryDelayMs: 100,
  });
  const result = await checkToken(client);
  notion.clearFaults();
  expect(result.diagnosis.kind).toBe('ok');
  const [first, retry] = notion.requests;
  expect(notion.requests).toHaveLength(2);
  // The retry started only once Notion's Retry-After had passed.
  expect((retry?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
});

test('a 45 s Retry-After that does not fit the check is "rate limited, retry at HH:MM", not retried', async () => {
  notion.fault({
    match: { pathPrefix: '/v1/users/me' },
    times: 1,
    fault: { kind: 'status', status: 429, headers: { 'retry-after': '45' } },
  });
  notion.requests.length = 0;
  const before = Date.now();
  // The default deadline of a check without targets: 25 s.
  const client = createNotionClient(token, {
    baseUrl: notion.url,
    limiter: new RateLimiter(3, 1_000),
    deadline: before + 25_000,
  });
  const result = await checkToken(client);
  notion.clearFaults();
  expect(Date.now() - before).toBeLessThan(5_000);
  expect(notion.requests).toHaveLength(1);
  expect(result.diagnosis).toMatchObject({ kind: 'rate_limited', category: 'transient' });
  const retryAt = result.diagnosis.detail.retryAt ?? 0;
  expect(retryAt).toBeGreaterThanOrEqual(before + 45_000);
  expect(retryAt).toBeLessThan(Date.now() + 46_000);
  const text = diagnosisText(result.diagnosis);
  const hhmm = new Date(retryAt).toISOString().slice(11, 16);
  expect(text).toContain(`retry at <!date^${Math.floor(retryAt / 1000)}^{time}|${hhmm} UTC>`);
  expect(text).toMatch(/not an access problem/);
});
