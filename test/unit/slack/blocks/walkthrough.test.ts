import type { AnyBlock, Button, KnownBlock, ModalView } from '@slack/types';
import type { ResourceCheck } from '../../src/notion/check';
import { type DiagnosisKind, diagnosis, KINDS } from '../../src/notion/diagnose';
import { STEPS, type StepContext, type StepId } from '../../src/playbook/steps';
import {
  applyEvent,
  currentStep,
  type ProblemSnapshot,
  startWalkthrough,
  type Walkthrough,
  type WalkthroughEvent,
} from '../../src/playbook/walkthrough';
import { REDACTED } from '../../src/security/redact';
import { resourceLabel } from '../../src/slack/blocks/report';
import {
  buildTokenDisabledModal,
  buildTokenModal,
  TOKEN_MODAL,
  type TokenModalTarget,
} from '../../src/slack/blocks/tokenModal';
import {
  buildEscalationBlocks,
  buildWalkthroughBlocks,
  walkthroughText,
} from '../../src/slack/blocks/walkthrough';
import { assertBlockKitLimits } from '../support/blockKitLimits';

// Built at run time: no literal in the repo looks like a real token.
const TOKEN = `ntn_${'4'.repeat(11)}${'Q'.repeat(31)}wxyz`;
const ID = 'w0123456789abcdef';
const ALICE = 'U0ALICE01';
const BOB = 'U0BOB0002';
const T0 = 1_700_000_000_000;
const MINUTE = 60_000;
const PAGE_ID = '1'.repeat(32);
const PAGE_URL = `https://www.notion.so/acme/Roadmap-${PAGE_ID}`;

const CONNECTION: StepContext = {
  integrationName: 'Roadmap Sync',
  workspaceName: 'Acme Corp',
  tokenFingerprint: '…abcd',
};

/** A problem snapshot as the walkthrough service makes one from a check of one page. */
function pageProblem(kind: DiagnosisKind, title: string, requestIds: string[]): ProblemSnapshot {
  const resource: ResourceCheck = {
    input: PAGE_URL,
    id: PAGE_ID,
    type: 'page',
    title,
    url: PAGE_URL,
    inTrash: kind === 'in_trash',
    diagnosis: diagnosis(kind, { requestId: requestIds[0] }),
  };
  return {
    kind,
    title: KINDS[kind].title,
    affected: [resourceLabel(resource)],
    requestIds,
    context: { ...CONNECTION, resourceTitle: title, resourceUrl: PAGE_URL, requestIds },
  };
}

function tokenProblem(requestIds: string[]): ProblemSnapshot {
  return {
    kind: 'token_invalid',
    title: KINDS.token_invalid.title,
    affected: [],
    requestIds,
    context: { tokenFingerprint: '…abcd', requestIds },
  };
}

function start(problems: ProblemSnapshot[], context: StepContext = CONNECTION): Walkthrough {
  return startWalkthrough({ id: ID, problems, targets: [PAGE_URL], context, by: ALICE, at: T0 });
}

