/**
 * The walkthrough message in a report's thread (current step, checklist, buttons; resolved)
 * and the escalation summary for Notion support. Every payload stays within Block Kit's
 * limits, shows only escaped, token-free text from Notion, and carries opaque button values.
 */
import type { KnownBlock } from '@slack/types';
import { refOf } from '../../../../src/domain/check';
import { type DiagnosisKind, diagnosisOf } from '../../../../src/domain/diagnosis';
import { STEPS, type StepContext, type StepId } from '../../../../src/domain/playbook';
import type { ProblemSnapshot } from '../../../../src/domain/problems';
import {
  applyEvent,
  currentStep,
  startWalkthrough,
  type Walkthrough,
  type WalkthroughEvent,
} from '../../../../src/domain/walkthrough';
import { REDACTED } from '../../../../src/security/redact';
import { DIAGNOSIS_TITLES } from '../../../../src/slack/blocks/copy';
import { buildEscalationBlocks, buildWalkthrough } from '../../../../src/slack/blocks/walkthrough';
import { assertBlockKitLimits } from '../../../support/blockKitLimits';
import { buttons, findButton, visibleText } from '../../../support/blocks';
import {
  fakeToken,
  OTHER_USER,
  pageUrl,
  resource,
  T0,
  USER,
  WALKTHROUGH_ID,
} from '../../../support/fixtures';

// Built at run time: no literal in the repo looks like a real token.
const TOKEN = fakeToken('wxyz');
const ALICE = USER;
const BOB = OTHER_USER;
const MINUTE = 60_000;
const PAGE_URL = pageUrl(1, 'Roadmap');

const CONNECTION: StepContext = {
  integrationName: 'Roadmap Sync',
  workspaceName: 'Acme Corp',
  tokenFingerprint: '…abcd',
};

/** A problem snapshot as the walkthrough service makes one from a check of one page. */
function pageProblem(kind: DiagnosisKind, title: string, requestIds: string[]): ProblemSnapshot {
  const page = refOf(
    resource(1, diagnosisOf(kind, { requestId: requestIds[0] }), {
      type: 'page',
      title,
      url: PAGE_URL,
    }),
  );
  return {
    kind,
    affected: [page],
    requestIds,
    context: { ...CONNECTION, resource: page, requestIds },
  };
}

function tokenProblem(requestIds: string[]): ProblemSnapshot {
  return {
    kind: 'token_invalid',
    affected: [],
    requestIds,
    context: { tokenFingerprint: '…abcd', requestIds },
  };
}

function start(problems: ProblemSnapshot[], context: StepContext = CONNECTION): Walkthrough {
  return startWalkthrough({
    id: WALKTHROUGH_ID,
    problems,
    targets: [PAGE_URL],
    context,
    by: ALICE,
    at: T0,
  });
}

function apply(walkthrough: Walkthrough, ...events: WalkthroughEvent[]): Walkthrough {
  return events.reduce((state, event) => {
    const transition = applyEvent(state, event);
    if (!transition.changed) {
      throw new Error(`event ${event.type} refused: ${JSON.stringify(transition.refusal)}`);
    }
    return transition.walkthrough;
  }, walkthrough);
}

const done = (step: StepId, by = ALICE, at = T0 + MINUTE): WalkthroughEvent => ({
  type: 'done',
  step,
  by,
  at,
});
const skip = (step: StepId, by = BOB, at = T0 + 2 * MINUTE): WalkthroughEvent => ({
  type: 'skip',
  step,
  by,
  at,
});
const escalate = (by = BOB): WalkthroughEvent => ({ type: 'escalate', by, at: T0 + MINUTE });
const retest = (problems: ProblemSnapshot[], at = T0 + 12 * MINUTE): WalkthroughEvent => ({
  type: 'retest',
  by: BOB,
  at,
  problems,
  targets: problems.length ? [PAGE_URL] : [],
  context: CONNECTION,
});

