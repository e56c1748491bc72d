/**
 * Socket Mode (PRODUCT.md "Socket Mode"): with SLACK_APP_TOKEN set the app opens a WebSocket to
 * the URL apps.connections.open answers, at SLACK_API_URL, and everything Slack sends arrives
 * as envelopes on it. The scenarios mirror the HTTP-mode tests: the same Slack payloads
 * (test/support/slackRequest.ts), delivered by the fake Socket Mode server instead of a POST.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { SLACK_IDS, type SlackCall } from '../fakes/fakeSlack';
import type { FakeSocketMode } from '../fakes/fakeSocketMode';
import { buttons, findButton, messageText } from '../support/blocks';
import { fakeNotionToken, Harness, type HarnessOptions } from '../support/harness';
import {
  commandBody,
  sendAppHomeOpened,
  sendBlockAction,
  sendEvent,
  sendMessageShortcut,
  sendSlashCommand,
  sendViewSubmission,
} from '../support/slackRequest';

const ROADMAP = '1a2b3c4d5e6f4a5b8c9d0e1f2a3b4c5d';
const SPECS = '2b3c4d5e6f7a4b5c9d0e1f2a3b4c5d6e';
const TASKS_DB = '3c4d5e6f7a8b4c5d8e0f1a2b3c4d5e6f';
const UNSHARED = '4d5e6f7a8b9c4d5e8f0a1b2c3d4e5f6a';
const CHANNEL = SLACK_IDS.channelId;
const ADMIN = SLACK_IDS.adminUserId;
const rotated = fakeNotionToken('socketrotated');
/** A well-formed app-level token Slack does not know. */
const strangerAppToken = ['xapp', '1', 'A0OTHER', '1'.repeat(13), 'stranger'].join('-');

let h: Harness;
/** Slack calls recorded before the current test began. */
let mark = 0;

function socket(): FakeSocketMode {
  if (!h.socket) throw new Error('the harness is not in Socket Mode');
  return h.socket;
}

const fresh = (call: SlackCall) => h.slack.calls.indexOf(call) >= mark;

function responseUrl(prefix: string): string {
  return h.slack.responseUrl(`${prefix}-${randomBytes(4).toString('hex')}`);
}

function command(text: string, userId: string = SLACK_IDS.userId) {
  return sendSlashCommand(h.appUrl, h.signingSecret, {
    text,
    userId,
    channelId: CHANNEL,
    responseUrl: responseUrl('cmd'),
  });
}

/** The first top-level message posted during this test: a report. */
function report(): Promise<SlackCall> {
  return h.slack.waitFor('chat.postMessage', (c) => fresh(c) && !c.body.thread_ts, 15_000);
}

/** A harness of its own, for the start-ups that are meant to fail or to take a detour. */
async function startAside(options: HarnessOptions): Promise<{ aside: Harness; error?: Error }> {
  const aside = new Harness({ socketMode: true, ...options });
  const error = await aside.start().then(
    () => undefined,
    (caught: unknown) => caught as Error,
  );
  return { aside, error };
}

/**
 * Runs src/index.ts as its own process, transpiled file by file as it is required: what
 * test/support/childApp.ts does with dist/, without rebuilding all of dist first (tens of
 * seconds while src/ keeps changing).
 */
