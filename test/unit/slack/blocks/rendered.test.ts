/**
 * Byte-for-byte pins of what users see: every user-facing Block Kit builder, rendered from
 * plain fixtures (CheckRuns, Alerts, Watches, walkthrough event lists) and snapshotted whole.
 *
 * The fixtures below the adapters are data only. When the builders move or change their input
 * types, only the adapters change; the snapshots must then still match without `-u`.
 */
import type { Alert } from '../../../../src/domain/alert';
import type { CheckRun, IntegrationInfo, ResourceCheck } from '../../../../src/domain/check';
import {
  type DiagnosisDetail,
  type DiagnosisKind,
  diagnosisOf,
} from '../../../../src/domain/diagnosis';
import { connectionContext, problemsOf } from '../../../../src/domain/problems';
import {
  applyEvent,
  currentStep,
  startWalkthrough,
  type Walkthrough,
  type WalkthroughEvent,
} from '../../../../src/domain/walkthrough';
import type { Watch } from '../../../../src/domain/watch';
import { buildAlert } from '../../../../src/slack/blocks/alert';
import { ephemeral } from '../../../../src/slack/blocks/ephemeral';
import { buildFixSteps } from '../../../../src/slack/blocks/fixSteps';
import { helpMessage, type UsageProblem, usageMessage } from '../../../../src/slack/blocks/help';
import {
  listingProgress,
  stoppedWatchingAll,
  watchAllResultMessage,
} from '../../../../src/slack/blocks/inventory';
import { renderNotice as renderNoticeMessage } from '../../../../src/slack/blocks/notice';
import { buildReport } from '../../../../src/slack/blocks/report';
import {
  buildTokenDisabledModal,
  buildTokenModal,
  type TokenModalTarget,
} from '../../../../src/slack/blocks/tokenModal';
import { buildWalkthrough } from '../../../../src/slack/blocks/walkthrough';
import { watchListMessage, watchResultMessage } from '../../../../src/slack/blocks/watches';
import { assertBlockKitLimits } from '../../../support/blockKitLimits';

// Adapters: the only lines that change when the builders move.
// (With the src imports above: type-only imports name the fixtures' shapes, the rest is used
// only in this block.)

/** A Notion diagnosis of the given kind, as the checker produces it. */
const diag = (kind: DiagnosisKind, detail: DiagnosisDetail = {}) => diagnosisOf(kind, detail);

/** A message as posted, checked against Slack's limits before it is pinned. */
function message<T extends { text: string; blocks: unknown[] }>(payload: T): T {
  assertBlockKitLimits(payload);
  return payload;
}

/** The report; once resolved (by whom, how long it took), redrawn as the service does. */
function renderReport(
  run: CheckRun,
  options: { userId: string; resolution?: { by: string; tookMs: number } },
) {
  return message(buildReport(run, options));
}

const renderFixSteps = (run: CheckRun) => message(buildFixSteps(run));

/** Starts a walkthrough from a run, as the service does, then plays the events in order. */
function walkthroughOf(scenario: WalkthroughScenario): Walkthrough {
  const { problems, targets } = problemsOf(scenario.run);
  const start = startWalkthrough({
    id: scenario.id ?? WALKTHROUGH_ID,
    problems,
    targets,
    context: connectionContext(scenario.run),
    by: scenario.startedBy,
    at: scenario.at,
  });
  return scenario.events.reduce((state, event) => {
    const transition = applyEvent(state, toEvent(state, event));
    if (!transition.changed) throw new Error(`event refused: ${transition.refusal?.reason}`);
    return transition.walkthrough;
  }, start);
}

function toEvent(state: Walkthrough, event: Press): WalkthroughEvent {
  const { by, at } = event;
  if ('retest' in event) {
    const { problems, targets } = problemsOf(event.retest);
    return { type: 'retest', by, at, problems, targets, context: connectionContext(event.retest) };
  }
  if ('tokenSaved' in event) {
    const { integration, fingerprint } = event.tokenSaved;
    const context = {
      integrationName: integration.name,
      workspaceName: integration.workspaceName,
      tokenFingerprint: fingerprint,
    };
    return { type: 'token_updated', by, at, context };
  }
  if (event.press === 'escalate') return { type: 'escalate', by, at };
  const step = currentStep(state);
  if (!step) throw new Error(`no current step to press ${event.press} on`);
  return { type: event.press, step: step.id, by, at };
}

function renderWalkthrough(scenario: WalkthroughScenario, now: number) {
  return message(buildWalkthrough(walkthroughOf(scenario), now));
}

/** The summary posted when someone presses Escalate; text and `checked` as the service has them. */
function renderEscalation(scenario: WalkthroughScenario, by: string) {
  const checked = ['token', ...scenario.run.resources.map((resource) => resource.input)];
  const walkthrough = walkthroughOf(scenario);
  return message(renderNoticeMessage({ type: 'escalation', walkthrough, by, checked }, NOW));
}

/** The number of steps the walkthrough of this run starts with. */
function stepCount(run: CheckRun): number {
  return walkthroughOf({ run, startedBy: ALICE, at: T0, events: [] }).steps.length;
}