/** The walkthrough message as posted, checked against Slack's limits. */
function message(walkthrough: Walkthrough, now = T0 + 5 * MINUTE) {
  const payload = buildWalkthrough(walkthrough, now);
  assertBlockKitLimits(payload);
  return payload;
}

function escalation(walkthrough: Walkthrough, by: string, checked: string[]) {
  const payload = {
    text: 'Escalation summary for Notion support',
    blocks: buildEscalationBlocks(walkthrough, by, checked),
  };
  assertBlockKitLimits(payload);
  return payload;
}

/** The button whose label contains `word`, if any. */
const button = (blocks: KnownBlock[], word: string) =>
  buttons(blocks).find((b) => b.text.text.includes(word));

const labels = (blocks: KnownBlock[]) => buttons(blocks).map((b) => b.text.text);

/** Every state a token walkthrough goes through, from start to every step done. */
function tokenWalkthroughStates(): Walkthrough[] {
  let walkthrough = start([tokenProblem(['req-401'])]);
  const states = [walkthrough];
  for (let step = currentStep(walkthrough); step; step = currentStep(walkthrough)) {
    walkthrough = apply(walkthrough, done(step.id));
    states.push(walkthrough);
  }
  return states;
}

describe('walkthrough message: the current step', () => {
  it('expands the current step with its instructions and Done / Skip / Test / Escalate', () => {
    const { blocks, text } = message(start([tokenProblem(['req-401'])]));
    expect(text).toContain(DIAGNOSIS_TITLES.token_invalid);
    const all = visibleText(blocks);
    expect(all).toContain(`:arrow_right: *1. ${STEPS.check_integration.title}*`);
    expect(all).toContain(
      `*${STEPS.check_integration.title}*\nOpen <https://www.notion.so/my-integrations|`,
    );
    expect(all).toContain('*Roadmap Sync*');
    expect(all).toContain(`:white_circle: 2. ${STEPS.regenerate_token.title}`);
    expect(all).toContain(`Started by <@${ALICE}>`);
    expect(all).toContain('`req-401`');
    const shown = labels(blocks);
    for (const word of ['Done', 'Skip', 'Test', 'Escalate']) {
      expect(shown.some((label) => label.includes(word))).toBe(true);
    }
    expect(button(blocks, 'Update token')).toBeUndefined();
    expect(findButton(blocks, 'Done').style).toBe('primary');
    expect(findButton(blocks, 'Test').style).toBeUndefined();
  });

  it('offers Update token only while the regenerate step is current', () => {
    for (const walkthrough of tokenWalkthroughStates()) {
      const { blocks } = message(walkthrough);
      const current = currentStep(walkthrough)?.id;
      expect({ current, update: button(blocks, 'Update token') !== undefined }).toEqual({
        current,
        update: current === 'regenerate_token',
      });
    }
  });

  it('names the token fingerprint, never the token, on the regenerate step', () => {
    const walkthrough = apply(start([tokenProblem(['req-401'])]), done('check_integration'));
    const { blocks } = message(walkthrough);
    expect(visibleText(blocks)).toContain(`*${STEPS.regenerate_token.title}*`);
    expect(visibleText(blocks)).toContain('ours ends in …abcd');
  });

  it('on the test step has no Done button, and Test connection is the primary one', () => {
    const walkthrough = apply(
      start([pageProblem('in_trash', 'Old notes', [])]),
      done('restore_from_trash'),
    );
    expect(currentStep(walkthrough)?.id).toBe('test_connection');
    const { blocks } = message(walkthrough);
    expect(button(blocks, 'Done')).toBeUndefined();
    expect(findButton(blocks, 'Test connection').style).toBe('primary');
    expect(button(blocks, 'Skip')).toBeDefined();
    expect(visibleText(blocks)).toContain(`*${STEPS.test_connection.title}*\n`);
  });

  it('button values are opaque ids only, and action ids are unique', () => {
    const states = [
      ...tokenWalkthroughStates(),
      apply(start([pageProblem('not_shared', 'Roadmap', ['req-404'])]), escalate()),
    ];
    for (const walkthrough of states) {
      const { blocks } = message(walkthrough);
      const all = buttons(blocks);
      expect(all.length).toBeGreaterThan(0);
      const current = currentStep(walkthrough)?.id;
      for (const b of all) {
        expect(b.value).toMatch(/^w[0-9a-f]{16}(?::[a-z_]+)?$/);
        expect((b.value ?? '').length).toBeLessThanOrEqual(2000);
        const [id, step] = (b.value ?? '').split(':');
        expect(id).toBe(WALKTHROUGH_ID);
        if (step !== undefined) expect(step).toBe(current);
      }
      const actionIds = all.map((b) => b.action_id);
      expect(new Set(actionIds).size).toBe(actionIds.length);
    }
  });

  it('shows who did or skipped each finished step', () => {
    const walkthrough = apply(
      start([tokenProblem(['req-401'])]),
      done('check_integration', ALICE),
      skip('regenerate_token', BOB),
    );
    const all = visibleText(message(walkthrough).blocks);
    expect(all).toContain(
      `:white_check_mark: ~1. ${STEPS.check_integration.title}~ — done by <@${ALICE}>`,
    );
    expect(all).toContain(
      `:fast_forward: ~2. ${STEPS.regenerate_token.title}~ — skipped by <@${BOB}>`,
    );
    expect(all).toContain(`:arrow_right: *3. ${STEPS.test_connection.title}*`);
  });

  it('with every step done asks for a test: only Test connection (primary) and Escalate', () => {
    const states = tokenWalkthroughStates();
    const last = states[states.length - 1];
    if (!last) throw new Error('no states');
    const { blocks } = message(last);
    expect(visibleText(blocks)).toMatch(/Every step is done or skipped/);
    expect(labels(blocks)).toEqual(['Test connection', 'Escalate']);
    expect(findButton(blocks, 'Test').style).toBe('primary');
  });

  it('once escalated, says by whom and no longer offers Escalate', () => {
    const { blocks } = message(apply(start([tokenProblem([])]), escalate(BOB)));
    expect(visibleText(blocks)).toContain(`Escalated by <@${BOB}>`);
    expect(button(blocks, 'Escalate')).toBeUndefined();
    expect(button(blocks, 'Done')).toBeDefined();
  });

  it('names the problems still waiting after the current one', () => {
    const walkthrough = start([
      pageProblem('in_trash', 'Old notes', []),
      pageProblem('not_shared', 'Roadmap', []),
    ]);
    const all = visibleText(message(walkthrough).blocks);
    expect(all).toContain(`Let's fix: ${DIAGNOSIS_TITLES.not_shared}`);
    expect(all).toContain(`Next: ${DIAGNOSIS_TITLES.in_trash}`);
  });
});

