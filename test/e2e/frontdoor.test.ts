/**
 * The front door on POST /slack/events, against the real app: requests that cannot be Slack's
 * are refused from their headers, before a byte of the body is read; bodies are capped and
 * timed; slow headers are cut off by the server; signed requests from another workspace or app
 * are acknowledged and dropped.
 */
import http from 'node:http';
import net from 'node:net';
import { ACTIONS } from '../../src/slack/blocks/actions';
import { SLACK_IDS } from '../fakes/fakeSlack';
import { messageText } from '../support/blocks';
import { Harness, type HarnessOptions } from '../support/harness';
import {
  commandBody,
  eventsUrl,
  postRaw,
  sendBlockAction,
  sendEvent,
  sendSlashCommand,
  slackHeaders,
} from '../support/slackRequest';

const PAGE = '1a2b3c4d5e6f4a5b8c9d0e1f2a3b4c5d';
const FORM = 'application/x-www-form-urlencoded';
/** Announced by the header tests: below the body cap, so only the header check can refuse. */
const ANNOUNCED = 128 * 1024;
const FOREIGN_TEAM = 'T0FOREIGN';
const FOREIGN_APP = 'A0FOREIGN';
/** How soon a refusal from the headers must arrive: no body read, no deadline waited for. */
const FAST_MS = 1_000;

let h: Harness;
let responseCount = 0;

async function start(options: HarnessOptions = {}): Promise<void> {
  h = await new Harness(options).start();
  h.notion.addPage({ id: PAGE, title: 'Roadmap', sharedWith: [h.notionToken] });
}

afterEach(async () => {
  await h.bot?.services.inflight.drain(20_000);
  await h.stop();
});

function responseUrl(): string {
  responseCount += 1;
  return h.slack.responseUrl(`frontdoor-${responseCount}`);
}

const now = () => Math.floor(Date.now() / 1000);

const slashBody = (text: string, url = responseUrl()) => commandBody(text, url);

interface RawAnswer {
  /** The status line's code, if the server answered at all. */
  status: number | undefined;
  /** The server closed the connection (rather than our timeout giving up). */
  closedByServer: boolean;
  elapsedMs: number;
}

/**
 * Writes `head` and then `body` on a TCP connection of its own, and never anything more, so a
 * body shorter than its Content-Length never completes. Collects what the server answers until
 * it closes the connection, or gives up after `timeoutMs`; `onSocket` may end it earlier.
 */
function rawExchange(
  head: string,
  body = '',
  timeoutMs = 5_000,
  onSocket?: (socket: net.Socket) => void,
): Promise<RawAnswer> {
  const { hostname, port } = new URL(h.appUrl);
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    onSocket?.(socket);
    let received = '';
    let closedByServer = true;
    const timer = setTimeout(() => {
      closedByServer = false;
      socket.destroy();
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
    });
    // A reset after the answer is fine: the server destroyed the socket on purpose.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const match = /^HTTP\/1\.1 (\d{3})/.exec(received);
      resolve({
        status: match ? Number(match[1]) : undefined,
        closedByServer,
        elapsedMs: performance.now() - started,
      });
    });
    socket.write(head + body);
  });
}