/** Alert and watch fixtures are flat records (nulls for "none"), as the old rows were. */
function toWatch(fixture: WatchFixture): Watch {
  const { state, stateSince, kind, requestId, title, url, lastCheckedAt, lastKind, ...rest } =
    fixture;
  return {
    ...rest,
    title: title ?? undefined,
    url: url ?? undefined,
    status: {
      state,
      since: stateSince,
      kind: kind ?? undefined,
      requestId: requestId ?? undefined,
    },
    lastCheckedAt: lastCheckedAt ?? undefined,
    lastKind: lastKind ?? undefined,
  };
}

function toAlert(fixture: AlertFixture): Alert {
  const defined = Object.entries(fixture).filter(([, value]) => value !== null);
  const { title: _title, ...details } = fixture.details;
  return {
    ...(Object.fromEntries(defined) as unknown as Alert),
    details: {
      ...details,
      watches: details.watches.map((w) => ({ ...w, url: w.url ?? undefined })),
    },
  };
}

function renderAlert(alert: AlertFixture, watches: WatchFixture[], now: number) {
  return message(buildAlert(toAlert(alert), watches.map(toWatch), now));
}

function renderWatchResult(
  result: { run: CheckRun; added: ResourceCheck[]; existing: ResourceCheck[] },
  userId: string,
) {
  return message(watchResultMessage(result, userId));
}

const renderWatchList = (watches: WatchFixture[]) =>
  message(watchListMessage(watches.map(toWatch)));

/** `list` of one connection, with the channel's "watch all" subscriptions. */
function renderWatchListWithAll(
  watches: WatchFixture[],
  connection: { name: string; integrationName: string | null },
  all: WatchAllFixture[],
) {
  const named = { name: connection.name, integrationName: connection.integrationName ?? undefined };
  const subscriptions = all.map((line) => ({
    ...line,
    integrationName: line.integrationName ?? undefined,
  }));
  return message(watchListMessage(watches.map(toWatch), { connection: named, all: subscriptions }));
}

/** The answer to `watch all`, as posted in the channel. */
function renderWatchAll(result: WatchAllResultFixture, userId: string) {
  return message(
    watchAllResultMessage(
      { ...result, integrationName: result.integrationName ?? undefined },
      userId,
    ),
  );
}

/** The answer to `unwatch all` (text only) and the ack while listing (a sentence). */
const renderUnwatchAll = (userId: string, connection: string, integrationName: string) =>
  stoppedWatchingAll(userId, connection, integrationName);
const renderListingProgress = (connection: string, integrationName: string) =>
  listingProgress(connection, integrationName);
const renderHelp = () => message(helpMessage());
const renderUsage = (problem: UsageProblem) => message(usageMessage(problem));
const renderNotice = (text: string) => message(ephemeral(text));

function renderLeakWarning(leakId: string, fingerprint: string, connection: string | null) {
  const notice = {
    type: 'leak_warning' as const,
    leakId,
    fingerprints: [fingerprint],
    connections: connection ? [connection] : [],
  };
  return message(renderNoticeMessage(notice, NOW));
}

function renderCompromisedNotice(
  leakId: string,
  connection: string,
  fingerprint: string,
  channelId: string,
) {
  const notice = { type: 'compromised' as const, leakId, connection, fingerprint, channelId };
  return message(renderNoticeMessage(notice, NOW));
}

function renderTokenModal(target: TokenModalTarget) {
  const view = buildTokenModal(target);
  assertBlockKitLimits(view);
  return view;
}

function renderTokenDisabledModal() {
  const view = buildTokenDisabledModal();
  assertBlockKitLimits(view);
  return view;
}

// ---- fixtures: plain data -----------------------------------------------------------------

const T0 = 1_700_000_000_000;
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const NOW = T0 + 2 * HOUR + 14 * MINUTE;

const ALICE = 'U0ALICE01';
const BOB = 'U0BOB0002';
const CAROL = 'U0CAROL03';
const CHANNEL = 'C0CHANNEL';
const WALKTHROUGH_ID = 'w0123456789abcdef';
const ALERT_ID = 'a0123456789abcdef';
const LEAK_ID = 'l0123456789abcdef';

// Built at run time: no literal in the repo looks like a real token.
const TOKEN_IN_TITLE = `ntn_${'4'.repeat(11)}${'Q'.repeat(31)}wxyz`;
/** The fingerprint of the connection's token (its last 4 characters). */
const FINGERPRINT = '…abcd';
const NEW_FINGERPRINT = '…efgh';

const INTEGRATION: IntegrationInfo = {
  id: 'bot-1',
  name: 'Roadmap Sync',
  workspaceName: 'Acme Corp',
  ownerType: 'workspace',
};

const pageId = (n: number) => n.toString(16).padStart(32, '0');
const pageUrl = (n: number, slug = 'Page') => `https://www.notion.so/acme/${slug}-${pageId(n)}`;

