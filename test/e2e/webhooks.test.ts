/**
 * Notion webhooks over real HTTP (PRODUCT.md "Notion webhooks"): the real app on a free port,
 * the fake Notion API, and a fake Notion webhook sender that signs like Notion. Asserts on HTTP
 * answers, on what the fake Notion was asked (a re-check is a direct GET) and on what the fake
 * Slack received.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { extractNotionId } from '@notionhq/client';
import { SLACK_IDS, type SlackCall } from '../fakes/fakeSlack';
import { NotionWebhookSender, notionVerificationToken } from '../fakes/notionWebhookSender';
import { messageText } from '../support/blocks';
import { Harness } from '../support/harness';
import { notionSignature } from '../support/notionWebhook';
import { sendSlashCommand } from '../support/slackRequest';

const ROADMAP = '1a2b3c4d5e6f4a5b8c9d0e1f2a3b4c5d';
const SPECS = '2b3c4d5e6f7a4b5c9d0e1f2a3b4c5d6e';
const ROADMAP_ID = extractNotionId(ROADMAP) as string;
const CHANNEL = SLACK_IDS.channelId;
const PUBLIC_URL = 'https://notion-check.example.com';
const DEBOUNCE_MS = 300;

let h: Harness;
let notion: NotionWebhookSender;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function start(env: Record<string, string> = {}) {
  h = await new Harness({
    env: {
      // No sweep during a test once the first one is done: what happens is the webhook's doing.
      CHECK_INTERVAL: '1h',
      PUBLIC_URL,
      ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      ...env,
    },
    webhookDebounceMs: DEBOUNCE_MS,
    frontDoor: { bodyTimeoutMs: 500 },
  }).start();
  for (const [id, title] of [
    [ROADMAP, 'Roadmap'],
    [SPECS, 'Specs'],
  ] as const) {
    h.notion.addPage({ id, title, sharedWith: [h.notionToken] });
  }
  notion = new NotionWebhookSender(() => h.appUrl, 'default');
  h.extraSecrets.push(notion.verificationToken);
}

afterEach(async () => {
  await h.stop();
});

function store() {
  const bot = h.bot;
  if (!bot) throw new Error('the app is not running');
  return bot.services.store;
}

async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** The subscription set up the way Notion does it: the handshake, then a first signed event. */
async function subscribe(): Promise<void> {
  expect((await notion.verify()).status).toBe(200);
  const first = await notion.send({
    type: 'page.content_updated',
    entity: { id: extractNotionId(SPECS) as string, type: 'page' },
  });
  expect(first.status).toBe(200);
  expect((await store().connections.webhookSecrets('default')).current).toBeDefined();
}

/** Watches ROADMAP from the channel and waits for the monitor's first sweep to be done. */
async function watchRoadmap(): Promise<void> {
  const answer = await sendSlashCommand(h.appUrl, h.signingSecret, {
    text: `watch ${ROADMAP}`,
    channelId: CHANNEL,
    responseUrl: h.slack.responseUrl(`watch-${randomBytes(4).toString('hex')}`),
  });
  expect(answer.status).toBe(200);
  await h.slack.waitForResponse((post) => JSON.stringify(post.body).includes('watch list'), 15_000);
  await until(
    async () => (await store().health.get('default'))?.lastSweepAt !== undefined,
    10_000,
    'a sweep',
  );
}

/** Direct requests for one page (what a re-check sends; search and users.me don't count). */
const pageRequests = (id: string) =>
  h.notion.requests.filter(
    (request) => request.path.includes(id) || request.path.includes(id.replace(/-/g, '')),
  );

function alerts(): SlackCall[] {
  return h.slack
    .callsTo('chat.postMessage')
    .filter((call) => !call.error && messageText(call.body).includes('Notion access lost'));
}

test('the handshake: stored sealed (never in plain text in the database file), shown to admins, verified by the first signed delivery', async () => {
  await start();
  expect((await notion.verify()).status).toBe(200);
  const pending = await store().connections.webhookSecrets('default');
  expect(pending.pending).toBeDefined();
  expect(pending.current).toBeUndefined();
  for (const file of [h.databasePath, `${h.databasePath}-wal`]) {
    if (fs.existsSync(file))
      expect(fs.readFileSync(file).includes(notion.verificationToken)).toBe(false);
  }
  expect(await h.bot?.services.webhooks.instructions('default')).toMatchObject({
    ok: true,
    url: `${PUBLIC_URL}/notion/webhooks/default`,
    verified: false,
    pending: { token: notion.verificationToken },
  });

  // What the admin command shows (wired by /notion-check webhook <name>).
  const shown = await sendSlashCommand(h.appUrl, h.signingSecret, {
    text: 'webhook default',
    userId: SLACK_IDS.adminUserId,
    channelId: CHANNEL,
    responseUrl: h.slack.responseUrl('webhook-admin'),
  });
  expect(shown.status).toBe(200);
  const answer = await h.slack.waitForResponse((post) => post.id === 'webhook-admin', 10_000);
  const text = JSON.stringify(answer.body);
  expect(answer.body.response_type).toBe('ephemeral');
  expect(text).toContain(`${PUBLIC_URL}/notion/webhooks/default`);
  expect(text).toContain(notion.verificationToken);

  await subscribe();
  expect(await h.bot?.services.webhooks.instructions('default')).toEqual({
    ok: true,
    url: `${PUBLIC_URL}/notion/webhooks/default`,
    verified: true,
  });
  expect(h.logs.text()).toContain('Notion webhook subscription verified');
});

