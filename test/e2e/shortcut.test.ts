/**
 * The message shortcut `Check Notion links` over real HTTP (PRODUCT.md, "Message shortcut"):
 * every Notion link in the message checked with the channel's connection, the report in the
 * message's thread with the walkthrough under it, privately where the bot may not post, acked
 * at once, once per delivery.
 *
 * One app for the file; each test uses messages of its own (their own ts), and starts with
 * both tokens valid, every page shared as in beforeAll, no Notion faults and empty call logs.
 */
import { randomBytes } from 'node:crypto';
import type { NotionCheckApp } from '../../src/app';
import { RateLimiter } from '../../src/notion/pacing';
import type { SlackCall, SlackResponseUrlPost } from '../fakes/fakeSlack';
import { SLACK_IDS } from '../fakes/fakeSlack';
import { assertBlockKitLimits } from '../support/blockKitLimits';
import { buttons, messageText } from '../support/blocks';
import { fakeNotionToken, Harness } from '../support/harness';
import {
  type SignOptions,
  sendMessageShortcut,
  sendSlashCommand,
  sendViewSubmission,
} from '../support/slackRequest';

const CALLBACK_ID = 'check_notion_links';
const ROADMAP = '1a2b3c4d5e6f4a5b8c9d0e1f2a3b4c5d';
const SPECS = '2b3c4d5e6f7a4b5c9d0e1f2a3b4c5d6e';
const KPIS = '4d5e6f7a8b9c4d5e8f0a1b2c3d4e5f6a';
const CHANNEL = SLACK_IDS.channelId;
const USER = SLACK_IDS.userId;
const ADMIN = SLACK_IDS.adminUserId;
const roadmapUrl = `https://www.notion.so/acme/Roadmap-${ROADMAP}`;
const specsUrl = `https://www.notion.so/acme/Specs-${SPECS}`;

const REPORTS_TOKEN = fakeNotionToken('reports');
/** 21 pages, all shared: one more than a check takes. */
const MANY = Array.from({ length: 21 }, (_, i) => `${(i + 16).toString(16)}${'e'.repeat(30)}`);

let h: Harness;

function bot(): NotionCheckApp {
  if (!h.bot) throw new Error('the app is not running');
  return h.bot;
}

