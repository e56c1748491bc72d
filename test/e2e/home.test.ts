/**
 * The App Home tab over real HTTP (PRODUCT.md, "App Home"): `app_home_opened` publishes each
 * viewer's Home — the connections and their status; the watches of the channels they can see
 * (public ones, and private ones they are in), grouped by channel, with a 14-day strip from
 * the check history; the open alerts and walkthroughs with links to them; for admins an
 * `Add connection` button that opens the token modal (refused server-side for anyone else).
 * A failed membership lookup shows less and says so; 300 watches stay within 100 blocks.
 *
 * One app for the file. The set-up (beforeAll) watches pages in a public and a private
 * channel, runs a check that opens a walkthrough in each, and sweeps once so each channel has
 * an alert. The monitor sweeps only when told.
 */
import { randomBytes } from 'node:crypto';
import type { NotionCheckApp } from '../../src/app';
import { DAY_MS, utcDay } from '../../src/domain/home';
import { RateLimiter } from '../../src/notion/pacing';
import { HOME_FORM } from '../../src/slack/blocks/actions';
import { Store } from '../../src/store/store';
import { SLACK_IDS, type SlackBody, type SlackCall } from '../fakes/fakeSlack';
import { assertBlockKitLimits } from '../support/blockKitLimits';
import { buttons, findButton, messageText, visibleText } from '../support/blocks';
import { fakeNotionToken, Harness } from '../support/harness';
import {
  sendAppHomeOpened,
  sendHomeBlockAction,
  sendViewSubmission,
} from '../support/slackRequest';

const ROADMAP = '1a2b3c4d5e6f4a5b8c9d0e1f2a3b4c5d';
const SPECS = '2b3c4d5e6f7a4b5c9d0e1f2a3b4c5d6e';
const PAYROLL = '3c4d5e6f7a8b4c5d8e0f1a2b3c4d5e6f';
const SALARIES = '4d5e6f7a8b9c4d5e8f0a1b2c3d4e5f6a';

const PUBLIC = SLACK_IDS.channelId;
const PRIVATE = 'C0PRIVATE1';
const USER = SLACK_IDS.userId;
const ADMIN = SLACK_IDS.adminUserId;
/** A regular user in the private channel. */
const MEMBER = 'U0MEMBER1';
/** Another one, whose first Home meets a failing Slack. */
const LATECOMER = 'U0MEMBER2';

const REPORTS_TOKEN = fakeNotionToken('homereports');

let h: Harness;