test('unsigned, forged, badly signed or stale deliveries → 401, not JSON → 400, and Notion is asked nothing', async () => {
  await start();
  await watchRoadmap();
  const event = { type: 'page.deleted', entity: { id: ROADMAP_ID, type: 'page' } };

  // Before any verification token: even a "correctly" signed delivery has nothing to match.
  expect((await notion.send(event)).status).toBe(401);
  await subscribe();
  // A later verification request that was never confirmed, then replaced: its token is stale.
  const replaced = notionVerificationToken();
  h.extraSecrets.push(replaced);
  await notion.verify(replaced);
  await notion.verify(notionVerificationToken());

  const before = h.notion.requests.length;
  const answers = [
    await notion.send(event, { kind: 'none' }),
    await notion.send(event, { kind: 'forged' }),
    await notion.send(event, { kind: 'header', value: 'sha256=not-hex' }),
    await notion.send(event, { kind: 'header', value: `v0=${'0'.repeat(64)}` }),
    await notion.send(event, { kind: 'token', token: replaced }),
    await notion.send(event, { kind: 'token', token: notionVerificationToken() }),
  ];
  expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 401]);
  // A body altered after signing: the signature is of other bytes.
  const body = notion.event(event);
  const signed = await notion.raw(body.replace('"attempt_number":1', '"attempt_number":2'), {
    kind: 'header',
    value: notionSignature(body, notion.verificationToken),
  });
  expect(signed.status).toBe(401);
  expect((await notion.raw('{"not json', { kind: 'valid' })).status).toBe(400);
  expect((await notion.raw('not json at all', { kind: 'none' })).status).toBe(400);

  await sleep(DEBOUNCE_MS + 1_000);
  expect(h.notion.requests.length).toBe(before);
  expect(alerts()).toHaveLength(0);
  expect(h.logs.text()).toContain('without a valid X-Notion-Signature');
  expect(h.logs.text()).not.toContain(ROADMAP_ID);
});

test('an unknown connection → 404 (the body is not read, nothing stored); oversized → 413', async () => {
  await start();
  const stranger = new NotionWebhookSender(() => h.appUrl, 'nobody');
  expect((await stranger.verify()).status).toBe(404);
  expect(
    (await stranger.send({ type: 'page.deleted', entity: { id: ROADMAP_ID, type: 'page' } }))
      .status,
  ).toBe(404);
  const odd = await fetch(`${h.appUrl}/notion/webhooks/${encodeURIComponent('not a name')}`, {
    method: 'POST',
    body: '{}',
  });
  expect(odd.status).toBe(404);
  expect(await store().connections.get('nobody')).toBeUndefined();

  // The body cap and deadline of /slack/events apply here too.
  expect(await rawPost(300 * 1024, '{"verification_token":"')).toMatchObject({ status: 413 });
  expect(await rawPost(100, '{"verification_token":"')).toMatchObject({ status: 408 });
  expect((await store().connections.webhookSecrets('default')).pending).toBeUndefined();
});

/** A POST announcing `contentLength` bytes and sending only `body`: the server's answer. */
function rawPost(contentLength: number, body: string): Promise<{ status?: number }> {
  const { hostname, port, host } = new URL(h.appUrl);
  const head = [
    'POST /notion/webhooks/default HTTP/1.1',
    `Host: ${host}`,
    'Content-Type: application/json',
    `Content-Length: ${contentLength}`,
  ].join('\r\n');
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    let received = '';
    const timer = setTimeout(() => socket.destroy(), 5_000);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const match = /^HTTP\/1\.1 (\d{3})/.exec(received);
      resolve({ status: match ? Number(match[1]) : undefined });
    });
    socket.write(`${head}\r\n\r\n${body}`);
  });
}

test('without ENCRYPTION_KEY the verification request is refused (503), said in the log, nothing stored', async () => {
  await start({ ENCRYPTION_KEY: '' });
  expect((await notion.verify()).status).toBe(503);
  expect(await store().connections.webhookSecrets('default')).toEqual({});
  expect(h.logs.text()).toContain('set ENCRYPTION_KEY');
});