const dashed = (id: string) =>
  `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;

/** The requests made for one page (any endpoint), besides users.me. */
const requestsFor = (id: string) =>
  h.notion.requests.filter((request) => request.path.endsWith(`/${dashed(id)}`));

let messageCount = 0;
/** A ts no message of the fake's (1700000000.…) has: each test's messages are its own. */
function newMessageTs(): string {
  messageCount += 1;
  return `1690000000.${String(messageCount * 100).padStart(6, '0')}`;
}

interface Message {
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  threadTs?: string;
}

interface Used {
  ts: string;
  responseId: string;
  ack: { status: number; body: string };
  /** The next response_url post of this use containing `fragment`. */
  reply(fragment: string): Promise<SlackResponseUrlPost>;
  replies(): SlackResponseUrlPost[];
}

/** Uses the shortcut on a new message (or `again` on the same one) in `channelId`. */
async function useShortcut(
  message: Message,
  options: {
    channelId?: string;
    userId?: string;
    again?: Used;
    actionTs?: string;
    sign?: SignOptions;
  } = {},
): Promise<Used> {
  const ts = options.again?.ts ?? newMessageTs();
  const responseId = options.again?.responseId ?? `shortcut-${randomBytes(4).toString('hex')}`;
  const result = await sendMessageShortcut(
    h.appUrl,
    h.signingSecret,
    {
      callbackId: CALLBACK_ID,
      message: { ts, ...message },
      responseUrl: h.slack.responseUrl(responseId),
      channelId: options.channelId ?? CHANNEL,
      userId: options.userId ?? USER,
      actionTs: options.actionTs,
    },
    options.sign,
  );
  const replies = () => h.slack.responses.filter((post) => post.id === responseId);
  return {
    ts,
    responseId,
    ack: { status: result.status, body: result.body },
    reply: (fragment) =>
      h.slack.waitForResponse(
        (post) => post.id === responseId && JSON.stringify(post.body).includes(fragment),
        15_000,
      ),
    replies,
  };
}

const isReport = (call: SlackCall) => messageText(call.body).includes('Notion access check');

/** The report posted in this thread of `channelId`. */
async function reportIn(threadTs: string, channelId: string = CHANNEL): Promise<SlackCall> {
  const call = await h.slack.waitFor(
    'chat.postMessage',
    (c) => !c.error && c.body.channel === channelId && c.body.thread_ts === threadTs && isReport(c),
    15_000,
  );
  assertBlockKitLimits(call.body);
  return call;
}

/** What the app posted in `channelId` (the calls Slack accepted). */
const postedIn = (channelId: string) =>
  h.slack.callsTo('chat.postMessage').filter((c) => !c.error && c.body.channel === channelId);

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

/** Opens the token modal for `name` as the admin and submits `token` in it. */
async function setToken(name: string, token: string): Promise<void> {
  await sendSlashCommand(h.appUrl, h.signingSecret, {
    text: `token ${name}`,
    userId: ADMIN,
    responseUrl: h.slack.responseUrl(`token-${randomBytes(4).toString('hex')}`),
  });
  const opened = await h.slack.waitFor('views.open');
  const view = opened.body.view as { private_metadata: string; callback_id: string };
  const shown = (opened.response as { view?: { id?: string; hash?: string } } | undefined)?.view;
  const saved = await sendViewSubmission(h.appUrl, h.signingSecret, {
    callbackId: view.callback_id,
    privateMetadata: view.private_metadata,
    values: { token_input: { token_value: token } },
    userId: ADMIN,
    viewId: shown?.id,
    hash: shown?.hash,
  });
  expect(saved.status).toBe(200);
}

beforeAll(async () => {
  h = await new Harness({
    env: { ENCRYPTION_KEY: randomBytes(32).toString('base64'), CHECK_INTERVAL: '1h' },
    // Pacing as in production would make the 21-page test take seconds; nothing here counts it.
    limiter: new RateLimiter(50, 1_000),
  }).start();
  await bot().monitor.stop(0);
  h.notion.addIntegration({ token: REPORTS_TOKEN, name: 'Reporting Job', workspaceName: 'Acme' });
  h.notion.addPage({ id: ROADMAP, title: 'Roadmap', sharedWith: [h.notionToken] });
  h.notion.addPage({ id: SPECS, title: 'Specs', sharedWith: [h.notionToken] });
  h.notion.addPage({ id: KPIS, title: 'KPIs', sharedWith: [REPORTS_TOKEN] });
  MANY.forEach((id, i) => {
    h.notion.addPage({ id, title: `Page ${i + 1}`, sharedWith: [h.notionToken] });
  });
});

beforeEach(() => {
  h.notion.clearFaults();
  h.notion.releaseHeld();
  h.notion.share(SPECS, h.notionToken);
  h.slack.clearFailures();
  h.slack.reset();
  h.notion.reset();
});

afterAll(async () => {
  await h.stop();
  // No secret reached a log line (h.stop checks) or anything sent to Slack.
  const sentToSlack = JSON.stringify([
    h.slack.calls.map(({ body: { token: _auth, ...content } }) => content),
    h.slack.responses.map((post) => post.body),
  ]);
  for (const secret of [h.notionToken, REPORTS_TOKEN, h.slack.botToken, h.signingSecret]) {
    expect(sentToSlack).not.toContain(secret);
  }
});

test('two links, one not shared → the report in the message’s thread naming both, the walkthrough under it', async () => {
  h.notion.unshare(SPECS, h.notionToken);
  const used = await useShortcut({
    text: `Roadmap: <${roadmapUrl}|the roadmap>, specs: ${specsUrl}`,
  });
  expect(used.ack).toEqual({ status: 200, body: '' });

  const progress = await used.reply('Checking');
  expect(progress.body.response_type).toBe('ephemeral');
  expect(JSON.stringify(progress.body)).toContain('2 pages');

  const report = await reportIn(used.ts);
  const text = messageText(report.body);
  expect(text).toContain('Zapier Sync');
  expect(text).toContain('Roadmap');
  expect(text).toContain(':white_check_mark:');
  expect(text).toContain('Not shared with the integration (or deleted)');
  expect(text).toContain(SPECS);

  const reportTs = String(report.response?.ts);
  const walkthrough = await h.slack.waitFor(
    'chat.postMessage',
    (c) => c.body.thread_ts === reportTs && buttons(c.body.blocks).length > 0,
    15_000,
  );
  assertBlockKitLimits(walkthrough.body);
  expect(walkthrough.body.channel).toBe(CHANNEL);
  expect(messageText(walkthrough.body)).toContain('Verify page sharing settings');
  // Nothing at the channel's top level: the report is a reply to the message.
  expect(postedIn(CHANNEL).filter((c) => !c.body.thread_ts)).toHaveLength(0);
});

test('a message with no Notion links → a private note saying so, nothing posted, Notion not asked', async () => {
  const used = await useShortcut({
    text: 'Docs at <https://example.com/1a2b3c4d5e6f4a5b8c9d0e1f2a3b4c5d|here> and <https://www.notion.so/my-integrations>',
  });
  expect(used.ack).toEqual({ status: 200, body: '' });
  const note = await used.reply('no Notion links');
  expect(note.body.response_type).toBe('ephemeral');
  await settle();
  expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  expect(h.slack.callsTo('chat.postEphemeral')).toHaveLength(0);
  expect(h.notion.requests).toHaveLength(0);
  expect(used.replies()).toHaveLength(1);
});

test('Slack-escaped links with &amp; are read as the link Notion gave', async () => {
  h.notion.unshare(SPECS, h.notionToken);
  const used = await useShortcut({ text: `see <${specsUrl}?pvs=4&amp;utm=slack|the specs>!` });
  const text = messageText((await reportIn(used.ts)).body);
  expect(requestsFor(SPECS).length).toBeGreaterThan(0);
  // Not found, so the report links the page as it was written in the message: `&`, once.
  expect(text).toContain(`${specsUrl}?pvs=4&utm=slack|`);
  expect(text).not.toContain('&amp;');
});

test('a link only in the message’s blocks (rich_text) is checked', async () => {
  const used = await useShortcut({
    text: 'See the roadmap',
    blocks: [
      {
        type: 'rich_text',
        block_id: 'b1',
        elements: [
          {
            type: 'rich_text_section',
            elements: [
              { type: 'text', text: 'See ' },
              { type: 'link', url: roadmapUrl, text: 'the roadmap' },
            ],
          },
        ],
      },
    ],
  });
  const text = messageText((await reportIn(used.ts)).body);
  expect(text).toContain('Roadmap');
  expect(text).toContain('all good');
  expect(requestsFor(ROADMAP)).toHaveLength(1);
});

test('the same page linked several ways (text, blocks, an attachment) is checked once', async () => {
  const started = Date.now();
  const used = await useShortcut({
    text: `<${roadmapUrl}> and <https://acme.notion.site/${ROADMAP}?pvs=4|public copy>`,
    blocks: [{ type: 'rich_text', elements: [{ type: 'link', url: roadmapUrl }] }],
    attachments: [{ title: 'Roadmap', title_link: roadmapUrl, from_url: roadmapUrl }],
  });
  await reportIn(used.ts);
  expect(requestsFor(ROADMAP)).toHaveLength(1);
  // The check's history: one entry for the page (the token's own aside).
  const entries = (await bot().services.store.history.recent(5)).filter(
    (entry) => entry.checkedAt >= started && entry.target.replace(/-/g, '') === ROADMAP,
  );
  expect(entries).toHaveLength(1);
});

