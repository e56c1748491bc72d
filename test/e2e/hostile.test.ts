/**
 * Hostile and malformed HTTP requests against the real app: unsigned, forged, stale and
 * tampered requests, oversized and mistyped bodies, garbage interactivity payloads and random
 * slash-command text. Whatever arrives, the app answers cleanly and keeps serving.
 */
import http from 'node:http';
import fc from 'fast-check';
import { ACTIONS, TOKEN_MODAL } from '../../src/slack/blocks/actions';
import { SLACK_IDS } from '../fakes/fakeSlack';
import { findButton } from '../support/blocks';
import { Harness } from '../support/harness';
import {
  commandBody,
  eventsUrl,
  postRaw,
  type SlackHttpResult,
  sendBlockAction,
  sendSlashCommand,
  sendViewSubmission,
  slackHeaders,
} from '../support/slackRequest';

const PAGE = '1a2b3c4d5e6f4a5b8c9d0e1f2a3b4c5d';
/** Slack's limit for acknowledging a request. */
const ACK_LIMIT_MS = 3_000;
const FORM = 'application/x-www-form-urlencoded';

const SENTINEL_ONLY = { notion: 2, posts: 1, responses: 0 };

let h: Harness;
let responseCount = 0;

function responseUrl(): string {
  responseCount += 1;
  return h.slack.responseUrl(`hostile-${responseCount}`);
}

/** A correctly signed POST of `body`, with the given content type. */
function postSigned(body: string, contentType: string): Promise<SlackHttpResult> {
  return postRaw(eventsUrl(h.appUrl), body, slackHeaders(h.signingSecret, body, contentType));
}

/**
 * A signed POST on its own connection (a refused body may leave the socket unusable), given
 * up after `timeoutMs`: resolves with the status, or 'no answer'.
 */
function postOnce(body: string, contentType: string, timeoutMs = 5_000) {
  const headers = slackHeaders(h.signingSecret, body, contentType);
  return new Promise<number | 'no answer'>((resolve) => {
    const request = http.request(eventsUrl(h.appUrl), {
      method: 'POST',
      agent: false,
      headers: { ...headers, 'content-length': Buffer.byteLength(body) },
    });
    const timer = setTimeout(() => {
      request.destroy();
      resolve('no answer');
    }, timeoutMs);
    request.on('response', (response) => {
      response.resume();
      clearTimeout(timer);
      resolve(response.statusCode ?? 0);
    });
    // The server may answer 413 and close before the whole body was written.
    request.on('error', () => undefined);
    request.end(body);
  });
}

async function healthz(): Promise<number> {
  return (await fetch(`${h.appUrl}/healthz`)).status;
}

/**
 * A real check, sent after the hostile requests: once its report is posted, anything the
 * hostile requests had triggered would have reached the fakes too.
 */
async function sentinelCheck(): Promise<void> {
  const url = h.slack.responseUrl('sentinel');
  const result = await sendSlashCommand(h.appUrl, h.signingSecret, {
    text: PAGE,
    responseUrl: url,
  });
  expect(result.status).toBe(200);
  await h.slack.waitFor('chat.postMessage', (call) => !call.body.thread_ts, 15_000);
}

/** What reached the fakes; the sentinel alone accounts for 2 Notion requests and 1 post. */
function sideEffects() {
  return {
    notion: h.notion.requests.length,
    posts: h.slack.callsTo('chat.postMessage').length,
    responses: h.slack.responses.filter((r) => r.id !== 'sentinel').length,
  };
}

beforeEach(async () => {
  h = await new Harness().start();
  h.notion.addPage({ id: PAGE, title: 'Roadmap', sharedWith: [h.notionToken] });
});