describe('walkthrough message: resolved', () => {
  const resolved = apply(
    start([tokenProblem(['req-401'])]),
    done('check_integration', ALICE),
    retest([], T0 + 12 * MINUTE),
  );

  it('has no buttons and says who resolved it and how long it took', () => {
    const { blocks, text } = message(resolved, T0 + 60 * MINUTE);
    expect(blocks.some((block) => block.type === 'actions')).toBe(false);
    expect(buttons(blocks)).toEqual([]);
    const all = visibleText(blocks);
    expect(all).toMatch(new RegExp(`\\*?Resolved\\*? by <@${BOB}> in 12 min`));
    expect(all).toContain(`~1. ${STEPS.check_integration.title}~ — done by <@${ALICE}>`);
    expect(all).toContain(`Fixed: ${DIAGNOSIS_TITLES.token_invalid}`);
    expect(text).toMatch(/resolved/);
  });
});

describe('escalation summary', () => {
  const walkthrough = apply(
    start([tokenProblem(['req-401-a', 'req-401-b'])]),
    retest([pageProblem('not_shared', 'Roadmap', ['req-404-a', 'req-404-b'])], T0 + 5 * MINUTE),
    done('verify_sharing', ALICE),
    skip('re_add_integration', BOB),
    escalate(BOB),
  );

  it('has every request id, of open and fixed problems, for Notion support', () => {
    expect(walkthrough.fixed.map((p) => p.kind)).toEqual(['token_invalid']);
    const all = visibleText(escalation(walkthrough, BOB, ['token', PAGE_URL]).blocks);
    for (const id of ['req-401-a', 'req-401-b', 'req-404-a', 'req-404-b']) {
      expect(all).toContain(`\`${id}\``);
    }
    expect(all).toContain(`requested by <@${BOB}>`);
    expect(all).toContain(DIAGNOSIS_TITLES.not_shared);
    expect(all).toContain(DIAGNOSIS_TITLES.token_invalid);
  });

  it('names the integration, the workspace, what was checked and the steps tried', () => {
    const all = visibleText(escalation(walkthrough, BOB, ['token', PAGE_URL]).blocks);
    expect(all).toContain('Roadmap Sync');
    expect(all).toContain('Acme Corp');
    expect(all).toContain('…abcd');
    expect(all).toContain(PAGE_URL);
    expect(all).toMatch(
      new RegExp(
        `Steps tried:\\*? ${STEPS.verify_sharing.title} \\(done\\); ${STEPS.re_add_integration.title} \\(skipped\\)`,
      ),
    );
    expect(all).not.toMatch(new RegExp(`${STEPS.test_connection.title} \\(`));
  });

  it('says when to contact Notion support and when the third-party app provider', () => {
    const all = visibleText(escalation(walkthrough, BOB, ['token']).blocks);
    expect(all).toMatch(/Notion support/);
    expect(all).toMatch(/third-party app/);
    expect(all).toMatch(/provider/);
  });

  it('says "none yet" when nothing was tried', () => {
    const fresh = start([tokenProblem([])]);
    expect(visibleText(escalation(fresh, ALICE, ['token']).blocks)).toMatch(
      /Steps tried:\*? none yet/,
    );
  });
});

