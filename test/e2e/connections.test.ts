/**
 * Named connections over real HTTP (PRODUCT.md, "Connections"): a second integration added with
 * `/notion-check token reports`, checked side by side with `default` (each token only on its own
 * pages), `use` per channel, `-c` per command, unknown names, `connections`, `disconnect` with
 * its Remove button, and a revoked token alerting only its own connection's channels.
 *
 * One app for the file; each test starts from a clean slate (no watches, no channel choices,
 * no open alerts, both tokens valid, `reports` connected) and the monitor sweeps only when told.
 */
import { randomBytes } from 'node:crypto';
import type { NotionCheckApp } from '../../src/app';
import type { SlackCall, SlackResponseUrlPost } from '../fakes/fakeSlack';
import { SLACK_IDS } from '../fakes/fakeSlack';
import { assertBlockKitLimits } from '../support/blockKitLimits';
import { findButton, messageText } from '../support/blocks';
import { fakeNotionToken, Harness, type SentCommand } from '../support/harness';
import { type SlackHttpResult, sendBlockAction, sendViewSubmission } from '../support/slackRequest';

const ROADMAP = '1a2b3c4d5e6f4a5b8c9d0e1f2a3b4c5d';
const SPECS = '2b3c4d5e6f7a4b5c9d0e1f2a3b4c5d6e';
const KPIS = '4d5e6f7a8b9c4d5e8f0a1b2c3d4e5f6a';
const REVENUE = '5e6f7a8b9c0d4e5f9a1b2c3d4e5f6a7b';
const CHANNEL = SLACK_IDS.channelId;
const OTHER = 'C0OTHER01';
const THIRD = 'C0THIRD01';
const ADMIN = SLACK_IDS.adminUserId;
const USER = SLACK_IDS.userId;

const REPORTS_TOKEN = fakeNotionToken('reports');
const REPORTS = { token: REPORTS_TOKEN, name: 'Reporting Job', workspaceName: 'Acme Analytics' };

let h: Harness;

function bot(): NotionCheckApp {
  if (!h.bot) throw new Error('the app is not running');
  return h.bot;
}

const compact = (text: string) => text.replace(/-/g, '');

/** The Notion pages (ids without dashes) a token was used on, besides users.me. */
function pagesAskedWith(token: string): string[] {
  return [
    ...new Set(
      h.notion
        .requestsFor(token)
        .filter((request) => !request.path.startsWith('/v1/users'))
        .map((request) => compact(request.path.split('/').at(-1) ?? '')),
    ),
  ].sort();
}

function command(
  text: string,
  options: { userId?: string; channelId?: string } = {},
): Promise<SentCommand> {
  return h.command(text, {
    userId: options.userId ?? USER,
    channelId: options.channelId ?? CHANNEL,
  });
}

/** `/notion-check …` (a check): the report it posted in `channel`. */
async function check(text: string, channelId: string = CHANNEL): Promise<string> {
  const before = new Set(h.slack.callsTo('chat.postMessage'));
  await command(text, { channelId });
  const report = await h.slack.waitFor(
    'chat.postMessage',
    (call) =>
      !before.has(call) &&
      !call.body.thread_ts &&
      call.body.channel === channelId &&
      messageText(call.body).includes('Notion access check'),
    15_000,
  );
  assertBlockKitLimits(report.body);
  return messageText(report.body);
}

/** `watch …`: the answer posted in the channel. */
async function watch(text: string, channelId: string = CHANNEL): Promise<string> {
  const sent = await command(`watch ${text}`, { channelId });
  return JSON.stringify((await sent.reply('watch list')).body);
}

/** `list …`: what the ack shows. */
async function list(text = '', channelId: string = CHANNEL): Promise<string> {
  return (await command(`list ${text}`.trim(), { channelId })).ack;
}

/** Who watches what with which connection, as stored. */
async function watches(): Promise<string[]> {
  const names = ['default', 'reports'];
  const byName = await Promise.all(
    names.map((name) => bot().services.store.watches.forConnection(name)),
  );
  return names
    .flatMap((name, index) =>
      (byName[index] ?? []).map((each) => `${each.channelId}:${name}:${compact(each.resourceId)}`),
    )
    .sort();
}

/** Lets the same text be sent again at once (the double-submit guard remembers 5 s). */
async function forgetDoubleSubmits(): Promise<void> {
  await bot().services.store.dedupe.prune(0, Date.now() + 60_000);
}