test('more links than a check takes → the first 20, and the note says so', async () => {
  const text = MANY.map((id, i) => `<https://www.notion.so/acme/Page-${id}|page ${i + 1}>`).join(
    ' ',
  );
  const used = await useShortcut({ text });
  const progress = JSON.stringify((await used.reply('Checking')).body);
  expect(progress).toContain('21');
  expect(progress).toContain('first 20');
  await reportIn(used.ts);
  expect(MANY.slice(0, 20).every((id) => requestsFor(id).length === 1)).toBe(true);
  expect(requestsFor(MANY[20] as string)).toHaveLength(0);
});

test('on a reply, the report goes in the same thread (the parent’s ts), as Slack wants', async () => {
  const parent = newMessageTs();
  const used = await useShortcut({ text: roadmapUrl, threadTs: parent });
  const report = await reportIn(parent);
  expect(report.body.thread_ts).not.toBe(used.ts);
});

test.each([
  ['a public channel the bot is not in', { id: 'C0NOTIN01', is_member: false }, 'not_in_channel'],
  [
    'a private channel the bot is not in',
    { id: 'G0PRIVATE1', is_private: true, is_member: false },
    'channel_not_found',
  ],
])('%s → the report and the fix steps reach the user privately', async (_label, channel, error) => {
  h.slack.setChannel(channel);
  h.notion.unshare(SPECS, h.notionToken);
  const used = await useShortcut({ text: `${roadmapUrl} ${specsUrl}` }, { channelId: channel.id });
  const fallback = await used.reply('/invite');
  expect(fallback.body.response_type).toBe('ephemeral');
  assertBlockKitLimits(fallback.body);
  const text = JSON.stringify(fallback.body);
  expect(text).toContain(error);
  expect(text).toContain('Roadmap');
  expect(text).toContain('Not shared with the integration');
  const steps = await used.reply('Verify page sharing settings');
  expect(steps.body.response_type).toBe('ephemeral');
  // Slack refused the report in the thread; nothing else was tried there.
  const tried = h.slack.callsTo('chat.postMessage').filter((c) => c.body.channel === channel.id);
  expect(tried.map((c) => [c.error, c.body.thread_ts])).toEqual([[error, used.ts]]);
});

