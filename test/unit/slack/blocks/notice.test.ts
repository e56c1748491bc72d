/**
 * Every Notice a service or the monitor sends becomes a message Slack accepts: a non-empty
 * fallback text, blocks within Block Kit's limits, and no markup from Notion or users.
 */
import type { Alert } from '../../../../src/domain/alert';
import type { CheckRun } from '../../../../src/domain/check';
import { type DiagnosisKind, diagnosisOf } from '../../../../src/domain/diagnosis';
import type { Notice, NoticeType } from '../../../../src/domain/notice';
import { problemsOf } from '../../../../src/domain/problems';
import { applyEvent, startWalkthrough, type Walkthrough } from '../../../../src/domain/walkthrough';
import type { Watch } from '../../../../src/domain/watch';
import { renderNotice } from '../../../../src/slack/blocks/notice';
import { assertBlockKitLimits } from '../../../support/blockKitLimits';
import { visibleText } from '../../../support/blocks';
import {
  alert,
  CHANNEL,
  checkRun,
  HOUR,
  INTEGRATION,
  LEAK_ID,
  MINUTE,
  OTHER_USER,
  runWith,
  T0,
  titledRunWith,
  USER,
  WALKTHROUGH_ID,
  watch,
} from '../../../support/fixtures';

const NOW = T0 + 3 * HOUR;
const HOSTILE = '<!channel> R&D <@U0EVIL> *x*';

function walkthroughOf(run: CheckRun): Walkthrough {
  const { problems, targets } = problemsOf(run);
  const context = problems[0]?.context ?? {};
  return startWalkthrough({ id: WALKTHROUGH_ID, problems, targets, context, by: USER, at: T0 });
}

function escalated(walkthrough: Walkthrough): Walkthrough {
  const transition = applyEvent(walkthrough, { type: 'escalate', by: OTHER_USER, at: T0 + MINUTE });
  return transition.walkthrough;
}

function resolved(walkthrough: Walkthrough): Walkthrough {
  return applyEvent(walkthrough, {
    type: 'retest',
    by: OTHER_USER,
    at: T0 + 12 * MINUTE,
    problems: [],
    targets: [],
    context: {},
  }).walkthrough;
}

/** A run whose names and titles come from a hostile workspace. */
function hostileRun(kinds: DiagnosisKind[]): CheckRun {
  const run = titledRunWith(kinds);
  const integration = { ...INTEGRATION, name: HOSTILE, workspaceName: HOSTILE };
  return {
    ...run,
    connection: `ops${HOSTILE}`,
    integration,
    token: { ...run.token, integration },
    resources: run.resources.map((item) => ({ ...item, title: `${HOSTILE} ${item.title}` })),
  };
}

const many = Array.from({ length: 200 }, (_, i): DiagnosisKind => (i % 2 ? 'not_shared' : 'ok'));
const watches = (count: number, title?: string): Watch[] =>
  Array.from({ length: count }, (_, i) => watch(i + 1, title ? { title } : {}));
const alerts = (list: Watch[], overrides: Partial<Alert> = {}) => [
  alert(list, overrides),
  alert(list, { ...overrides, acknowledgedBy: OTHER_USER, acknowledgedAt: T0 + HOUR }),
  alert(list, { ...overrides, snoozedBy: OTHER_USER, snoozedUntil: NOW + HOUR }),
  alert(list, { ...overrides, status: 'resolved', resolvedAt: NOW }),
  alert(list, {
    ...overrides,
    status: 'resolved',
    resolvedAt: NOW,
    details: { ...alert(list).details, closedBecause: 'unwatched' },
  }),
];

/** A "watch all" loss: `roots` roots of `inside` pages each, titles (and who trashed them) given. */
function inventoryAlert(
  roots: number,
  inside: number,
  title: string,
  overrides: Partial<Alert> = {},
) {
  const base = alert([], { scope: 'inventory', connection: 'sync', ...overrides });
  const list = Array.from({ length: roots }, (_, i) => ({
    id: `root-${i}`,
    title: `${title} ${i}`,
    url: `https://www.notion.so/acme/Root-${i}`,
    type: 'page' as const,
    inside,
    examples: Array.from({ length: Math.min(inside, 5) }, (_, k) => ({
      id: `page-${i}-${k}`,
      title: `${title} ${i}.${k}`,
    })),
  }));
  return {
    ...base,
    details: {
      ...base.details,
      integrationName: title,
      roots: list,
      items: list.flatMap((r) => [
        r.id,
        ...Array.from({ length: inside }, (_, k) => `${r.id}-${k}`),
      ]),
      trashedBy: title,
      ...overrides.details,
    },
  };
}
const inventoryAlerts = (roots: number, inside: number, title: string) =>
  [{}, { kind: 'in_trash' as const }].flatMap((kind) => [
    inventoryAlert(roots, inside, title, kind),
    inventoryAlert(roots, inside, title, { ...kind, acknowledgedBy: USER, acknowledgedAt: T0 }),
    inventoryAlert(roots, inside, title, { ...kind, status: 'resolved', resolvedAt: NOW }),
    ...(['unwatched', 'disconnected'] as const).map((closedBecause) => {
      const a = inventoryAlert(roots, inside, title, {
        ...kind,
        status: 'resolved',
        resolvedAt: NOW,
      });
      return { ...a, details: { ...a.details, closedBecause } };
    }),
  ]);

