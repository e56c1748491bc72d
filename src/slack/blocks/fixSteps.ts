import type { KnownBlock } from '@slack/types';
import { accessProblems, type CheckRun } from '../../domain/check';
import { STEPS, STEPS_FOR } from '../../domain/playbook';
import { connectionContext } from '../../domain/problems';
import { capText, context, escapeMrkdwn, sections } from './mrkdwn';
import { diagnosisTitle, listAffected } from './resource';
import { escalationAdvice, stepInstructions } from './steps';

/**
 * Every fix step at once, one group per distinct diagnosis: what the user alone sees when the
 * bot may not post a walkthrough in the conversation.
 */
export function buildFixStepsBlocks(run: CheckRun): KnownBlock[] {
  const base = connectionContext(run);
  const problems = accessProblems(run);
  const lines = problems.flatMap((problem) => {
    const affected = problem.affected.length ? ` — ${listAffected(problem.affected)}` : '';
    const stepContext = { ...base, resource: problem.resource, requestIds: problem.requestIds };
    const steps = STEPS_FOR[problem.kind].map(
      (id, index) => `${index + 1}. *${STEPS[id].title}.* ${stepInstructions(id, stepContext)}`,
    );
    return [`*${escapeMrkdwn(diagnosisTitle(problem))}*${affected}`, ...steps, ''];
  });
  const requestIds = problems.flatMap((problem) => problem.requestIds);
  return [
    ...sections(lines.length ? lines.slice(0, -1) : ['No access problem found.']),
    context(escalationAdvice(requestIds.slice(0, 20))),
  ];
}

export function buildFixSteps(run: CheckRun) {
  const titles = accessProblems(run).map(diagnosisTitle);
  return capText({ text: `How to fix: ${titles.join('; ')}`, blocks: buildFixStepsBlocks(run) });
}
