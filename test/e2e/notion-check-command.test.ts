import type { SlackCall } from '../fakes/fakeSlack';
import { assertBlockKitLimits } from '../support/blockKitLimits';
import { messageText } from '../support/blocks';
import { expectInOrder } from '../support/expectInOrder';
import { fakeNotionToken, Harness } from '../support/harness';
import { sendSlashCommand } from '../support/slackRequest';

const ROADMAP = '1a2b3c4d5e6f4a5b8c9d0e1f2a3b4c5d';
const SPECS = '2b3c4d5e6f7a4b5c9d0e1f2a3b4c5d6e';
const TASKS_DB = '3c4d5e6f7a8b4c5d8e0f1a2b3c4d5e6f';
const CHANNEL = 'C0CHANNEL';

let h: Harness;

async function runCommand(text: string, channelId = CHANNEL) {
  const result = await sendSlashCommand(h.appUrl, h.signingSecret, {
    text,
    channelId,
    responseUrl: h.slack.responseUrl(`cmd-${Date.now()}`),
  });
  expect(result.status).toBe(200);
  return result;
}

/** The report is the first top-level message posted after the command. */
async function report(): Promise<SlackCall> {
  const call = await h.slack.waitFor('chat.postMessage', (c) => !c.body.thread_ts, 15_000);
  assertBlockKitLimits(call.body);
  return call;
}

async function thread(parent: SlackCall): Promise<SlackCall> {
  const ts = await h.slack
    .waitFor('chat.postMessage', (c) => c === parent)
    .then(() =>
      // the fake answers with increasing ts; the report's ts is recorded on the call
      String((parent as SlackCall & { response?: { ts?: string } }).response?.ts ?? ''),
    );
  const call = await h.slack.waitFor(
    'chat.postMessage',
    (c) => Boolean(c.body.thread_ts) && (!ts || c.body.thread_ts === ts),
    15_000,
  );
  assertBlockKitLimits(call.body);
  return call;
}

beforeEach(async () => {
  h = await new Harness().start();
  h.notion.addPage({ id: ROADMAP, title: 'Roadmap', sharedWith: [h.notionToken] });
  h.notion.addPage({ id: SPECS, title: 'Specs', sharedWith: [h.notionToken] });
  h.notion.addDatabase({ id: TASKS_DB, title: 'Tasks', sharedWith: [h.notionToken] });
});

afterEach(async () => {
  await h.stop();
  // Whatever the test did, no secret reached a log line or anything sent to Slack.
  const secrets = [h.notionToken, h.slack.botToken, h.signingSecret];
  // The bot token is how the app authenticates to Slack; only message content matters here.
  const sentToSlack = JSON.stringify([
    h.slack.calls.map(({ body: { token: _auth, ...content } }) => content),
    h.slack.responses.map((post) => post.body),
  ]);
  expect(h.logs.lines.length).toBeGreaterThan(0);
  for (const secret of secrets) {
    expect(h.logs.text()).not.toContain(secret);
    expect(sentToSlack).not.toContain(secret);
  }
});

test('valid token and shared pages → one report with ✅ for each, integration named, no thread', async () => {
  await runCommand(`https://www.notion.so/acme/Roadmap-${ROADMAP} ${SPECS} ${TASKS_DB}`);
  const call = await report();
  const text = messageText(call.body);
  expect(call.body.channel).toBe(CHANNEL);
  expect(text).toContain('Zapier Sync');
  expect(text).toContain('Acme');
  expect(text).toContain(`…${h.notionToken.slice(-4)}`);
  expect(text).not.toContain(h.notionToken);
  for (const title of ['Roadmap', 'Specs', 'Tasks']) expect(text).toContain(title);
  expect(text).toContain('(database)');
  expect(text.match(/:white_check_mark:/g)?.length).toBe(4);
  expect(text).toContain('all good');
  // give a wrongly posted thread a chance to arrive before asserting there is none
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(h.slack.callsTo('chat.postMessage').filter((c) => c.body.thread_ts)).toHaveLength(0);
});

