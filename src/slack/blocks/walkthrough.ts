import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import { escalationAdvice, STEPS, type StepId } from '../../playbook/steps';
import {
  currentStep,
  type ProblemSnapshot,
  stepContext,
  type Walkthrough,
  type WalkthroughStep,
} from '../../playbook/walkthrough';
import { formatDuration } from '../../time';
import { context, escapeMrkdwn, section, sections } from './text';

/** action_ids of the walkthrough buttons; the listeners register the same constants. */
export const WALKTHROUGH_ACTIONS = {
  done: 'walkthrough_done',
  skip: 'walkthrough_skip',
  test: 'walkthrough_test',
  updateToken: 'walkthrough_update_token',
  escalate: 'walkthrough_escalate',
} as const;

/** A button value is only opaque ids: the walkthrough, and for step buttons the step. */
export function stepButtonValue(walkthroughId: string, step: StepId): string {
  return `${walkthroughId}:${step}`;
}

function button(
  text: string,
  actionId: string,
  value: string,
  style?: 'primary' | 'danger',
): Button {
  return {
    type: 'button',
    text: { type: 'plain_text', text, emoji: true },
    action_id: actionId,
    value,
    ...(style ? { style } : {}),
  };
}

const ICON: Record<WalkthroughStep['status'], string> = {
  done: ':white_check_mark:',
  skipped: ':fast_forward:',
  pending: ':white_circle:',
};

function checklistLine(step: WalkthroughStep, index: number, current: boolean): string {
  const title = `${index + 1}. ${STEPS[step.id].title}`;
  if (current) return `:arrow_right: *${title}*`;
  const who = step.by ? ` — ${step.status} by <@${step.by}>` : '';
  return step.status === 'pending'
    ? `${ICON.pending} ${title}`
    : `${ICON[step.status]} ~${title}~${who}`;
}

function affected(problem: ProblemSnapshot): string {
  return problem.affected.length ? ` — ${problem.affected.join(', ')}` : '';
}

function actions(walkthrough: Walkthrough, step: WalkthroughStep | undefined): ActionsBlock {
  const id = walkthrough.id;
  const elements: Button[] = [];
  if (step && step.id !== 'test_connection') {
    elements.push(
      button('Done', WALKTHROUGH_ACTIONS.done, stepButtonValue(id, step.id), 'primary'),
    );
  }
  if (step?.id === 'regenerate_token') {
    elements.push(button('Update token', WALKTHROUGH_ACTIONS.updateToken, id));
  }
  elements.push(
    button(
      'Test connection',
      WALKTHROUGH_ACTIONS.test,
      id,
      !step || step.id === 'test_connection' ? 'primary' : undefined,
    ),
  );
  if (step) elements.push(button('Skip', WALKTHROUGH_ACTIONS.skip, stepButtonValue(id, step.id)));
  if (walkthrough.status !== 'escalated') {
    elements.push(button('Escalate', WALKTHROUGH_ACTIONS.escalate, id));
  }
  return { type: 'actions', block_id: `walkthrough_actions`, elements };
}

export function walkthroughText(walkthrough: Walkthrough): string {
  if (walkthrough.status === 'resolved') return 'Fix walkthrough: resolved';
  const problem = walkthrough.problems[0];
  return `Fix walkthrough: ${problem?.title ?? 'access problem'}`;
}

/** The one walkthrough message in the report's thread, rebuilt after every change. */
export function buildWalkthroughBlocks(walkthrough: Walkthrough, now: number): KnownBlock[] {
  const step = currentStep(walkthrough);
  const [problem, ...later] = walkthrough.problems;

  if (walkthrough.status === 'resolved') {
    const took = formatDuration((walkthrough.resolvedAt ?? now) - walkthrough.startedAt);
    return [
      section(
        `:white_check_mark: *Resolved* by <@${walkthrough.resolvedBy}> in ${took}. Notion answers again for every check that failed.`,
      ),
      ...sections(walkthrough.steps.map((s, index) => checklistLine(s, index, false))),
      context(`Fixed: ${walkthrough.fixed.map((p) => escapeMrkdwn(p.title)).join('; ') || '—'}`),
    ];
  }

  const headline = problem
    ? `:wrench: *Let's fix: ${escapeMrkdwn(problem.title)}*${affected(problem)}`
    : ':wrench: *Let us fix this*';
  const blocks: KnownBlock[] = [
    ...sections([
      headline,
      ...walkthrough.steps.map((s, index) => checklistLine(s, index, s === step)),
    ]),
  ];
  if (step) {
    const definition = STEPS[step.id];
    const links = definition.links.map((link) => `<${link.url}|${link.label}>`).join(' · ');
    blocks.push(
      section(`*${definition.title}*\n${definition.instructions(stepContext(walkthrough))}`),
    );
    blocks.push(context(`Why: ${definition.why}${links ? ` · ${links}` : ''}`));
  } else {
    blocks.push(
      section('Every step is done or skipped. Press *Test connection* to confirm the fix.'),
    );
  }
  blocks.push(actions(walkthrough, step));
  const notes = [`Started by <@${walkthrough.startedBy}>`];
  const requestIds = problem?.requestIds ?? [];
  if (requestIds.length) {
    notes.push(
      `Notion request IDs: ${requestIds
        .slice(0, 5)
        .map((id) => `\`${id}\``)
        .join(', ')}`,
    );
  }
  if (later.length) notes.push(`Next: ${later.map((p) => escapeMrkdwn(p.title)).join('; ')}`);
  if (walkthrough.status === 'escalated') {
    notes.push(`Escalated by <@${walkthrough.escalatedBy}>`);
  }
  blocks.push(context(...notes));
  return blocks;
}

/** What Notion support needs: everything checked, every request id, what was tried. */
export function buildEscalationBlocks(
  walkthrough: Walkthrough,
  by: string,
  checked: string[],
): KnownBlock[] {
  const c = stepContext(walkthrough);
  const problems = [...walkthrough.problems, ...walkthrough.fixed];
  const requestIds = [
    ...new Set([...(c.requestIds ?? []), ...problems.flatMap((problem) => problem.requestIds)]),
  ];
  const tried = [...(walkthrough.earlierSteps ?? []), ...walkthrough.steps]
    .filter((step) => step.status !== 'pending')
    .map((step) => `${STEPS[step.id].title} (${step.status})`);
  const lines = [
    `:sos: *Escalation summary* requested by <@${by}> — paste this into your Notion support request.`,
    `*Integration:* ${escapeMrkdwn(c.integrationName ?? 'unknown')} · *Workspace:* ${escapeMrkdwn(c.workspaceName ?? 'unknown')} · *Token:* ${c.tokenFingerprint ?? 'none'}`,
    `*Checked:* ${checked.map((target) => `\`${escapeMrkdwn(target)}\``).join(', ') || 'the token'}`,
    ...problems.map(
      (problem) =>
        `• *${escapeMrkdwn(problem.title)}*${affected(problem)} — request IDs: ${problem.requestIds.map((id) => `\`${id}\``).join(', ') || 'none'}`,
    ),
    `*Steps tried:* ${tried.join('; ') || 'none yet'}`,
  ];
  return [...sections(lines), context(escalationAdvice({ requestIds }))];
}
