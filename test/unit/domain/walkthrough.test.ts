/**
 * The fix walkthrough state machine (src/domain/walkthrough.ts), state × event → next state:
 *
 * | state            | event                         | next state                              |
 * |------------------|-------------------------------|-----------------------------------------|
 * | open/escalated,  | done S · skip S               | S done/skipped with by+at; next pending |
 * |   current step S |                               |   step becomes current                  |
 * | open/escalated   | done/skip X, X not current    | unchanged, changed:false + refusal      |
 * |                  |   (stale or repeated click)   |   { reason: 'stale_button' }            |
 * | open/escalated   | token_updated                 | context merged (new fingerprint);       |
 * |                  |                               |   pending regenerate_token → done by    |
 * |                  |                               |   the user; no such step: context only  |
 * | open             | escalate                      | escalated (escalatedBy); steps go on    |
 * | escalated        | escalate                      | unchanged, changed:false,               |
 * |                  |                               |   { reason: 'already_escalated', by }   |
 * | open/escalated   | retest, no problem left       | resolved (resolvedBy/At); problems →    |
 * |                  |                               |   fixed; pending test_connection → done |
 * | open/escalated   | retest, same first diagnosis  | progress kept; problems/targets/context |
 * |                  |                               |   refreshed; vanished ones → fixed      |
 * | open/escalated   | retest, other first diagnosis | kind switches, steps reset to its list, |
 * |                  |                               |   targets replaced, solved → fixed      |
 * | resolved         | any event                     | unchanged, refusal already_resolved     |
 *
 * Current step = first pending step; none left → currentStep() is undefined (status unchanged).
 * Several problems: token (missing, invalid) → restricted → not_shared → in_trash.
 * No transition mutates its input. Refusals are data ({ reason }); their words are at the Slack
 * edge (src/slack/blocks/refusals.ts), checked here too where the old test checked the words.
 * A check run becomes problems with problemsOf (one per access diagnosis, the token's first).
 */
import { type CheckRun, refOf, uncheckedResources } from '../../../src/domain/check';
import { type DiagnosisKind, diagnosisOf } from '../../../src/domain/diagnosis';
import type { StepContext, StepId } from '../../../src/domain/playbook';
import {
  connectionContext,
  leakProblem,
  orderProblems,
  type ProblemSnapshot,
  problemsOf,
} from '../../../src/domain/problems';
import {
  allRequestIds,
  applyEvent,
  currentStep,
  startWalkthrough,
  stepContext,
  stepsTried,
  type Transition,
  type Walkthrough,
  type WalkthroughEvent,
} from '../../../src/domain/walkthrough';
import { refusalText } from '../../../src/slack/blocks/refusals';
import {
  USER as ALICE,
  OTHER_USER as BOB,
  checkRun,
  failedTokenRun,
  INTEGRATION,
  MINUTE,
  pageUrl,
  resource,
  runWith,
  T0,
} from '../../support/fixtures';

const ID = 'w0123456789abcdef';
const PAGE_1 = pageUrl(1, 'Roadmap');
const PAGE_2 = pageUrl(2, 'Budget');

const CONNECTION: StepContext = {
  integrationName: 'Roadmap Sync',
  workspaceName: 'Acme Corp',
  tokenFingerprint: '…abcd',
};

function problem(kind: DiagnosisKind, overrides: Partial<ProblemSnapshot> = {}): ProblemSnapshot {
  return {
    kind,
    affected: [],
    requestIds: [`req-${kind}-1`],
    context: { ...CONNECTION, requestIds: [`req-${kind}-1`] },
    ...overrides,
  };
}

function start(
  problems: ProblemSnapshot[],
  targets: string[] = [PAGE_1, PAGE_2],
  context: StepContext = CONNECTION,
): Walkthrough {
  return startWalkthrough({ id: ID, problems, targets, context, by: ALICE, at: T0 });
}

/** applyEvent, checking on every call that the input state was not touched. */
function apply(walkthrough: Walkthrough, event: WalkthroughEvent): Transition {
  const before = structuredClone(walkthrough);
  const transition = applyEvent(walkthrough, event);
  expect(walkthrough).toEqual(before);
  return transition;
}