/** A resource Notion answered for: a page (or database, data source) with its title. */
function readable(
  n: number,
  options: { type?: ResourceCheck['type']; title?: string; inTrash?: boolean } = {},
): ResourceCheck {
  const inTrash = options.inTrash ?? false;
  return {
    input: pageUrl(n),
    id: pageId(n),
    type: options.type ?? 'page',
    title: options.title ?? `Page number ${n}`,
    url: pageUrl(n),
    inTrash,
    diagnosis: diag(inTrash ? 'in_trash' : 'ok'),
  };
}

const STATUS: Partial<Record<DiagnosisKind, number>> = {
  not_shared: 404,
  restricted: 403,
  rate_limited: 429,
};

/** A resource Notion refused: only the id the user's link carried is known. */
function refused(n: number, kind: DiagnosisKind, requestId?: string): ResourceCheck {
  const status = STATUS[kind];
  return {
    input: pageUrl(n),
    id: pageId(n),
    type: 'unknown',
    inTrash: false,
    diagnosis: diag(kind, { status, requestId }),
  };
}

/** Something typed that holds no Notion id. */
function garbage(input: string): ResourceCheck {
  return {
    input,
    type: 'unknown',
    inTrash: false,
    diagnosis: diag('invalid_input', { message: `"${input}" has no Notion ID in it` }),
  };
}

/** A run whose token works, with these resource results. */
function run(resources: ResourceCheck[], overrides: Partial<CheckRun> = {}): CheckRun {
  return {
    connection: 'default',
    fingerprint: FINGERPRINT,
    integration: INTEGRATION,
    token: { integration: INTEGRATION, diagnosis: diag('ok') },
    resources,
    startedAt: T0,
    durationMs: 1234,
    ...overrides,
  };
}

/** A run whose token check failed: every target is left unchecked with the token's result. */
function tokenFailure(
  kind: DiagnosisKind,
  detail: DiagnosisDetail,
  targets: string[],
  overrides: Partial<CheckRun> = {},
): CheckRun {
  const result = diag(kind, detail);
  return run(
    targets.map((input) => ({ input, type: 'unknown', inTrash: false, diagnosis: result })),
    { integration: undefined, token: { diagnosis: result }, ...overrides },
  );
}

const TARGETS = [pageUrl(1), pageUrl(2)];

const RUNS = {
  allGood: run([readable(1), readable(2, { title: 'Team wiki' })]),
  tokenInvalid: tokenFailure(
    'token_invalid',
    { status: 401, code: 'unauthorized', message: 'API token is invalid.', requestId: 'req-401' },
    TARGETS,
  ),
  mixed: run([
    refused(2, 'not_shared', 'req-404-2'),
    readable(1),
    readable(3, { type: 'database', title: 'Tasks' }),
    readable(4, { type: 'data_source', title: 'Tasks (all)' }),
  ]),
  inTrash: run([readable(5, { title: 'Old launch plan', inTrash: true })]),
  invalidInput: run([garbage('roadmap please'), garbage('https://www.notion.so/acme/Roadmap')]),
  rateLimited: run([
    readable(1),
    refused(2, 'rate_limited', 'req-429'),
    refused(3, 'not_shared', 'req-404-3'),
  ]),
  notionUnavailable: tokenFailure(
    'notion_unavailable',
    { status: 503, code: 'service_unavailable', requestId: 'req-503' },
    TARGETS,
  ),
  network: tokenFailure('network', { message: 'connection refused' }, TARGETS),
  tokenMissing: tokenFailure('token_missing', {}, TARGETS, { fingerprint: undefined }),
  compromised: run([readable(1)], { compromised: true }),
  restricted: run([refused(3, 'restricted', 'req-403-3')]),
  restrictedAndTrash: run([
    refused(3, 'restricted', 'req-403-3'),
    readable(5, { title: 'Old launch plan', inTrash: true }),
    readable(1),
  ]),
  restrictedAndNotShared: run([
    refused(3, 'restricted', 'req-403-3'),
    refused(2, 'not_shared', 'req-404-2'),
    readable(1),
  ]),
  /** As the leak walkthrough is started: the posted token, nothing else checked. */
  leaked: run([], {
    integration: undefined,
    token: { diagnosis: diag('token_leaked') },
    durationMs: 0,
  }),
};

/** 45 resources (past the 40-line cap): `failing` of them not shared, spread out. */
function manyResources(failing: number): CheckRun {
  const every = Math.floor(45 / failing);
  return run(
    Array.from({ length: 45 }, (_, index) =>
      index % every === 0 && index / every < failing
        ? refused(index + 1, 'not_shared', `req-404-${index + 1}`)
        : readable(index + 1),
    ),
  );
}

function notSharedPages(count: number): CheckRun {
  return run(
    Array.from({ length: count }, (_, index) =>
      refused(index + 1, 'not_shared', `req-404-${index + 1}`),
    ),
  );
}

const HOSTILE_TITLE = `Q3 <@U123> & *bold* plans ${TOKEN_IN_TITLE}`;
/** Titles reach the fix steps only from pages Notion answered for: one ok, one in the trash. */
const hostileTrashed = () => readable(8, { title: HOSTILE_TITLE, inTrash: true });
const hostileRun = () => run([readable(7, { title: HOSTILE_TITLE }), hostileTrashed()]);

