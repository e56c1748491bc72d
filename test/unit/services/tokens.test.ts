/**
 * TokenService (src/services/tokens.ts): a token typed into the token modal is refused on its
 * shape before Notion is asked, then users.me on the fake Notion API (test/fakes/fakeNotion.ts)
 * decides; a Notion outage proves nothing either way.
 */
import { randomBytes } from 'node:crypto';
import { RateLimiter } from '../../../src/notion/pacing';
import { Connections } from '../../../src/services/connections';
import { TokenService } from '../../../src/services/tokens';
import { Store } from '../../../src/store/store';
import { FakeNotion } from '../../fakes/fakeNotion';
import { fakeToken, USER } from '../../support/fixtures';

const KNOWN = fakeToken('good');
const notion = new FakeNotion();

beforeAll(async () => {
  await notion.start();
  notion.addIntegration({ token: KNOWN, name: 'Roadmap Sync', workspaceName: 'Acme Corp' });
});

afterEach(() => {
  notion.clearFaults();
  notion.requests.length = 0;
});

afterAll(async () => {
  await notion.stop();
});

function setup(options: { encryptionKey?: Buffer } = {}) {
  const store = new Store(':memory:');
  const connections = new Connections(store, {
    notion: { defaultToken: undefined, apiUrl: notion.url },
    encryptionKey: options.encryptionKey,
    previousEncryptionKey: undefined,
  });
  const service = new TokenService({
    connections,
    limiter: new RateLimiter(3, 1_000),
    notionApiUrl: notion.url,
    savingEnabled: options.encryptionKey !== undefined,
  });
  return { store, connections, service };
}

describe('TokenService.verify', () => {
  it.each([
    ['a truncated paste', KNOWN.slice(0, -1)],
    ['a token with a space in it', `${KNOWN.slice(0, 20)} ${KNOWN.slice(21)}`],
    ['something else entirely', 'xoxb-not-a-notion-token'],
    ['the token with text around it', `token: ${KNOWN}`],
  ])('%s: token_shape, without asking Notion', async (_, typed) => {
    const { service } = setup();

    await expect(service.verify(typed)).resolves.toEqual({ ok: false, reason: 'token_shape' });
    expect(notion.requests).toEqual([]);
  });

  it('a token Notion knows: the integration and the fingerprint', async () => {
    const { service } = setup();

    const outcome = await service.verify(KNOWN);

    expect(outcome).toEqual({
      ok: true,
      fingerprint: '…good',
      integration: expect.objectContaining({ name: 'Roadmap Sync', workspaceName: 'Acme Corp' }),
    });
    expect(notion.requests.map((request) => [request.method, request.path])).toEqual([
      ['GET', '/v1/users/me'],
    ]);
  });

  it('a well-shaped token Notion refuses (401): token_refused', async () => {
    const { service } = setup();

    await expect(service.verify(fakeToken('nope'))).resolves.toEqual({
      ok: false,
      reason: 'token_refused',
    });
  });

  it('rate limited (429): inconclusive, not refused', async () => {
    const { service } = setup();
    notion.fault({ fault: { kind: 'status', status: 429, headers: { 'retry-after': '60' } } });

    const outcome = await service.verify(KNOWN);

    expect(outcome).toMatchObject({
      ok: false,
      reason: 'inconclusive',
      during: 'token',
      diagnosis: { kind: 'rate_limited', category: 'transient' },
    });
  });

  it('Notion failing (500): inconclusive, not refused', async () => {
    const { service } = setup();
    notion.fault({ fault: { kind: 'status', status: 500 } });

    const outcome = await service.verify(KNOWN);

    expect(outcome).toMatchObject({
      ok: false,
      reason: 'inconclusive',
      during: 'token',
      diagnosis: { category: 'transient' },
    });
  });

  // The modal's ack waits for this verdict and Slack gives up after 3 s: no retry back-off
  // (500 ms, 1 s, 2 s) may run, and the 500's own answer is the verdict.
  it('Notion failing (500): one request, and the verdict is that 500', async () => {
    const { service } = setup();
    notion.fault({ fault: { kind: 'status', status: 500 } });

    const outcome = await service.verify(KNOWN);

    expect(outcome).toMatchObject({
      reason: 'inconclusive',
      diagnosis: { kind: 'notion_unavailable' },
    });
    expect(notion.requests).toHaveLength(1);
  });
});

describe('TokenService.save', () => {
  it('stores the token for the connection, which then uses it', async () => {
    const { connections, service } = setup({ encryptionKey: randomBytes(32) });
    expect(service.savingEnabled).toBe(true);

    await service.save('sync-2', KNOWN, USER);

    await expect(connections.resolve('sync-2')).resolves.toEqual({
      name: 'sync-2',
      token: KNOWN,
      fingerprint: '…good',
      source: 'slack',
    });
  });

  it('without ENCRYPTION_KEY saving is off and refuses to store a token', async () => {
    const { service } = setup();

    expect(service.savingEnabled).toBe(false);
    await expect(service.save('sync-2', KNOWN, USER)).rejects.toThrow(/ENCRYPTION_KEY/);
  });
});