/** Applies an event that must change the state and returns the new state. */
function step(walkthrough: Walkthrough, event: WalkthroughEvent): Walkthrough {
  const transition = apply(walkthrough, event);
  expect(transition).toMatchObject({ changed: true });
  expect(transition.refusal).toBeUndefined();
  return transition.walkthrough;
}

const done = (id: StepId, by = ALICE, at = T0 + MINUTE): WalkthroughEvent => ({
  type: 'done',
  step: id,
  by,
  at,
});
const skip = (id: StepId, by = ALICE, at = T0 + MINUTE): WalkthroughEvent => ({
  type: 'skip',
  step: id,
  by,
  at,
});
const retest = (
  problems: ProblemSnapshot[],
  targets: string[],
  context: StepContext = CONNECTION,
  by = BOB,
  at = T0 + 10 * MINUTE,
): WalkthroughEvent => ({ type: 'retest', by, at, problems, targets, context });

const ids = (walkthrough: Walkthrough) => walkthrough.steps.map((s) => s.id);

/** A page as a problem names it: data, rendered at the Slack edge. */
const page = (index: number, title?: string) =>
  refOf(resource(index, diagnosisOf('ok'), { title }));

/** PRODUCT.md's table, written out by hand (not read from STEPS_FOR). */
const PRODUCT_STEPS: [DiagnosisKind, StepId[]][] = [
  [
    'token_invalid',
    [
      'check_integration',
      'regenerate_token',
      'test_connection',
      'clear_cache',
      'check_workspace_permissions',
    ],
  ],
  [
    'not_shared',
    ['verify_sharing', 're_add_integration', 'test_connection', 'check_workspace_permissions'],
  ],
  ['restricted', ['check_integration', 'check_workspace_permissions', 'test_connection']],
  ['in_trash', ['restore_from_trash', 'test_connection']],
];

describe('startWalkthrough', () => {
  it.each(PRODUCT_STEPS)('%s walks the steps PRODUCT.md lists, all pending', (kind, expected) => {
    const walkthrough = start([problem(kind)]);
    expect(walkthrough.kind).toBe(kind);
    expect(ids(walkthrough)).toEqual(expected);
    expect(walkthrough.steps.every((s) => s.status === 'pending' && !s.by && !s.at)).toBe(true);
    expect(currentStep(walkthrough)?.id).toBe(expected[0]);
    expect(walkthrough).toMatchObject({
      id: ID,
      status: 'open',
      fixed: [],
      targets: [PAGE_1, PAGE_2],
      startedBy: ALICE,
      startedAt: T0,
    });
  });

  it('with several problems starts with the token problem, then not shared, then trash', () => {
    const walkthrough = start([
      problem('in_trash'),
      problem('not_shared'),
      problem('token_invalid'),
    ]);
    expect(walkthrough.kind).toBe('token_invalid');
    expect(walkthrough.problems.map((p) => p.kind)).toEqual([
      'token_invalid',
      'not_shared',
      'in_trash',
    ]);
    expect(currentStep(walkthrough)?.id).toBe('check_integration');
  });

  it('refuses to start without an access problem', () => {
    expect(() => start([])).toThrow(/at least one/);
  });
});

describe('orderProblems', () => {
  it('puts the problem that hides the others first, without reordering its input', () => {
    const input = [
      problem('in_trash'),
      problem('not_shared'),
      problem('restricted'),
      problem('token_invalid'),
      problem('token_missing'),
    ];
    const before = structuredClone(input);
    expect(orderProblems(input).map((p) => p.kind)).toEqual([
      'token_missing',
      'token_invalid',
      'restricted',
      'not_shared',
      'in_trash',
    ]);
    expect(input).toEqual(before);
  });

  it('keeps the order of two problems of the same kind', () => {
    const first = problem('not_shared', { affected: [page(1, 'first')] });
    const second = problem('not_shared', { affected: [page(2, 'second')] });
    expect(orderProblems([problem('in_trash'), first, second]).slice(0, 2)).toEqual([
      first,
      second,
    ]);
  });
});

