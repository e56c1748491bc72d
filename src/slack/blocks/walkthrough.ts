import type { Button, KnownBlock } from '@slack/types';
import { STEPS } from '../../domain/playbook';
import type { ProblemSnapshot } from '../../domain/problems';
import {
  allRequestIds,
  currentStep,
  stepContext,
  stepsTried,
  type Walkthrough,
  type WalkthroughStep,
} from '../../domain/walkthrough';
import { ACTIONS, stepButtonValue } from './actions';
import { actions, button } from './buttons';
import { codeList, connectionLine, formatDuration, mention } from './format';
import { context, escapeMrkdwn, section, sections } from './mrkdwn';
import { diagnosisTitle, resourceLabel } from './resource';
import { escalationAdvice, stepInstructions, stepWhy } from './steps';

const ICON: Record<WalkthroughStep['status'], string> = {
  done: ':white_check_mark:',
  skipped: ':fast_forward:',
  pending: ':white_circle:',
};

function checklistLine(step: WalkthroughStep, index: number, current: boolean): string {
  const title = `${index + 1}. ${STEPS[step.id].title}`;
  if (current) return `:arrow_right: *${title}*`;
  const who = step.by ? ` — ${step.status} by ${mention(step.by)}` : '';
  return step.status === 'pending'
    ? `${ICON.pending} ${title}`
    : `${ICON[step.status]} ~${title}~${who}`;
}

function affected(problem: ProblemSnapshot): string {
  return problem.affected.length ? ` — ${problem.affected.map(resourceLabel).join(', ')}` : '';
}

const problemTitle = (problem: ProblemSnapshot) => escapeMrkdwn(diagnosisTitle(problem));

function buttons(walkthrough: Walkthrough, step: WalkthroughStep | undefined): KnownBlock {
  const id = walkthrough.id;
  const elements: Button[] = [];
  if (step && step.id !== 'test_connection') {
    elements.push(button('Done', ACTIONS.walkthroughDone, stepButtonValue(id, step.id), 'primary'));
  }
  if (step?.id === 'regenerate_token') {
    elements.push(button('Update token', ACTIONS.walkthroughUpdateToken, id));
  }
  const testIsNext = !step || step.id === 'test_connection';
  elements.push(
    button('Test connection', ACTIONS.walkthroughTest, id, testIsNext ? 'primary' : undefined),
  );
  if (step) elements.push(button('Skip', ACTIONS.walkthroughSkip, stepButtonValue(id, step.id)));
  if (walkthrough.status !== 'escalated') {
    elements.push(button('Escalate', ACTIONS.walkthroughEscalate, id));
  }
  return actions('walkthrough_actions', elements);
}

export function walkthroughText(walkthrough: Walkthrough): string {
  if (walkthrough.status === 'resolved') return 'Fix walkthrough: resolved';
  const problem = walkthrough.problems[0];
  return `Fix walkthrough: ${problem ? diagnosisTitle(problem) : 'access problem'}`;
}

/** The one walkthrough message in the report's thread, rebuilt after every change. */
export function buildWalkthroughBlocks(walkthrough: Walkthrough, now: number): KnownBlock[] {
  const step = currentStep(walkthrough);
  const [problem, ...later] = walkthrough.problems;

  if (walkthrough.status === 'resolved') {
    const took = formatDuration((walkthrough.resolvedAt ?? now) - walkthrough.startedAt);
    return [
      section(
        `:white_check_mark: *Resolved* by ${mention(walkthrough.resolvedBy)} in ${took}. Notion answers again for every check that failed.`,
      ),
      ...sections(walkthrough.steps.map((s, index) => checklistLine(s, index, false))),
      context(`Fixed: ${walkthrough.fixed.map(problemTitle).join('; ') || '—'}`),
    ];
  }

  const headline = problem
    ? `:wrench: *Let's fix: ${problemTitle(problem)}*${affected(problem)}`
    : ':wrench: *Let us fix this*';
  const blocks: KnownBlock[] = [
    ...sections([
      headline,
      ...walkthrough.steps.map((s, index) => checklistLine(s, index, s === step)),
    ]),
  ];
  if (step) {
    blocks.push(
      section(`*${STEPS[step.id].title}*\n${stepInstructions(step.id, stepContext(walkthrough))}`),
    );
    blocks.push(context(stepWhy(step.id)));
  } else {
    blocks.push(
      section('Every step is done or skipped. Press *Test connection* to confirm the fix.'),
    );
  }
  blocks.push(buttons(walkthrough, step));
  const notes = [`Started by ${mention(walkthrough.startedBy)}`];
  const facts = stepContext(walkthrough);
  if (facts.connection) notes.push(connectionLine(facts.connection, facts.integrationName));
  const requestIds = problem?.requestIds ?? [];
  if (requestIds.length) notes.push(`Notion request IDs: ${codeList(requestIds, 5)}`);
  if (later.length) notes.push(`Next: ${later.map(problemTitle).join('; ')}`);
  if (walkthrough.status === 'escalated') {
    notes.push(`Escalated by ${mention(walkthrough.escalatedBy)}`);
  }
  blocks.push(context(...notes));
  return blocks;
}

export function buildWalkthrough(walkthrough: Walkthrough, now: number) {
  return { text: walkthroughText(walkthrough), blocks: buildWalkthroughBlocks(walkthrough, now) };
}

/** What Notion support needs: everything checked, every request id, what was tried. */
export function buildEscalationBlocks(
  walkthrough: Walkthrough,
  by: string,
  checked: string[],
): KnownBlock[] {
  const c = stepContext(walkthrough);
  const problems = [...walkthrough.problems, ...walkthrough.fixed];
  const tried = stepsTried(walkthrough).map((step) => `${STEPS[step.id].title} (${step.status})`);
  const lines = [
    `:sos: *Escalation summary* requested by ${mention(by)} — paste this into your Notion support request.`,
    `*Integration:* ${escapeMrkdwn(c.integrationName ?? 'unknown')} · *Workspace:* ${escapeMrkdwn(c.workspaceName ?? 'unknown')} · *Token:* ${c.tokenFingerprint ?? 'none'}`,
    `*Checked:* ${checked.map((target) => `\`${escapeMrkdwn(target)}\``).join(', ') || 'the token'}`,
    ...problems.map(
      (problem) =>
        `• *${problemTitle(problem)}*${affected(problem)} — request IDs: ${codeList(problem.requestIds) || 'none'}`,
    ),
    `*Steps tried:* ${tried.join('; ') || 'none yet'}`,
  ];
  return [...sections(lines), context(escalationAdvice(allRequestIds(walkthrough)))];
}