function bot(): NotionCheckApp {
  if (!h.bot) throw new Error('the app is not running');
  return h.bot;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Midnight UTC `daysAgo` days before today, plus `minutes`. */
function dayAt(daysAgo: number, minutes: number): number {
  return (utcDay(Date.now()) - daysAgo) * DAY_MS + minutes * 60_000;
}

/** Check results of ROADMAP before today, as the history records them: the strip's data. */
const PAST_RESULTS: [daysAgo: number, category: 'ok' | 'access' | 'transient'][][] = [
  [
    [13, 'ok'],
    [13, 'ok'],
  ],
  // One failed check: suspect, and the run goes on past midnight…
  [
    [10, 'ok'],
    [10, 'access'],
  ],
  // …so the next day's first failure confirms it: failing.
  [[9, 'access']],
  // Notion did not answer all day: no verdict, and the failing run goes on…
  [
    [8, 'transient'],
    [8, 'transient'],
  ],
  // …so the first failure after it is the third in a row: failing, though it is back by evening.
  [
    [7, 'access'],
    [7, 'ok'],
  ],
  // Lost, back, lost, back: never two in a row, so suspect at worst.
  [
    [6, 'access'],
    [6, 'ok'],
    [6, 'access'],
    [6, 'ok'],
  ],
  // A Notion outage between two failures does not break the run: failing.
  [
    [5, 'access'],
    [5, 'transient'],
    [5, 'access'],
    [5, 'ok'],
  ],
];

/** 13 days ago … today; today's square comes from the watch command's own check. */
const EXPECTED_STRIP = '🟩⬜⬜🟨🟥🟦🟥🟨🟥⬜⬜⬜⬜🟩';

async function seedHistory(file: string): Promise<void> {
  const store = new Store(file);
  try {
    await store.history.record(
      PAST_RESULTS.flat().map(([daysAgo, category], index) => ({
        checkedAt: dayAt(daysAgo, 60 + index),
        connection: 'default',
        // As Notion spells it: with dashes (the watch stores another spelling; both are one id).
        target: ROADMAP.replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-'),
        targetType: 'page',
        category,
        diagnosisKind:
          category === 'ok' ? 'ok' : category === 'access' ? 'not_shared' : 'notion_unavailable',
        durationMs: 120,
      })),
    );
  } finally {
    await store.close();
  }
}

async function command(text: string, userId: string, channelId: string) {
  return (await h.command(text, { userId, channelId })).responseId;
}

async function watch(ids: string[], userId: string, channelId: string) {
  const id = await command(`watch ${ids.join(' ')}`, userId, channelId);
  await h.slack.waitForResponse(
    (post) => post.id === id && JSON.stringify(post.body).includes('watch list'),
    15_000,
  );
}

/** `/notion-check <page>` on an unshared page: a report and, in its thread, a walkthrough. */
async function openWalkthrough(page: string, userId: string, channelId: string) {
  await command(page, userId, channelId);
  await h.slack.waitFor(
    'chat.postMessage',
    (call) => call.body.channel === channelId && Boolean(call.body.thread_ts),
    15_000,
  );
}

/** Opens the Home tab as `userId`: the view the fake Slack was given, checked against limits. */
async function openHome(userId: string): Promise<SlackBody> {
  const before = new Set(h.slack.callsTo('views.publish'));
  const result = await sendAppHomeOpened(h.appUrl, h.signingSecret, { userId });
  expect(result.status).toBe(200);
  const call = await h.slack.waitFor(
    'views.publish',
    (each) => !before.has(each) && each.body.user_id === userId,
    15_000,
  );
  expect(call.error).toBeUndefined();
  const view = call.body.view as SlackBody;
  assertBlockKitLimits(view);
  expect(h.slack.homeViews.get(userId)).toEqual(view);
  return view;
}

const textOf = (view: SlackBody) => visibleText(view.blocks);

/** The line of the Home that names `title`. */
function lineWith(view: SlackBody, title: string): string {
  const line = textOf(view)
    .split('\n')
    .find((each) => each.includes(title));
  if (!line) throw new Error(`no line with "${title}" in:\n${textOf(view)}`);
  return line;
}

function alertPost(channelId: string): SlackCall {
  const found = h.slack
    .callsTo('chat.postMessage')
    .find(
      (call) =>
        !call.error &&
        call.body.channel === channelId &&
        messageText(call.body).includes('Notion access lost'),
    );
  if (!found) throw new Error(`no alert was posted in ${channelId}`);
  return found;
}

const permalinkOf = (channel: string, ts: string) =>
  `https://${SLACK_IDS.teamDomain}.slack.com/archives/${channel}/p${ts.replace('.', '')}`;

beforeAll(async () => {
  h = await new Harness({
    env: { CHECK_INTERVAL: '1h', ENCRYPTION_KEY: randomBytes(32).toString('hex') },
    limiter: new RateLimiter(100, 1_000),
    beforeAppStart: (harness) => seedHistory(harness.databasePath),
  }).start();
  await bot().monitor.stop(0);
  h.slack.setUser({ id: MEMBER, name: 'member.one' });
  h.slack.setUser({ id: LATECOMER, name: 'member.two' });
  h.slack.setChannel({ id: PUBLIC, name: 'general', is_private: false, members: [USER, ADMIN] });
  h.slack.setChannel({
    id: PRIVATE,
    name: 'payroll',
    is_private: true,
    members: [ADMIN, MEMBER, LATECOMER],
  });
  h.notion.addIntegration({ token: REPORTS_TOKEN, name: 'Reporting Job', workspaceName: 'Acme' });
  for (const [id, title, shared] of [
    [ROADMAP, 'Roadmap', true],
    [SPECS, 'Specs', false],
    [PAYROLL, 'Secret Payroll', false],
    [SALARIES, 'Secret Salaries', false],
  ] as const) {
    h.notion.addPage({ id, title, sharedWith: shared ? [h.notionToken] : [] });
  }
  // Titles come from Notion: share the lost pages while they are added, then lose them.
  for (const id of [SPECS, PAYROLL]) h.notion.share(id, h.notionToken);
  await watch([ROADMAP, SPECS], USER, PUBLIC);
  await watch([PAYROLL], ADMIN, PRIVATE);
  for (const id of [SPECS, PAYROLL]) h.notion.unshare(id, h.notionToken);
  // Two failed checks in a row (the sweep's, then its confirmation) alert each channel.
  await bot().monitor.sweep('default');
  await bot().monitor.sweep('default');
  alertPost(PUBLIC);
  alertPost(PRIVATE);
  await openWalkthrough(SPECS, USER, PUBLIC);
  await openWalkthrough(SALARIES, ADMIN, PRIVATE);
}, 60_000);

afterAll(async () => {
  await h.stop();
});

describe('who sees what', () => {
  test('a member sees the public channel: watches with their state, the alert and the walkthrough, linked; nothing private', async () => {
    const view = await openHome(USER);
    const text = textOf(view);
    expect(text).toContain(`<#${PUBLIC}>`);
    expect(lineWith(view, 'Roadmap')).toContain(':white_check_mark:');
    expect(lineWith(view, 'Specs')).toContain(':x:');
    expect(lineWith(view, 'Specs')).toContain('failing since');
    // Nothing of the private channel: not its watches, alerts, walkthroughs, nor its name.
    expect(JSON.stringify(view)).not.toContain('Secret');
    expect(JSON.stringify(view)).not.toContain(PRIVATE);
    expect(text).not.toContain('did not tell me');

    // The alert, with a link to its message (where its buttons work), and the walkthrough.
    const alert = alertPost(PUBLIC);
    const alertLine = lineWith(view, 'Notion access lost');
    expect(alertLine).toContain(
      `<${permalinkOf(PUBLIC, String(alert.response?.ts))}|Open the alert>`,
    );
    const [place] = (await bot().services.store.openWork.openWalkthroughPlaces()).filter(
      (each) => each.channelId === PUBLIC,
    );
    const walkthrough = await bot().services.store.openWork.walkthrough(place?.id ?? '');
    expect(walkthrough?.messageTs).toBeDefined();
    const walkthroughLine = lineWith(view, 'Open the walkthrough');
    expect(walkthroughLine).toContain(
      `<${permalinkOf(PUBLIC, String(walkthrough?.messageTs))}|Open the walkthrough>`,
    );
    expect(walkthroughLine).toContain('Verify page sharing settings');

    // The connection and its status.
    expect(lineWith(view, 'Zapier Sync')).toContain('works');
  });

  test('a member of the private channel also sees its watches, alert and walkthrough', async () => {
    const view = await openHome(MEMBER);
    const text = textOf(view);
    expect(text).toContain(`<#${PRIVATE}>`);
    expect(lineWith(view, 'Secret Payroll')).toContain(':x:');
    const alert = alertPost(PRIVATE);
    expect(text).toContain(`<${permalinkOf(PRIVATE, String(alert.response?.ts))}|Open the alert>`);
    expect(text.match(/Open the walkthrough/g)).toHaveLength(2);
    // And the public channel as well.
    expect(text).toContain('Roadmap');
  });

  test('a failed membership lookup shows less (no private channel) and says so; the next open shows it', async () => {
    h.slack.failNext('users.conversations', 'internal_error');
    const view = await openHome(LATECOMER);
    const text = textOf(view);
    expect(JSON.stringify(view)).not.toContain('Secret');
    expect(JSON.stringify(view)).not.toContain(PRIVATE);
    expect(text).toContain('Slack did not tell me which private channels you are in');
    expect(text).toContain('Roadmap');
    // A failure is not remembered: the next open asks again.
    const again = await openHome(LATECOMER);
    expect(textOf(again)).toContain('Secret Payroll');
    expect(textOf(again)).not.toContain('did not tell me');
  });

  test('a channel Slack could not describe is hidden from non-members, and the Home says so', async () => {
    // A public channel the viewer is not in, looked up for the first time while Slack fails.
    const channel = 'C0NEWPUBLIC';
    h.slack.setChannel({ id: channel, name: 'launch', is_private: false, members: [] });
    const store = bot().services.store;
    await store.watches.add({
      channelId: channel,
      connection: 'default',
      resourceId: ROADMAP,
      resourceType: 'page',
      title: 'Launch plan',
      addedBy: ADMIN,
      addedAt: Date.now(),
      status: { state: 'ok', since: Date.now() },
    });
    try {
      h.slack.failNext('conversations.info', 'internal_error');
      const view = await openHome(USER);
      expect(textOf(view)).not.toContain('Launch plan');
      expect(textOf(view)).toContain('Slack did not tell me about some channels');
      const again = await openHome(USER);
      expect(textOf(again)).toContain('Launch plan');
    } finally {
      await store.watches.remove(channel, ROADMAP);
    }
  });

  test('a private channel the bot is not in stays hidden: Slack calls it not found, which is no failure', async () => {
    const channel = 'C0BOTLESS1';
    h.slack.setChannel({ id: channel, is_private: true, is_member: false, members: [] });
    const store = bot().services.store;
    await store.watches.add({
      channelId: channel,
      connection: 'default',
      resourceId: SPECS,
      resourceType: 'page',
      title: 'Hidden plans',
      addedBy: ADMIN,
      addedAt: Date.now(),
      status: { state: 'ok', since: Date.now() },
    });
    try {
      const view = await openHome(USER);
      expect(textOf(view)).not.toContain('Hidden plans');
      expect(textOf(view)).not.toContain('did not tell me');
    } finally {
      await store.watches.remove(channel, SPECS);
    }
  });

  test('the Messages tab publishes nothing; every Home open publishes again', async () => {
    const before = h.slack.callsTo('views.publish').length;
    const messages = await sendAppHomeOpened(h.appUrl, h.signingSecret, {
      userId: USER,
      tab: 'messages',
    });
    expect(messages.status).toBe(200);
    await openHome(USER);
    await openHome(USER);
    // Whatever the Messages tab started has finished by now (the app tracks its work).
    for (let i = 0; i < 100 && bot().services.inflight.size > 0; i++) await sleep(20);
    expect(h.slack.callsTo('views.publish').length - before).toBe(2);
  });
});

describe('the 14-day strip', () => {
  test('one square per day: the worst state of that day, from the recorded check results', async () => {
    const view = await openHome(USER);
    expect(lineWith(view, 'Roadmap')).toContain(`${EXPECTED_STRIP} :white_check_mark:`);
    // The legend says what each square means.
    expect(textOf(view)).toContain('Last 14 days, one square a day (UTC), today last');
  });

  test('new check results land in today’s square: a failing page is red today', async () => {
    const view = await openHome(USER);
    // Specs failed at its watch check (suspect), then at two sweeps: failing today.
    expect(lineWith(view, 'Specs')).toMatch(/⬜🟥 :x:/);
  });
});

describe('alerts from Home', () => {
  test('an alert button clicked from Home changes nothing (it acts on its own message only): Home links to the message instead', async () => {
    const alert = alertPost(PUBLIC);
    const id = findButton(alert.body.blocks, 'Acknowledge').value;
    const result = await sendHomeBlockAction(h.appUrl, h.signingSecret, {
      actionId: 'alert_acknowledge',
      value: id,
      userId: USER,
    });
    expect(result.status).toBe(200);
    for (let i = 0; i < 50 && !h.logs.text().includes('button failed'); i++) await sleep(50);
    expect((await bot().services.store.alerts.get(id))?.acknowledgedBy).toBeUndefined();
    // So Home offers no alert button that would fail, only the link.
    const view = await openHome(USER);
    const labels = buttons(view.blocks).map((each) => each.text.text);
    expect(labels).not.toContain('Acknowledge');
    expect(labels).not.toContain('Start fix');
    expect(textOf(view)).toContain('are on each alert: open it to use them');
  });
});

describe('Add connection', () => {
  test('a non-admin gets no Add connection button, and a crafted click is refused server-side', async () => {
    const view = await openHome(USER);
    expect(buttons(view.blocks).map((each) => each.text.text)).not.toContain('Add connection');
    expect(JSON.stringify(view.blocks)).not.toContain(HOME_FORM.blockId);

    const before = new Set(h.slack.callsTo('views.open'));
    const result = await sendHomeBlockAction(h.appUrl, h.signingSecret, {
      actionId: 'home_add_connection',
      value: 'add',
      userId: USER,
      values: { [HOME_FORM.blockId]: { [HOME_FORM.actionId]: 'evil' } },
    });
    expect(result.status).toBe(200);
    const opened = await h.slack.waitFor('views.open', (call) => !before.has(call));
    const modal = opened.body.view as SlackBody;
    expect(modal.callback_id).toBeUndefined();
    expect(JSON.stringify(modal)).toContain(
      'Only workspace admins and owners can change Notion tokens',
    );
    expect(
      h.slack
        .callsTo('views.open')
        .filter((call) => !before.has(call))
        .map((call) => (call.body.view as SlackBody).callback_id),
    ).toEqual([undefined]);
  });

  test('an admin gets the button; it opens the token modal for the typed name, and the new connection shows as the form closes', async () => {
    const view = await openHome(ADMIN);
    const add = findButton(view.blocks, 'Add connection');
    expect(JSON.stringify(view.blocks)).toContain(HOME_FORM.blockId);

    const before = new Set(h.slack.callsTo('views.open'));
    await sendHomeBlockAction(h.appUrl, h.signingSecret, {
      actionId: add.action_id,
      value: add.value,
      userId: ADMIN,
      values: { [HOME_FORM.blockId]: { [HOME_FORM.actionId]: ' Reports ' } },
    });
    const opened = await h.slack.waitFor('views.open', (call) => !before.has(call));
    const modal = opened.body.view as SlackBody;
    expect(modal.callback_id).toBe('token_modal');
    expect(JSON.parse(String(modal.private_metadata))).toEqual({
      connection: 'reports',
      fromHome: true,
    });

    const saved = await sendViewSubmission(h.appUrl, h.signingSecret, {
      callbackId: 'token_modal',
      privateMetadata: String(modal.private_metadata),
      values: { token_input: { token_value: REPORTS_TOKEN } },
      userId: ADMIN,
    });
    expect(saved.json).toEqual({ response_action: 'clear' });
    // The Home is published again as the form closes, with the new connection in it.
    const refreshed = await h.slack.waitFor(
      'views.publish',
      (call) =>
        call.body.user_id === ADMIN && JSON.stringify(call.body.view).includes('Reporting Job'),
    );
    expect(JSON.stringify(refreshed.body.view)).toContain('Reporting Job');
    const after = await openHome(ADMIN);
    expect(lineWith(after, 'Reporting Job')).toContain('works');
    // Two connections now: each watch names its connection.
    expect(lineWith(after, 'Roadmap')).toContain('`default`');
  });

  test('an empty or invalid name is refused in a small modal, the token modal is not opened', async () => {
    for (const [typed, words] of [
      ['', 'Type a name for the connection first'],
      ['no spaces!', "can't be a connection name"],
    ] as const) {
      const before = new Set(h.slack.callsTo('views.open'));
      await sendHomeBlockAction(h.appUrl, h.signingSecret, {
        actionId: 'home_add_connection',
        value: 'add',
        userId: ADMIN,
        values: { [HOME_FORM.blockId]: { [HOME_FORM.actionId]: typed } },
      });
      const opened = await h.slack.waitFor('views.open', (call) => !before.has(call));
      expect((opened.body.view as SlackBody).callback_id).toBeUndefined();
      expect(JSON.stringify(opened.body.view)).toContain(words);
    }
  });
});

describe('many watches', () => {
  const BULK = Array.from({ length: 20 }, (_, c) => `C0BULK${String(c).padStart(3, '0')}`);
  const PER_CHANNEL = 15;

  afterAll(async () => {
    const store = bot().services.store;
    for (const channel of BULK) {
      for (const each of await store.watches.inChannel(channel)) {
        await store.watches.remove(channel, each.resourceId);
      }
    }
  });

  test('300 watches in 20 channels stay within 100 blocks and say what was cut, per channel and in all', async () => {
    const store = bot().services.store;
    const now = Date.now();
    for (const [c, channel] of BULK.entries()) {
      h.slack.setChannel({ id: channel, is_private: false, members: [] });
      for (let i = 0; i < PER_CHANNEL; i++) {
        const state = i % 10 === 0 ? 'failing' : i % 10 === 1 ? 'suspect' : 'ok';
        await store.watches.add({
          channelId: channel,
          connection: 'default',
          resourceId: (c * 1000 + i + 1).toString(16).padStart(32, '0'),
          resourceType: 'page',
          title: `Bulk page ${c}-${i} ${'with a long title '.repeat(4)}`,
          url: `https://www.notion.so/acme/Bulk-${c}-${i}`,
          addedBy: ADMIN,
          addedAt: now,
          status: {
            state,
            since: now - i * 60_000,
            kind: state === 'ok' ? undefined : 'not_shared',
          },
        });
      }
    }
    const view = await openHome(USER);
    expect((view.blocks as unknown[]).length).toBeLessThanOrEqual(100);
    const text = textOf(view);
    expect(text).toContain('Watches (302)');
    // The worst channels first (2 failing each; #general has 1), each with its worst first.
    const titles = text.match(/\*<#C0BULK\d+>\* — 15 watches: 2 failing, 2 suspect/g) ?? [];
    expect(titles).toHaveLength(15);
    const cuts = [...text.matchAll(/…and (\d+) more watches in <#(C0BULK\d+)>/g)];
    expect(cuts).toHaveLength(15);
    const lines = text.split('\n').filter((line) => line.includes('Bulk page'));
    expect(lines.length + cuts.reduce((sum, cut) => sum + Number(cut[1]), 0)).toBe(15 * 15);
    expect(lines[0]).toContain(':x:');
    // The channels left out, counted: 5 bulk ones and #general (2 watches).
    expect(text).toContain('…and 6 more channels with 77 watches');
  });
});