describe('done and skip', () => {
  it('done on the current step ticks it, records who and when, and moves to the next', () => {
    const walkthrough = step(start([problem('token_invalid')]), done('check_integration', BOB));
    expect(walkthrough.steps[0]).toEqual({
      id: 'check_integration',
      status: 'done',
      by: BOB,
      at: T0 + MINUTE,
    });
    expect(currentStep(walkthrough)?.id).toBe('regenerate_token');
    expect(walkthrough.steps.slice(1).every((s) => s.status === 'pending')).toBe(true);
  });

  it('the same done applied twice changes the state once; the second is refused', () => {
    const once = step(start([problem('token_invalid')]), done('check_integration'));
    const twice = apply(once, done('check_integration'));
    expect(twice.changed).toBe(false);
    expect(twice.refusal).toEqual({ reason: 'stale_button' });
    expect(refusalText({ reason: 'stale_button' })).toEqual(expect.any(String));
    expect(twice.walkthrough).toEqual(once);
    expect(currentStep(twice.walkthrough)?.id).toBe('regenerate_token');
  });

  it('refuses done or skip on a step that is not the current one', () => {
    const walkthrough = start([problem('token_invalid')]);
    for (const event of [
      done('regenerate_token'),
      skip('test_connection'),
      done('verify_sharing'),
    ]) {
      const transition = apply(walkthrough, event);
      expect(transition.changed).toBe(false);
      expect(transition.refusal).toEqual({ reason: 'stale_button' });
      expect(transition.walkthrough).toEqual(walkthrough);
    }
    expect(currentStep(walkthrough)?.id).toBe('check_integration');
  });

  it('skip then done of the next step records each with its own person and time', () => {
    let walkthrough = start([problem('not_shared')]);
    walkthrough = step(walkthrough, skip('verify_sharing', ALICE, T0 + MINUTE));
    walkthrough = step(walkthrough, done('re_add_integration', BOB, T0 + 2 * MINUTE));
    expect(walkthrough.steps.slice(0, 2)).toEqual([
      { id: 'verify_sharing', status: 'skipped', by: ALICE, at: T0 + MINUTE },
      { id: 're_add_integration', status: 'done', by: BOB, at: T0 + 2 * MINUTE },
    ]);
    expect(currentStep(walkthrough)?.id).toBe('test_connection');
  });

  it('once every step is done there is no current step and further clicks are refused', () => {
    let walkthrough = start([problem('token_invalid')]);
    const order: StepId[] = [];
    for (let current = currentStep(walkthrough); current; current = currentStep(walkthrough)) {
      order.push(current.id);
      walkthrough = step(walkthrough, done(current.id));
    }
    expect(order).toEqual(PRODUCT_STEPS[0]?.[1]);
    expect(currentStep(walkthrough)).toBeUndefined();
    expect(walkthrough.status).toBe('open');
    const again = apply(walkthrough, done('check_workspace_permissions'));
    expect(again.changed).toBe(false);
    expect(again.refusal).toEqual({ reason: 'stale_button' });
  });
});

describe('token_updated', () => {
  const event = (context: StepContext, by = BOB): WalkthroughEvent => ({
    type: 'token_updated',
    by,
    at: T0 + 3 * MINUTE,
    context,
  });

  it('ticks regenerate_token as done by that user and takes the new fingerprint', () => {
    const walkthrough = step(
      start([problem('token_invalid')]),
      event({ tokenFingerprint: '…wxyz' }),
    );
    expect(walkthrough.steps.find((s) => s.id === 'regenerate_token')).toEqual({
      id: 'regenerate_token',
      status: 'done',
      by: BOB,
      at: T0 + 3 * MINUTE,
    });
    // Only that step: the current one (check integration) is still waiting.
    expect(walkthrough.steps.filter((s) => s.status !== 'pending')).toHaveLength(1);
    expect(currentStep(walkthrough)?.id).toBe('check_integration');
    expect(walkthrough.context).toEqual({ ...CONNECTION, tokenFingerprint: '…wxyz' });
    expect(stepContext(walkthrough).tokenFingerprint).toBe('…wxyz');
  });

  it('keeps who ticked regenerate_token when a second token is saved', () => {
    let walkthrough = start([problem('token_invalid')]);
    walkthrough = step(walkthrough, done('check_integration'));
    walkthrough = step(walkthrough, done('regenerate_token', ALICE, T0 + 2 * MINUTE));
    walkthrough = step(walkthrough, event({ tokenFingerprint: '…wxyz' }));
    expect(walkthrough.steps[1]).toEqual({
      id: 'regenerate_token',
      status: 'done',
      by: ALICE,
      at: T0 + 2 * MINUTE,
    });
    expect(walkthrough.context.tokenFingerprint).toBe('…wxyz');
  });

  it('on a walkthrough without a regenerate step changes only the context', () => {
    const before = start([problem('not_shared')]);
    const after = step(before, event({ tokenFingerprint: '…wxyz', integrationName: 'New Sync' }));
    expect(after.steps).toEqual(before.steps);
    expect({ ...after, context: before.context }).toEqual(before);
    expect(after.context).toEqual({
      ...CONNECTION,
      tokenFingerprint: '…wxyz',
      integrationName: 'New Sync',
    });
  });
});