afterEach(async () => {
  await h.bot?.services.inflight.drain(20_000);
  await h.stop();
  // Whatever the request held, no secret reached a log line or anything sent to Slack.
  const sent = JSON.stringify([
    h.slack.calls.map(({ body: { token: _auth, ...content } }) => content),
    h.slack.responses.map((post) => post.body),
  ]);
  for (const secret of [h.notionToken, h.slack.botToken, h.signingSecret]) {
    expect(h.logs.text()).not.toContain(secret);
    expect(sent).not.toContain(secret);
  }
});

describe('request signing', () => {
  type Case = [string, (body: string) => { body: string; headers: Record<string, string> }];
  const now = () => Math.floor(Date.now() / 1000);
  const signed = (body: string, options = {}) => slackHeaders(h.signingSecret, body, FORM, options);
  const without = (headers: Record<string, string>, ...names: string[]) =>
    Object.fromEntries(Object.entries(headers).filter(([name]) => !names.includes(name)));

  const cases: Case[] = [
    [
      'no signature header',
      (body) => ({ body, headers: without(signed(body), 'x-slack-signature') }),
    ],
    [
      'no timestamp header',
      (body) => ({ body, headers: without(signed(body), 'x-slack-request-timestamp') }),
    ],
    [
      'neither header',
      (body) => ({
        body,
        headers: without(signed(body), 'x-slack-signature', 'x-slack-request-timestamp'),
      }),
    ],
    [
      'a forged signature',
      (body) => ({ body, headers: signed(body, { signature: `v0=${'ab'.repeat(32)}` }) }),
    ],
    [
      'an unknown signature version',
      (body) => {
        const headers = signed(body);
        return {
          body,
          headers: {
            ...headers,
            'x-slack-signature': headers['x-slack-signature']?.replace('v0=', 'v1=') ?? '',
          },
        };
      },
    ],
    [
      'a timestamp 6 minutes old',
      (body) => ({ body, headers: signed(body, { timestamp: now() - 6 * 60 }) }),
    ],
    [
      'a non-numeric timestamp',
      (body) => ({ body, headers: { ...signed(body), 'x-slack-request-timestamp': 'yesterday' } }),
    ],
    [
      'a body altered after signing',
      (body) => ({ body: body.replace(PAGE, PAGE.replace('1a2b', '9f9f')), headers: signed(body) }),
    ],
    [
      'a signature for another timestamp',
      (body) => {
        const headers = signed(body, { timestamp: now() - 30 });
        return { body, headers: { ...headers, 'x-slack-request-timestamp': String(now()) } };
      },
    ],
  ];

  // Protects Bolt's signature verification (signingSecret in HTTP mode): PRODUCT.md says
  // unsigned, forged or stale requests are rejected, with no work done for them.
  test.each(cases)('%s → 401, nothing posted, no Notion call', async (_name, build) => {
    const request = build(commandBody(PAGE, responseUrl()));
    const result = await postRaw(eventsUrl(h.appUrl), request.body, request.headers);
    expect(result.status).toBe(401);

    await sentinelCheck();
    expect(sideEffects()).toEqual(SENTINEL_ONLY);
  });
});