function runEntryFromSource(
  env: Record<string, string>,
  cwd: string,
): Promise<{ code: number | null; output: string }> {
  const entry = path.resolve(__dirname, '../../src/index.ts');
  const hook = `
    const ts = require(${JSON.stringify(require.resolve('typescript'))});
    const fs = require('node:fs');
    require.extensions['.ts'] = (module, filename) => {
      const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
        fileName: filename,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      });
      module._compile(outputText, filename);
    };
    require(${JSON.stringify(entry)});`;
  const child = spawn(process.execPath, ['-e', hook], {
    cwd,
    env: { PATH: process.env.PATH, ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

beforeAll(async () => {
  h = new Harness({
    socketMode: true,
    env: { ENCRYPTION_KEY: randomBytes(32).toString('base64') },
  });
  const started = h.start();
  // Fails with what the fake Slack did receive, rather than a hook timeout, when the Socket
  // Mode client calls some other Slack (Bolt no longer handing it our clientOptions).
  await h.slack.waitFor('apps.connections.open', () => true, 10_000);
  await started;
  h.notion.addIntegration({ token: rotated, name: 'Zapier Sync', workspaceName: 'Acme' });
  for (const [id, title] of [
    [ROADMAP, 'Roadmap'],
    [SPECS, 'Specs'],
  ] as const) {
    h.notion.addPage({ id, title, sharedWith: [h.notionToken, rotated] });
  }
  h.notion.addDatabase({ id: TASKS_DB, title: 'Tasks', sharedWith: [h.notionToken, rotated] });
  h.notion.addPage({ id: UNSHARED, title: 'Unshared', sharedWith: [] });
});

beforeEach(() => {
  mark = h.slack.calls.length;
});

afterAll(async () => {
  await h.stop();
  // Nothing secret reached Slack either (the token field is how the app authenticates).
  const sent = JSON.stringify([
    h.slack.calls.map(({ body: { token: _auth, ...content } }) => content),
    h.slack.responses.map((post) => post.body),
    socket().acks,
  ]);
  for (const secret of [h.notionToken, rotated, h.slack.botToken, String(h.appToken)]) {
    expect(sent).not.toContain(secret);
  }
});

describe('the connection', () => {
  test('apps.connections.open goes to SLACK_API_URL with the app token; the socket said hello once', () => {
    // Once by start() to check the token, once by the Socket Mode client to connect.
    const opens = h.slack.callsTo('apps.connections.open');
    expect(opens).toHaveLength(2);
    for (const open of opens) {
      expect(open.token).toBe(h.appToken);
      expect(open.response).toMatchObject({ ok: true, url: socket().url });
    }
    // The bot token still does everything else.
    expect(h.slack.callsTo('auth.test')[0]?.token).toBe(h.slack.botToken);
    expect(socket().connections).toHaveLength(1);
    expect(socket().openConnections).toBe(1);
  });

  test('GET /healthz answers 200 on PORT; there is no Request URL for Slack or Notion', async () => {
    expect(new URL(h.httpUrl).port).toBe(String(h.bot?.services.config.port));
    const health = await fetch(`${h.httpUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: true });
    for (const route of ['/slack/events', '/notion/webhooks/default']) {
      const response = await fetch(`${h.httpUrl}${route}`, { method: 'POST', body: '{}' });
      expect(response.status).toBe(404);
    }
  });
});

describe('envelopes', () => {
  test('/notion-check <link> is acked on its envelope and the report is posted', async () => {
    const payload = Object.fromEntries(
      new URLSearchParams(
        commandBody(
          `https://www.notion.so/acme/Roadmap-${ROADMAP} ${SPECS} ${TASKS_DB}`,
          responseUrl('report'),
        ),
      ),
    );
    const ack = await socket().send('slash_commands', payload);
    const envelope = socket().sent.at(-1);
    expect(envelope).toMatchObject({ type: 'slash_commands', accepts_response_payload: true });
    expect(ack.envelope_id).toBe(envelope?.envelope_id);
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(ack.payload)).toContain('Checking the token and 3 pages or databases');

    const call = await report();
    const text = messageText(call.body);
    expect(call.body.channel).toBe(CHANNEL);
    expect(text).toContain('Zapier Sync');
    expect(text).toContain('Acme');
    expect(text).toContain(`…${h.notionToken.slice(-4)}`);
    for (const title of ['Roadmap', 'Specs', 'Tasks']) expect(text).toContain(title);
    expect(text.match(/:white_check_mark:/g)?.length).toBe(4);
    expect(text).toContain('all good');
  });

  test('a walkthrough button (block_actions) is acked and moves the walkthrough on', async () => {
    const result = await command(UNSHARED);
    expect(result.status).toBe(200);
    const walkthrough = await h.slack.waitFor(
      'chat.postMessage',
      (c) => fresh(c) && Boolean(c.body.thread_ts) && buttons(c.body.blocks).length > 0,
      15_000,
    );
    const ts = String(walkthrough.response?.ts);
    const skip = findButton(walkthrough.body.blocks, 'Skip');
    const click = await sendBlockAction(h.appUrl, h.signingSecret, {
      actionId: skip.action_id,
      value: skip.value,
      channelId: CHANNEL,
      messageTs: ts,
      responseUrl: responseUrl('click'),
    });
    // block_actions take no response payload: an empty ack.
    expect(click.status).toBe(200);
    expect(click.body).toBe('');
    expect(socket().sent.at(-1)).toMatchObject({
      type: 'interactive',
      accepts_response_payload: false,
      payload: { type: 'block_actions' },
    });
    const updated = await h.slack.waitFor(
      'chat.update',
      (c) => c.body.ts === ts && /skipped by <@U0USER>/.test(messageText(c.body)),
    );
    expect(messageText(updated.body)).toMatch(/~1\. Verify page sharing settings~/);
  });

  test('the token modal (view_submission): errors in the ack for a bad token, a clean ack for a good one', async () => {
    const opened = await command('token default', ADMIN);
    expect(opened.status).toBe(200);
    const modal = await h.slack.waitFor('views.open', fresh);
    const view = modal.body.view as { private_metadata: string; callback_id: string };
    const shown = (modal.response as { view?: { id?: string; hash?: string } }).view;
    const submit = (token: string) =>
      sendViewSubmission(h.appUrl, h.signingSecret, {
        callbackId: view.callback_id,
        privateMetadata: view.private_metadata,
        values: { token_input: { token_value: token } },
        userId: ADMIN,
        viewId: shown?.id,
        hash: shown?.hash,
      });

    const malformed = await submit('ntn_short');
    expect(malformed.json).toMatchObject({
      response_action: 'errors',
      errors: { token_input: expect.stringContaining('not a Notion token') },
    });
    // The ack went back on the envelope that carried the submission.
    const submission = socket().sent.at(-1);
    expect(submission).toMatchObject({ type: 'interactive', accepts_response_payload: true });
    expect(socket().acks.find((a) => a.envelope_id === submission?.envelope_id)?.payload).toEqual(
      malformed.json,
    );

    const accepted = await submit(rotated);
    expect(accepted.json).toEqual({ response_action: 'clear' });
    await h.slack.waitFor(
      'chat.postEphemeral',
      (c) => fresh(c) && messageText(c.body).includes(`…${rotated.slice(-4)}`),
    );
    expect(h.logs.text()).toContain('token updated from Slack');
  });

  test('a message event (events_api) is acked and a pasted token is warned about, once', async () => {
    const leaked = fakeNotionToken('pastedinchat');
    h.extraSecrets.push(leaked);
    const event = {
      type: 'message',
      channel: CHANNEL,
      user: SLACK_IDS.userId,
      text: `here: ${leaked}`,
      ts: '1700000500.000100',
      channel_type: 'channel',
    };
    const first = await sendEvent(h.appUrl, h.signingSecret, event, { eventId: 'Ev0SOCKET' });
    expect(first.status).toBe(200);
    expect(first.body).toBe('');
    expect(socket().sent.at(-1)).toMatchObject({
      type: 'events_api',
      accepts_response_payload: false,
      retry_attempt: 0,
    });
    const warning = await h.slack.waitFor('chat.postMessage', (c) =>
      messageText(c.body).includes('This message contains a Notion token'),
    );
    expect(warning.body.thread_ts).toBe(event.ts);

    // Slack's re-delivery (retry_attempt 1) is acked too, and dropped.
    const retry = await sendEvent(h.appUrl, h.signingSecret, event, {
      eventId: 'Ev0SOCKET',
      retryNum: 1,
    });
    expect(retry.status).toBe(200);
    expect(socket().sent.at(-1)).toMatchObject({ retry_attempt: 1, retry_reason: 'http_timeout' });
    expect(h.logs.text()).toContain('duplicate event delivery ignored');
    const warnings = h.slack
      .callsTo('chat.postMessage')
      .filter((c) => messageText(c.body).includes('This message contains a Notion token'));
    expect(warnings).toHaveLength(1);
  });

  test('the Home tab (app_home_opened) is published over the socket', async () => {
    const opened = await sendAppHomeOpened(h.appUrl, h.signingSecret, { userId: ADMIN });
    expect(opened.status).toBe(200);
    expect(socket().sent.at(-1)).toMatchObject({ type: 'events_api' });
    const published = await h.slack.waitFor(
      'views.publish',
      (c) => fresh(c) && c.body.user_id === ADMIN,
    );
    const view = published.body.view as { type: string; blocks: unknown[] };
    expect(view.type).toBe('home');
    expect(JSON.stringify(view.blocks)).toContain('Zapier Sync');
    expect(findButton(view.blocks, 'Add connection')).toBeDefined();
  });

  test('the message shortcut (interactive, message_action) is acked and reports in the thread', async () => {
    const ts = '1700000600.000100';
    const result = await sendMessageShortcut(h.appUrl, h.signingSecret, {
      callbackId: 'check_notion_links',
      message: { ts, text: `see <https://www.notion.so/acme/Roadmap-${ROADMAP}|the roadmap>` },
      responseUrl: responseUrl('shortcut'),
    });
    expect(result.status).toBe(200);
    expect(socket().sent.at(-1)).toMatchObject({ type: 'interactive' });
    const posted = await h.slack.waitFor(
      'chat.postMessage',
      (c) => fresh(c) && c.body.thread_ts === ts,
      15_000,
    );
    expect(messageText(posted.body)).toContain('Roadmap');
  });

  test('disconnect (refresh_requested) → apps.connections.open again, a new socket, commands still work', async () => {
    const before = socket().connections.length;
    socket().disconnect('refresh_requested');
    await socket().waitForConnection(before + 1);
    const reopen = h.slack.callsTo('apps.connections.open').filter(fresh);
    expect(reopen).toHaveLength(1);
    expect(reopen[0]?.token).toBe(h.appToken);
    expect(socket().connections[before - 1]?.closedAt).toBeDefined();
    expect(socket().openConnections).toBe(1);

    const result = await command(ROADMAP);
    expect(result.status).toBe(200);
    expect(messageText((await report()).body)).toContain('Roadmap');
  });
});

describe('start-up', () => {
  test('the retry config reaches the Socket Mode client: a rate-limited apps.connections.open is retried; 3 retries, then a clear error', async () => {
    const [recovered, gaveUp] = await Promise.all([
      // The first call (start()'s token check) passes: these are the Socket Mode client's own.
      startAside({
        beforeAppStart: (aside) =>
          aside.slack.failNext('apps.connections.open', 'ratelimited', { after: 1 }),
      }),
      startAside({
        beforeAppStart: (aside) =>
          aside.slack.failNext('apps.connections.open', 'internal_error', {
            status: 500,
            // One more than our retries: Bolt's own default (100 retries) would connect at the 6th.
            times: 5,
            after: 1,
          }),
      }),
    ]);
    try {
      expect(recovered.error).toBeUndefined();
      expect(recovered.aside.slack.callsTo('apps.connections.open').map((c) => c.error)).toEqual([
        undefined,
        'ratelimited',
        undefined,
      ]);
      expect(recovered.aside.socket?.connections).toHaveLength(1);

      // Our retries: 3 (Bolt's own default for this client would be 100).
      expect(gaveUp.aside.slack.callsTo('apps.connections.open')).toHaveLength(1 + 4);
      expect(gaveUp.error?.message).toContain(
        `could not open the Socket Mode connection through the Slack API at ${gaveUp.aside.slack.apiUrl}`,
      );
      expect(gaveUp.aside.socket?.connections).toHaveLength(0);
    } finally {
      await Promise.all([recovered.aside.stop(), gaveUp.aside.stop()]);
    }
  });

  test.each([
    ['invalid_auth', { env: { SLACK_APP_TOKEN: strangerAppToken } }],
    [
      'not_authed',
      {
        beforeAppStart: (aside: Harness) =>
          aside.slack.failNext('apps.connections.open', 'not_authed'),
      },
    ],
    // Bolt's socket client would retry this one for ever; our own first call says what it is.
    [
      'missing_scope',
      {
        beforeAppStart: (aside: Harness) =>
          aside.slack.failNext('apps.connections.open', 'missing_scope'),
      },
    ],
  ] as const)(
    'an app token Slack refuses (%s) stops start-up naming SLACK_APP_TOKEN',
    async (code, options) => {
      const { aside, error } = await startAside(options);
      aside.extraSecrets.push(strangerAppToken);
      try {
        expect(error?.message).toContain(`Slack refused SLACK_APP_TOKEN (${code})`);
        expect(error?.message).toContain('Basic Information → App-Level Tokens');
        expect(error?.message).toContain('connections:write');
        expect(error?.message).not.toContain('An API error occurred');
        for (const token of [strangerAppToken, String(aside.appToken), aside.slack.botToken]) {
          expect(error?.message).not.toContain(token);
        }
        expect(aside.slack.callsTo('apps.connections.open')).toHaveLength(1);
        expect(aside.socket?.connections).toHaveLength(0);
      } finally {
        await aside.stop();
      }
    },
  );

  test('an app token that is not xapp- is refused before anything starts', () => {
    expect(() =>
      loadConfig({ SLACK_BOT_TOKEN: ['xoxb', '1', 'fake'].join('-'), SLACK_APP_TOKEN: 'xoxb-1-2' }),
    ).toThrow(
      /SLACK_APP_TOKEN must be an app-level token starting with xapp- \(Basic Information → App-Level Tokens, scope connections:write\)/,
    );
  });

  test('the entry point (src/index.ts as a process) exits 1 with the SLACK_APP_TOKEN message, no stack trace, no token', async () => {
    const aside = new Harness({ socketMode: true });
    await Promise.all([aside.slack.start(), aside.notion.start(), aside.socket?.start()]);
    aside.slack.acceptSocketMode({
      appToken: String(aside.appToken),
      url: String(aside.socket?.url),
    });
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'notion-check-socket-'));
    try {
      const { code, output } = await runEntryFromSource(
        {
          SLACK_BOT_TOKEN: aside.slack.botToken,
          SLACK_APP_TOKEN: strangerAppToken,
          SLACK_API_URL: aside.slack.apiUrl,
          DATABASE_URL: `file:${path.join(cwd, 'db.sqlite')}`,
          PORT: '0',
        },
        cwd,
      );
      expect(code).toBe(1);
      expect(output).toContain(
        'notion-check failed to start: Slack refused SLACK_APP_TOKEN (invalid_auth)',
      );
      expect(output).not.toMatch(/^\s+at /m);
      for (const secret of [strangerAppToken, aside.slack.botToken]) {
        expect(output).not.toContain(secret);
      }
      expect(aside.slack.callsTo('apps.connections.open')).toHaveLength(1);
    } finally {
      await aside.stop();
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });
});