describe('escalate', () => {
  const escalate = (by: string): WalkthroughEvent => ({ type: 'escalate', by, at: T0 + MINUTE });

  it('marks the walkthrough escalated once; a second escalate changes nothing', () => {
    const walkthrough = start([problem('not_shared')]);
    const escalated = step(walkthrough, escalate(ALICE));
    expect(escalated).toEqual({ ...walkthrough, status: 'escalated', escalatedBy: ALICE });
    const again = apply(escalated, escalate(BOB));
    expect(again.changed).toBe(false);
    expect(again.walkthrough.status).toBe('escalated');
    // Refused, naming who escalated first.
    expect(again.refusal).toEqual({ reason: 'already_escalated', by: ALICE });
    expect(again.walkthrough).toEqual(escalated);
  });

  it('leaves the steps working after escalation', () => {
    const escalated = step(start([problem('not_shared')]), escalate(ALICE));
    const next = step(escalated, done('verify_sharing', BOB));
    expect(next.status).toBe('escalated');
    expect(next.steps[0]).toMatchObject({ status: 'done', by: BOB });
    expect(currentStep(next)?.id).toBe('re_add_integration');
  });
});

describe('retest', () => {
  it('with no problem left resolves: who, when, problems moved to fixed, test step ticked', () => {
    let walkthrough = start([problem('token_invalid')]);
    walkthrough = step(walkthrough, done('check_integration', ALICE));
    walkthrough = step(walkthrough, done('regenerate_token', ALICE));
    const original = walkthrough.problems;
    const resolved = step(walkthrough, retest([], [], CONNECTION, BOB, T0 + 12 * MINUTE));
    expect(resolved).toMatchObject({
      status: 'resolved',
      resolvedBy: BOB,
      resolvedAt: T0 + 12 * MINUTE,
      problems: [],
      fixed: original,
    });
    expect(resolved.steps).toEqual([
      { id: 'check_integration', status: 'done', by: ALICE, at: T0 + MINUTE },
      { id: 'regenerate_token', status: 'done', by: ALICE, at: T0 + MINUTE },
      { id: 'test_connection', status: 'done', by: BOB, at: T0 + 12 * MINUTE },
      { id: 'clear_cache', status: 'pending' },
      { id: 'check_workspace_permissions', status: 'pending' },
    ]);
  });

  it('resolves an escalated walkthrough too', () => {
    const escalated = step(start([problem('in_trash')]), { type: 'escalate', by: ALICE, at: T0 });
    expect(step(escalated, retest([], [])).status).toBe('resolved');
  });

  it('refuses every event once resolved, leaving the state as it is', () => {
    const resolved = step(start([problem('in_trash')]), retest([], []));
    const events: WalkthroughEvent[] = [
      done('restore_from_trash'),
      skip('restore_from_trash'),
      { type: 'token_updated', by: ALICE, at: T0, context: { tokenFingerprint: '…wxyz' } },
      { type: 'escalate', by: ALICE, at: T0 },
      retest([problem('in_trash')], [PAGE_1]),
      retest([], []),
    ];
    for (const event of events) {
      const transition = apply(resolved, event);
      expect(transition.changed).toBe(false);
      expect(transition.refusal).toEqual({ reason: 'already_resolved', what: 'walkthrough' });
      expect(transition.refusal && refusalText(transition.refusal)).toMatch(/already resolved/);
      expect(transition.walkthrough).toEqual(resolved);
    }
  });

  it('a different diagnosis (token fixed, page still not shared) switches to its steps', () => {
    let walkthrough = start([problem('token_invalid')], [PAGE_1, PAGE_2]);
    walkthrough = step(walkthrough, done('check_integration'));
    walkthrough = step(walkthrough, done('regenerate_token'));
    const tokenProblem = walkthrough.problems[0];
    const stillNotShared = problem('not_shared', {
      affected: [page(1, 'Roadmap')],
      requestIds: ['req-404'],
    });
    const next = step(walkthrough, retest([stillNotShared], [PAGE_1]));
    expect(next.kind).toBe('not_shared');
    expect(ids(next)).toEqual(PRODUCT_STEPS[1]?.[1]);
    expect(next.steps.every((s) => s.status === 'pending' && !s.by)).toBe(true);
    expect(currentStep(next)?.id).toBe('verify_sharing');
    expect(next.targets).toEqual([PAGE_1]);
    expect(next.problems).toEqual([stillNotShared]);
    expect(next.fixed).toEqual([tokenProblem]);
    expect(next.status).toBe('open');
  });

  it('a solved second problem moves to fixed and the remaining one is walked', () => {
    const walkthrough = start([problem('not_shared'), problem('in_trash')]);
    expect(walkthrough.kind).toBe('not_shared');
    const next = step(walkthrough, retest([problem('in_trash')], [PAGE_2]));
    expect(next.kind).toBe('in_trash');
    expect(ids(next)).toEqual(['restore_from_trash', 'test_connection']);
    expect(next.fixed.map((p) => p.kind)).toEqual(['not_shared']);
  });

  it('the same diagnosis keeps the progress and refreshes the problem', () => {
    let walkthrough = start([problem('not_shared')], [PAGE_1]);
    walkthrough = step(walkthrough, done('verify_sharing', ALICE));
    const again = problem('not_shared', { requestIds: ['req-404-second'] });
    const next = step(walkthrough, retest([again], [PAGE_1]));
    expect(next.kind).toBe('not_shared');
    expect(next.steps).toEqual(walkthrough.steps);
    expect(currentStep(next)?.id).toBe('re_add_integration');
    expect(next.problems).toEqual([again]);
    expect(next.fixed).toEqual([]);
    expect(next.status).toBe('open');
  });

  it('a retest that cannot see the integration keeps the names known before', () => {
    // Started on a page not shared while the token worked; then the token was revoked. The
    // re-test's connection facts are unknown (undefined), and the "Check integration status"
    // step must still name the integration to look for.
    const walkthrough = start([problem('not_shared')], [PAGE_1]);
    const tokenNowInvalid = problem('token_invalid', {
      context: { tokenFingerprint: '…abcd', requestIds: ['req-401'] },
    });
    const next = step(
      walkthrough,
      retest([tokenNowInvalid], [PAGE_1], {
        integrationName: undefined,
        workspaceName: undefined,
        tokenFingerprint: '…abcd',
      }),
    );
    expect(next.kind).toBe('token_invalid');
    expect(stepContext(next)).toMatchObject({
      integrationName: 'Roadmap Sync',
      workspaceName: 'Acme Corp',
      tokenFingerprint: '…abcd',
    });
  });
});

