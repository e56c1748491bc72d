/**
 * Many workspaces through Slack OAuth (PRODUCT.md, "Several replicas, several workspaces"):
 * two workspaces install the app the way a browser does (/slack/install, Slack's authorize page,
 * /slack/oauth_redirect), each adds its own Notion connections and watches, and neither can
 * see or change the other's — not even with a crafted request that names the other's ids.
 * Forged installs install nothing, a workspace that never installed is not served, and
 * `app_uninstalled` / `tokens_revoked` delete that workspace's data and only that.
 *
 * One app for the file (SLACK_CLIENT_ID… set, no SLACK_BOT_TOKEN, NOTION_TOKEN set but
 * ignored); the tests build on each other in order, as the workspaces' story unfolds.
 */
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import type { SlackCall } from '../fakes/fakeSlack';
import { NotionWebhookSender } from '../fakes/notionWebhookSender';
import { findButton, messageText } from '../support/blocks';
import {
  fakeNotionToken,
  Harness,
  type InstallOptions,
  type InstallResult,
  type SentCommand,
} from '../support/harness';
import {
  pressButton,
  type SlackHttpResult,
  sendAppHomeOpened,
  sendEvent,
  sendViewSubmission,
} from '../support/slackRequest';

jest.setTimeout(60_000);

const PUBLIC_URL = 'https://notion-check.example.com';

const ROADMAP = '1a2b3c4d5e6f4a5b8c9d0e1f2a3b4c5d';
const KPIS = '4d5e6f7a8b9c4d5e8f0a1b2c3d4e5f6a';
const LEDGER = '5e6f7a8b9c0d4e5f9a1b2c3d4e5f6a7b';
const PAGES = [ROADMAP, KPIS, LEDGER];

/** A Slack workspace: its people and its one channel. */
interface Team {
  teamId: string;
  teamName: string;
  channel: string;
  admin: string;
  user: string;
  /** The OAuth code Slack hands this workspace's browser after "Allow". */
  code: string;
}

/** A workspace that installs the app and connects its own Notion integration (`sync`). */
interface Tenant extends Team {
  notionToken: string;
  integration: string;
  notionWorkspace: string;
  page: string;
  pageTitle: string;
  /** A word every message about this workspace's data contains, and no other workspace's. */
  marker: string;
}

const code = (name: string) => `${name}.${randomBytes(8).toString('hex')}`;

const A: Tenant = {
  teamId: 'T0ALPHA01',
  teamName: 'Alpha Corp',
  channel: 'C0ALPHA01',
  admin: 'U0AADMIN',
  user: 'U0AUSER',
  code: code('alpha'),
  notionToken: fakeNotionToken('syncalpha'),
  integration: 'Alpha Sync',
  notionWorkspace: 'Alpha HQ',
  page: ROADMAP,
  pageTitle: 'Alpha Roadmap',
  marker: 'Alpha',
};
/** A's second connection, which B does not have. */
const FINANCE = {
  name: 'finance',
  token: fakeNotionToken('ledgerfin'),
  integration: 'Alpha Finance',
  page: LEDGER,
  pageTitle: 'Alpha Ledger',
};
const B: Tenant = {
  teamId: 'T0BRAVO01',
  teamName: 'Bravo Inc',
  channel: 'C0BRAVO01',
  admin: 'U0BADMIN',
  user: 'U0BUSER',
  code: code('bravo'),
  notionToken: fakeNotionToken('syncbravo'),
  integration: 'Bravo Sync',
  notionWorkspace: 'Bravo HQ',
  page: KPIS,
  pageTitle: 'Bravo KPIs',
  marker: 'Bravo',
};
/** Tries to install and fails every time. */
const C: Team = {
  teamId: 'T0CHARLY1',
  teamName: 'Charlie Ltd',
  channel: 'C0CHARLY1',
  admin: 'U0CADMIN',
  user: 'U0CUSER',
  code: code('charlie'),
};
/** Never installs the app (not even known to Slack's OAuth). */
const X: Team = {
  teamId: 'T0XRAY001',
  teamName: 'Xray',
  channel: 'C0XRAY001',
  admin: 'U0XADMIN',
  user: 'U0XUSER',
  code: code('xray'),
};
const TEAMS = [A, B, C, X];
/** Tables whose rows belong to one workspace (a `team_id` column). */
const TEAM_TABLES = ['watches', 'connections', 'alerts'] as const;
type Rows = Record<(typeof TEAM_TABLES)[number], number>;

let h: Harness;

// ---- Slack, as each workspace ----------------------------------------------------------------

function installed(team: Team) {
  const workspace = h.slack.workspace(team.teamId);
  if (!workspace) throw new Error(`${team.teamId} is not registered with the fake Slack`);
  return workspace;
}
const botToken = (team: Team) => installed(team).botToken;

