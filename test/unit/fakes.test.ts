import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  APIErrorCode,
  APIResponseError,
  Client,
  ClientErrorCode,
  isNotionClientError,
} from '@notionhq/client';
import { App, LogLevel } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { FakeNotion } from '../fakes/fakeNotion';
import { FakeSlack, SLACK_IDS } from '../fakes/fakeSlack';
import { assertBlockKitLimits } from '../support/blockKitLimits';
import { sendBlockAction, sendSlashCommand } from '../support/slackRequest';

const TOKEN = `ntn_${'1'.repeat(11)}${'a'.repeat(35)}`;
const PAGE_ID = '1c2b3a49-8f7e-4d6c-9b5a-4f3e2d1c0b9a';
const DATABASE_ID = 'aa11bb22-cc33-4d44-8e55-ff6677889900';
const DATA_SOURCE_ID = 'bb22cc33-dd44-4e55-9f66-0077889900aa';
const UNSHARED_ID = '0f0e0d0c-0b0a-4909-8807-060504030201';

async function notionError(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the Notion call to fail');
}

const silent = () => undefined;
const quietSlack = {
  debug: silent,
  info: silent,
  warn: silent,
  error: silent,
  setLevel: silent,
  getLevel: () => LogLevel.ERROR,
  setName: silent,
};

/** The SDK keeps fetch's Headers on its errors (typed unknown). */
function header(error: unknown, name: string): string | null {
  return ((error as APIResponseError).headers as Headers).get(name);
}