function apply(walkthrough: Walkthrough, ...events: WalkthroughEvent[]): Walkthrough {
  return events.reduce((state, event) => {
    const transition = applyEvent(state, event);
    if (!transition.changed) throw new Error(`event ${event.type} refused: ${transition.refusal}`);
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
  const payload = {
    text: walkthroughText(walkthrough),
    blocks: buildWalkthroughBlocks(walkthrough, now),
  };
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

function texts(blocks: KnownBlock[]): string[] {
  return blocks.flatMap((block) => {
    if (block.type === 'section') return block.text ? [block.text.text] : [];
    if (block.type === 'context') {
      return block.elements.flatMap((element) => ('text' in element ? [element.text] : []));
    }
    return [];
  });
}

const allText = (blocks: KnownBlock[]) => texts(blocks).join('\n');

/** A view's blocks are typed loosely (AnyBlock); ours are all built as known blocks. */
const known = (blocks: AnyBlock[]) => blocks as KnownBlock[];

function buttons(blocks: KnownBlock[]): Button[] {
  return blocks.flatMap((block) =>
    block.type === 'actions'
      ? block.elements.filter((element): element is Button => element.type === 'button')
      : [],
  );
}

function button(blocks: KnownBlock[], word: string): Button | undefined {
  return buttons(blocks).find((b) => b.text.text.includes(word));
}

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
    expect(text).toContain(KINDS.token_invalid.title);
    const all = allText(blocks);
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
    expect(button(blocks, 'Done')?.style).toBe('primary');
    expect(button(blocks, 'Test')?.style).toBeUndefined();
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
    expect(allText(blocks)).toContain(`*${STEPS.regenerate_token.title}*`);
    expect(allText(blocks)).toContain('ours ends in …abcd');
  });

  it('on the test step has no Done button, and Test connection is the primary one', () => {
    const walkthrough = apply(
      start([pageProblem('in_trash', 'Old notes', [])]),
      done('restore_from_trash'),
    );
    expect(currentStep(walkthrough)?.id).toBe('test_connection');
    const { blocks } = message(walkthrough);
    expect(button(blocks, 'Done')).toBeUndefined();
    expect(button(blocks, 'Test connection')?.style).toBe('primary');
    expect(button(blocks, 'Skip')).toBeDefined();
    expect(allText(blocks)).toContain(`*${STEPS.test_connection.title}*\n`);
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
        expect(id).toBe(ID);
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
    const all = allText(message(walkthrough).blocks);
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
    expect(allText(blocks)).toMatch(/Every step is done or skipped/);
    expect(labels(blocks)).toEqual(['Test connection', 'Escalate']);
    expect(button(blocks, 'Test')?.style).toBe('primary');
  });

  it('once escalated, says by whom and no longer offers Escalate', () => {
    const { blocks } = message(apply(start([tokenProblem([])]), escalate(BOB)));
    expect(allText(blocks)).toContain(`Escalated by <@${BOB}>`);
    expect(button(blocks, 'Escalate')).toBeUndefined();
    expect(button(blocks, 'Done')).toBeDefined();
  });

  it('names the problems still waiting after the current one', () => {
    const walkthrough = start([
      pageProblem('in_trash', 'Old notes', []),
      pageProblem('not_shared', 'Roadmap', []),
    ]);
    const all = allText(message(walkthrough).blocks);
    expect(all).toContain(`Let's fix: ${KINDS.not_shared.title}`);
    expect(all).toContain(`Next: ${KINDS.in_trash.title}`);
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
    const all = allText(blocks);
    expect(all).toMatch(new RegExp(`\\*?Resolved\\*? by <@${BOB}> in 12 min`));
    expect(all).toContain(`~1. ${STEPS.check_integration.title}~ — done by <@${ALICE}>`);
    expect(all).toContain(`Fixed: ${KINDS.token_invalid.title}`);
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
    const all = allText(escalation(walkthrough, BOB, ['token', PAGE_URL]).blocks);
    for (const id of ['req-401-a', 'req-401-b', 'req-404-a', 'req-404-b']) {
      expect(all).toContain(`\`${id}\``);
    }
    expect(all).toContain(`requested by <@${BOB}>`);
    expect(all).toContain(KINDS.not_shared.title);
    expect(all).toContain(KINDS.token_invalid.title);
  });

  it('names the integration, the workspace, what was checked and the steps tried', () => {
    const all = allText(escalation(walkthrough, BOB, ['token', PAGE_URL]).blocks);
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
    const all = allText(escalation(walkthrough, BOB, ['token']).blocks);
    expect(all).toMatch(/Notion support/);
    expect(all).toMatch(/third-party app/);
    expect(all).toMatch(/provider/);
  });

  it('says "none yet" when nothing was tried', () => {
    const fresh = start([tokenProblem([])]);
    expect(allText(escalation(fresh, ALICE, ['token']).blocks)).toMatch(/Steps tried:\*? none yet/);
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
    if (showsTitle) expect(allText(blocks)).toContain(`&lt;!channel&gt; ${REDACTED}`);
  });

  it('still shows the escaped title and integration name', () => {
    const all = allText(message(open).blocks);
    expect(all).toContain(`Roadmap &lt;!channel&gt; ${REDACTED}`);
    expect(all).toContain('*Sync &lt;!here&gt;*');
  });
});

describe('token modal', () => {
  function modal(target: TokenModalTarget): ModalView {
    const view = buildTokenModal(target);
    assertBlockKitLimits(view);
    return view;
  }

  it('has a short title, a token input with a hint, and the never-paste warning', () => {
    const view = modal({ connection: 'default', walkthroughId: ID, channelId: 'C0123ABCD' });
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(view.submit?.text).toBeDefined();
    expect(view.callback_id).toBe(TOKEN_MODAL.callbackId);
    const input = known(view.blocks).find((block) => block.type === 'input');
    if (input?.type !== 'input') throw new Error('the modal has no input block');
    expect(input.block_id).toBe(TOKEN_MODAL.blockId);
    expect(input.element).toMatchObject({
      type: 'plain_text_input',
      action_id: TOKEN_MODAL.actionId,
    });
    expect(input.hint?.text).toMatch(/ntn_/);
    expect(input.hint?.text).toMatch(/last 4 characters/);
    expect(allText(known(view.blocks))).toMatch(/Never paste a token in a channel or DM/);
    expect(allText(known(view.blocks))).toContain('`default`');
  });

  it.each<TokenModalTarget>([
    { connection: 'default', walkthroughId: ID, channelId: 'C0123ABCD' },
    { connection: 'crm-sync' },
    { connection: 'ci', channelId: 'C0123ABCD' },
  ])('private_metadata round-trips %j', (target) => {
    const view = modal(target);
    expect(view.private_metadata?.length ?? 0).toBeLessThanOrEqual(3000);
    expect(JSON.parse(view.private_metadata ?? 'null')).toEqual(target);
  });

  it('when saving is disabled explains ENCRYPTION_KEY and cannot be submitted', () => {
    const view = buildTokenDisabledModal();
    assertBlockKitLimits(view);
    expect(view.submit).toBeUndefined();
    expect(view.blocks.some((block) => block.type === 'input')).toBe(false);
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(allText(known(view.blocks))).toMatch(/ENCRYPTION_KEY/);
    expect(allText(known(view.blocks))).toMatch(/NOTION_TOKEN/);
  });
});
