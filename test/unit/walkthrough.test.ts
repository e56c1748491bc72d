/**
 * The fix walkthrough state machine (src/playbook/walkthrough.ts), state × event → next state:
 *
 * | state            | event                         | next state                              |
 * |------------------|-------------------------------|-----------------------------------------|
 * | open/escalated,  | done S · skip S               | S done/skipped with by+at; next pending |
 * |   current step S |                               |   step becomes current                  |
 * | open/escalated   | done/skip X, X not current    | unchanged, changed:false + refusal      |
 * |                  |   (stale or repeated click)   |                                         |
 * | open/escalated   | token_updated                 | context merged (new fingerprint);       |
 * |                  |                               |   pending regenerate_token → done by    |
 * |                  |                               |   the user; no such step: context only  |
 * | open             | escalate                      | escalated (escalatedBy); steps go on    |
 * | escalated        | escalate                      | unchanged, changed:false                |
 * | open/escalated   | retest, no problem left       | resolved (resolvedBy/At); problems →    |
 * |                  |                               |   fixed; pending test_connection → done |
 * | open/escalated   | retest, same first diagnosis  | progress kept; problems/targets/context |
 * |                  |                               |   refreshed; vanished ones → fixed      |
 * | open/escalated   | retest, other first diagnosis | kind switches, steps reset to its list, |
 * |                  |                               |   targets replaced, solved → fixed      |
 * | resolved         | any event                     | unchanged, refusal "already resolved"   |
 *
 * Current step = first pending step; none left → currentStep() is undefined (status unchanged).
 * Several problems: token (missing, invalid) → restricted → not_shared → in_trash.
 * No transition mutates its input.
 */
import { type DiagnosisKind, KINDS } from '../../src/notion/diagnose';
import type { StepContext, StepId } from '../../src/playbook/steps';
import {
  applyEvent,
  currentStep,
  orderProblems,
  type ProblemSnapshot,
  startWalkthrough,
  stepContext,
  type Transition,
  type Walkthrough,
  type WalkthroughEvent,
} from '../../src/playbook/walkthrough';

const ID = 'w0123456789abcdef';
const ALICE = 'U0ALICE01';
const BOB = 'U0BOB0002';
const T0 = 1_700_000_000_000;
const MINUTE = 60_000;
const PAGE_1 = `https://www.notion.so/acme/Roadmap-${'1'.repeat(32)}`;
const PAGE_2 = `https://www.notion.so/acme/Budget-${'2'.repeat(32)}`;

const CONNECTION: StepContext = {
  integrationName: 'Roadmap Sync',
  workspaceName: 'Acme Corp',
  tokenFingerprint: '…abcd',
};

function problem(kind: DiagnosisKind, overrides: Partial<ProblemSnapshot> = {}): ProblemSnapshot {
  return {
    kind,
    title: KINDS[kind].title,
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

/** PRODUCT.md's table, written out by hand (not read from KINDS). */
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
    const first = problem('not_shared', { affected: ['first'] });
    const second = problem('not_shared', { affected: ['second'] });
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
    expect(twice.refusal).toEqual(expect.any(String));
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
      expect(transition.refusal).toEqual(expect.any(String));
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
    expect(again.refusal).toEqual(expect.any(String));
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
      expect(transition.refusal).toMatch(/already resolved/);
      expect(transition.walkthrough).toEqual(resolved);
    }
  });

  it('a different diagnosis (token fixed, page still not shared) switches to its steps', () => {
    let walkthrough = start([problem('token_invalid')], [PAGE_1, PAGE_2]);
    walkthrough = step(walkthrough, done('check_integration'));
    walkthrough = step(walkthrough, done('regenerate_token'));
    const tokenProblem = walkthrough.problems[0];
    const stillNotShared = problem('not_shared', {
      affected: ['Roadmap (page)'],
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
    const page = problem('not_shared', {
      context: {
        integrationName: 'Old Sync',
        workspaceName: 'Old Corp',
        tokenFingerprint: '…old1',
        resourceTitle: 'Roadmap',
        resourceUrl: PAGE_1,
        requestIds: ['req-404'],
      },
    });
    const walkthrough = start([page], [PAGE_1], {
      integrationName: 'Roadmap Sync',
      workspaceName: undefined,
      tokenFingerprint: '…abcd',
    });
    expect(stepContext(walkthrough)).toEqual({
      integrationName: 'Roadmap Sync',
      workspaceName: 'Old Corp',
      tokenFingerprint: '…abcd',
      resourceTitle: 'Roadmap',
      resourceUrl: PAGE_1,
      requestIds: ['req-404'],
    });
  });

  it('uses the problem being walked, not a later one', () => {
    const walkthrough = start([
      problem('in_trash', { context: { resourceTitle: 'Old notes' } }),
      problem('not_shared', { context: { resourceTitle: 'Roadmap' } }),
    ]);
    expect(stepContext(walkthrough).resourceTitle).toBe('Roadmap');
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
