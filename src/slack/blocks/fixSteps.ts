import type { KnownBlock } from '@slack/types';
import type { Diagnosis, DiagnosisKind } from '../../notion/diagnose';
import { escalationAdvice, STEPS, type StepContext } from '../../playbook/steps';
import type { CheckRun } from '../../services/checks';
import { resourceLabel } from './report';
import { context, escapeMrkdwn, sections } from './text';

interface Problem {
  diagnosis: Diagnosis;
  affected: string[];
  context: StepContext;
}

/** Access problems of a run, one entry per diagnosis kind, with everything they affect. */
export function accessProblems(run: CheckRun): Problem[] {
  const byKind = new Map<DiagnosisKind, Problem>();
  const base: StepContext = {
    integrationName: run.integration?.name,
    workspaceName: run.integration?.workspaceName,
    tokenFingerprint: run.fingerprint,
  };
  const add = (result: Diagnosis, label: string | undefined, extra: StepContext) => {
    if (result.category !== 'access') return;
    const problem = byKind.get(result.kind) ?? {
      diagnosis: result,
      affected: [],
      context: { ...base, ...extra, requestIds: [] },
    };
    if (label) problem.affected.push(label);
    if (result.detail.requestId) problem.context.requestIds?.push(result.detail.requestId);
    byKind.set(result.kind, problem);
  };
  add(run.token.diagnosis, undefined, {});
  if (run.token.diagnosis.kind === 'ok') {
    for (const resource of run.resources) {
      add(resource.diagnosis, resourceLabel(resource), {
        resourceTitle: resource.title,
        resourceUrl: resource.url,
      });
    }
  }
  // Steps name the page only when there is one; with several, the affected list names them.
  return [...byKind.values()].map((problem) =>
    problem.affected.length > 1
      ? {
          ...problem,
          context: { ...problem.context, resourceTitle: undefined, resourceUrl: undefined },
        }
      : problem,
  );
}

const MAX_AFFECTED = 10;

export function listAffected(affected: string[]): string {
  const shown = affected.slice(0, MAX_AFFECTED).join(', ');
  const more = affected.length - MAX_AFFECTED;
  return more > 0 ? `${shown} and ${more} more` : shown;
}

/** The fix steps posted in the report's thread, one group per distinct diagnosis. */
export function buildFixStepsBlocks(run: CheckRun): KnownBlock[] {
  const problems = accessProblems(run);
  const lines = problems.flatMap((problem) => {
    const affected = problem.affected.length ? ` — ${listAffected(problem.affected)}` : '';
    const steps = problem.diagnosis.steps.map((id, index) => {
      const step = STEPS[id];
      return `${index + 1}. *${step.title}.* ${step.instructions(problem.context)}`;
    });
    return [`*${escapeMrkdwn(problem.diagnosis.title)}*${affected}`, ...steps, ''];
  });
  const requestIds = problems.flatMap((problem) => problem.context.requestIds ?? []);
  return [
    ...sections(lines.length ? lines.slice(0, -1) : ['No access problem found.']),
    context(escalationAdvice({ requestIds: requestIds.slice(0, 20) })),
  ];
}

export function fixStepsText(run: CheckRun): string {
  const titles = accessProblems(run).map((problem) => problem.diagnosis.title);
  return `How to fix: ${titles.join('; ')}`;
}
