/**
 * Domain objects for unit tests, built the way the app builds them, with fixed times so
 * rendered output is deterministic. Override any field: `watch(3, { title: undefined })`.
 */
import type { Alert } from '../../src/domain/alert';
import { alertedWatch } from '../../src/domain/alert';
import type { CheckRun, IntegrationInfo, ResourceCheck } from '../../src/domain/check';
import { type Diagnosis, type DiagnosisKind, diagnosisOf } from '../../src/domain/diagnosis';
import { problemsOf } from '../../src/domain/problems';
import { startWalkthrough, type WalkthroughRecord } from '../../src/domain/walkthrough';
import type { NewWatch, Watch } from '../../src/domain/watch';

export const T0 = 1_700_000_000_000;
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export const USER = 'U0ALICE01';
export const OTHER_USER = 'U0BOB0002';
export const CHANNEL = 'C0CHANNEL';

/** Obviously fake, built at run time so no token-shaped literal sits in the repository. */
export function fakeToken(last4 = 'abcd'): string {
  return `ntn_${'3'.repeat(11)}${'x'.repeat(31)}${last4}`;
}

/** A Notion id (32 hex digits) numbered `index`. */
export function pageId(index: number): string {
  return index.toString(16).padStart(32, '0');
}

export function pageUrl(index: number, title = `Page-${index}`): string {
  return `https://www.notion.so/acme/${title}-${pageId(index)}`;
}

export const INTEGRATION: IntegrationInfo = {
  id: 'bot-1',
  name: 'Roadmap Sync',
  workspaceName: 'Acme Corp',
  ownerType: 'workspace',
};

/** A checked page: accessible unless another diagnosis is given. */
export function resource(
  index: number,
  result: Diagnosis = diagnosisOf('ok'),
  overrides: Partial<ResourceCheck> = {},
): ResourceCheck {
  const readable = result.category === 'ok' || result.kind === 'in_trash';
  return {
    input: pageUrl(index),
    id: pageId(index),
    type: readable ? 'page' : 'unknown',
    title: readable ? `Page ${index}` : undefined,
    url: readable ? pageUrl(index) : undefined,
    inTrash: result.kind === 'in_trash',
    diagnosis: result,
    ...overrides,
  };
}

export function checkRun(overrides: Partial<CheckRun> = {}): CheckRun {
  return {
    connection: 'default',
    fingerprint: '…abcd',
    integration: INTEGRATION,
    token: { integration: INTEGRATION, diagnosis: diagnosisOf('ok') },
    resources: [],
    startedAt: T0,
    durationMs: 1_234,
    ...overrides,
  };
}

/** A run with one page per kind; request ids `req-1`, `req-2`… on the failing ones. */
export function runWith(kinds: DiagnosisKind[]): CheckRun {
  return checkRun({
    resources: kinds.map((kind, index) =>
      resource(
        index + 1,
        diagnosisOf(kind, kind === 'ok' ? {} : { requestId: `req-${index + 1}` }),
      ),
    ),
  });
}

/** A run whose token failed (every resource unchecked for that reason). */
export function failedTokenRun(kind: DiagnosisKind, requestId?: string): CheckRun {
  const result = diagnosisOf(kind, { status: 401, requestId });
  return checkRun({ integration: undefined, token: { diagnosis: result }, resources: [] });
}

export function newWatch(index: number, overrides: Partial<NewWatch> = {}): NewWatch {
  return {
    channelId: CHANNEL,
    connection: 'default',
    resourceId: pageId(index),
    resourceType: 'page',
    title: `Roadmap page ${index}`,
    url: pageUrl(index, 'Roadmap-page'),
    addedBy: USER,
    addedAt: T0 - 10 * HOUR,
    status: { state: 'ok', since: T0 - 10 * HOUR },
    ...overrides,
  };
}