// ---- walkthrough scenarios ----------------------------------------------------------------

/** A button press (on the current step), a re-test with its new run, or a token saved. */
type Press =
  | { press: 'done' | 'skip' | 'escalate'; by: string; at: number }
  | { retest: CheckRun; by: string; at: number }
  | { tokenSaved: { integration: IntegrationInfo; fingerprint: string }; by: string; at: number };

interface WalkthroughScenario {
  id?: string;
  run: CheckRun;
  startedBy: string;
  at: number;
  events: Press[];
}

const at = (minutes: number) => T0 + minutes * MINUTE;
const done = (by: string, minutes: number): Press => ({ press: 'done', by, at: at(minutes) });
const skip = (by: string, minutes: number): Press => ({ press: 'skip', by, at: at(minutes) });
const escalate = (by: string, minutes: number): Press => ({
  press: 'escalate',
  by,
  at: at(minutes),
});
const retest = (latest: CheckRun, by: string, minutes: number): Press => ({
  retest: latest,
  by,
  at: at(minutes),
});

const scenario = (subject: CheckRun, events: Press[] = []): WalkthroughScenario => ({
  run: subject,
  startedBy: ALICE,
  at: T0,
  events,
});

/** The not-shared run of the report, and every step of its walkthrough pressed in turn. */
const NOT_SHARED_RUN = run([readable(1), refused(2, 'not_shared', 'req-404-2')]);
const NOT_SHARED_PRESSES: Press[] = [
  done(ALICE, 2),
  done(BOB, 4),
  skip(ALICE, 5), // the test step has no Done button: Test connection or Skip
  done(CAROL, 9),
];
const TOKEN_INVALID_PRESSES: Press[] = [
  done(ALICE, 1),
  done(ALICE, 6),
  skip(BOB, 7),
  done(BOB, 15),
  skip(CAROL, 16),
];

const FIRST_STEP_RUNS: [string, CheckRun][] = [
  ['token_invalid', RUNS.tokenInvalid],
  ['not_shared', NOT_SHARED_RUN],
  ['restricted', RUNS.restricted],
  ['in_trash', RUNS.inTrash],
  ['token_missing', RUNS.tokenMissing],
  ['token_leaked', RUNS.leaked],
];

// ---- alert fixtures -----------------------------------------------------------------------

interface WatchFixture {
  id: number;
  channelId: string;
  connection: string;
  resourceId: string;
  resourceType: string;
  title: string | null;
  url: string | null;
  addedBy: string;
  addedAt: number;
  state: Watch['status']['state'];
  stateSince: number;
  kind: DiagnosisKind | null;
  requestId: string | null;
  lastCheckedAt: number | null;
  lastKind: DiagnosisKind | null;
}

interface AlertFixture
  extends Omit<
    Alert,
    | 'acknowledgedBy'
    | 'acknowledgedAt'
    | 'snoozedBy'
    | 'snoozedUntil'
    | 'lastReminderAt'
    | 'resolvedAt'
    | 'details'
  > {
  acknowledgedBy: string | null;
  acknowledgedAt: number | null;
  snoozedBy: string | null;
  snoozedUntil: number | null;
  lastReminderAt: number | null;
  resolvedAt: number | null;
  details: Omit<Alert['details'], 'watches'> & {
    title: string;
    watches: { id: number; title: string; url: string | null; resourceId: string }[];
  };
}

function watch(n: number, overrides: Partial<WatchFixture> = {}): WatchFixture {
  return {
    id: n,
    channelId: CHANNEL,
    connection: 'default',
    resourceId: pageId(n),
    resourceType: 'page',
    title: `Roadmap page ${n}`,
    url: pageUrl(n, 'Roadmap-page'),
    addedBy: ALICE,
    addedAt: T0 - 10 * HOUR,
    state: 'failing',
    stateSince: T0,
    kind: 'not_shared',
    requestId: `req-${n}`,
    lastCheckedAt: NOW - 5 * MINUTE,
    lastKind: 'not_shared',
    ...overrides,
  };
}

function alert(
  watches: WatchFixture[],
  overrides: Partial<AlertFixture> = {},
  requestIds?: string[],
): AlertFixture {
  return {
    id: ALERT_ID,
    channelId: CHANNEL,
    postedChannel: CHANNEL,
    ts: '1700000000.000100',
    connection: 'default',
    scope: 'resources',
    kind: 'not_shared',
    status: 'open',
    openedAt: T0 + 15 * MINUTE,
    failingSince: T0,
    acknowledgedBy: null,
    acknowledgedAt: null,
    snoozedBy: null,
    snoozedUntil: null,
    lastReminderAt: null,
    resolvedAt: null,
    details: {
      title: 'not_shared',
      watches: watches.map((w) => ({
        id: w.id,
        title: w.title ?? w.resourceId,
        url: w.url,
        resourceId: w.resourceId,
      })),
      requestIds: requestIds ?? watches.map((w) => w.requestId ?? '').filter(Boolean),
      integrationName: INTEGRATION.name,
      fingerprint: FINGERPRINT,
    },
    ...overrides,
  };
}