/** `/notion-check <text>` from `team`'s channel (or `channelId`), by its user (or `userId`). */
function command(
  team: Team,
  text: string,
  options: { userId?: string; channelId?: string } = {},
): Promise<SentCommand> {
  return h.command(text, {
    teamId: team.teamId,
    userId: options.userId ?? team.user,
    channelId: options.channelId ?? team.channel,
  });
}

/** `watch …`: the answer posted in the channel. */
async function watch(team: Team, text: string): Promise<string> {
  const sent = await command(team, `watch ${text}`);
  return JSON.stringify((await sent.reply('watch list')).body);
}

/** What a person would read in an ack: its text and blocks ('' for Bolt's empty ack). */
function ackText(result: SlackHttpResult): string {
  if (result.json === undefined) return result.status === 200 ? result.body.trim() : '';
  const json = result.json as { text?: unknown; blocks?: unknown };
  return [json.text, json.blocks]
    .filter((part) => part !== undefined)
    .map((part) => (typeof part === 'string' ? part : JSON.stringify(part)))
    .join('');
}

/** Waits for the work the app started (after its acks) to finish. */
async function drain(): Promise<void> {
  await h.drain(15_000);
}

/**
 * The command was not served: no text in its ack, nothing posted to its response_url, and
 * nothing sent to Slack for its channel (or any modal opened) since `since`.
 */
async function expectNotServed(sent: SentCommand, channelId: string, since: number): Promise<void> {
  await drain();
  expect(ackText(sent.result)).toBe('');
  expect(h.slack.responses.filter((post) => post.id === sent.responseId)).toEqual([]);
  const sentToSlack = h.slack.calls.filter(
    (call) =>
      call.at >= since && (call.body.channel === channelId || call.method.startsWith('views.')),
  );
  expect(sentToSlack.map((call) => call.method)).toEqual([]);
}

/** Opens the token modal for `name` as `team`'s admin and submits `token` in it. */
async function setToken(team: Tenant, name: string, token: string, integration: string) {
  const opens = new Set(h.slack.callsTo('views.open'));
  const ephemerals = new Set(h.slack.callsTo('chat.postEphemeral'));
  await command(team, `token ${name}`, { userId: team.admin });
  const opened = await h.slack.waitFor(
    'views.open',
    (call) => !opens.has(call) && !call.error,
    15_000,
  );
  expect(opened.token).toBe(botToken(team));
  const view = opened.body.view as { private_metadata: string; callback_id: string };
  const shown = (opened.response as { view?: { id?: string; hash?: string } } | undefined)?.view;
  const submitted = await sendViewSubmission(h.appUrl, h.signingSecret, {
    teamId: team.teamId,
    callbackId: view.callback_id,
    privateMetadata: view.private_metadata,
    values: { token_input: { token_value: token } },
    userId: team.admin,
    viewId: shown?.id,
    hash: shown?.hash,
  });
  expect(submitted.status).toBe(200);
  expect(submitted.json).toMatchObject({ response_action: 'clear' });
  const confirmed = await h.slack.waitFor(
    'chat.postEphemeral',
    (call) =>
      !ephemerals.has(call) &&
      messageText(call.body).includes('Token updated') &&
      messageText(call.body).includes(`\`${name}\``),
    15_000,
  );
  expect(confirmed.token).toBe(botToken(team));
  expect(confirmed.body.channel).toBe(team.channel);
  expect(confirmed.body.user).toBe(team.admin);
  expect(messageText(confirmed.body)).toContain(integration);
  return view;
}

function alertsIn(channel: string, since = 0): SlackCall[] {
  return h.slack
    .callsTo('chat.postMessage')
    .filter(
      (call) =>
        call.at >= since &&
        call.body.channel === channel &&
        messageText(call.body).includes('Notion access lost'),
    );
}

function updatesOf(ts: unknown, since: number): SlackCall[] {
  return h.slack.callsTo('chat.update').filter((call) => call.at >= since && call.body.ts === ts);
}

function repliesTo(ts: unknown, since: number): SlackCall[] {
  return h.slack
    .callsTo('chat.postMessage')
    .filter((call) => call.at >= since && call.body.thread_ts === ts);
}

let eventCount = 0;
function event(team: Tenant, payload: Record<string, unknown>): Promise<SlackHttpResult> {
  eventCount += 1;
  return sendEvent(
    h.appUrl,
    h.signingSecret,
    { ...payload, event_ts: (Date.now() / 1000).toFixed(6) },
    {
      eventId: `Ev0WS${eventCount}${randomBytes(4).toString('hex').toUpperCase()}`,
      teamId: team.teamId,
      botUserId: installed(team).botUserId,
    },
  );
}

// ---- OAuth ------------------------------------------------------------------------------------

function expectNotInstalled(result: InstallResult, what: string): void {
  const looksInstalled = result.status === 200 && !result.body.includes('could not be installed');
  expect({ what, installed: looksInstalled }).toEqual({ what, installed: false });
  expect(result.body).not.toContain('notion-check is installed');
}