/** Opens the token modal for `name` as the admin and submits `token` in it. */
async function setToken(name: string, token: string): Promise<SlackHttpResult> {
  const before = new Set(h.slack.callsTo('views.open'));
  await command(`token ${name}`, { userId: ADMIN });
  const opened = await h.slack.waitFor('views.open', (call) => !before.has(call));
  const view = opened.body.view as { private_metadata: string; callback_id: string };
  const shown = (opened.response as { view?: { id?: string; hash?: string } } | undefined)?.view;
  return sendViewSubmission(h.appUrl, h.signingSecret, {
    callbackId: view.callback_id,
    privateMetadata: view.private_metadata,
    values: { token_input: { token_value: token } },
    userId: ADMIN,
    viewId: shown?.id,
    hash: shown?.hash,
  });
}

/** Clicks the Remove button of a `disconnect` confirmation (a response_url post) as `userId`. */
async function pressRemove(confirmation: SlackResponseUrlPost, userId: string) {
  const remove = findButton(confirmation.body.blocks, 'Remove');
  const responseId = `remove-${randomBytes(4).toString('hex')}`;
  const response = await sendBlockAction(h.appUrl, h.signingSecret, {
    actionId: remove.action_id,
    value: remove.value,
    userId,
    channelId: CHANNEL,
    responseUrl: h.slack.responseUrl(responseId),
  });
  expect(response.status).toBe(200);
  return h.slack.waitForResponse((post) => post.id === responseId, 15_000);
}

function alertsIn(channel: string): SlackCall[] {
  return h.slack
    .callsTo('chat.postMessage')
    .filter(
      (call) =>
        !call.error &&
        call.body.channel === channel &&
        messageText(call.body).includes('Notion access lost'),
    );
}

beforeAll(async () => {
  h = await new Harness({
    // The monitor sweeps only when a test says so (h.bot.monitor.sweep).
    env: { ENCRYPTION_KEY: randomBytes(32).toString('base64'), CHECK_INTERVAL: '1h' },
  }).start();
  await bot().monitor.stop(0);
  h.notion.addPage({ id: ROADMAP, title: 'Roadmap', sharedWith: [h.notionToken] });
  h.notion.addPage({ id: SPECS, title: 'Specs', sharedWith: [h.notionToken] });
  h.notion.addPage({ id: KPIS, title: 'KPIs', sharedWith: [REPORTS_TOKEN] });
  h.notion.addPage({ id: REVENUE, title: 'Revenue', sharedWith: [REPORTS_TOKEN] });
});

beforeEach(async () => {
  // Both tokens valid again (a revoked integration, added again, answers again).
  h.notion.addIntegration({ token: h.notionToken, name: 'Zapier Sync', workspaceName: 'Acme' });
  h.notion.addIntegration(REPORTS);
  const { store, tokens } = bot().services;
  for (const name of ['default', 'reports']) {
    await store.watches.forgetConnection(name);
    await store.channels.forgetConnection(name);
    await store.health.forget(name);
    for (const open of await store.alerts.open(name)) {
      await store.alerts.update(open.id, { status: 'resolved', resolvedAt: Date.now() });
    }
  }
  if (!(await store.connections.get('reports'))) {
    await tokens.save('reports', REPORTS_TOKEN, ADMIN, {
      id: 'bot-reports',
      name: REPORTS.name,
      workspaceName: REPORTS.workspaceName,
      ownerType: 'workspace',
    });
  }
  await forgetDoubleSubmits();
  h.slack.reset();
  h.notion.reset();
});

afterEach(async () => {
  // Whatever the test did, it is finished before the next one starts.
  await bot().services.inflight.drain(15_000);
  for (const call of h.slack.calls) {
    if (['chat.postMessage', 'chat.update', 'chat.postEphemeral'].includes(call.method)) {
      assertBlockKitLimits(call.body);
    }
  }
  for (const post of h.slack.responses) if (post.body.blocks) assertBlockKitLimits(post.body);
  // No token reached Slack (the bot token authenticates calls; only content matters) or a log.
  const sentToSlack = JSON.stringify([
    h.slack.calls.map(({ body: { token: _auth, ...content } }) => content),
    h.slack.responses.map((post) => post.body),
  ]);
  for (const secret of [h.notionToken, REPORTS_TOKEN, h.slack.botToken, h.signingSecret]) {
    expect(sentToSlack).not.toContain(secret);
    expect(h.logs.text()).not.toContain(secret);
  }
});