test('revoked token → report says the token is invalid, thread has steps 1, 3, 5, 6, 7', async () => {
  h.notion.revoke(h.notionToken);
  await runCommand(ROADMAP);
  const parent = await report();
  expect(messageText(parent.body)).toContain('token is invalid');
  const steps = messageText((await thread(parent)).body);
  expectInOrder(steps, [
    'Check integration status',
    'Regenerate the API token',
    'Test the API connection',
    'Clear application cache',
    'Check workspace permissions',
  ]);
  expect(steps).not.toContain('Verify page sharing');
  expect(steps).toMatch(/request IDs?: `[0-9a-f-]{36}`/);
});

test('unshared page → "not shared with the integration (or deleted)", steps 2, 4, 5, 7', async () => {
  h.notion.unshare(ROADMAP, h.notionToken);
  await runCommand(ROADMAP);
  const parent = await report();
  expect(messageText(parent.body)).toContain('Not shared with the integration (or deleted)');
  const steps = messageText((await thread(parent)).body);
  expectInOrder(steps, [
    'Verify page sharing settings',
    'Re-add the integration to the page',
    'Test the API connection',
    'Check workspace permissions',
  ]);
  expect(steps).not.toContain('Regenerate');
  expect(steps).toContain('another workspace');
});

test('restricted capability → 403 diagnosis names capabilities, steps 1, 7, 5', async () => {
  h.notion.restrict(h.notionToken, 'read_content');
  await runCommand(ROADMAP);
  const parent = await report();
  expect(messageText(parent.body)).toContain('lacks a capability');
  const steps = messageText((await thread(parent)).body);
  expectInOrder(steps, [
    'Check integration status',
    'Check workspace permissions',
    'Test the API connection',
  ]);
});

test('edge 403 (Cloudflare HTML, no Notion request id) → network block, not capabilities', async () => {
  h.notion.fault({ match: { pathPrefix: '/v1/pages' }, fault: { kind: 'edge403' } });
  await runCommand(ROADMAP);
  const text = messageText((await report()).body);
  expect(text).toContain("Blocked at Notion's network edge");
  expect(text).not.toContain('lacks a capability');
});

test('page in trash → reported as in the trash with the restore step', async () => {
  h.notion.trash(ROADMAP);
  await runCommand(ROADMAP);
  const parent = await report();
  expect(messageText(parent.body)).toContain("In Notion's trash");
  expect(messageText((await thread(parent)).body)).toContain('Restore it from the trash');
});

test('503 on every call → "Notion unavailable", no token advice, no walkthrough thread', async () => {
  h.notion.fault({ fault: { kind: 'status', status: 503, code: 'service_unavailable' } });
  await runCommand(ROADMAP);
  const text = messageText((await report()).body);
  expect(text).toContain('Notion is unavailable');
  expect(text).toContain('not an access problem');
  expect(text).not.toMatch(/regenerat|token is invalid/i);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(h.slack.callsTo('chat.postMessage').filter((c) => c.body.thread_ts)).toHaveLength(0);
});

test('one 429 with Retry-After: 1 is waited out → success', async () => {
  h.notion.fault({
    match: { pathPrefix: '/v1/pages' },
    times: 1,
    fault: { kind: 'status', status: 429, code: 'rate_limited', headers: { 'retry-after': '1' } },
  });
  await runCommand(ROADMAP);
  const text = messageText((await report()).body);
  expect(text).toContain('all good');
  expect(text).not.toContain('rate limiting');
  expect(
    h.notion.requests.filter((r) => r.path.startsWith('/v1/pages')).map((r) => r.status),
  ).toEqual([429, 200]);
});

test('a Retry-After beyond the deadline is reported as rate limited, not waited for', async () => {
  h.notion.fault({
    match: { pathPrefix: '/v1/users/me' },
    fault: { kind: 'status', status: 429, code: 'rate_limited', headers: { 'retry-after': '120' } },
  });
  await runCommand(ROADMAP);
  const text = messageText((await report()).body);
  expect(text).toContain('Notion is rate limiting us');
  expect(text).not.toMatch(/regenerat/i);
});