/** A state that looks like Bolt's (an HS256 JWT) but is signed with another secret. */
function forgedState(): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({
    installOptions: { scopes: ['commands', 'chat:write'] },
    now: new Date().toJSON(),
    random: 4242,
  })}`;
  const signature = createHmac('sha256', randomBytes(32)).update(unsigned).digest('base64url');
  return `${unsigned}.${signature}`;
}

// ---- Notion -----------------------------------------------------------------------------------

const compact = (text: string) => text.replace(/-/g, '').toLowerCase();

/** The test's pages a token was used on. */
function pagesSeenBy(token: string): string[] {
  const paths = h.notion.requestsFor(token).map((request) => compact(request.path));
  return PAGES.filter((page) => paths.some((path) => path.includes(page)));
}

/** Waits for `count` more sweeps (requests at least half an interval apart) of a page. */
async function sweepsOf(token: string, page: string, after: number, count = 2): Promise<void> {
  let since = after;
  for (let sweep = 0; sweep < count; sweep++) {
    const request = await h.notion.waitForRequest(
      (r) => r.token === token && r.at > since && compact(r.path).includes(page),
      15_000,
    );
    since = request.at + 500;
  }
}

// ---- the database file ------------------------------------------------------------------------

/** The SQLite file as it lies on disk (with its write-ahead log). */
function databaseBytes(): Buffer {
  return Buffer.concat(
    ['', '-wal', '-journal']
      .map((suffix) => `${h.databasePath}${suffix}`)
      .filter((file) => fs.existsSync(file))
      .map((file) => fs.readFileSync(file)),
  );
}

/** How many rows of each workspace-owned table belong to `teamId`, read from the file. */
function rowsOf(teamId: string): Rows {
  const db = new Database(h.databasePath, { readonly: true, fileMustExist: true });
  try {
    const count = (table: string) =>
      (
        db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE team_id = ?`).get(teamId) as {
          n: number;
        }
      ).n;
    return {
      watches: count('watches'),
      connections: count('connections'),
      alerts: count('alerts'),
    };
  } finally {
    db.close();
  }
}

function alertRow(id: string): Record<string, unknown> | undefined {
  const db = new Database(h.databasePath, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare('SELECT status, acknowledged_by, snoozed_by FROM alerts WHERE id = ?')
      .get(id) as Record<string, unknown> | undefined;
  } finally {
    db.close();
  }
}