afterAll(async () => {
  // Also proves no secret the fakes know reached a log line.
  await h.stop();
});

test('`token reports` + the modal creates a second connection, named after its integration', async () => {
  await bot().services.directory.disconnect('reports', ADMIN);
  expect(await bot().services.directory.known()).toEqual(['default']);
  h.slack.reset();
  h.notion.reset();

  const submitted = await setToken('reports', REPORTS_TOKEN);
  expect(submitted.status).toBe(200);
  expect(submitted.json).toMatchObject({ response_action: 'clear' });

  const confirmed = await h.slack.waitFor('chat.postEphemeral', (call) =>
    messageText(call.body).includes('Token updated'),
  );
  expect(confirmed.body.channel).toBe(CHANNEL);
  expect(confirmed.body.user).toBe(ADMIN);
  expect(messageText(confirmed.body)).toContain('for connection `reports`');
  expect(messageText(confirmed.body)).toContain('Reporting Job');
  expect(messageText(confirmed.body)).toContain(`…${REPORTS_TOKEN.slice(-4)}`);

  const { directory, store } = bot().services;
  expect(await directory.known()).toEqual(['default', 'reports']);
  expect(await store.connections.get('reports')).toMatchObject({
    source: 'slack',
    integrationName: 'Reporting Job',
    workspaceName: 'Acme Analytics',
    tokenFingerprint: `…${REPORTS_TOKEN.slice(-4)}`,
  });
  // Sealed: the stored row never holds the token itself.
  expect(JSON.stringify(await store.connections.get('reports'))).not.toContain(REPORTS_TOKEN);
  // Verified with users.me on its own token; the default token wasn't involved.
  expect(h.notion.requestsFor(REPORTS_TOKEN).map((request) => request.path)).toEqual([
    '/v1/users/me',
  ]);
  expect(h.notion.requestsFor(h.notionToken)).toHaveLength(0);

  // Usable at once.
  const report = await check(`-c reports ${KPIS}`);
  expect(report).toContain('KPIs');
  expect(report).toContain('all good');
});

test('a non-admin cannot open the token modal for a new connection', async () => {
  const sent = await command('token ops');
  await bot().services.inflight.drain(15_000);
  const told = JSON.stringify([sent.ack, h.slack.responses.map((post) => post.body)]);
  expect(told).toMatch(/admin/i);
  expect(h.slack.callsTo('views.open')).toHaveLength(0);
  expect(await bot().services.directory.known()).toEqual(['default', 'reports']);
});

test('two connections side by side: each token only on its own pages, each report names its own', async () => {
  const [byDefault, byReports] = await Promise.all([
    check(`${ROADMAP} ${SPECS}`),
    check(`--connection reports ${KPIS} ${REVENUE}`, OTHER),
  ]);

  expect(byDefault).toContain('connection `default`');
  expect(byDefault).toContain('Zapier Sync');
  expect(byDefault).toContain('Acme');
  expect(byDefault).toContain(`…${h.notionToken.slice(-4)}`);
  expect(byDefault).toContain('Roadmap');
  expect(byDefault).toContain('all good');
  expect(byDefault).not.toContain('Reporting Job');

  expect(byReports).toContain('connection `reports`');
  expect(byReports).toContain('Reporting Job');
  expect(byReports).toContain('Acme Analytics');
  expect(byReports).toContain(`…${REPORTS_TOKEN.slice(-4)}`);
  expect(byReports).toContain('KPIs');
  expect(byReports).toContain('Revenue');
  expect(byReports).toContain('all good');
  expect(byReports).not.toContain('Zapier Sync');

  expect(pagesAskedWith(h.notionToken)).toEqual([ROADMAP, SPECS].sort());
  expect(pagesAskedWith(REPORTS_TOKEN)).toEqual([KPIS, REVENUE].sort());
  expect(h.notion.requests.every((request) => request.status === 200)).toBe(true);
});

test('the wrong connection for a page says not shared: the fake keeps the tokens apart', async () => {
  const report = await check(KPIS);
  expect(report).toContain('connection `default`');
  expect(report).toContain('Not shared with the integration');
  expect(pagesAskedWith(REPORTS_TOKEN)).toEqual([]);
});