describe('oversized and mistyped bodies', () => {
  // Protects the request body limit: Slack never sends a megabyte; buffering, hashing and
  // parsing one per request is a cheap way to exhaust the process.
  test.each([
    ['1.5 MB', 1_500_000],
    ['5 MB', 5_000_000],
  ])(
    'a properly signed %s form body is refused with a 4xx, the app stays healthy',
    async (_label, size) => {
      const body = commandBody(`${PAGE} ${'a'.repeat(size)}`, responseUrl());
      const status = await postOnce(body, FORM);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
      expect(await healthz()).toBe(200);
      await sentinelCheck();
      expect(sideEffects()).toEqual(SENTINEL_ONLY);
    },
  );

  // A static body, signed like the others: the response_url is never reached anyway.
  const formCommand = commandBody(PAGE, 'https://hooks.slack.invalid/commands/T0/1/x');
  const mistyped: [string, string, string][] = [
    ['text/plain with a form body', 'text/plain', formCommand],
    ['application/xml', 'application/xml', '<command><text>help</text></command>'],
    ['malformed JSON', 'application/json', '{"type":"block_actions","actions":[{'],
    ['a form body without payload', FORM, 'foo=bar&baz=1'],
    ['a form payload that is not JSON', FORM, 'payload=%7Bnot-json'],
    // Bolt's own receiver throws on these (outside any handler, no answer): ours refuses them.
    ['JSON that is not an object', 'application/json', 'null'],
    ['a form payload that is JSON null', FORM, 'payload=null'],
    ['an empty body', FORM, ''],
  ];

  // Protects the receiver's parsing: a body it cannot read is a client error, never a 5xx
  // or an unhandled rejection, and the process keeps serving.
  test.each(mistyped)(
    '%s → 4xx or a clean ack, never a 5xx; still healthy',
    async (_name, type, body) => {
      // 404 is Bolt's answer to a body it can't route, after its 3-second wait.
      expect([200, 400, 404, 413, 415]).toContain(await postOnce(body, type));
      expect(await healthz()).toBe(200);
      await sentinelCheck();
      expect(sideEffects()).toEqual(SENTINEL_ONLY);
    },
  );
});

describe('garbage interactivity payloads', () => {
  const ourActions = Object.values(ACTIONS).filter((id) => !id.startsWith('leak_'));

  // Protects the button value schemas (buttonValues, alertId) and onButton's ack-first design:
  // a tampered or stale value is answered, within Slack's limit, with a whisper, never a crash.
  test.each(
    ourActions.flatMap((id) =>
      ['garbage', 'w0123:done', `a${'0'.repeat(16)}x`, ''].map((v) => [id, v]),
    ),
  )('%s with value %j → 200 within 3 s and an ephemeral "not valid"', async (actionId, value) => {
    const url = responseUrl();
    const result = await sendBlockAction(h.appUrl, h.signingSecret, {
      actionId,
      value,
      responseUrl: url,
    });
    expect(result.status).toBe(200);
    expect(result.elapsedMs).toBeLessThan(ACK_LIMIT_MS);
    const whisper = await h.slack.waitForResponse((post) => url.endsWith(post.id));
    expect(whisper.body.response_type).toBe('ephemeral');
    expect(String(whisper.body.text)).toMatch(/not valid any more/);
    expect(h.notion.requests).toHaveLength(0);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  // Protects old messages: buttons from an earlier version (renamed action_id) must still be
  // acknowledged, or Slack shows the clicker an error and Bolt logs a 3-second timeout.
  test('an unknown action_id → 200 within 3 s and an ephemeral explanation', async () => {
    const url = responseUrl();
    const result = await sendBlockAction(h.appUrl, h.signingSecret, {
      actionId: 'walkthrough_renamed_in_v0',
      value: 'w0123456789abcdef:check_integration',
      responseUrl: url,
    });
    expect(result.status).toBe(200);
    expect(result.elapsedMs).toBeLessThan(ACK_LIMIT_MS);
    const whisper = await h.slack.waitForResponse((post) => url.endsWith(post.id));
    expect(whisper.body.response_type).toBe('ephemeral');
    expect(h.notion.requests).toHaveLength(0);
  });

  // Protects the receiver against a block_actions body Slack never sends: answered at once,
  // no crash, no work.
  test('block_actions without an actions array → answered within 3 s, never a 5xx', async () => {
    const payload = {
      type: 'block_actions',
      user: { id: SLACK_IDS.userId, team_id: SLACK_IDS.teamId },
      team: { id: SLACK_IDS.teamId, domain: SLACK_IDS.teamDomain },
      api_app_id: SLACK_IDS.appId,
      channel: { id: SLACK_IDS.channelId, name: 'general' },
      container: {
        type: 'message',
        message_ts: '1700000000.000100',
        channel_id: SLACK_IDS.channelId,
      },
      trigger_id: '1.0001.0f1e2d3c4b5a69788796a5b4c3d2e1f0',
      response_url: responseUrl(),
    };
    const result = await postSigned(
      new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      FORM,
    );
    expect(result.status).toBeLessThan(500);
    expect(result.elapsedMs).toBeLessThan(ACK_LIMIT_MS);
    expect(await healthz()).toBe(200);
    await sentinelCheck();
    expect(sideEffects()).toEqual(SENTINEL_ONLY);
  });

  // Protects the token modal's private_metadata schema: a crafted submission is refused in
  // the modal (response_action errors), nothing is saved, no Notion call.
  test.each([
    '',
    'not json',
    '{"connection":"../../etc"}',
    '[]',
    'null',
    '{"connection":"x","walkthroughId":"w1;drop"}',
  ])(
    'view_submission with private_metadata %j → 200 within 3 s, errors, nothing saved',
    async (privateMetadata) => {
      const result = await sendViewSubmission(h.appUrl, h.signingSecret, {
        callbackId: TOKEN_MODAL.callbackId,
        privateMetadata,
        values: { [TOKEN_MODAL.blockId]: { [TOKEN_MODAL.actionId]: h.notionToken } },
      });
      expect(result.status).toBe(200);
      expect(result.elapsedMs).toBeLessThan(ACK_LIMIT_MS);
      expect(result.json).toMatchObject({ response_action: 'errors' });
      expect(JSON.stringify(result.json)).toContain('out of date');
      expect(h.notion.requests).toHaveLength(0);
      expect((await h.bot?.services.store.connections.get('default'))?.source).not.toBe('slack');
    },
  );
});

describe('random slash-command text', () => {
  // Protects "every command is acknowledged within Slack's 3-second limit ... never a crash":
  // the parse and the ack come before any Notion or Slack call, whatever the text.
  test('30 random texts are each acked with 200 within 3 s', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (text) => {
        const result = await sendSlashCommand(h.appUrl, h.signingSecret, {
          text,
          responseUrl: responseUrl(),
        });
        expect(result.status).toBe(200);
        expect(result.elapsedMs).toBeLessThan(ACK_LIMIT_MS);
      }),
      { numRuns: 30 },
    );
    expect(await healthz()).toBe(200);
  }, 60_000);
});