/** Polls `read` until `done` (the database has no events to wait on). */
async function eventually<T>(
  read: () => T,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}: ${JSON.stringify(value)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const NO_ROWS: Rows = { watches: 0, connections: 0, alerts: 0 };

// ---- the story --------------------------------------------------------------------------------

/** Shared by the tests that follow it. */
let alertA: SlackCall | undefined;
let financeModal: { private_metadata: string; callback_id: string } | undefined;

beforeAll(async () => {
  h = await new Harness({
    oauth: true,
    env: { CHECK_INTERVAL: '1s', PUBLIC_URL },
  }).start();
  for (const team of TEAMS) {
    h.slack.setUser({
      id: team.admin,
      name: `${team.teamId}.admin`,
      is_admin: true,
      teamId: team.teamId,
    });
    h.slack.setUser({ id: team.user, name: `${team.teamId}.user`, teamId: team.teamId });
    h.slack.setChannel({
      id: team.channel,
      name: `${team.teamName.toLowerCase().replace(/\W/g, '-')}-general`,
      teamId: team.teamId,
      members: [team.admin, team.user],
    });
  }
  for (const team of [A, B]) {
    h.slack.addWorkspace({ teamId: team.teamId, teamName: team.teamName, code: team.code });
    h.notion.addIntegration({
      token: team.notionToken,
      name: team.integration,
      workspaceName: team.notionWorkspace,
    });
  }
  h.notion.addIntegration({
    token: FINANCE.token,
    name: FINANCE.integration,
    workspaceName: A.notionWorkspace,
  });
  // NOTION_TOKEN's integration sees every page: were the app to use it, checks would pass.
  h.notion.addPage({ id: A.page, title: A.pageTitle, sharedWith: [A.notionToken, h.notionToken] });
  h.notion.addPage({ id: B.page, title: B.pageTitle, sharedWith: [B.notionToken, h.notionToken] });
  h.notion.addPage({
    id: FINANCE.page,
    title: FINANCE.pageTitle,
    sharedWith: [FINANCE.token, h.notionToken],
  });
});

afterEach(async () => {
  await drain();
  // The app never knew the one-workspace bot token, and never used NOTION_TOKEN.
  expect(h.slack.calls.filter((call) => call.token === h.slack.botToken)).toEqual([]);
  expect(h.notion.requestsFor(h.notionToken)).toEqual([]);
  // Nothing about one workspace's data went out with another's bot token, or to its people.
  for (const [team, other] of [
    [A, B],
    [B, A],
  ] as const) {
    const leaked = h.slack.calls.filter(
      (call) =>
        h.slack.workspaceOfToken(call.token)?.teamId === team.teamId &&
        JSON.stringify(call.body).includes(other.marker),
    );
    expect(
      leaked.map((call) => `${call.method} ${JSON.stringify(call.body).slice(0, 200)}`),
    ).toEqual([]);
    const told = h.slack.responses.filter(
      (post) =>
        post.id.startsWith(`${team.teamId}-`) && JSON.stringify(post.body).includes(other.marker),
    );
    expect(told.map((post) => JSON.stringify(post.body).slice(0, 200))).toEqual([]);
  }
  // No secret reached a Slack message or a log line (oauth.v2.access carries the client
  // secret to Slack by design; every call carries its bot token as its credential).
  const content = JSON.stringify([
    h.slack.calls
      .filter((call) => call.method !== 'oauth.v2.access')
      .map(({ body: { token: _credential, ...rest } }) => rest),
    h.slack.responses.map((post) => post.body),
  ]);
  const secrets = [
    A.notionToken,
    B.notionToken,
    FINANCE.token,
    h.notionToken,
    ...h.slack.workspaceTokens(),
    h.oauth?.clientSecret ?? '',
    h.oauth?.stateSecret ?? '',
    h.signingSecret,
  ];
  for (const secret of secrets) {
    expect(content.includes(secret)).toBe(false);
    expect(h.logs.text().includes(secret)).toBe(false);
  }
});

afterAll(async () => {
  // Also proves no secret the fakes know (client secret, bot tokens…) reached a log line.
  await h?.stop();
});

test('two workspaces install through Slack OAuth: each gets its own bot token, stored encrypted', async () => {
  for (const team of [A, B]) {
    const result = await h.install(team.teamId);
    expect(result.authorizeUrl.searchParams.get('client_id')).toBe(h.oauth?.clientId);
    expect(result.authorizeUrl.searchParams.get('scope')).toContain('commands');
    expect(result.status).toBe(200);
    expect(result.body).toContain('notion-check is installed');
    expect(h.slack.codeUsed(team.code)).toBe(true);
  }
  // Each code was exchanged once, with the app's credentials, and each new token tested.
  const exchanges = h.slack.callsTo('oauth.v2.access');
  expect(exchanges.map((call) => [call.body.code, call.error])).toEqual([
    [A.code, undefined],
    [B.code, undefined],
  ]);
  for (const team of [A, B]) {
    const tested = h.slack.callsTo('auth.test').filter((call) => call.token === botToken(team));
    expect(tested.filter((call) => !call.error).length).toBeGreaterThan(0);
  }
  expect(botToken(A)).not.toBe(botToken(B));

  // Encrypted at rest: neither token (nor its random part) is in the database file.
  const bytes = databaseBytes();
  expect(bytes.length).toBeGreaterThan(0);
  for (const team of [A, B]) {
    const token = botToken(team);
    expect(bytes.includes(token)).toBe(false);
    expect(bytes.includes(token.split('-').at(-1) ?? token)).toBe(false);
  }

  // Both are served at once, and still after a restart (the installations are in the database).
  for (const team of [A, B]) expect((await command(team, 'help')).ack).toContain('How to use');
  await h.stopApp();
  await h.startApp();
  for (const team of [A, B]) {
    const sent = await command(team, 'help', { userId: team.admin });
    expect(sent.result.status).toBe(200);
    expect(sent.ack).toContain('How to use /notion-check');
  }
});

test('a forged or missing state, or a code Slack refuses: nothing is installed', async () => {
  h.slack.addWorkspace({ teamId: C.teamId, teamName: C.teamName, code: C.code });
  const forged = forgedState();
  const browserTricks: [string, InstallOptions][] = [
    ['no state cookie (the link opened in another browser)', { cookie: null }],
    ['no state parameter', { state: null }],
    [
      'a state signed with another secret',
      { state: forged, cookie: `slack-app-oauth-state=${forged}` },
    ],
    ["another browser's state", { state: forged }],
  ];
  for (const [what, options] of browserTricks) {
    expectNotInstalled(await h.install(C.teamId, options), what);
  }
  // None of those got as far as Slack: C's code was never exchanged.
  expect(h.slack.callsTo('oauth.v2.access')).toHaveLength(2);
  expect(h.slack.codeUsed(C.code)).toBe(false);

  // Codes Slack refuses: one it never issued, and one used already (A's).
  const refusedCodes: [string, string][] = [
    ['an unknown code', 'not-a-code'],
    ["A's code, used already", A.code],
  ];
  for (const [what, refused] of refusedCodes) {
    expectNotInstalled(await h.install(C.teamId, { code: refused }), what);
  }
  // Slack refusing the app's credentials (say the client secret was rotated on api.slack.com).
  const oauth = h.oauth;
  if (!oauth) throw new Error('the harness runs without OAuth');
  h.slack.oauthClient({ clientId: oauth.clientId, clientSecret: randomBytes(16).toString('hex') });
  try {
    expectNotInstalled(await h.install(C.teamId), 'a client secret Slack refuses');
  } finally {
    h.slack.oauthClient({ clientId: oauth.clientId, clientSecret: oauth.clientSecret });
  }
  expect(h.slack.callsTo('oauth.v2.access').map((call) => call.error)).toEqual([
    undefined,
    undefined,
    'invalid_code',
    'invalid_code',
    'bad_client_secret',
  ]);

  // Nothing was stored for C: its people are not served. A, whose code was replayed, still is.
  const since = Date.now();
  await expectNotServed(await command(C, 'help'), C.channel, since);
  await expectNotServed(await command(C, 'token sync', { userId: C.admin }), C.channel, since);
  expect((await command(A, 'help')).ack).toContain('How to use');
});

test('each workspace adds its own connections and watches; neither sees the other’s, nor NOTION_TOKEN’s default', async () => {
  await setToken(A, 'sync', A.notionToken, A.integration);
  financeModal = await setToken(A, FINANCE.name, FINANCE.token, FINANCE.integration);
  // The same connection name in B: another connection, B's own.
  await setToken(B, 'sync', B.notionToken, B.integration);

  for (const team of [A, B]) {
    const used = await command(team, 'use sync');
    expect(JSON.stringify((await used.reply()).body)).toContain(`\`sync\` (*${team.integration}*)`);
    expect(await watch(team, team.page)).toContain(team.pageTitle);
  }
  expect(await watch(A, `-c finance ${FINANCE.page}`)).toContain(FINANCE.pageTitle);

  // `list`: each channel its own watches, with its own integration.
  const listedA = (await command(A, 'list')).ack;
  expect(listedA).toContain(`Connection \`sync\` · integration *${A.integration}*`);
  expect(listedA).toContain(A.pageTitle);
  expect(listedA).not.toContain('Bravo');
  const listedB = (await command(B, 'list')).ack;
  expect(listedB).toContain(`Connection \`sync\` · integration *${B.integration}*`);
  expect(listedB).toContain(B.pageTitle);
  expect(listedB).not.toContain('Alpha');
  expect((await command(A, 'list -c finance')).ack).toContain(FINANCE.pageTitle);

  // `connections`: each workspace's own, never NOTION_TOKEN's `default`.
  const shownA = JSON.stringify(
    (await (await command(A, 'connections')).reply('Notion connections')).body,
  );
  expect(shownA).toContain('`sync`');
  expect(shownA).toContain(A.integration);
  expect(shownA).toContain(`…${A.notionToken.slice(-4)}`);
  expect(shownA).toContain('`finance`');
  expect(shownA).toContain(FINANCE.integration);
  const shownB = JSON.stringify(
    (await (await command(B, 'connections')).reply('Notion connections')).body,
  );
  expect(shownB).toContain('`sync`');
  expect(shownB).toContain(B.integration);
  expect(shownB).toContain(`…${B.notionToken.slice(-4)}`);
  expect(shownB).not.toContain('`finance`');
  for (const shown of [shownA, shownB]) {
    // NOTION_TOKEN is no connection of theirs: a `default` may be listed, but without a token.
    expect(shown).not.toContain('Zapier Sync');
    expect(shown).not.toContain(`…${h.notionToken.slice(-4)}`);
    const byDefault = /`default`[^"]*/.exec(shown)?.[0];
    if (byDefault !== undefined) expect(byDefault).toMatch(/no token/);
  }
  // A check with `default` does not get to use NOTION_TOKEN (afterEach: never sent to Notion).
  for (const team of [A, B]) {
    const sent = await command(team, `-c default ${team.page}`);
    await drain();
    const told = JSON.stringify([
      sent.ack,
      h.slack.responses.filter((post) => post.id === sent.responseId).map((post) => post.body),
    ]);
    expect(told).not.toContain('Zapier Sync');
    expect(told).not.toContain('all good');
  }

  // Each Notion token only ever asked about its own workspace's pages.
  expect(pagesSeenBy(A.notionToken)).toEqual([A.page]);
  expect(pagesSeenBy(FINANCE.token)).toEqual([FINANCE.page]);
  expect(pagesSeenBy(B.notionToken)).toEqual([B.page]);
});

test("the monitor: A's page lost → the alert goes to A's channel with A's bot token; B hears nothing", async () => {
  const since = Date.now();
  h.notion.unshare(A.page, A.notionToken);
  const alert = await h.slack.waitFor(
    'chat.postMessage',
    (call) =>
      !call.error && call.at >= since && messageText(call.body).includes('Notion access lost'),
    20_000,
  );
  alertA = alert;
  expect(alert.body.channel).toBe(A.channel);
  expect(alert.token).toBe(botToken(A));
  expect(messageText(alert.body)).toContain(A.pageTitle);
  expect(messageText(alert.body)).toContain(A.integration);

  // B's page is swept on, with B's token, and B's channel is told nothing.
  await sweepsOf(B.notionToken, B.page, alert.at);
  expect(alertsIn(B.channel)).toEqual([]);
  expect(alertsIn(A.channel)).toHaveLength(1);
  const withB = h.slack.calls.filter((call) => call.at >= since && call.token === botToken(B));
  expect(withB.filter((call) => messageText(call.body).includes('Notion access lost'))).toEqual([]);
});

test("crafted requests from B carrying A's ids read and change nothing of A's", async () => {
  const alert = alertA;
  if (!alert) throw new Error("needs the previous test's alert");
  const alertId = findButton(alert.body.blocks, 'Acknowledge').value;
  const since = Date.now();

  // B's people press A's alert buttons: from A's channel (as the payload claims), or their own.
  const places = [
    { teamId: B.teamId, userId: B.admin },
    { teamId: B.teamId, userId: B.admin, channelId: B.channel, messageTs: '1700000000.999900' },
  ];
  const presses: string[] = [];
  for (const where of places) {
    for (const label of ['Acknowledge', 'Snooze', 'Start fix']) {
      const { response, responseId } = await pressButton(h, alert, label, where);
      expect(response.status).toBe(200);
      expect(ackText(response)).not.toContain('is on it');
      presses.push(responseId);
    }
  }
  await drain();
  // A's alert: not acknowledged, not snoozed, never redrawn, no walkthrough in its thread.
  expect(alertRow(alertId)).toMatchObject({
    status: 'open',
    acknowledged_by: null,
    snoozed_by: null,
  });
  expect(updatesOf(alert.response?.ts, since)).toEqual([]);
  expect(repliesTo(alert.response?.ts, since)).toEqual([]);
  // B's clicker was at most refused: never shown A's alert.
  for (const post of h.slack.responses.filter((each) => presses.includes(each.id))) {
    expect(JSON.stringify(post.body)).not.toContain('Alpha');
    expect(post.body.replace_original).not.toBe(true);
  }

  // B's commands naming A's connection: no such connection in B, and nothing of A's changes.
  const rowsA = rowsOf(A.teamId);
  const unknown = (await command(B, 'list -c finance')).ack;
  expect(unknown).toContain('no connection named `finance`');
  expect(unknown).not.toContain('Alpha');
  expect((await command(B, 'use finance')).ack).toContain('no connection named `finance`');
  const disconnect = await command(B, 'disconnect finance', { userId: B.admin });
  const refusal = JSON.stringify([disconnect.ack, (await disconnect.reply()).body]);
  expect(refusal).toContain('no connection named `finance`');
  expect(refusal).not.toContain('Remove');
  await (await command(B, `unwatch ${A.page}`)).reply();
  // B's command claiming A's channel: B watches nothing there, and sees nothing of A's.
  const claimed = (await command(B, 'list', { channelId: A.channel })).ack;
  expect(claimed).not.toContain(A.pageTitle);
  expect(claimed).not.toContain(A.integration);
  await drain();
  expect(rowsOf(A.teamId)).toEqual(rowsA);
  const stillA = (await command(A, 'list')).ack;
  expect(stillA).toContain(A.pageTitle);
  expect((await command(A, 'list -c finance')).ack).toContain(FINANCE.pageTitle);

  // A's own people: the same buttons work, with A's token.
  const { response } = await pressButton(h, alert, 'Acknowledge', {
    teamId: A.teamId,
    userId: A.user,
  });
  expect(response.status).toBe(200);
  const acknowledged = await h.slack.waitFor('chat.update', (call) =>
    messageText(call.body).includes(`<@${A.user}> is on it`),
  );
  expect(acknowledged.token).toBe(botToken(A));
  await pressButton(h, alert, 'Start fix', { teamId: A.teamId, userId: A.user });
  const walkthrough = await h.slack.waitFor(
    'chat.postMessage',
    (call) =>
      call.body.thread_ts === alert.response?.ts &&
      messageText(call.body).includes('Verify page sharing settings'),
    15_000,
  );
  expect(walkthrough.token).toBe(botToken(A));

  // B presses Done on A's walkthrough: nothing moves. A presses it: step 1 done, by A's user.
  const beforeDone = Date.now();
  const thread = { threadTs: String(alert.response?.ts) };
  await pressButton(h, walkthrough, 'Done', { ...thread, teamId: B.teamId, userId: B.user });
  await drain();
  expect(updatesOf(walkthrough.response?.ts, beforeDone)).toEqual([]);
  await pressButton(h, walkthrough, 'Done', { ...thread, teamId: A.teamId, userId: A.user });
  const done = await h.slack.waitFor(
    'chat.update',
    (call) => call.body.ts === walkthrough.response?.ts && call.at >= beforeDone,
    15_000,
  );
  expect(done.token).toBe(botToken(A));
  expect(messageText(done.body)).toContain(`done by <@${A.user}>`);
  expect(messageText(done.body)).not.toContain(B.user);

  // B submits A's token modal (its private_metadata copied): A's `finance` keeps its token.
  if (!financeModal) throw new Error("needs the earlier test's token modal");
  const intruder = fakeNotionToken('intruder');
  h.extraSecrets.push(intruder);
  h.notion.addIntegration({ token: intruder, name: 'Bravo Intruder', workspaceName: 'Bravo HQ' });
  await sendViewSubmission(h.appUrl, h.signingSecret, {
    teamId: B.teamId,
    userId: B.admin,
    callbackId: financeModal.callback_id,
    privateMetadata: financeModal.private_metadata,
    values: { token_input: { token_value: intruder } },
  });
  await drain();
  const shownA = JSON.stringify(
    (await (await command(A, 'connections')).reply('Notion connections')).body,
  );
  expect(shownA).toContain(FINANCE.integration);
  expect(shownA).toContain(`…${FINANCE.token.slice(-4)}`);
  expect(shownA).not.toContain('Bravo Intruder');
  expect(shownA).not.toContain(`…${intruder.slice(-4)}`);
});

test("Notion webhooks: each workspace's connection at /notion/webhooks/<team_id>/<connection>, never another's", async () => {
  const alpha = new NotionWebhookSender(() => h.appUrl, `${A.teamId}/sync`);
  h.extraSecrets.push(alpha.verificationToken);
  expect((await alpha.verify()).status).toBe(200);
  // The one-workspace path, a workspace that never installed, a connection A does not have,
  // something that is not a team id.
  for (const path of ['sync', `${X.teamId}/sync`, `${A.teamId}/nowhere`, 'alpha/sync']) {
    const stray = new NotionWebhookSender(() => h.appUrl, path);
    h.extraSecrets.push(stray.verificationToken);
    expect({ path, status: (await stray.verify()).status }).toEqual({ path, status: 404 });
  }
  // What each workspace's admin is shown: its own URL, and only its own pending token.
  const shownA = JSON.stringify(
    (await (await command(A, 'webhook sync', { userId: A.admin })).reply()).body,
  );
  expect(shownA).toContain(`${PUBLIC_URL}/notion/webhooks/${A.teamId}/sync`);
  expect(shownA).toContain(alpha.verificationToken);
  const shownB = JSON.stringify(
    (await (await command(B, 'webhook sync', { userId: B.admin })).reply()).body,
  );
  expect(shownB).toContain(`${PUBLIC_URL}/notion/webhooks/${B.teamId}/sync`);
  expect(shownB).not.toContain(alpha.verificationToken);
});

test('a workspace that never installed the app is not served', async () => {
  const alert = alertA;
  if (!alert) throw new Error("needs the earlier test's alert");
  const since = Date.now();
  for (const text of ['help', 'list', `watch ${A.page}`, 'connections']) {
    await expectNotServed(await command(X, text), X.channel, since);
  }
  await expectNotServed(await command(X, 'token sync', { userId: X.admin }), X.channel, since);
  // Its people clicking A's alert buttons (from A's channel): nothing.
  for (const label of ['Snooze', 'Start fix']) {
    const { response, responseId } = await pressButton(h, alert, label, {
      teamId: X.teamId,
      userId: X.user,
    });
    await drain();
    expect(ackText(response)).toBe('');
    expect(h.slack.responses.filter((post) => post.id === responseId)).toEqual([]);
  }
  expect(updatesOf(alert.response?.ts, since)).toEqual([]);
  expect(repliesTo(alert.response?.ts, since)).toEqual([]);
  expect(alertRow(findButton(alert.body.blocks, 'Snooze').value)).toMatchObject({
    snoozed_by: null,
  });
  // Opening the app's Home tab there: nothing published.
  await sendAppHomeOpened(h.appUrl, h.signingSecret, { userId: X.user, teamId: X.teamId });
  await drain();
  expect(h.slack.callsTo('views.publish').filter((call) => call.body.user_id === X.user)).toEqual(
    [],
  );
});

test("app_uninstalled for A deletes A's data and installation; B is untouched", async () => {
  const before = { A: rowsOf(A.teamId), B: rowsOf(B.teamId) };
  expect(before.A).toEqual({ watches: 2, connections: 2, alerts: expect.any(Number) });
  expect(before.A.alerts).toBeGreaterThan(0);
  expect(before.B).toMatchObject({ watches: 1, alerts: 0 });
  expect(before.B.connections).toBeGreaterThan(0);
  const tokenA = botToken(A);

  // A sweep of A is under way (Notion holds its answer) when Slack revokes the tokens, then
  // tells the app.
  const heldFrom = Date.now();
  h.notion.fault({ match: { token: A.notionToken }, times: 1, fault: { kind: 'hold' } });
  await h.notion.waitForRequest((r) => r.token === A.notionToken && r.at >= heldFrom, 15_000);
  h.slack.revokeWorkspace(A.teamId);
  expect((await event(A, { type: 'app_uninstalled' })).status).toBe(200);
  await eventually(
    () => rowsOf(A.teamId),
    (rows) => JSON.stringify(rows) === JSON.stringify(NO_ROWS),
    "A's rows to go",
  );
  // The sweep goes on, and saves what it found into a workspace that is gone.
  h.notion.releaseHeld();
  expect(rowsOf(B.teamId)).toEqual(before.B);
  const gone = Date.now();

  // A's people are not served any more.
  for (const text of ['help', 'list', 'connections']) {
    await expectNotServed(await command(A, text), A.channel, gone);
  }
  // B still is, with its watch.
  expect((await command(B, 'list')).ack).toContain(B.pageTitle);
  // The monitor goes on for B and has stopped for A: once a sweep of A that was under way has
  // ended (its last requests wait on the token's Notion pace: give it two intervals), no Notion
  // request with A's tokens and no Slack call with A's bot token.
  await sweepsOf(B.notionToken, B.page, gone, 2);
  const settled = Date.now();
  await sweepsOf(B.notionToken, B.page, settled);
  const notionA = h.notion.requests.filter(
    (request) =>
      request.at > settled && [A.notionToken, FINANCE.token].includes(request.token ?? ''),
  );
  expect(notionA.map((request) => request.path)).toEqual([]);
  expect(h.slack.calls.filter((call) => call.at > settled && call.token === tokenA)).toEqual([]);
  // Nothing of A is left in any table, not even what that last sweep wrote (health, history).
  await eventually(
    () => leftovers(A.teamId),
    (rows) => Object.keys(rows).length === 0,
    "A's late writes to go",
  );
});

/** Rows of the workspace in every table that has a team_id column, those with any. */
function leftovers(teamId: string): Record<string, number> {
  const db = new Database(h.databasePath, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare(
        "SELECT m.name AS name FROM sqlite_master m JOIN pragma_table_info(m.name) c WHERE m.type = 'table' AND c.name = 'team_id'",
      )
      .all() as { name: string }[];
    const found: Record<string, number> = {};
    for (const { name } of tables) {
      const { n } = db
        .prepare(`SELECT COUNT(*) AS n FROM ${name} WHERE team_id = ?`)
        .get(teamId) as {
        n: number;
      };
      if (n > 0) found[name] = n;
    }
    return found;
  } finally {
    db.close();
  }
}

test('A installs again: served again, with a new token, starting from nothing', async () => {
  const oldToken = botToken(A);
  h.slack.addWorkspace({ teamId: A.teamId, teamName: A.teamName, code: code('alpha-again') });
  const result = await h.install(A.teamId);
  expect(result.status).toBe(200);
  expect(result.body).toContain('notion-check is installed');
  expect(botToken(A)).not.toBe(oldToken);

  expect((await command(A, 'help')).ack).toContain('How to use /notion-check');
  const listed = await command(A, 'list');
  const connections = await command(A, 'connections');
  await drain();
  const told = JSON.stringify([
    listed.ack,
    connections.ack,
    h.slack.responses
      .filter((post) => [listed.responseId, connections.responseId].includes(post.id))
      .map((post) => post.body),
  ]);
  expect(told).toMatch(/connection/i);
  for (const old of [
    A.pageTitle,
    A.integration,
    FINANCE.pageTitle,
    FINANCE.integration,
    '`finance`',
  ]) {
    expect(told).not.toContain(old);
  }
  expect(rowsOf(A.teamId)).toEqual(NO_ROWS);
});

test("tokens_revoked for B's bot deletes B's data; a revoked user token alone does not", async () => {
  const before = rowsOf(B.teamId);
  expect(before.watches).toBe(1);

  // Only a user token revoked: the bot keeps its installation and B its data.
  expect(
    (await event(B, { type: 'tokens_revoked', tokens: { oauth: [B.admin], bot: [] } })).status,
  ).toBe(200);
  await drain();
  expect((await command(B, 'list')).ack).toContain(B.pageTitle);
  expect(rowsOf(B.teamId)).toEqual(before);

  // The bot's token revoked.
  h.slack.revokeWorkspace(B.teamId);
  const revoked = await event(B, {
    type: 'tokens_revoked',
    tokens: { oauth: [], bot: [installed(B).botUserId] },
  });
  expect(revoked.status).toBe(200);
  await eventually(
    () => rowsOf(B.teamId),
    (rows) => JSON.stringify(rows) === JSON.stringify(NO_ROWS),
    "B's rows to go",
  );
  const gone = Date.now();
  for (const text of ['help', 'list']) {
    await expectNotServed(await command(B, text), B.channel, gone);
  }
  // A (installed again) is still served.
  expect((await command(A, 'help')).ack).toContain('How to use /notion-check');
  await drain();
  expect(
    h.notion.requests.filter((request) => request.at > gone && request.token === B.notionToken),
  ).toEqual([]);
});