test('`use reports` in one channel: a bare check, watch and list there use it; another channel keeps default', async () => {
  const used = await command('use reports');
  const told = await used.reply();
  expect(told.body.response_type).toBe('in_channel');
  expect(JSON.stringify(told.body)).toContain('`reports` (*Reporting Job*)');
  expect(JSON.stringify(told.body)).toContain(`<@${USER}>`);

  // watch, in each channel, with what that channel uses.
  expect(await watch(KPIS)).toContain('KPIs');
  expect(await watch(ROADMAP, OTHER)).toContain('Roadmap');
  expect(await watches()).toEqual(
    [`${CHANNEL}:reports:${KPIS}`, `${OTHER}:default:${ROADMAP}`].sort(),
  );

  // A bare /notion-check: the token and the channel's watches with its connection.
  h.notion.reset();
  const here = await check('');
  expect(here).toContain('connection `reports`');
  expect(here).toContain('Reporting Job');
  expect(here).toContain('KPIs');
  expect(pagesAskedWith(REPORTS_TOKEN)).toEqual([KPIS]);
  expect(h.notion.requestsFor(h.notionToken)).toHaveLength(0);

  h.notion.reset();
  const there = await check('', OTHER);
  expect(there).toContain('connection `default`');
  expect(there).toContain('Roadmap');
  expect(h.notion.requestsFor(REPORTS_TOKEN)).toHaveLength(0);

  // list names the connection and shows its watches only.
  const listedHere = await list();
  expect(listedHere).toContain('Connection `reports` · integration *Reporting Job*');
  expect(listedHere).toContain('KPIs');
  const listedThere = await list('', OTHER);
  expect(listedThere).toContain('Connection `default`');
  expect(listedThere).toContain('Roadmap');
  expect(listedThere).not.toContain('KPIs');

  // Set back: this channel uses default again.
  await (await command('use default')).reply();
  await forgetDoubleSubmits();
  expect(await check('')).toContain('connection `default`');
});

test('`-c` picks a connection for one command only (check, watch, list, unwatch)', async () => {
  await (await command('use reports')).reply();
  await forgetDoubleSubmits();

  expect(await check(`-c default ${ROADMAP}`)).toContain('connection `default`');
  expect(await check(`${KPIS}`)).toContain('connection `reports`');
  expect(await check(`--connection=default ${SPECS}`)).toContain('connection `default`');

  expect(await watch(`${ROADMAP} -c default`)).toContain('Roadmap');
  expect(await watch(REVENUE)).toContain('Revenue');
  expect(await watches()).toEqual(
    [`${CHANNEL}:default:${ROADMAP}`, `${CHANNEL}:reports:${REVENUE}`].sort(),
  );

  const mine = await list();
  expect(mine).toContain('Revenue');
  expect(mine).not.toContain('Roadmap');
  const theirs = await list('-c default');
  expect(theirs).toContain('Connection `default`');
  expect(theirs).toContain('Roadmap');
  expect(theirs).not.toContain('Revenue');

  const removed = await command(`unwatch -c default ${ROADMAP}`);
  expect(JSON.stringify((await removed.reply()).body)).toContain('stopped watching Roadmap');
  expect(await watches()).toEqual([`${CHANNEL}:reports:${REVENUE}`]);
  // Named with the wrong connection: not its watch, nothing removed.
  const wrong = await command(`unwatch -c default ${REVENUE}`);
  await wrong.reply();
  expect(await watches()).toEqual([`${CHANNEL}:reports:${REVENUE}`]);
});

describe('an unknown connection name', () => {
  test.each([
    ['a check', `-c nope ${ROADMAP}`],
    ['a bare check', '--connection nope'],
    ['watch', `watch ${ROADMAP} --connection=nope`],
    ['unwatch', `unwatch ${ROADMAP} -c nope`],
    ['list', 'list -c nope'],
    ['use', 'use nope'],
    ['watch all', 'watch all -c nope'],
  ])('%s → the known names, and nothing else happens', async (_what, text) => {
    await watch(SPECS);
    const before = await watches();
    h.slack.reset();
    h.notion.reset();

    const sent = await command(text);
    await bot().services.inflight.drain(15_000);
    expect(sent.ack).toContain('no connection named `nope`');
    expect(sent.ack).toContain('`default`, `reports`');
    expect(h.notion.requests).toHaveLength(0);
    expect(h.slack.calls.filter((call) => call.method.startsWith('chat.'))).toHaveLength(0);
    expect(h.slack.responses).toHaveLength(0);
    expect(await watches()).toEqual(before);
    expect(await bot().services.store.channels.connectionOf(CHANNEL)).toBeUndefined();
  });

  test('disconnect (an admin) → the known names, nothing removed', async () => {
    const sent = await command('disconnect nope', { userId: ADMIN });
    const told = JSON.stringify((await sent.reply()).body);
    expect(told).toContain('no connection named `nope`');
    expect(told).toContain('`default`, `reports`');
    expect(told).not.toContain('Remove');
    expect(await bot().services.directory.known()).toEqual(['default', 'reports']);
    expect(h.notion.requests).toHaveLength(0);
  });
});