const ONE = [watch(1)];
const THREE = [watch(1), watch(2), watch(3)];

interface RootFixture {
  id: string;
  title: string;
  url: string | null;
  type: 'page' | 'database' | 'data_source';
  inside: number;
  examples: { id: string; title: string; url: string | null }[];
}

/** A root of a "watch all" loss: `inside` lost pages below it, up to 5 of them as examples. */
function lossRoot(n: number, title: string, inside: number, type: RootFixture['type'] = 'page') {
  return {
    id: pageId(n),
    title,
    url: pageUrl(n, title.replace(/\W+/g, '-')),
    type,
    inside,
    examples: Array.from({ length: Math.min(inside, 5) }, (_, i) => ({
      id: pageId(n * 100 + i + 1),
      title: `${title} note ${i + 1}`,
      url: i === 1 ? null : pageUrl(n * 100 + i + 1, 'Note'),
    })),
  };
}

/** An open "watch all" alert of connection `sync` (integration Acme Sync). */
function inventoryAlert(
  roots: RootFixture[],
  overrides: Partial<AlertFixture> = {},
  more: { moreRoots: number; morePages: number } | null = null,
): AlertFixture {
  const base = alert([], { connection: 'sync', scope: 'inventory' }, ['req-404-r1']);
  return {
    ...base,
    details: {
      ...base.details,
      title: 'inventory',
      integrationName: 'Acme Sync',
      roots: roots.map((root) => ({
        ...root,
        url: root.url ?? undefined,
        examples: root.examples.map((page) => ({ ...page, url: page.url ?? undefined })),
      })),
      items: roots.flatMap((root) => [
        root.id,
        ...Array.from({ length: root.inside }, (_, i) => `${root.id}-${i}`),
      ]),
      ...(more ?? {}),
    },
    ...overrides,
  };
}

const ROADMAP_LOSS = [lossRoot(100, 'Roadmap', 41)];
const MANY_LOSSES = [
  lossRoot(100, 'Roadmap', 41),
  lossRoot(200, 'Tasks', 12, 'database'),
  lossRoot(300, 'Budget', 0),
];

interface WatchAllFixture {
  connection: string;
  integrationName: string | null;
  count: number;
  since: number;
  addedBy: string;
}

interface WatchAllResultFixture {
  connection: string;
  integrationName: string | null;
  count: number;
  already: boolean;
  complete: boolean;
}

function connectionAlert(
  watches: WatchFixture[],
  overrides: Partial<AlertFixture> = {},
): AlertFixture {
  const base = alert(watches);
  return {
    ...base,
    scope: 'connection',
    kind: 'token_invalid',
    details: { ...base.details, title: 'token_invalid', requestIds: ['req-401'] },
    ...overrides,
  };
}

// ---- the pins -----------------------------------------------------------------------------

describe('report', () => {
  const pin = (name: string, subject: CheckRun, resolution?: { by: string; tookMs: number }) =>
    expect(renderReport(subject, { userId: ALICE, resolution })).toMatchSnapshot(name);

  it('all good with 2 pages', () => pin('all good', RUNS.allGood));
  it('token invalid (401 with a request id)', () => pin('token invalid', RUNS.tokenInvalid));
  it('not shared, ok, database and data source', () => pin('mixed', RUNS.mixed));
  it('in trash', () => pin('in trash', RUNS.inTrash));
  it('invalid input: typed garbage and an https URL without id', () =>
    pin('invalid input', RUNS.invalidInput));
  it('transient: rate limited', () => pin('rate limited', RUNS.rateLimited));
  it('transient: Notion unavailable', () => pin('notion unavailable', RUNS.notionUnavailable));
  it('transient: network, with its cause', () => pin('network', RUNS.network));
  it('token missing', () => pin('token missing', RUNS.tokenMissing));
  it('compromised token', () => pin('compromised', RUNS.compromised));
  it('45 resources, 5 failing', () => pin('45 resources 5 failing', manyResources(5)));
  it('45 resources, 42 failing', () => pin('45 resources 42 failing', manyResources(42)));

  it('resolved: the re-tested lines are ok again', () => {
    pin('resolved', run([readable(1), readable(2)]), { by: BOB, tookMs: 12 * MINUTE });
  });

  it('resolved with an invalid input left over', () => {
    const resolution = { by: BOB, tookMs: 12 * MINUTE };
    pin(
      'resolved with invalid input left',
      run([readable(2), garbage('roadmap please')]),
      resolution,
    );
  });

  it('a hostile Notion title is escaped and redacted', () => {
    pin('hostile title', hostileRun());
    expect(JSON.stringify(renderReport(hostileRun(), { userId: ALICE }))).not.toContain(
      TOKEN_IN_TITLE,
    );
  });
});