describe('words Notion and users cannot forge, fallbacks within Slack limits', () => {
  const HOSTILE_PAGE = '0a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d';
  const TEXT_LIMIT = 40_000;

  async function command(text: string): Promise<string> {
    responseCount += 1;
    const id = `words-${responseCount}`;
    const result = await sendSlashCommand(h.appUrl, h.signingSecret, {
      text,
      responseUrl: h.slack.responseUrl(id),
    });
    expect(result.status).toBe(200);
    return id;
  }

  /** The report: the first top-level message posted. */
  async function report() {
    return h.slack.waitFor('chat.postMessage', (call) => !call.body.thread_ts, 15_000);
  }

  /** Every line of the report's sections, as a reader sees them. */
  function reportLines(blocks: unknown): string[] {
    const list = (Array.isArray(blocks) ? blocks : []) as {
      type: string;
      text?: { text: string };
    }[];
    return list
      .filter((block) => block.type === 'section')
      .flatMap((block) => block.text?.text.split('\n') ?? []);
  }

  // Protects escapeMrkdwn: a title is data, so it cannot add a line to the report, nor bold,
  // code or emoji that would make it read like the bot's own status line.
  test('a Notion title with a newline and markup renders as one line, its markup neutralised', async () => {
    h.notion.addPage({
      id: HOSTILE_PAGE,
      title: 'Roadmap\n:white_check_mark: *Token …abcd works* — all good',
      sharedWith: [h.notionToken],
    });
    await command(HOSTILE_PAGE);
    const call = await report();
    const lines = reportLines(call.body.blocks);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^:white_check_mark: Token …\w{4} works — integration \*Zapier Sync\*/,
    );
    expect(lines[1]).toMatch(/^:white_check_mark: <https:\/\/www\.notion\.so\//);
    expect(lines[1]).toContain('|Roadmap ∶white_check_mark: ∗Token …abcd works∗ — all good>');
    const sent = JSON.stringify(call.body);
    expect(sent).not.toContain(':white_check_mark: *Token …abcd');
    expect(sent).not.toContain('*Token …abcd works*');
  });

  // Protects resourceLabel/isNotionUrl: for an id Notion would not show us, what the user typed
  // is linked only when it is a Notion link; an outside site never sits under a Notion-id label.
  test('an unreadable id typed inside an outside link → the report links no outside site', async () => {
    const unreadable = '9f8e7d6c5b4a4f3e8d2c1b0a9f8e7d6c';
    await command(`https://evil.example/x-${unreadable}`);
    const call = await report();
    const sent = JSON.stringify(call.body);
    expect(sent).toContain('Not shared with the integration');
    expect(sent).not.toContain('<https://evil.example');
    await h.slack.waitFor('chat.postMessage', (c) => Boolean(c.body.thread_ts), 15_000);
    for (const post of h.slack.callsTo('chat.postMessage')) {
      expect(JSON.stringify(post.body)).not.toContain('<https://evil.example');
    }
  });

  // Protects capText: the unwatch answer is a text-only message; a 50,000-character escaped
  // title once made it 40,028 characters, past Slack's limit.
  test('unwatch of a page with a huge title → the reply is within 40,000 characters', async () => {
    h.notion.addPage({ id: HOSTILE_PAGE, title: '&'.repeat(10_000), sharedWith: [h.notionToken] });
    const watched = await command(`watch ${HOSTILE_PAGE}`);
    await h.slack.waitForResponse(
      (post) => post.id === watched && /Watching/.test(String(post.body.text)),
      15_000,
    );
    const unwatched = await command(`unwatch ${HOSTILE_PAGE}`);
    const reply = await h.slack.waitForResponse((post) => post.id === unwatched, 15_000);
    const text = String(reply.body.text);
    expect(text).toMatch(/^<@\w+> stopped watching &amp;/);
    expect(text.length).toBeLessThanOrEqual(TEXT_LIMIT);
  }, 30_000);

  // Protects capText in SlackMessenger: "still failing" lists every affected page; 20 pages in
  // the trash with long titles once made its fallback text 300,768 characters.
  test('Test on 20 pages in the trash with long titles → the still-failing text is within 40,000', async () => {
    const ids = Array.from(
      { length: 20 },
      (_, i) => `${(i + 1).toString(16).padStart(2, '0')}${'ab'.repeat(15)}`,
    );
    for (const id of ids) {
      h.notion.addPage({
        id,
        title: '&'.repeat(2_000),
        inTrash: true,
        sharedWith: [h.notionToken],
      });
    }
    await command(ids.join(' '));
    const walkthrough = await h.slack.waitFor(
      'chat.postMessage',
      (call) =>
        Boolean(call.body.thread_ts) &&
        JSON.stringify(call.body.blocks).includes('Test connection'),
      30_000,
    );
    const test = findButton(walkthrough.body.blocks, 'Test connection');
    const click = await sendBlockAction(h.appUrl, h.signingSecret, {
      actionId: test.action_id,
      value: test.value,
      messageTs: String(walkthrough.response?.ts),
      responseUrl: responseUrl(),
    });
    expect(click.status).toBe(200);
    const reply = await h.slack.waitFor(
      'chat.postMessage',
      (call) => String(call.body.text).includes('still failing'),
      30_000,
    );
    const text = String(reply.body.text);
    expect(text).toMatch(/^:x: Test by <@\w+>: still failing/);
    expect(text.length).toBeLessThanOrEqual(TEXT_LIMIT);
    for (const call of h.slack.calls) {
      if (typeof call.body.text === 'string') {
        expect(call.body.text.length).toBeLessThanOrEqual(TEXT_LIMIT);
      }
    }
  }, 60_000);
});