test('`connections`: both, with integration, workspace, fingerprint, status and watch counts', async () => {
  await watch(ROADMAP);
  await watch(`-c reports ${KPIS} ${REVENUE}`);
  await watch(`-c reports ${KPIS}`, OTHER);
  h.notion.revoke(REPORTS_TOKEN);
  h.notion.reset();

  const sent = await command('connections');
  expect(sent.ack).toContain('Checking 2 connections');
  const post = await sent.reply('Notion connections');
  expect(post.body.response_type).toBe('ephemeral');
  const shown = JSON.stringify(post.body);

  const byDefault = shown.slice(shown.indexOf('`default`'), shown.indexOf('`reports`'));
  expect(byDefault).toContain('Zapier Sync');
  expect(byDefault).toContain('workspace *Acme*');
  expect(byDefault).toContain(`token …${h.notionToken.slice(-4)}`);
  expect(byDefault).toContain('works');
  expect(byDefault).toContain('1 watch in this channel, 1 in all');

  const byReports = shown.slice(shown.indexOf('`reports`'));
  expect(byReports).toContain('Reporting Job');
  expect(byReports).toContain('workspace *Acme Analytics*');
  expect(byReports).toContain(`token …${REPORTS_TOKEN.slice(-4)}`);
  expect(byReports).toContain('token is invalid');
  expect(byReports).not.toContain('— works');
  expect(byReports).toContain('2 watches in this channel, 3 in all');
  expect(post.body.text).toBe('2 Notion connections, 1 with a problem');

  // Each token asked users.me about itself, once.
  expect(h.notion.requestsFor(h.notionToken).map((request) => request.path)).toEqual([
    '/v1/users/me',
  ]);
  expect(h.notion.requestsFor(REPORTS_TOKEN).map((request) => request.path)).toEqual([
    '/v1/users/me',
  ]);
});

test('`disconnect reports`: refused to a non-admin; for an admin a private confirmation whose Remove removes it', async () => {
  await watch(`-c reports ${KPIS}`);
  await watch(ROADMAP, OTHER);
  await (await command('use reports', { channelId: THIRD })).reply();
  await watch(REVENUE, THIRD);
  expect(await watches()).toHaveLength(3);

  // A regular member is refused, and nothing changes.
  const refused = await command('disconnect reports');
  const refusal = JSON.stringify((await refused.reply()).body);
  expect(refusal).toContain('Only admins can remove a connection');
  expect(refusal).not.toContain('Remove reports');
  expect(await bot().services.directory.known()).toEqual(['default', 'reports']);

  // An admin is asked, privately, to confirm.
  const asked = await command('disconnect reports', { userId: ADMIN });
  const confirmation = await asked.reply('Remove');
  expect(confirmation.body.response_type).toBe('ephemeral');
  const asking = JSON.stringify(confirmation.body);
  expect(asking).toContain('`reports` (*Reporting Job*)');
  expect(asking).toContain('2 watches in 2 channels');
  expect(findButton(confirmation.body.blocks, 'Remove').value).toBe('reports');
  // Nothing is removed before the button.
  expect(await bot().services.directory.known()).toEqual(['default', 'reports']);
  expect(await watches()).toHaveLength(3);

  // The same button pressed by a non-admin (a forged click): refused, nothing removed.
  const forged = await pressRemove(confirmation, USER);
  expect(JSON.stringify(forged.body)).toContain('Only admins can remove a connection');
  expect(forged.body.replace_original).toBe(false);
  expect(await bot().services.directory.known()).toEqual(['default', 'reports']);
  expect(await watches()).toHaveLength(3);

  // The admin presses Remove.
  const done = await pressRemove(confirmation, ADMIN);
  expect(done.body.replace_original).toBe(true);
  const removed = JSON.stringify(done.body);
  expect(removed).toContain(`<@${ADMIN}> removed the connection`);
  expect(removed).toContain('`reports` (*Reporting Job*)');

  // Its watches are gone (the other connection's stay), and `list` shows it.
  expect(await watches()).toEqual([`${OTHER}:default:${ROADMAP}`]);
  expect(await list('', THIRD)).toContain('watches nothing yet');
  expect(await list('', OTHER)).toContain('Roadmap');
  // Its token is no longer usable: the name is unknown now.
  h.notion.reset();
  const gone = await command(`-c reports ${KPIS}`);
  expect(gone.ack).toContain('no connection named `reports`');
  expect(gone.ack).toContain('`default`');
  // The channel that used it uses default now.
  const fallback = await check(KPIS, THIRD);
  expect(fallback).toContain('connection `default`');
  expect(h.notion.requestsFor(REPORTS_TOKEN)).toHaveLength(0);

  // `connections` no longer lists it.
  const listed = await command('connections');
  expect(listed.ack).toContain('Checking the connection');
  const overview = JSON.stringify((await listed.reply('Notion connections')).body);
  expect(overview).toContain('`default`');
  expect(overview).not.toContain('`reports`');
  expect(overview).not.toContain('Reporting Job');

  // A second press (a new click on the old confirmation): the button is stale, nothing more
  // is removed, and the "removed" message stays.
  const again = await pressRemove(confirmation, ADMIN);
  expect(JSON.stringify(again.body)).toContain('not valid any more');
  expect(again.body.replace_original).not.toBe(true);
  expect(await watches()).toEqual([`${OTHER}:default:${ROADMAP}`]);
});