describe('text from Notion is escaped and token-free in every block', () => {
  const hostileTitle = `Roadmap <!channel> ${TOKEN}`;
  const hostileContext: StepContext = { ...CONNECTION, integrationName: 'Sync <!here>' };
  const hostile = pageProblem('not_shared', hostileTitle, ['req-404']);
  hostile.context = { ...hostile.context, integrationName: 'Sync <!here>' };
  const open = start([hostile], hostileContext);
  const states: [string, KnownBlock[], boolean][] = [
    ['verify sharing step', message(open).blocks, true],
    ['re-add step', message(apply(open, done('verify_sharing'))).blocks, true],
    ['escalated', message(apply(open, escalate())).blocks, true],
    ['resolved', message(apply(open, retest([]))).blocks, false],
    [
      'escalation summary',
      escalation(apply(open, escalate()), BOB, ['token', PAGE_URL]).blocks,
      true,
    ],
  ];

  it.each(states)('%s', (_name, blocks, showsTitle) => {
    for (const block of blocks) {
      const json = JSON.stringify(block);
      expect(json).not.toContain('<!channel>');
      expect(json).not.toContain('<!here>');
      expect(json).not.toContain(TOKEN);
      expect(json).not.toContain(TOKEN.slice(0, 12));
    }
    if (showsTitle) expect(visibleText(blocks)).toContain(`&lt;!channel&gt; ${REDACTED}`);
  });

  it('still shows the escaped title and integration name', () => {
    const all = visibleText(message(open).blocks);
    expect(all).toContain(`Roadmap &lt;!channel&gt; ${REDACTED}`);
    expect(all).toContain('*Sync &lt;!here&gt;*');
  });
});