test('the ack goes out before Notion answers anything', async () => {
  h.notion.fault({ fault: { kind: 'hold' } });
  const seen = h.notion.waitForRequest(() => true, 10_000);
  const used = await useShortcut({ text: roadmapUrl });
  // Answered by the app, not by the receiver's unhandled-request timeout (a 404 after 2.9 s).
  expect(used.ack).toEqual({ status: 200, body: '' });
  await seen;
  expect(h.notion.requests.every((request) => request.status === null)).toBe(true);
  expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  h.notion.clearFaults();
  h.notion.releaseHeld();
  await reportIn(used.ts);
});

test('a retried delivery (same action_ts) posts one report', async () => {
  const actionTs = `${Math.floor(Date.now() / 1000)}.123456`;
  const first = await useShortcut({ text: roadmapUrl }, { actionTs });
  const retry = await useShortcut(
    { text: roadmapUrl },
    { again: first, actionTs, sign: { retryNum: 1 } },
  );
  expect(retry.ack.status).toBe(200);
  await reportIn(first.ts);
  await settle();
  expect(postedIn(CHANNEL).filter(isReport)).toHaveLength(1);
  expect(
    first.replies().filter((post) => JSON.stringify(post.body).includes('Checking')),
  ).toHaveLength(1);
  expect(requestsFor(ROADMAP)).toHaveLength(1);
});

test('used twice on the same message at once → one report, and “already on it”', async () => {
  const first = await useShortcut({ text: roadmapUrl });
  const second = await useShortcut({ text: roadmapUrl }, { again: first });
  await second.reply('Already on it');
  await reportIn(first.ts);
  await settle();
  expect(postedIn(CHANNEL).filter(isReport)).toHaveLength(1);
});

test('uses the channel’s connection (`/notion-check use`)', async () => {
  await setToken('reports', REPORTS_TOKEN);
  const OTHER = 'C0REPORTS';
  const use = await sendSlashCommand(h.appUrl, h.signingSecret, {
    text: 'use reports',
    channelId: OTHER,
    responseUrl: h.slack.responseUrl('use-reports'),
  });
  expect(use.status).toBe(200);
  expect(await bot().services.directory.choose(OTHER)).toEqual({ ok: true, name: 'reports' });

  const used = await useShortcut(
    { text: `https://www.notion.so/acme/KPIs-${KPIS}` },
    { channelId: OTHER },
  );
  const text = messageText((await reportIn(used.ts, OTHER)).body);
  expect(text).toContain('Reporting Job');
  expect(text).toContain('KPIs');
  expect(text).toContain('all good');
  expect(h.notion.requestsFor(REPORTS_TOKEN).some((r) => r.path.endsWith(dashed(KPIS)))).toBe(true);
  expect(h.notion.requestsFor(h.notionToken)).toHaveLength(0);
});