/** A POST /slack/events head announcing `contentLength` bytes. */
function requestHead(headers: Record<string, string>, contentLength: number): string {
  const lines = [
    'POST /slack/events HTTP/1.1',
    `Host: ${new URL(h.appUrl).host}`,
    `Content-Length: ${contentLength}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * A signed POST on its own connection, given up after `timeoutMs`: resolves with the status, or
 * 'no answer'. Without `chunked`, Content-Length is sent; with it, the body goes in 64 KiB chunks.
 */
function postOnce(body: string, options: { chunked?: boolean; timeoutMs?: number } = {}) {
  const headers = slackHeaders(h.signingSecret, body, FORM);
  const length = options.chunked ? {} : { 'content-length': Buffer.byteLength(body) };
  return new Promise<number | 'no answer'>((resolve) => {
    const request = http.request(eventsUrl(h.appUrl), {
      method: 'POST',
      agent: false,
      headers: { ...headers, ...length },
    });
    const timer = setTimeout(() => {
      request.destroy();
      resolve('no answer');
    }, options.timeoutMs ?? 5_000);
    request.on('response', (response) => {
      response.resume();
      clearTimeout(timer);
      resolve(response.statusCode ?? 0);
    });
    // The server may answer and close before the whole body was written.
    request.on('error', () => undefined);
    if (options.chunked) {
      for (let i = 0; i < body.length; i += 64 * 1024) request.write(body.slice(i, i + 64 * 1024));
      request.end();
    } else {
      request.end(body);
    }
  });
}

/**
 * A real check, sent last: once its report is posted, anything the earlier requests had
 * triggered would have reached the fakes too. Proves the normal signed command still works.
 */
async function sentinelCheck(): Promise<void> {
  const result = await sendSlashCommand(h.appUrl, h.signingSecret, {
    text: PAGE,
    responseUrl: h.slack.responseUrl('sentinel'),
  });
  expect(result.status).toBe(200);
  await h.slack.waitFor('chat.postMessage', (call) => !call.body.thread_ts, 15_000);
}

/** What reached the fakes besides start-up's auth.test calls and the sentinel's check. */
function sideEffects() {
  return {
    notion: h.notion.requests.length - 2,
    slack: h.slack.calls.filter((call) => call.method !== 'auth.test').length - 1,
    responses: h.slack.responses.filter((r) => r.id !== 'sentinel').length,
  };
}
const NOTHING = { notion: 0, slack: 0, responses: 0 };

/** The app's warn lines about dropped foreign requests. */
function foreignWarnings(): Record<string, unknown>[] {
  return h.logs.lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.level === 40 && String(line.msg).includes('another Slack workspace'));
}

describe('refused from the headers, before the body is read', () => {
  beforeEach(() => start());

  const without = (headers: Record<string, string>, name: string) =>
    Object.fromEntries(Object.entries(headers).filter(([key]) => key !== name));
  const signedAt = (body: string, timestamp: number) =>
    slackHeaders(h.signingSecret, body, FORM, { timestamp });

  const cases: [string, (body: string) => Record<string, string>][] = [
    ['no X-Slack-Signature', (body) => without(signedAt(body, now()), 'x-slack-signature')],
    [
      'no X-Slack-Request-Timestamp',
      (body) => without(signedAt(body, now()), 'x-slack-request-timestamp'),
    ],
    [
      'a malformed signature',
      (body) => ({ ...signedAt(body, now()), 'x-slack-signature': 'v0=not-hex' }),
    ],
    [
      'a non-numeric timestamp',
      (body) => ({ ...signedAt(body, now()), 'x-slack-request-timestamp': '1e9' }),
    ],
    ['a timestamp 6 minutes old', (body) => signedAt(body, now() - 6 * 60)],
    ['a timestamp 6 minutes ahead', (body) => signedAt(body, now() + 6 * 60)],
    ['a timestamp 10 years ahead', (body) => signedAt(body, now() + 10 * 365 * 24 * 3600)],
  ];

  // Protects the header check in src/slack/receiver.ts: 128 KiB announced, 1 KiB sent, the
  // rest never comes. The 401 arrives at once and the connection is closed: the app did not wait
  // for (or read) the body, and nothing reached Slack or Notion.
  test.each(cases)('%s → 401 at once, connection closed, nothing done', async (_name, build) => {
    const body = slashBody(PAGE).padEnd(ANNOUNCED, 'a');
    const answer = await rawExchange(requestHead(build(body), ANNOUNCED), body.slice(0, 1024));
    expect(answer).toMatchObject({ status: 401, closedByServer: true });
    expect(answer.elapsedMs).toBeLessThan(FAST_MS);

    await sentinelCheck();
    expect(sideEffects()).toEqual(NOTHING);
  });

  // Protects the future half of the ±5 minutes: Bolt only refuses stale timestamps, so a
  // request signed for a date to come (replayable until then) was processed.
  test('a complete, correctly signed request dated 10 years ahead → 401, nothing done', async () => {
    const body = slashBody(PAGE);
    const headers = signedAt(body, now() + 10 * 365 * 24 * 3600);
    expect((await postRaw(eventsUrl(h.appUrl), body, headers)).status).toBe(401);

    await sentinelCheck();
    expect(sideEffects()).toEqual(NOTHING);
  });

  // Bolt still verifies the signature on the bytes: well-formed headers are not enough.
  test('well-formed headers with a wrong signature → 401 from Bolt, nothing done', async () => {
    const body = slashBody(PAGE);
    const headers = slackHeaders(h.signingSecret, body, FORM, {
      signature: `v0=${'ab'.repeat(32)}`,
    });
    expect((await postRaw(eventsUrl(h.appUrl), body, headers)).status).toBe(401);

    await sentinelCheck();
    expect(sideEffects()).toEqual(NOTHING);
  });
});

describe('body size', () => {
  beforeEach(() => start());

  const bodyOf = (bytes: number) => slashBody(PAGE).padEnd(bytes, 'a');

  // Protects MAX_BODY_BYTES (256 KiB): Slack's payloads are far below it.
  test('a correctly signed 300 KiB body → 413, nothing done', async () => {
    expect(await postOnce(bodyOf(300 * 1024))).toBe(413);
    await sentinelCheck();
    expect(sideEffects()).toEqual(NOTHING);
  });

  test('a correctly signed 300 KiB chunked body (no Content-Length) → 413', async () => {
    expect(await postOnce(bodyOf(300 * 1024), { chunked: true })).toBe(413);
    await sentinelCheck();
    expect(sideEffects()).toEqual(NOTHING);
  });

  // The announced length is enough: the 413 comes before any of the body, which never comes.
  test('300 KiB announced, 1 KiB sent → 413 at once, connection closed', async () => {
    const body = bodyOf(300 * 1024);
    const headers = slackHeaders(h.signingSecret, body, FORM);
    const answer = await rawExchange(requestHead(headers, body.length), body.slice(0, 1024));
    expect(answer).toMatchObject({ status: 413, closedByServer: true });
    expect(answer.elapsedMs).toBeLessThan(FAST_MS);
  });

  test('a correctly signed 200 KiB body is still read and answered', async () => {
    const body = slashBody('help').padEnd(200 * 1024, '+');
    expect(await postOnce(body)).toBe(200);
  });
});

describe('slow clients', () => {
  const limits = { bodyTimeoutMs: 1_000, headersTimeoutMs: 1_000, requestTimeoutMs: 4_000 };
  beforeEach(() => start({ frontDoor: limits }));

  // Protects the body deadline: signed-looking headers, half a body, then silence.
  test('a body that stops halfway → 408 within the body deadline, connection closed', async () => {
    const body = slashBody(PAGE);
    const headers = slackHeaders(h.signingSecret, body, FORM);
    const answer = await rawExchange(
      requestHead(headers, body.length),
      body.slice(0, body.length / 2),
    );
    expect(answer).toMatchObject({ status: 408, closedByServer: true });
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(limits.bodyTimeoutMs - 50);
    expect(answer.elapsedMs).toBeLessThan(limits.bodyTimeoutMs + 1_000);

    await sentinelCheck();
    expect(sideEffects()).toEqual(NOTHING);
  });

  // Protects the server's headersTimeout: a header block that never ends is cut off.
  test('headers that never end → connection closed within the headers timeout', async () => {
    const head = `POST /slack/events HTTP/1.1\r\nHost: ${new URL(h.appUrl).host}\r\nX-Slow: `;
    const answer = await rawExchange(head);
    expect(answer.closedByServer).toBe(true);
    expect([408, undefined]).toContain(answer.status);
    expect(answer.elapsedMs).toBeLessThan(limits.headersTimeoutMs + 1_500);
  });
});

describe('bodies held at once', () => {
  const limits = { maxBufferedBytes: 64 * 1024 };
  beforeEach(() => start({ frontDoor: limits }));

  // Protects maxBufferedBytes: headers that look signed pass the header check, so slow bodies
  // are read; together they may hold no more than the budget. Two slow bodies of 40 KiB each
  // don't fit in 64 KiB: whichever is read second is refused at once.
  test('a slow body that would go past the budget → 503 at once; then all is well', async () => {
    const body = slashBody(PAGE).padEnd(100 * 1024, 'a');
    const head = requestHead(slackHeaders(h.signingSecret, body, FORM), body.length);
    const sockets: net.Socket[] = [];
    const exchanges = [0, 1].map(() =>
      rawExchange(head, body.slice(0, 40 * 1024), 5_000, (socket) => sockets.push(socket)),
    );
    const first = await Promise.race(exchanges);
    expect(first).toMatchObject({ status: 503, closedByServer: true });
    expect(first.elapsedMs).toBeLessThan(FAST_MS);
    // The other one is still being read; hanging up releases what it held.
    for (const socket of sockets) socket.destroy();
    await Promise.all(exchanges);
    // Released: a 60 KiB body fits again.
    expect(await postOnce(slashBody('help').padEnd(60 * 1024, '+'))).toBe(200);

    await sentinelCheck();
    expect(sideEffects()).toEqual(NOTHING);
  });
});

describe('another workspace or app (single-workspace mode)', () => {
  // auth.test names the app too, so api_app_id is checked as well as team_id.
  beforeEach(() => start({ slack: { authTestAppId: true } }));

  // Protects dropForeignRequests (src/listeners/foreign.ts): the app installed elsewhere gets
  // a 200 (Slack would retry anything else) and nothing more; one warn line per team.
  test('slash commands from another team → 200, nothing done, one warn line', async () => {
    for (const text of [PAGE, 'help', 'list']) {
      const result = await sendSlashCommand(h.appUrl, h.signingSecret, {
        text,
        teamId: FOREIGN_TEAM,
        responseUrl: responseUrl(),
      });
      expect(result.status).toBe(200);
      expect(result.body).toBe('');
    }
    const warnings = foreignWarnings();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ teamId: FOREIGN_TEAM, expectedTeamId: SLACK_IDS.teamId });
    // Without the body.
    expect(JSON.stringify(warnings)).not.toContain('response_url');
    expect(JSON.stringify(warnings)).not.toContain(PAGE);

    await sentinelCheck();
    expect(sideEffects()).toEqual(NOTHING);
  });

  test('a button click from another team → 200, no whisper, one warn line', async () => {
    const result = await sendBlockAction(h.appUrl, h.signingSecret, {
      actionId: ACTIONS.walkthroughDone,
      value: 'garbage',
      teamId: FOREIGN_TEAM,
      responseUrl: responseUrl(),
    });
    expect(result.status).toBe(200);
    expect(foreignWarnings()).toEqual([expect.objectContaining({ teamId: FOREIGN_TEAM })]);

    await sentinelCheck();
    expect(sideEffects()).toEqual(NOTHING);
  });

  test('a message event from another team with a token in it → 200, no warning', async () => {
    const event = {
      type: 'message',
      channel: SLACK_IDS.channelId,
      user: SLACK_IDS.userId,
      text: `here: ${h.notionToken}`,
      ts: '1700000100.000100',
      channel_type: 'channel',
    };
    const result = await sendEvent(h.appUrl, h.signingSecret, event, {
      eventId: 'Ev0FOREIGN',
      teamId: FOREIGN_TEAM,
    });
    expect(result.status).toBe(200);
    expect(foreignWarnings()).toEqual([expect.objectContaining({ teamId: FOREIGN_TEAM })]);

    await sentinelCheck();
    expect(sideEffects()).toEqual(NOTHING);
    expect(await h.bot?.services.store.connections.isCompromised('default')).toBe(false);
  });

  test('our team, another api_app_id → dropped too', async () => {
    const result = await sendSlashCommand(h.appUrl, h.signingSecret, {
      text: PAGE,
      apiAppId: FOREIGN_APP,
      responseUrl: responseUrl(),
    });
    expect(result.status).toBe(200);
    expect(foreignWarnings()).toEqual([
      expect.objectContaining({ teamId: SLACK_IDS.teamId, apiAppId: FOREIGN_APP }),
    ]);

    await sentinelCheck();
    expect(sideEffects()).toEqual(NOTHING);
  });

  // In a Slack Connect channel the envelope's team_id can be the other organisation's; the
  // installation the event is delivered for (authorizations) is still ours.
  test('an event from a Slack Connect channel delivered for our installation is handled', async () => {
    const stranger = `secret_${'Q'.repeat(43)}`;
    h.extraSecrets.push(stranger);
    const event = {
      type: 'message',
      channel: SLACK_IDS.channelId,
      user: 'U0EXTERNAL',
      text: `try ${stranger}`,
      ts: '1700000200.000100',
      channel_type: 'channel',
    };
    await sendEvent(h.appUrl, h.signingSecret, event, {
      eventId: 'Ev0CONNECT',
      teamId: FOREIGN_TEAM,
      authorizedTeamId: SLACK_IDS.teamId,
    });
    // The leak warning, in the message's thread.
    const warning = await h.slack.waitFor(
      'chat.postMessage',
      (call) => call.body.thread_ts === '1700000200.000100',
    );
    expect(messageText(warning.body)).toContain('…QQQQ');
    expect(foreignWarnings()).toEqual([]);
  });

  test('a normal signed command from our team and app still works', async () => {
    await sentinelCheck();
    expect(sideEffects()).toEqual(NOTHING);
    expect(foreignWarnings()).toEqual([]);
  });
});

describe('when auth.test names no app', () => {
  beforeEach(() => start());

  // Slack's documented auth.test answer has no app_id: only team_id can be checked then.
  test('our team with any api_app_id is handled', async () => {
    const result = await sendSlashCommand(h.appUrl, h.signingSecret, {
      text: 'help',
      apiAppId: FOREIGN_APP,
      responseUrl: responseUrl(),
    });
    expect(result.status).toBe(200);
    // `help` is answered in the ack itself.
    expect(result.body).toContain('notion-check');
    expect(foreignWarnings()).toEqual([]);
  });
});