test('the same delivery three times (a retry, then two at once) → one re-check', async () => {
  await start();
  await watchRoadmap();
  await subscribe();
  const before = pageRequests(ROADMAP_ID).length;
  const body = notion.event({ type: 'page.moved', entity: { id: ROADMAP_ID, type: 'page' } });
  expect((await notion.send(body)).status).toBe(200);
  await until(() => pageRequests(ROADMAP_ID).length > before, 5_000, 'the re-check');
  // Notion retries after the first re-check is done: outside the debounce window.
  const again = await Promise.all([notion.resend(body), notion.resend(body)]);
  expect(again.map((a) => a.status)).toEqual([200, 200]);
  await sleep(DEBOUNCE_MS + 1_000);
  expect(pageRequests(ROADMAP_ID).length - before).toBe(1);
  expect(h.logs.text()).toContain('"outcome":"duplicate"');
});

test('the answer (200) goes out before the work: a held Notion does not slow it', async () => {
  await start();
  await watchRoadmap();
  await subscribe();
  h.notion.fault({ match: { pathPrefix: '/v1/pages' }, fault: { kind: 'hold' } });
  const before = pageRequests(ROADMAP_ID).length;
  const first = await notion.send({
    type: 'page.deleted',
    entity: { id: ROADMAP_ID, type: 'page' },
  });
  expect(first.status).toBe(200);
  // The re-check is now waiting on Notion...
  await until(() => pageRequests(ROADMAP_ID).length > before, 5_000, 'the held re-check');
  // ...and further deliveries are still answered at once.
  const second = await notion.send({
    type: 'page.moved',
    entity: { id: ROADMAP_ID, type: 'page' },
  });
  expect(second.status).toBe(200);
  expect(second.elapsedMs).toBeLessThan(1_000);
  h.notion.clearFaults();
  h.notion.releaseHeld();
});

test('events batched, reordered and late about a page that is fine → re-fetched, no alert', async () => {
  await start();
  await watchRoadmap();
  await subscribe();
  const before = pageRequests(ROADMAP_ID).length;
  const entity = { id: ROADMAP_ID, type: 'page' };
  const older = notion.late({ type: 'page.deleted', entity }, 60 * 60_000);
  const newer = notion.event({ type: 'page.undeleted', entity });
  const answers = await notion.sendAll([newer, older]);
  expect(answers.map((a) => a.status)).toEqual([200, 200]);
  await until(() => pageRequests(ROADMAP_ID).length > before, 5_000, 'the re-check');
  await sleep(1_000);
  expect(alerts()).toHaveLength(0);
});

test('page.deleted of a watched page → alert within seconds, no sweep; page.undeleted → recovery in its thread', async () => {
  await start();
  await watchRoadmap();
  await subscribe();
  const sweptAt = (await store().health.get('default'))?.lastSweepAt;

  h.notion.trash(ROADMAP);
  const sentAt = Date.now();
  expect(
    (await notion.send({ type: 'page.deleted', entity: { id: ROADMAP_ID, type: 'page' } })).status,
  ).toBe(200);
  const alert = await h.slack.waitFor(
    'chat.postMessage',
    (call) => !call.error && messageText(call.body).includes('Notion access lost'),
    5_000,
  );
  expect(Date.now() - sentAt).toBeLessThan(5_000);
  expect(messageText(alert.body)).toContain('Roadmap');
  expect(alert.body.channel).toBe(CHANNEL);
  expect((await store().health.get('default'))?.lastSweepAt).toBe(sweptAt);

  h.notion.restore(ROADMAP);
  expect(
    (await notion.send({ type: 'page.undeleted', entity: { id: ROADMAP_ID, type: 'page' } }))
      .status,
  ).toBe(200);
  await h.slack.waitFor(
    'chat.postMessage',
    (call) =>
      call.body.thread_ts === alert.response?.ts &&
      messageText(call.body).includes('Access restored after'),
    5_000,
  );
  expect((await store().health.get('default'))?.lastSweepAt).toBe(sweptAt);
  expect(alerts()).toHaveLength(1);
});

test('de-dup survives a restart: the same event after it → 200, no re-check', async () => {
  await start();
  await watchRoadmap();
  await subscribe();
  const body = notion.event({ type: 'page.moved', entity: { id: ROADMAP_ID, type: 'page' } });
  const before = pageRequests(ROADMAP_ID).length;
  expect((await notion.send(body)).status).toBe(200);
  await until(() => pageRequests(ROADMAP_ID).length > before, 5_000, 'the re-check');
  await h.stopApp();
  await h.startApp();
  const afterRestart = pageRequests(ROADMAP_ID).length;
  expect((await notion.resend(body)).status).toBe(200);
  await sleep(DEBOUNCE_MS + 1_000);
  expect(pageRequests(ROADMAP_ID).length).toBe(afterRestart);
  expect(h.logs.text()).toContain('"outcome":"duplicate"');
  // A new event about the same page still re-checks it: the restart lost nothing else.
  expect(
    (await notion.send({ type: 'page.moved', entity: { id: ROADMAP_ID, type: 'page' } })).status,
  ).toBe(200);
  await until(() => pageRequests(ROADMAP_ID).length > afterRestart, 5_000, 'the re-check');
});