test('a malformed ID gets its own clear line; the other IDs are still checked', async () => {
  await runCommand(`abc123 ${ROADMAP}`);
  const text = messageText((await report()).body);
  expect(text).toContain('`abc123`');
  expect(text).toContain('Not a valid Notion page or database link or ID');
  expect(text).toContain('https://www.notion.so/');
  expect(text).toContain('Roadmap');
  expect(text).toContain(':white_check_mark:');
});

test('21 IDs → the limit message, nothing checked', async () => {
  const ids = Array.from(
    { length: 21 },
    (_, i) => `${i.toString(16).padStart(2, '0')}${'a'.repeat(30)}`,
  );
  const result = await runCommand(ids.join(' '));
  expect(JSON.stringify(result.json)).toContain('at most 20');
  expect(h.notion.requests).toHaveLength(0);
  expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
});

test('bot not in the channel → ephemeral report through response_url with an /invite hint', async () => {
  h.slack.failWhen('chat.postMessage', (body) =>
    body.channel === 'G0PRIVATE' ? 'not_in_channel' : undefined,
  );
  h.notion.unshare(ROADMAP, h.notionToken);
  await runCommand(ROADMAP, 'G0PRIVATE');
  const fallback = await h.slack.waitForResponse(
    (post) => JSON.stringify(post.body).includes('/invite'),
    15_000,
  );
  expect(fallback.body.response_type).toBe('ephemeral');
  assertBlockKitLimits(fallback.body);
  expect(JSON.stringify(fallback.body)).toContain('Not shared with the integration');
  const steps = await h.slack.waitForResponse((post) =>
    JSON.stringify(post.body).includes('Verify page sharing settings'),
  );
  expect(steps.body.response_type).toBe('ephemeral');
});

test('help → ephemeral usage in the ack, nothing posted', async () => {
  const result = await runCommand('help');
  const body = result.json as { response_type: string; text: string };
  expect(body.response_type).toBe('ephemeral');
  expect(JSON.stringify(body)).toContain('/notion-check watch');
  expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
});

test('unknown word → short usage message, never a crash', async () => {
  const result = await runCommand('frobnicate');
  expect(JSON.stringify(result.json)).toContain('frobnicate');
  expect(JSON.stringify(result.json)).toContain('/notion-check help');
});

test('the ack goes out before any Notion request is answered', async () => {
  h.notion.fault({ fault: { kind: 'hold' } });
  const seen = h.notion.waitForRequest(() => true, 10_000);
  const result = await runCommand(ROADMAP);
  expect(JSON.stringify(result.json)).toContain('Checking');
  // Notion has not answered anything yet: the ack did not wait for it.
  await seen;
  expect(h.notion.requests.every((r) => r.status === null)).toBe(true);
  expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  h.notion.clearFaults();
  h.notion.releaseHeld();
  await report();
});

test('no token configured → the report says so and how to set one', async () => {
  await h.stopApp();
  h.bot = undefined;
  const other = new Harness({ env: { NOTION_TOKEN: '' } });
  await h.stop();
  h = await other.start();
  await runCommand('');
  const text = messageText((await report()).body);
  expect(text).toContain('No Notion token is configured');
  expect(text).toContain('/notion-check token');
  expect(h.notion.requests).toHaveLength(0);
});

test('check history records each target with its outcome and request id', async () => {
  h.notion.unshare(ROADMAP, h.notionToken);
  await runCommand(`${ROADMAP} ${SPECS}`);
  await report();
  const history = (await h.bot?.services.store.history.recent()) ?? [];
  const roadmap = history.find((entry) => entry.target.replace(/-/g, '') === ROADMAP);
  expect(roadmap?.diagnosisKind).toBe('not_shared');
  expect(roadmap?.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(history.find((entry) => entry.target === 'token')?.diagnosisKind).toBe('ok');
  expect(fakeNotionToken('x')).toMatch(/^ntn_\d{11}[A-Za-z0-9]{35}$/);
});