describe('stepContext', () => {
  it("takes the problem's facts, overridden by defined connection facts", () => {
    const roadmap = problem('not_shared', {
      context: {
        integrationName: 'Old Sync',
        workspaceName: 'Old Corp',
        tokenFingerprint: '…old1',
        resource: page(1, 'Roadmap'),
        requestIds: ['req-404'],
      },
    });
    const walkthrough = start([roadmap], [PAGE_1], {
      integrationName: 'Roadmap Sync',
      workspaceName: undefined,
      tokenFingerprint: '…abcd',
    });
    expect(stepContext(walkthrough)).toEqual({
      integrationName: 'Roadmap Sync',
      workspaceName: 'Old Corp',
      tokenFingerprint: '…abcd',
      resource: page(1, 'Roadmap'),
      requestIds: ['req-404'],
    });
  });

  it('uses the problem being walked, not a later one', () => {
    const walkthrough = start([
      problem('in_trash', { context: { resource: page(1, 'Old notes') } }),
      problem('not_shared', { context: { resource: page(2, 'Roadmap') } }),
    ]);
    expect(stepContext(walkthrough).resource?.title).toBe('Roadmap');
  });

  it('after resolution keeps only the connection facts', () => {
    const resolved = step(start([problem('in_trash')]), retest([], []));
    expect(stepContext(resolved)).toEqual(CONNECTION);
  });
});