test('a revoked token on one connection alerts only the channels watching with it', async () => {
  // CHANNEL watches with reports, OTHER with default, THIRD with both.
  await watch(`-c reports ${KPIS}`);
  await watch(ROADMAP, OTHER);
  await watch(SPECS, THIRD);
  await watch(`-c reports ${REVENUE}`, THIRD);
  h.notion.revoke(REPORTS_TOKEN);
  h.slack.reset();

  const { monitor } = bot();
  // A loss alerts after two failing sweeps.
  await Promise.all([monitor.sweep('reports'), monitor.sweep('default')]);
  expect(alertsIn(CHANNEL)).toHaveLength(0);
  await Promise.all([monitor.sweep('reports'), monitor.sweep('default')]);

  const [here] = alertsIn(CHANNEL);
  const [third] = alertsIn(THIRD);
  expect(here).toBeDefined();
  expect(third).toBeDefined();
  expect(alertsIn(OTHER)).toHaveLength(0);
  expect(alertsIn(CHANNEL)).toHaveLength(1);
  expect(alertsIn(THIRD)).toHaveLength(1);
  for (const alert of [here, third]) {
    const text = messageText(alert?.body ?? {});
    expect(text).toContain('token is invalid');
    expect(text).toContain('`reports`');
    expect(text).toContain('Reporting Job');
    expect(text).toContain(`…${REPORTS_TOKEN.slice(-4)}`);
    expect(text).not.toContain('Zapier Sync');
  }
  // THIRD's alert is about its reports page only, not the default one.
  expect(messageText(third?.body ?? {})).not.toContain('Specs');

  // The default connection kept working and was never asked with the other token's pages.
  expect(pagesAskedWith(h.notionToken)).toEqual([ROADMAP, SPECS].sort());
  expect(await bot().services.store.alerts.open('default')).toHaveLength(0);
  expect(await bot().services.store.alerts.open('reports')).toHaveLength(2);

  // Removing the connection closes its alerts: their messages say so.
  const asked = await command('disconnect reports', { userId: ADMIN });
  const confirmation = await asked.reply('Remove');
  expect(JSON.stringify(confirmation.body)).toContain('2 open alerts will close');
  await pressRemove(confirmation, ADMIN);
  for (const alert of [here, third]) {
    const redrawn = await h.slack.waitFor(
      'chat.update',
      (call) => call.body.ts === alert?.response?.ts && call.body.channel === alert?.body.channel,
    );
    expect(messageText(redrawn.body)).toContain('connection `reports` was removed');
  }
  expect(await bot().services.store.alerts.open('reports')).toHaveLength(0);
});
