/**
 * CheckService (src/services/checks.ts): fair use of a token's Notion budget. A person may have
 * MAX_CHECKS_PER_USER checks waiting at once and a channel MAX_CHECKS_PER_CHANNEL; more are
 * refused at once with how many are waiting, and a finished check frees its place.
 */
import pino from 'pino';
import { checkDeadlineMs, RateLimiter } from '../../../src/notion/pacing';
import {
  CheckService,
  MAX_CHECKS_PER_CHANNEL,
  MAX_CHECKS_PER_USER,
} from '../../../src/services/checks';
import { Connections } from '../../../src/services/connections';
import { Store } from '../../../src/store/store';
import { CHANNEL, OTHER_USER, USER } from '../../support/fixtures';

function setup() {
  const store = new Store(':memory:');
  // No token configured: each check ends at once with token_missing, without asking Notion.
  const connections = new Connections(store, {
    notion: { defaultToken: undefined, apiUrl: 'http://127.0.0.1:9' },
    encryptionKey: undefined,
    previousEncryptionKey: undefined,
  });
  const checks = new CheckService({
    connections,
    store,
    limiter: new RateLimiter(3, 1_000),
    notionApiUrl: 'http://127.0.0.1:9',
    logger: pino({ level: 'silent' }),
  });
  const request = (userId: string, channelId = CHANNEL) => ({
    connection: 'default',
    targets: [],
    userId,
    channelId,
  });
  return { checks, request };
}

describe('fair use', () => {
  it(`a person's ${MAX_CHECKS_PER_USER + 1}th waiting check is refused, with the count`, () => {
    const { checks, request } = setup();
    for (let i = 0; i < MAX_CHECKS_PER_USER; i++) {
      expect(checks.admit(request(USER, `C${i}`)).ok).toBe(true);
    }
    expect(checks.admit(request(USER, 'COTHER'))).toEqual({
      ok: false,
      reason: 'too_many_checks',
      scope: 'user',
      waiting: MAX_CHECKS_PER_USER,
    });
    // Someone else is not held back by it.
    expect(checks.admit(request(OTHER_USER, 'COTHER')).ok).toBe(true);
  });

  it(`a channel's ${MAX_CHECKS_PER_CHANNEL + 1}th waiting check is refused`, () => {
    const { checks, request } = setup();
    for (let i = 0; i < MAX_CHECKS_PER_CHANNEL; i++) {
      expect(checks.admit(request(`U${i}`)).ok).toBe(true);
    }
    expect(checks.admit(request('ULAST'))).toMatchObject({
      ok: false,
      scope: 'channel',
      waiting: MAX_CHECKS_PER_CHANNEL,
    });
  });

  it('a finished check frees its place, failed or not', async () => {
    const { checks, request } = setup();
    const admitted = Array.from({ length: MAX_CHECKS_PER_USER }, () => checks.admit(request(USER)));
    expect(checks.admit(request(USER)).ok).toBe(false);
    const first = admitted[0];
    if (!first?.ok) throw new Error('expected the first check to be admitted');
    const run = await first.start();
    expect(run.token.diagnosis.kind).toBe('token_missing');
    expect(checks.admit(request(USER)).ok).toBe(true);
  });

  it('check() is admit + start: the run, or the refusal', async () => {
    const { checks, request } = setup();
    await expect(checks.check(request(USER))).resolves.toMatchObject({ ok: true });
    for (let i = 0; i < MAX_CHECKS_PER_USER; i++) checks.admit(request(USER));
    await expect(checks.check(request(USER))).resolves.toMatchObject({
      ok: false,
      reason: 'too_many_checks',
    });
  });
});

it('the deadline rule: 25 s plus a second per target', () => {
  expect(checkDeadlineMs(0)).toBe(25_000);
  expect(checkDeadlineMs(20)).toBe(45_000);
});