describe('immutability', () => {
  function deepFreeze<T>(value: T): T {
    if (value && typeof value === 'object') {
      for (const inner of Object.values(value)) deepFreeze(inner);
      Object.freeze(value);
    }
    return value;
  }

  it('no event changes the state it was given', () => {
    const walkthrough = deepFreeze(start([problem('token_invalid'), problem('not_shared')]));
    const snapshot = structuredClone(walkthrough);
    const events: WalkthroughEvent[] = [
      done('check_integration'),
      skip('check_integration'),
      { type: 'token_updated', by: BOB, at: T0, context: { tokenFingerprint: '…wxyz' } },
      { type: 'escalate', by: BOB, at: T0 },
      retest([problem('not_shared')], [PAGE_1]),
      retest([problem('token_invalid')], [PAGE_1]),
      retest([], []),
    ];
    for (const event of events) {
      const transition = applyEvent(walkthrough, event);
      expect(transition.changed).toBe(true);
      expect(transition.walkthrough).not.toBe(walkthrough);
      expect(walkthrough).toEqual(snapshot);
    }
  });
});

describe('connectionContext', () => {
  it('names the integration, its workspace and the token fingerprint of the run', () => {
    expect(connectionContext(checkRun())).toEqual({
      connection: 'default',
      integrationName: INTEGRATION.name,
      workspaceName: INTEGRATION.workspaceName,
      tokenFingerprint: '…abcd',
    });
  });

  it('knows only the fingerprint when Notion refused the token', () => {
    expect(connectionContext(failedTokenRun('token_invalid'))).toEqual({
      connection: 'default',
      integrationName: undefined,
      workspaceName: undefined,
      tokenFingerprint: '…abcd',
    });
  });
});

describe('problemsOf: a check run as the walkthrough keeps it', () => {
  it('one problem per access diagnosis, naming its pages as data; targets are the failed inputs', () => {
    const run = runWith(['ok', 'not_shared', 'timeout', 'not_shared', 'in_trash', 'invalid_input']);
    const [, notShared2, , notShared4, trash5] = run.resources;
    if (!notShared2 || !notShared4 || !trash5) throw new Error('resources expected');
    const { problems, targets } = problemsOf(run);
    const base = connectionContext(run);
    expect(problems).toEqual<ProblemSnapshot[]>([
      {
        kind: 'not_shared',
        affected: [refOf(notShared2), refOf(notShared4)],
        requestIds: ['req-2', 'req-4'],
        // Two pages: the steps do not name one of them.
        context: { ...base, resource: undefined, requestIds: ['req-2', 'req-4'] },
      },
      {
        kind: 'in_trash',
        affected: [refOf(trash5)],
        requestIds: ['req-5'],
        context: { ...base, resource: refOf(trash5), requestIds: ['req-5'] },
      },
    ]);
    // Only access failures are re-tested: not the page that works, the timeout or the typo.
    expect(targets).toEqual([notShared2.input, notShared4.input, trash5.input]);
    // References only: no diagnosis, no trash flag.
    expect(problems[1]?.affected[0]).not.toHaveProperty('diagnosis');
  });

  it('a failing token is the one problem; every page it left unchecked is re-tested', () => {
    const refused = diagnosisOf('token_invalid', { status: 401, requestId: 'req-401' });
    const run: CheckRun = checkRun({
      integration: undefined,
      token: { diagnosis: refused },
      resources: uncheckedResources([PAGE_1, PAGE_2], refused),
    });
    const { problems, targets } = problemsOf(run);
    expect(problems).toEqual([
      {
        kind: 'token_invalid',
        affected: [],
        requestIds: ['req-401'],
        context: {
          connection: 'default',
          integrationName: undefined,
          workspaceName: undefined,
          tokenFingerprint: '…abcd',
          resource: undefined,
          requestIds: ['req-401'],
        },
      },
    ]);
    expect(targets).toEqual([PAGE_1, PAGE_2]);
  });

  it('a run without access problems gives nothing to walk', () => {
    expect(problemsOf(runWith(['ok', 'rate_limited', 'notion_unavailable']))).toEqual({
      problems: [],
      targets: [],
    });
  });

  it('starts a walkthrough on the problem that hides the others, naming its one page', () => {
    const run = runWith(['in_trash', 'restricted']);
    const { problems, targets } = problemsOf(run);
    const walkthrough = start(problems, targets, connectionContext(run));
    expect(walkthrough.kind).toBe('restricted');
    expect(walkthrough.targets).toEqual(run.resources.map((r) => r.input));
    expect(stepContext(walkthrough)).toMatchObject({
      integrationName: 'Roadmap Sync',
      resource: run.resources[1] && refOf(run.resources[1]),
      requestIds: ['req-2'],
    });
  });
});