/** Every type, with ordinary, large and hostile variants. A new type fails to compile here. */
const EXAMPLES: { [T in NoticeType]: Extract<Notice, { type: T }>[] } = {
  report: [runWith(['ok']), runWith(many), hostileRun(['not_shared', 'ok']), checkRun()].flatMap(
    (run) => [
      { type: 'report' as const, run, userId: USER },
      { type: 'report' as const, run, userId: USER, resolution: { by: OTHER_USER, tookMs: 5 } },
    ],
  ),
  walkthrough: [runWith(['not_shared']), runWith(many), hostileRun(['not_shared', 'restricted'])]
    .map(walkthroughOf)
    .flatMap((w) => [w, escalated(w), resolved(w)])
    .map((walkthrough) => ({ type: 'walkthrough' as const, walkthrough })),
  escalation: [runWith(['token_invalid']), runWith(many), hostileRun(['not_shared'])]
    .map(walkthroughOf)
    .flatMap((w) => [w, escalated(w)])
    .map((walkthrough) => ({
      type: 'escalation' as const,
      walkthrough,
      by: OTHER_USER,
      checked: ['token', ...walkthrough.targets],
    })),
  retest_inconclusive: [
    { type: 'retest_inconclusive', by: USER, diagnosis: diagnosisOf('rate_limited') },
    { type: 'retest_inconclusive', by: USER, diagnosis: diagnosisOf('network') },
  ],
  retest_resolved: [{ type: 'retest_resolved', by: USER, tookMs: 12 * MINUTE }],
  retest_still_failing: [
    { type: 'retest_still_failing', by: USER },
    ...[runWith(['not_shared']), runWith(many), hostileRun(['in_trash'])].map((run) => ({
      type: 'retest_still_failing' as const,
      by: USER,
      problem: problemsOf(run).problems[0],
    })),
  ],
  token_updated: [
    { type: 'token_updated', by: USER, fingerprint: '…abcd', integration: INTEGRATION },
    {
      type: 'token_updated',
      by: USER,
      fingerprint: '…abcd',
      integration: { ...INTEGRATION, name: HOSTILE, workspaceName: HOSTILE },
    },
    {
      type: 'token_updated',
      by: USER,
      fingerprint: '…abcd',
      integration: { ...INTEGRATION, workspaceName: undefined },
    },
  ],
  leak_warning: [
    { type: 'leak_warning', leakId: LEAK_ID, fingerprints: ['…abcd'], connections: [] },
    { type: 'leak_warning', leakId: LEAK_ID, fingerprints: ['…abcd'], connections: ['default'] },
    { type: 'leak_warning', leakId: LEAK_ID, fingerprints: ['…abcd'], connections: [HOSTILE] },
    // One message with 150 tokens, three of them ours (one hostile name): still one warning.
    {
      type: 'leak_warning',
      leakId: LEAK_ID,
      fingerprints: Array.from({ length: 150 }, (_, i) => `…${String(i).padStart(4, '0')}`),
      connections: ['default', 'sync-2', HOSTILE],
    },
  ],
  compromised: [
    {
      type: 'compromised',
      leakId: LEAK_ID,
      connection: 'default',
      fingerprint: '…abcd',
      channelId: CHANNEL,
    },
    {
      type: 'compromised',
      leakId: LEAK_ID,
      connection: HOSTILE,
      fingerprint: '…abcd',
      channelId: CHANNEL,
    },
  ],
  alert: [
    ...alerts(watches(3)),
    ...alerts(watches(200)),
    ...alerts(watches(3, HOSTILE), { scope: 'connection', connection: HOSTILE }),
    ...inventoryAlerts(1, 41, 'Roadmap'),
    ...inventoryAlerts(500, 19, 'Roadmap'),
    ...inventoryAlerts(3, 2, HOSTILE),
  ].flatMap((a) => {
    const list = watches(a.details.watches.length);
    return [
      { type: 'alert' as const, alert: a, watches: list },
      {
        type: 'alert' as const,
        alert: a,
        watches: list,
        rerouted: { from: 'C0OTHER01', error: 'not_in_channel' },
      },
    ];
  }),
  alert_acknowledged: [{ type: 'alert_acknowledged', by: USER }],
  alert_recovered: [{ type: 'alert_recovered', afterMs: 3 * HOUR + 5 * MINUTE }],
  alert_reminder: [{ type: 'alert_reminder', failingForMs: 26 * HOUR }],
  notion_unreachable: [
    { type: 'notion_unreachable', connection: 'default', forMs: 20 * MINUTE },
    { type: 'notion_unreachable', connection: HOSTILE, forMs: 20 * MINUTE },
  ],
  notion_back: [
    { type: 'notion_back', connection: 'default' },
    { type: 'notion_back', connection: HOSTILE },
  ],
};

const cases = Object.values(EXAMPLES)
  .flat()
  .map((notice, index) => [`${notice.type} #${index}`, notice as Notice] as const);

describe('renderNotice', () => {
  it('has examples for every notice type', () => {
    for (const [type, examples] of Object.entries(EXAMPLES)) {
      expect({ type, examples: examples.length > 0 }).toEqual({ type, examples: true });
    }
  });

  it.each(cases)('%s: non-empty text, blocks within Block Kit limits', (_name, notice) => {
    const message = renderNotice(notice, NOW);
    expect(message.text.trim()).not.toBe('');
    expect(message.blocks.length).toBeGreaterThan(0);
    expect(visibleText(message.blocks).trim()).not.toBe('');
    assertBlockKitLimits(message);
  });

  it.each(cases)('%s: no raw mention or markup from Notion or users', (_name, notice) => {
    const message = renderNotice(notice, NOW);
    // The compromised notice's fallback names the connection as it is: that is safe only
    // because a connection name is letters, digits, - and _ (CONNECTION_NAME).
    const shown = notice.type === 'compromised' ? message.blocks : message;
    const json = JSON.stringify(shown);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<@U0EVIL>');
    expect(json).not.toMatch(/&amp;(?:amp|lt|gt);/);
  });
});
