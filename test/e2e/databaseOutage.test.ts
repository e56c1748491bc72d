/**
 * PostgreSQL stopped and started again under a running app (in this process, on a PostgreSQL
 * server of this file's own: the run's shared one must stay up for the other files). While it is
 * down: /healthz says 503, people are told in Slack's 3 s that the bot can't reach its database,
 * and the process keeps serving. Once it is back: healthy by itself, nothing lost (a token pasted
 * meanwhile is warned about), and the access lost meanwhile is alerted exactly once.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { REPLIES } from '../../src/slack/blocks/replies';
import { SLACK_IDS, type SlackCall } from '../fakes/fakeSlack';
import { buttons, findButton, messageText } from '../support/blocks';
import { Harness } from '../support/harness';
import { type PostgresServer, startPostgres } from '../support/postgres/server';
import { sendBlockAction, sendEvent } from '../support/slackRequest';

const ROADMAP = '1a2b3c4d5e6f4a5b8c9d0e1f2a3b4c5d';
const SPECS = '2b3c4d5e6f7a4b5c9d0e1f2a3b4c5d6e';
const CHANNEL = SLACK_IDS.channelId;
/** Slack shows "operation_timeout" to a person whose command or click is not acked by then. */
const SLACK_ACK_MS = 3_000;

let server: PostgresServer;
let h: Harness;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `condition` holds; fails naming `what` (and the last value seen) at the deadline. */
async function waitUntil<T>(
  read: () => Promise<T> | T,
  condition: (value: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (condition(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${value}`);
    }
    await sleep(100);
  }
}

async function healthz(): Promise<number> {
  const response = await fetch(`${h.httpUrl}/healthz`, { signal: AbortSignal.timeout(5_000) });
  await response.arrayBuffer();
  return response.status;
}

/** The monitor's checks of the watched page so far (one GET of it per sweep). */
function roadmapChecks(): number {
  return h.notion.requests.filter(
    (request) =>
      request.path.startsWith('/v1/pages/') && request.path.replace(/-/g, '').includes(ROADMAP),
  ).length;
}

/** Log lines with this message so far. */
const logged = (msg: string) => h.logs.lines.filter((line) => line.includes(`"msg":"${msg}"`));

function alerts(): SlackCall[] {
  return h.slack
    .callsTo('chat.postMessage')
    .filter((call) => !call.error && messageText(call.body).includes('Notion access lost'));
}

async function command(text: string) {
  return (await h.command(text, { channelId: CHANNEL })).result;
}

beforeAll(async () => {
  server = await startPostgres({ maxConnections: 50 });
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query('CREATE DATABASE outage');
  await admin.end();
  const url = new URL(server.url);
  url.pathname = '/outage';
  h = await new Harness({
    env: { DATABASE_URL: url.toString(), CHECK_INTERVAL: '1s' },
  }).start();
  h.notion.addPage({ id: ROADMAP, title: 'Roadmap', sharedWith: [h.notionToken] });
  h.notion.addPage({ id: SPECS, title: 'Specs', sharedWith: [] });
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await server?.destroy();
});

test('PostgreSQL down: 503, "try again" in the ack and through response_url; back up: healthy, nothing lost, the loss alerted once', async () => {
  // Before: a watch, and a report on another page whose walkthrough has buttons.
  await command(`watch ${ROADMAP}`);
  await h.slack.waitForResponse((post) => JSON.stringify(post.body).includes('watch list'), 15_000);
  await command(SPECS);
  const walkthrough = await h.slack.waitFor(
    'chat.postMessage',
    (call) => Boolean(call.body.thread_ts) && buttons(call.body.blocks).length > 0,
    15_000,
  );
  expect(await healthz()).toBe(200);

  const failedTicks = logged('monitor tick failed; retrying at the next tick').length;
  await server.stop();
  h.notion.unshare(ROADMAP, h.notionToken);

  // /healthz notices within a few seconds.
  const downAt = Date.now();
  await waitUntil(healthz, (status) => status === 503, 5_000, '/healthz to answer 503');
  expect(Date.now() - downAt).toBeLessThan(5_000);

  // A command: acked in time, and the ack says why nothing happened.
  const listed = await command('list');
  expect(listed.elapsedMs).toBeLessThan(SLACK_ACK_MS);
  expect(listed.json).toMatchObject({ response_type: 'ephemeral', text: REPLIES.databaseDown });

  // A click on the earlier report's walkthrough: acked, then answered through its response_url.
  const skip = findButton(walkthrough.body.blocks, 'Skip');
  const responseId = `click-${randomBytes(4).toString('hex')}`;
  const click = await sendBlockAction(h.appUrl, h.signingSecret, {
    actionId: skip.action_id,
    value: skip.value,
    channelId: CHANNEL,
    messageTs: String(walkthrough.response?.ts),
    threadTs: String(walkthrough.body.thread_ts),
    responseUrl: h.slack.responseUrl(responseId),
  });
  expect(click.status).toBe(200);
  expect(click.elapsedMs).toBeLessThan(SLACK_ACK_MS);
  const answer = await h.slack.waitForResponse((post) => post.id === responseId, 10_000);
  expect(answer.body).toMatchObject({ response_type: 'ephemeral', text: REPLIES.databaseDown });

  // A token pasted meanwhile: Slack's delivery is acked (it is not sent again), and kept.
  const pasted = await sendEvent(
    h.appUrl,
    h.signingSecret,
    {
      type: 'message',
      channel: CHANNEL,
      user: SLACK_IDS.userId,
      text: `the key is ${h.notionToken}`,
      ts: '1700000200.000100',
      channel_type: 'channel',
    },
    { eventId: 'Ev0OUTAGE' },
  );
  expect(pasted.status).toBe(200);
  const isLeakWarning = (call: SlackCall) =>
    !call.error && messageText(call.body).includes('This message contains a Notion token');

  // Monitor ticks fail meanwhile (logged, retried); the app keeps answering; nobody is told yet.
  await waitUntil(
    () => logged('monitor tick failed; retrying at the next tick').length - failedTicks,
    (failed) => failed >= 2,
    10_000,
    'two monitor ticks to fail',
  );
  expect(await healthz()).toBe(503);
  expect(alerts()).toHaveLength(0);
  expect(h.slack.callsTo('chat.postMessage').filter(isLeakWarning)).toHaveLength(0);

  // Back up: healthy by itself, the watch is still there, the loss is alerted once.
  await server.start();
  await waitUntil(healthz, (status) => status === 200, 10_000, '/healthz to answer 200 again');
  const after = JSON.stringify((await command('list')).json);
  expect(after).toContain('Watched in this channel (1)');
  expect(after).toContain('Roadmap');
  const alert = await h.slack.waitFor(
    'chat.postMessage',
    (call) => !call.error && messageText(call.body).includes('Notion access lost'),
    15_000,
  );
  expect(alert.body.channel).toBe(CHANNEL);
  expect(messageText(alert.body)).toContain('Roadmap');
  // The message held through the outage is warned about, once, in its thread.
  const warning = await h.slack.waitFor('chat.postMessage', isLeakWarning, 10_000);
  expect(warning.body.thread_ts).toBe('1700000200.000100');
  // Three more sweeps: still the one alert.
  const checked = roadmapChecks();
  await waitUntil(roadmapChecks, (n) => n >= checked + 3, 15_000, 'three more sweeps');
  expect(alerts()).toHaveLength(1);
  expect(h.slack.callsTo('chat.postMessage').filter(isLeakWarning)).toHaveLength(1);
  expect(h.logs.text()).not.toContain('unhandled');
}, 60_000);