describe('fix steps', () => {
  const pin = (name: string, subject: CheckRun) =>
    expect(renderFixSteps(subject)).toMatchSnapshot(name);

  it('not shared', () => pin('not shared', RUNS.mixed));
  it('token invalid', () => pin('token invalid', RUNS.tokenInvalid));
  it('12 not-shared pages: the affected list is cut at 10', () =>
    pin('12 not shared', notSharedPages(12)));
  it('restricted and in trash', () => pin('restricted and in trash', RUNS.restrictedAndTrash));
  it('a hostile Notion title', () => pin('hostile title', hostileRun()));
  it('nothing to fix (transient only)', () => pin('transient only', RUNS.notionUnavailable));
});

describe('walkthrough', () => {
  const pin = (name: string, subject: WalkthroughScenario) =>
    expect(renderWalkthrough(subject, NOW)).toMatchSnapshot(name);

  it.each(FIRST_STEP_RUNS)('first step of %s', (kind, subject) =>
    pin(`first step: ${kind}`, scenario(subject)),
  );

  it('not shared: every step in turn', () => {
    expect(NOT_SHARED_PRESSES).toHaveLength(stepCount(NOT_SHARED_RUN));
    for (let n = 0; n <= NOT_SHARED_PRESSES.length; n++) {
      pin(
        `not shared after ${n} presses`,
        scenario(NOT_SHARED_RUN, NOT_SHARED_PRESSES.slice(0, n)),
      );
    }
  });

  it('token invalid: every step in turn', () => {
    expect(TOKEN_INVALID_PRESSES).toHaveLength(stepCount(RUNS.tokenInvalid));
    for (let n = 0; n <= TOKEN_INVALID_PRESSES.length; n++) {
      pin(
        `token invalid after ${n} presses`,
        scenario(RUNS.tokenInvalid, TOKEN_INVALID_PRESSES.slice(0, n)),
      );
    }
  });

  it('token invalid: a new token saved ticks the regenerate step', () => {
    const saved: Press = {
      tokenSaved: { integration: INTEGRATION, fingerprint: NEW_FINGERPRINT },
      by: BOB,
      at: at(8),
    };
    pin('token saved', scenario(RUNS.tokenInvalid, [done(ALICE, 1), saved]));
  });

  it('every step done or skipped', () =>
    pin('every step done', scenario(RUNS.inTrash, [done(BOB, 3), skip(CAROL, 4)])));

  it('escalated', () =>
    pin('escalated', scenario(NOT_SHARED_RUN, [done(ALICE, 2), escalate(BOB, 3)])));

  it('resolved', () =>
    pin(
      'resolved',
      scenario(NOT_SHARED_RUN, [
        done(ALICE, 2),
        done(ALICE, 4),
        retest(run([readable(2)]), BOB, 12),
      ]),
    ));

  it('two problems: restricted first, not shared next', () =>
    pin('two problems', scenario(RUNS.restrictedAndNotShared)));

  it('two problems: a re-test that fixed the first moves on to the next', () =>
    pin(
      'moved to next problem',
      scenario(RUNS.restrictedAndNotShared, [
        done(ALICE, 2),
        done(BOB, 3),
        retest(run([readable(3), refused(2, 'not_shared', 'req-404-2b')]), BOB, 10),
      ]),
    ));

  it('no integration or workspace names known', () =>
    pin(
      'no names',
      scenario(run([refused(2, 'not_shared', 'req-404-2')], { integration: undefined })),
    ));

  it('two pages not shared: the steps name neither, the headline both', () =>
    pin(
      'two pages not shared',
      scenario(run([refused(2, 'not_shared', 'req-404-2'), refused(6, 'not_shared')])),
    ));

  it('a hostile Notion title', () => pin('hostile title', scenario(run([hostileTrashed()]))));
});

describe('escalation summary', () => {
  const pin = (name: string, subject: WalkthroughScenario) =>
    expect(renderEscalation(subject, BOB)).toMatchSnapshot(name);

  it('after some steps', () =>
    pin(
      'after some steps',
      scenario(NOT_SHARED_RUN, [done(ALICE, 2), skip(BOB, 3), escalate(BOB, 6)]),
    ));

  it('before any step, token invalid', () =>
    pin('token invalid, no step', scenario(RUNS.tokenInvalid, [escalate(BOB, 1)])));

  it('after moving on to the next problem', () =>
    pin(
      'after next problem',
      scenario(RUNS.restrictedAndNotShared, [
        done(ALICE, 2),
        done(BOB, 3),
        retest(run([readable(3), refused(2, 'not_shared', 'req-404-2b')]), BOB, 10),
        done(ALICE, 11),
        escalate(BOB, 20),
      ]),
    ));
});