describe('leakProblem', () => {
  it('a pasted token is one problem with no page: rotate it, then test', () => {
    const leak = leakProblem('…wxyz');
    expect(leak).toEqual({
      kind: 'token_leaked',
      affected: [],
      requestIds: [],
      context: { tokenFingerprint: '…wxyz' },
    });
    const walkthrough = start([leak], []);
    expect(ids(walkthrough)).toEqual(['regenerate_token', 'clear_cache', 'test_connection']);
    expect(leakProblem(undefined).context).toEqual({ tokenFingerprint: undefined });
  });

  it('comes before every other problem', () => {
    const walkthrough = start([problem('token_invalid'), leakProblem('…wxyz')]);
    expect(walkthrough.kind).toBe('token_leaked');
  });
});

describe('allRequestIds', () => {
  it('every request id once: the current context’s, then each open and fixed problem’s', () => {
    const walkthrough = start([
      problem('in_trash', { requestIds: ['req-t1', 'req-shared'] }),
      problem('not_shared', {
        requestIds: ['req-n1', 'req-shared'],
        context: { requestIds: ['req-n1', 'req-ctx'] },
      }),
    ]);
    expect(allRequestIds(walkthrough)).toEqual(['req-n1', 'req-ctx', 'req-shared', 'req-t1']);

    const next = step(walkthrough, retest([problem('in_trash', { requestIds: ['req-t2'] })], []));
    // not_shared is fixed now: its ids are still what support needs.
    expect(allRequestIds(next)).toEqual(['req-in_trash-1', 'req-t2', 'req-n1', 'req-shared']);
  });

  it('none known: none', () => {
    const walkthrough = start([problem('not_shared', { requestIds: [], context: {} })], [], {});
    expect(allRequestIds(walkthrough)).toEqual([]);
  });
});

describe('stepsTried', () => {
  it('nothing before anyone clicks', () => {
    expect(stepsTried(start([problem('token_invalid')]))).toEqual([]);
  });

  it('keeps the steps of an earlier diagnosis after a re-test switched to another', () => {
    let walkthrough = start([problem('token_invalid')]);
    walkthrough = step(walkthrough, done('check_integration', ALICE, T0 + MINUTE));
    walkthrough = step(walkthrough, skip('regenerate_token', BOB, T0 + 2 * MINUTE));
    walkthrough = step(walkthrough, retest([problem('not_shared')], [PAGE_1]));
    walkthrough = step(walkthrough, done('verify_sharing', BOB, T0 + 11 * MINUTE));
    expect(stepsTried(walkthrough)).toEqual([
      { id: 'check_integration', status: 'done', by: ALICE, at: T0 + MINUTE },
      { id: 'regenerate_token', status: 'skipped', by: BOB, at: T0 + 2 * MINUTE },
      { id: 'verify_sharing', status: 'done', by: BOB, at: T0 + 11 * MINUTE },
    ]);
    // Pending steps are not "tried".
    expect(walkthrough.steps.filter((s) => s.status === 'pending')).toHaveLength(3);
  });

  it('a re-test with the same diagnosis does not count a step twice', () => {
    let walkthrough = start([problem('not_shared')]);
    walkthrough = step(walkthrough, done('verify_sharing'));
    walkthrough = step(walkthrough, retest([problem('not_shared')], [PAGE_1]));
    expect(stepsTried(walkthrough).map((s) => s.id)).toEqual(['verify_sharing']);
  });
});