/** A stored watch, failing (not shared) since T0 unless told otherwise. */
export function watch(index: number, overrides: Partial<Watch> = {}): Watch {
  return {
    ...newWatch(index),
    id: index,
    status: { state: 'failing', since: T0, kind: 'not_shared', requestId: `req-${index}` },
    lastCheckedAt: T0 + 2 * HOUR,
    lastKind: 'not_shared',
    ...overrides,
  };
}

/** An open, posted alert listing these watches. */
export function alert(watches: Watch[], overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'a0123456789abcdef',
    channelId: CHANNEL,
    postedChannel: CHANNEL,
    ts: '1700000000.000100',
    connection: 'default',
    scope: 'resources',
    kind: 'not_shared',
    status: 'open',
    openedAt: T0 + 15 * MINUTE,
    failingSince: T0,
    details: {
      watches: watches.map(alertedWatch),
      requestIds: ['req-aaa-111', 'req-bbb-222'],
      integrationName: 'Roadmap Sync',
      fingerprint: '…abcd',
    },
    ...overrides,
  };
}

/** Ids of the kind buttons carry (`w`, `a`, `l` and 16 hex digits). */
export const WALKTHROUGH_ID = 'w0123456789abcdef';
export const LEAK_ID = 'l0123456789abcdef';

/**
 * Like runWith, but every page keeps its type, title (`Page 1`…) and link whatever its
 * diagnosis: a page whose title is known (a watch, a re-test) or a test about titles.
 */
export function titledRunWith(kinds: DiagnosisKind[]): CheckRun {
  const run = runWith(kinds);
  return {
    ...run,
    resources: run.resources.map((item, index) => ({
      ...item,
      type: 'page' as const,
      title: `Page ${index + 1}`,
      url: pageUrl(index + 1),
    })),
  };
}

/** failedTokenRun, with `count` pages asked about, each left unchecked for the token's reason. */
export function failedTokenRunWith(
  kind: DiagnosisKind,
  count: number,
  requestId?: string,
): CheckRun {
  const run = failedTokenRun(kind, requestId);
  // As uncheckedResources (src/domain/check.ts) makes them: what was typed, nothing known.
  const resources = Array.from({ length: count }, (_, index) => ({
    input: pageUrl(index + 1),
    type: 'unknown' as const,
    inTrash: false,
    diagnosis: run.token.diagnosis,
  }));
  return { ...run, resources };
}

/**
 * One secret of each kind the bot must never show or log, built at run time (no token-shaped
 * literal in the repository); each ends in a distinct last 4 for fingerprint checks.
 */
export const SECRETS = {
  notion: `ntn_${'4'.repeat(11)}${'n'.repeat(31)}N0t1`,
  legacy: `secret_${'L'.repeat(39)}Lg4c`,
  bot: `xoxb-${'1'.repeat(12)}-${'2'.repeat(13)}-${'b'.repeat(20)}B0t1`,
  app: `xapp-1-${'A'.repeat(11)}-${'3'.repeat(13)}-${'a'.repeat(60)}Ap91`,
} as const;

/** The SECRETS with a name each, for `it.each`. */
export const SECRET_CASES = [
  ['a current Notion token', SECRETS.notion],
  ['a legacy Notion token', SECRETS.legacy],
  ['a Slack bot token', SECRETS.bot],
  ['a Slack app token', SECRETS.app],
] as const;

/**
 * A walkthrough started from a check report of `kinds` (its first problem first), as
 * WalkthroughService.persist stores it: in CHANNEL, under a report at REPORT_TS.
 */
export function walkthroughRecord(
  id: string,
  kinds: DiagnosisKind[],
  overrides: Partial<WalkthroughRecord> = {},
): WalkthroughRecord {
  const run = runWith(kinds);
  const { problems, targets } = problemsOf(run);
  const state = startWalkthrough({
    id,
    problems,
    targets,
    context: problems[0]?.context ?? {},
    by: USER,
    at: T0,
  });
  return {
    id,
    channelId: CHANNEL,
    reportTs: '1700000000.000100',
    messageTs: '1700000000.000200',
    state,
    report: { run, userId: USER, parent: 'report' },
    ...overrides,
  };
}