describe('alert', () => {
  const pin = (name: string, subject: AlertFixture, watches: WatchFixture[], now = NOW) =>
    expect(renderAlert(subject, watches, now)).toMatchSnapshot(name);

  it('open, 1 watch', () => pin('open 1 watch', alert(ONE), ONE));
  it('open, 3 watches, more request ids than shown', () => {
    const ids = ['req-1', 'req-2', 'req-3', 'req-4', 'req-5', 'req-6'];
    pin('open 3 watches', alert(THREE, {}, ids), THREE);
  });
  it('open, one watch back ok', () => {
    const watches = [watch(1, { state: 'ok' }), watch(2)];
    pin('open one back ok', alert(watches), watches);
  });
  it('open, no request id', () => pin('open no request id', alert(ONE, {}, []), ONE));

  it('acknowledged', () =>
    pin('acknowledged', alert(THREE, { acknowledgedBy: BOB, acknowledgedAt: T0 + HOUR }), THREE));

  it('snoozed', () =>
    pin('snoozed', alert(THREE, { snoozedBy: CAROL, snoozedUntil: NOW + 20 * HOUR }), THREE));

  it('snooze over', () =>
    pin('snooze over', alert(THREE, { snoozedBy: CAROL, snoozedUntil: NOW - MINUTE }), THREE));

  it('acknowledged and snoozed', () =>
    pin(
      'acknowledged and snoozed',
      alert(THREE, {
        acknowledgedBy: BOB,
        acknowledgedAt: T0 + HOUR,
        snoozedBy: CAROL,
        snoozedUntil: NOW + 20 * HOUR,
      }),
      THREE,
    ));

  it('connection scope, with the fingerprint', () =>
    pin('connection scope', connectionAlert(THREE), THREE));

  it('resolved', () => {
    const back = THREE.map((w) => ({ ...w, state: 'ok' as const }));
    pin('resolved', alert(THREE, { status: 'resolved', resolvedAt: NOW }), back, NOW + HOUR);
  });

  it('resolved with one watch back ok and one still failing', () => {
    const watches = [watch(1, { state: 'ok' }), watch(2)];
    pin(
      'resolved mixed',
      alert(watches, { status: 'resolved', resolvedAt: NOW }),
      watches,
      NOW + HOUR,
    );
  });

  it('resolved, connection scope', () =>
    pin(
      'resolved connection scope',
      connectionAlert(ONE, { status: 'resolved', resolvedAt: T0 + 40 * MINUTE }),
      ONE,
    ));

  it('closed because unwatched', () => {
    const closed = alert(THREE, { status: 'resolved', resolvedAt: NOW });
    closed.details = { ...closed.details, closedBecause: 'unwatched' };
    pin('unwatched', closed, []);
  });

  it('35 watches: the list is cut at 30', () => {
    const watches = Array.from({ length: 35 }, (_, index) => watch(index + 1));
    pin('35 watches', alert(watches), watches);
  });

  it('a hostile watch title', () => {
    const watches = [watch(1, { title: HOSTILE_TITLE })];
    pin('hostile title', alert(watches), watches);
  });

  it('closed because the connection was removed', () => {
    const closed = alert(THREE, { status: 'resolved', resolvedAt: NOW });
    closed.details = { ...closed.details, closedBecause: 'disconnected' };
    pin('disconnected', closed, []);
  });
});

describe('watch all alert', () => {
  const pin = (name: string, subject: AlertFixture, now = NOW) =>
    expect(renderAlert(subject, [], now)).toMatchSnapshot(name);

  it('one root: the root and the pages inside it', () =>
    pin('one root', inventoryAlert(ROADMAP_LOSS)));

  it('one page lost alone', () => pin('one page', inventoryAlert([lossRoot(300, 'Budget', 0)])));

  it('several roots, and more not shown', () =>
    pin('several roots', inventoryAlert(MANY_LOSSES, {}, { moreRoots: 12, morePages: 340 })));

  it('in trash, moved by someone Notion names', () => {
    const trashed = inventoryAlert([lossRoot(100, 'Roadmap', 11)], { kind: 'in_trash' });
    trashed.details = { ...trashed.details, trashedBy: 'Mallory Jones' };
    pin('trash', trashed);
  });

  it('acknowledged', () =>
    pin(
      'acknowledged',
      inventoryAlert(ROADMAP_LOSS, { acknowledgedBy: BOB, acknowledgedAt: T0 + HOUR }),
    ));

  it('resolved', () =>
    pin(
      'resolved',
      inventoryAlert(ROADMAP_LOSS, { status: 'resolved', resolvedAt: NOW }),
      NOW + HOUR,
    ));

  it('closed because the connection was removed', () => {
    const closed = inventoryAlert(ROADMAP_LOSS, { status: 'resolved', resolvedAt: NOW });
    closed.details = { ...closed.details, closedBecause: 'disconnected' };
    pin('disconnected', closed);
  });

  it('closed by unwatch all', () => {
    const closed = inventoryAlert(MANY_LOSSES, { status: 'resolved', resolvedAt: NOW });
    closed.details = { ...closed.details, closedBecause: 'unwatched' };
    pin('unwatched', closed);
  });

  it('a hostile root title and integration name', () => {
    const hostile = inventoryAlert([lossRoot(100, HOSTILE_TITLE, 2)], { kind: 'in_trash' });
    hostile.details = {
      ...hostile.details,
      integrationName: HOSTILE_TITLE,
      trashedBy: HOSTILE_TITLE,
    };
    pin('hostile', hostile);
  });
});