describe('FakeNotion driven by @notionhq/client', () => {
  const fake = new FakeNotion();
  let notion: Client;

  beforeAll(async () => {
    await fake.start();
    fake.addIntegration({ token: TOKEN, name: 'Docs Sync', workspaceName: 'Acme' });
    fake.addPage({ id: PAGE_ID, title: 'Team Handbook', sharedWith: [TOKEN] });
    fake.addPage({ id: UNSHARED_ID, title: 'Private', sharedWith: [] });
    fake.addDatabase({
      id: DATABASE_ID,
      title: 'Tasks',
      sharedWith: [TOKEN],
      dataSources: [{ id: DATA_SOURCE_ID, name: 'Tasks' }],
    });
    notion = new Client({ auth: TOKEN, baseUrl: fake.url, retry: false, logger: silent });
  });
  afterAll(() => fake.stop());
  afterEach(() => {
    fake.clearFaults();
    fake.setRateLimit(undefined);
    fake.reset();
  });

  it('answers users.me with the bot user of the token', async () => {
    const me = await notion.users.me({});
    expect(me).toMatchObject({
      object: 'user',
      type: 'bot',
      name: 'Docs Sync',
      bot: { owner: { type: 'workspace', workspace: true }, workspace_name: 'Acme' },
    });
    expect(fake.requests).toEqual([
      expect.objectContaining({ method: 'GET', path: '/v1/users/me', token: TOKEN, status: 200 }),
    ]);
    expect(fake.requests[0]?.notionVersion).toBe('2025-09-03');
  });

  it('retrieves a shared page given either id form', async () => {
    const page = await notion.pages.retrieve({ page_id: PAGE_ID.replaceAll('-', '') });
    expect(page).toMatchObject({
      object: 'page',
      id: PAGE_ID,
      in_trash: false,
      url: `https://www.notion.so/Team-Handbook-${PAGE_ID.replaceAll('-', '')}`,
      properties: { title: { type: 'title', title: [{ plain_text: 'Team Handbook' }] } },
    });
  });

  it('answers 404 object_not_found with a request_id for an unshared page', async () => {
    const error = await notionError(notion.pages.retrieve({ page_id: UNSHARED_ID }));
    expect(APIResponseError.isAPIResponseError(error)).toBe(true);
    const apiError = error as APIResponseError;
    expect(apiError.status).toBe(404);
    expect(apiError.code).toBe(APIErrorCode.ObjectNotFound);
    expect(apiError.message).toBe(
      `Could not find page with ID: ${UNSHARED_ID}. Make sure the relevant pages and databases are shared with your integration "Docs Sync".`,
    );
    expect(apiError.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(header(apiError, 'x-notion-request-id')).toBe(apiError.request_id);
  });

  it('says a database id on the pages endpoint is a database', async () => {
    const error = await notionError(notion.pages.retrieve({ page_id: DATABASE_ID }));
    expect(error).toMatchObject({
      code: APIErrorCode.ValidationError,
      status: 400,
      message: `Provided ID ${DATABASE_ID} is a database, not a page. Use the retrieve database API instead.`,
    });
    const database = await notion.databases.retrieve({ database_id: DATABASE_ID });
    expect(database).toMatchObject({
      object: 'database',
      data_sources: [{ id: DATA_SOURCE_ID, name: 'Tasks' }],
    });
  });

  it('rejects a malformed id and a revoked token like the real API', async () => {
    const malformed = await notionError(notion.pages.retrieve({ page_id: 'not-a-real-id' }));
    expect(malformed).toMatchObject({
      code: APIErrorCode.ValidationError,
      message:
        'path failed validation: path.page_id should be a valid uuid, instead was `"not-a-real-id"`.',
    });
    const stranger = new Client({
      auth: 'ntn_unknown',
      baseUrl: fake.url,
      retry: false,
      logger: silent,
    });
    await expect(stranger.users.me({})).rejects.toMatchObject({
      code: APIErrorCode.Unauthorized,
      status: 401,
      message: 'API token is invalid.',
    });
  });

  it('serves an edge 403 without a Notion request id', async () => {
    fake.fault({ match: { pathPrefix: '/v1/pages' }, times: 1, fault: { kind: 'edge403' } });
    const error = await notionError(notion.pages.retrieve({ page_id: PAGE_ID }));
    expect(isNotionClientError(error)).toBe(true);
    expect(error).toMatchObject({
      code: ClientErrorCode.ResponseError,
      status: 403,
      request_id: undefined,
    });
    expect((error as { ray_id?: string }).ray_id).toMatch(/^[0-9a-f]{16}-SJC$/);
    await expect(notion.pages.retrieve({ page_id: PAGE_ID })).resolves.toMatchObject({
      id: PAGE_ID,
    });
  });

  it('rate limits per token with Retry-After', async () => {
    fake.setRateLimit({ limit: 2, windowMs: 10_000 });
    await notion.users.me({});
    await notion.users.me({});
    const error = await notionError(notion.users.me({}));
    expect(error).toMatchObject({ code: APIErrorCode.RateLimited, status: 429 });
    expect(Number(header(error, 'retry-after'))).toBeGreaterThanOrEqual(1);
    expect(fake.rateLimited).toBe(1);
  });

  it('fails with status faults, resets and truncated JSON', async () => {
    fake.fault({ match: { method: 'GET' }, times: 1, fault: { kind: 'status', status: 503 } });
    fake.fault({ times: 1, fault: { kind: 'reset' } });
    fake.fault({ times: 1, fault: { kind: 'invalidJson' } });
    await expect(notion.users.me({})).rejects.toMatchObject({
      code: APIErrorCode.ServiceUnavailable,
      message: 'Notion is unavailable, please try again later.',
    });
    const reset = await notionError(notion.users.me({}));
    expect(isNotionClientError(reset)).toBe(false);
    await expect(notion.users.me({})).rejects.toThrow(SyntaxError);
    expect(fake.requests.map((r) => r.status)).toEqual([503, null, 200]);
  });

  it('holds a request until released, reporting it on arrival', async () => {
    fake.fault({ fault: { kind: 'hold' } });
    const arrived = fake.waitForRequest((r) => r.path === `/v1/pages/${PAGE_ID}`);
    const pending = notion.pages.retrieve({ page_id: PAGE_ID });
    expect((await arrived).status).toBeNull();
    fake.clearFaults();
    fake.releaseHeld();
    await expect(pending).resolves.toMatchObject({ id: PAGE_ID });
    expect(fake.requests[0]?.status).toBe(200);
  });
});

describe('FakeNotion search', () => {
  const fake = new FakeNotion();
  const ROOT = '11111111-1111-4111-8111-111111111111';
  const CHILD = '22222222-2222-4222-8222-222222222222';
  const DB = '33333333-3333-4333-8333-333333333333';
  const DS = '44444444-4444-4444-8444-444444444444';
  const ROW = '55555555-5555-4555-8555-555555555555';
  const OTHER = '66666666-6666-4666-8666-666666666666';
  let notion: Client;

  beforeAll(async () => {
    await fake.start();
    fake.addIntegration({ token: TOKEN, name: 'Docs Sync', workspaceName: 'Acme' });
    fake.addPage({ id: ROOT, title: 'Wiki', sharedWith: [TOKEN] });
    fake.addPage({ id: CHILD, title: 'Team', parentId: ROOT });
    fake.addDatabase({
      id: DB,
      title: 'Tasks',
      parentId: CHILD,
      dataSources: [{ id: DS, name: 'Tasks' }],
    });
    fake.addPage({ id: ROW, title: 'Ship it', parentId: DS });
    fake.addPage({ id: OTHER, title: 'Elsewhere', sharedWith: [] });
    notion = new Client({ auth: TOKEN, baseUrl: fake.url, retry: false, logger: silent });
  });
  afterAll(() => fake.stop());

  it('lists pages and data sources shared directly or through an ancestor, with parents', async () => {
    const answer = await notion.search({ page_size: 100 });
    expect(answer).toMatchObject({
      object: 'list',
      type: 'page_or_data_source',
      has_more: false,
      next_cursor: null,
    });
    expect(answer).not.toHaveProperty('request_status');
    expect(answer.results.map((r) => [r.object, r.id])).toEqual([
      ['page', ROOT],
      ['page', CHILD],
      ['data_source', DS],
      ['page', ROW],
    ]);
    const [root, child, source, row] = answer.results;
    expect(root).toMatchObject({ parent: { type: 'workspace', workspace: true }, in_trash: false });
    expect(child).toMatchObject({ parent: { type: 'page_id', page_id: ROOT } });
    expect(source).toMatchObject({
      parent: { type: 'database_id', database_id: DB },
      database_parent: { type: 'page_id', page_id: CHILD },
      title: [{ plain_text: 'Tasks' }],
    });
    expect(row).toMatchObject({
      parent: { type: 'data_source_id', data_source_id: DS, database_id: DB },
      properties: { title: { title: [{ plain_text: 'Ship it' }] } },
    });
    const database = await notion.databases.retrieve({ database_id: DB });
    expect(database).toMatchObject({ parent: { type: 'page_id', page_id: CHILD } });
  });

  it('pages with an opaque cursor and filters by object', async () => {
    const first = await notion.search({ page_size: 3 });
    expect(first.has_more).toBe(true);
    expect(typeof first.next_cursor).toBe('string');
    const second = await notion.search({ page_size: 3, start_cursor: first.next_cursor ?? '' });
    expect(second.results.map((r) => r.id)).toEqual([ROW]);
    expect(second).toMatchObject({ has_more: false, next_cursor: null });
    const sources = await notion.search({ filter: { property: 'object', value: 'data_source' } });
    expect(sources.results.map((r) => r.id)).toEqual([DS]);
  });

  it('rejects a page size over 100, a bad filter and a bad cursor', async () => {
    await expect(notion.search({ page_size: 101 })).rejects.toMatchObject({
      status: 400,
      code: APIErrorCode.ValidationError,
    });
    const filter = { property: 'object', value: 'database' } as unknown as {
      property: 'object';
      value: 'page';
    };
    await expect(notion.search({ filter })).rejects.toMatchObject({ status: 400 });
    await expect(notion.search({ start_cursor: 'nope' })).rejects.toMatchObject({ status: 400 });
  });

  it('hides, marks incomplete, trashes, moves and cuts subtrees', async () => {
    const ids = async () => (await notion.search({})).results.map((r) => r.id);

    fake.hideFromSearch(CHILD);
    expect(await ids()).toEqual([ROOT, DS, ROW]);
    await expect(notion.pages.retrieve({ page_id: CHILD })).resolves.toMatchObject({ id: CHILD });
    fake.showInSearch(CHILD);

    fake.setSearchIncomplete(true);
    expect(await notion.search({})).toMatchObject({ request_status: { type: 'incomplete' } });
    fake.setSearchIncomplete(false);

    fake.trash(ROW);
    const trashed = await notion.search({ filter: { in_trash: true } });
    expect(trashed.results).toEqual([expect.objectContaining({ id: ROW, in_trash: true })]);
    fake.restore(ROW);

    // Moved out from under the shared page: no longer inherited.
    fake.move(CHILD, null);
    expect(await ids()).toEqual([ROOT]);
    fake.move(CHILD, ROOT);
    expect(await ids()).toEqual([ROOT, CHILD, DS, ROW]);

    fake.unshareSubtree(CHILD, TOKEN);
    expect(await ids()).toEqual([ROOT]);
    const error = await notionError(notion.dataSources.retrieve({ data_source_id: DS }));
    expect(error).toMatchObject({ status: 404, code: APIErrorCode.ObjectNotFound });
    // Sharing a descendant again gives access from there down.
    fake.share(DB, TOKEN);
    expect(await ids()).toEqual([ROOT, DS, ROW]);
    fake.share(CHILD, TOKEN);
    expect(await ids()).toEqual([ROOT, CHILD, DS, ROW]);
  });
});

describe('FakeNotion.stop()', () => {
  it('closes even with a request held open', async () => {
    const fake = new FakeNotion();
    await fake.start();
    fake.fault({ fault: { kind: 'hold' } });
    const client = new Client({ auth: TOKEN, baseUrl: fake.url, retry: false, logger: silent });
    const pending = notionError(client.users.me({}));
    await fake.waitForRequest(() => true);
    await fake.stop();
    expect(isNotionClientError(await pending)).toBe(false);
  });
});

describe('FakeSlack driven by @slack/web-api', () => {
  const fake = new FakeSlack();
  let web: WebClient;

  beforeAll(async () => {
    await fake.start();
    web = new WebClient(fake.botToken, {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 0 },
      logger: quietSlack,
    });
  });
  afterAll(() => fake.stop());
  afterEach(() => {
    fake.clearFailures();
    fake.reset();
  });

  it('records chat.postMessage with its blocks parsed back', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Report*' } }];
    const first = await web.chat.postMessage({ channel: 'C123', text: 'Report', blocks });
    const second = await web.chat.postMessage({ channel: 'C123', text: 'Again' });
    expect(first.ts).toBe('1700000000.000100');
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    const call = await fake.waitFor('chat.postMessage');
    expect(call.token).toBe(fake.botToken);
    expect(call.body).toMatchObject({ channel: 'C123', text: 'Report', blocks });
    expect(() => assertBlockKitLimits(call.body)).not.toThrow();
  });

  it('fails the next call with a platform error', async () => {
    fake.failNext('chat.postMessage', 'not_in_channel');
    await expect(web.chat.postMessage({ channel: 'C123', text: 'hi' })).rejects.toMatchObject({
      data: { ok: false, error: 'not_in_channel' },
    });
    await expect(web.chat.postMessage({ channel: 'C123', text: 'hi' })).resolves.toMatchObject({
      ok: true,
    });
    expect(fake.callsTo('chat.postMessage').map((c) => c.error)).toEqual([
      'not_in_channel',
      undefined,
    ]);
  });

  it('rejects a foreign token and reports admins from the user table', async () => {
    const other = new WebClient('xoxb-wrong', {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 0 },
    });
    await expect(other.auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    const admin = await web.users.info({ user: SLACK_IDS.adminUserId });
    expect(admin.user?.is_admin).toBe(true);
    await expect(web.users.info({ user: 'U404' })).rejects.toMatchObject({
      data: { error: 'user_not_found' },
    });
  });

  it('refuses blocks over the limits like Slack', async () => {
    const blocks = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    await expect(web.chat.postMessage({ channel: 'C1', text: 'x', blocks })).rejects.toMatchObject({
      data: { error: 'invalid_blocks' },
    });
    expect(() => assertBlockKitLimits({ blocks: [{ type: 'divider' }] })).toThrow(/text/);
  });
});