describe('watch all', () => {
  const SYNC = { connection: 'sync', integrationName: 'Acme Sync' };
  const result = (overrides: Partial<WatchAllResultFixture> = {}): WatchAllResultFixture => ({
    ...SYNC,
    count: 1284,
    already: false,
    complete: true,
    ...overrides,
  });

  it('watching all', () => expect(renderWatchAll(result(), ALICE)).toMatchSnapshot('watching'));
  it('already watching', () =>
    expect(renderWatchAll(result({ already: true }), ALICE)).toMatchSnapshot('already'));
  it('incomplete search', () =>
    expect(renderWatchAll(result({ complete: false }), ALICE)).toMatchSnapshot('incomplete'));
  it('no integration name, nothing shared yet', () =>
    expect(renderWatchAll(result({ integrationName: null, count: 0 }), ALICE)).toMatchSnapshot(
      'nothing shared',
    ));
  it('unwatch all', () =>
    expect(renderUnwatchAll(BOB, 'sync', 'Acme Sync')).toMatchSnapshot('unwatch all'));
  it('listing progress', () =>
    expect(renderListingProgress('sync', 'Acme Sync')).toMatchSnapshot('listing'));

  it('list with watch all and watches', () => {
    const all = [
      { ...SYNC, count: 1284, since: T0 - 24 * HOUR, addedBy: BOB },
      { connection: 'reports', integrationName: null, count: 1, since: T0, addedBy: CAROL },
    ];
    expect(
      renderWatchListWithAll(
        [watch(1), watch(2, { state: 'ok' })],
        { name: 'sync', integrationName: 'Acme Sync' },
        all,
      ),
    ).toMatchSnapshot('list with all');
  });

  it('list: nothing, for a named connection', () =>
    expect(
      renderWatchListWithAll([], { name: 'sync', integrationName: 'Acme Sync' }, []),
    ).toMatchSnapshot('empty for connection'));
});

describe('watches', () => {
  it('empty list', () => expect(renderWatchList([])).toMatchSnapshot('empty list'));

  it('list with ok, suspect and failing watches', () => {
    const watches = [
      watch(1, { state: 'ok', kind: null, requestId: null, lastKind: 'ok' }),
      watch(2, { state: 'suspect', stateSince: NOW - 10 * MINUTE, addedBy: BOB }),
      watch(3),
      watch(4, { state: 'ok', title: null, url: null, lastCheckedAt: null, kind: null }),
      watch(5, { state: 'ok', title: `A very long title ${'that goes on '.repeat(10)}` }),
    ];
    expect(renderWatchList(watches)).toMatchSnapshot('list');
  });

  it('watch result: added, existing and skipped', () => {
    const added = [readable(1), refused(2, 'not_shared', 'req-404-2')];
    const existing = [readable(3, { type: 'database', title: 'Tasks' })];
    const subject = run([...added, ...existing, garbage('not-a-link')]);
    expect(renderWatchResult({ run: subject, added, existing }, ALICE)).toMatchSnapshot(
      'added existing skipped',
    );
  });

  it('watch result with a broken token', () => {
    const subject = RUNS.tokenInvalid;
    const [first, second] = subject.resources;
    if (!first || !second) throw new Error('expected two resources');
    expect(
      renderWatchResult({ run: subject, added: [first], existing: [second] }, ALICE),
    ).toMatchSnapshot('broken token');
  });

  it('watch result: nothing new', () => {
    const existing = [readable(1)];
    expect(renderWatchResult({ run: run(existing), added: [], existing }, ALICE)).toMatchSnapshot(
      'nothing new',
    );
  });
});

describe('help', () => {
  it('help', () => expect(renderHelp()).toMatchSnapshot('help'));
  it('usage', () =>
    expect(renderUsage({ problem: 'unknown_command', word: '<foo>' })).toMatchSnapshot('usage'));
  it('notice', () =>
    expect(renderNotice('This channel no longer watches *Roadmap*.')).toMatchSnapshot('notice'));
});

describe('leak', () => {
  it('warning, token of a connection', () =>
    expect(renderLeakWarning(LEAK_ID, FINGERPRINT, 'default')).toMatchSnapshot('ours'));
  it('warning, unknown token', () =>
    expect(renderLeakWarning(LEAK_ID, '…wxyz', null)).toMatchSnapshot('not ours'));
  it('compromised notice', () =>
    expect(renderCompromisedNotice(LEAK_ID, 'default', FINGERPRINT, CHANNEL)).toMatchSnapshot(
      'compromised notice',
    ));
});

describe('token modal', () => {
  it('for a connection', () =>
    expect(renderTokenModal({ connection: 'default' })).toMatchSnapshot('connection only'));
  it('from a walkthrough', () =>
    expect(
      renderTokenModal({
        connection: 'default',
        walkthroughId: WALKTHROUGH_ID,
        channelId: CHANNEL,
      }),
    ).toMatchSnapshot('walkthrough'));
  it('disabled', () => expect(renderTokenDisabledModal()).toMatchSnapshot('disabled'));
});