describe('slackRequest helpers against a real Bolt app', () => {
  const SECRET = 'signing-secret-for-tests';
  const slack = new FakeSlack();
  let app: App;
  let appUrl: string;

  beforeAll(async () => {
    await slack.start();
    app = new App({
      token: slack.botToken,
      signingSecret: SECRET,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
    });
    app.command('/notion-check', async ({ ack, respond, command }) => {
      await ack();
      await respond({ text: `checking ${command.text}` });
    });
    app.action('done', async ({ ack, body, client }) => {
      await ack();
      const channel = body.channel?.id ?? '';
      await client.chat.postMessage({ channel, text: 'next step' });
    });
    const server = (await app.start(0)) as Server;
    appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app.stop();
    await slack.stop();
  });

  it('delivers a signed slash command and rejects a forged one', async () => {
    const responseUrl = slack.responseUrl('cmd-1');
    const result = await sendSlashCommand(appUrl, SECRET, { text: 'help', responseUrl });
    expect(result.status).toBe(200);
    const post = await slack.waitForResponse((r) => r.id === 'cmd-1');
    expect(post.body).toMatchObject({ text: 'checking help' });

    const forged = await sendSlashCommand(
      appUrl,
      SECRET,
      { text: 'x', responseUrl },
      { signature: 'v0=00' },
    );
    expect(forged.status).toBe(401);
    const stale = await sendSlashCommand(
      appUrl,
      SECRET,
      { text: 'x', responseUrl },
      { timestamp: Math.floor(Date.now() / 1000) - 600 },
    );
    expect(stale.status).toBe(401);
  });

  it('delivers a block action', async () => {
    const result = await sendBlockAction(appUrl, SECRET, {
      actionId: 'done',
      value: 'step-1',
      channelId: 'C777',
      responseUrl: slack.responseUrl(),
    });
    expect(result.status).toBe(200);
    const call = await slack.waitFor('chat.postMessage', (c) => c.body.channel === 'C777');
    expect(call.body.text).toBe('next step');
  });
});
