/**
 * The access problems a walkthrough walks, as it remembers them: which diagnosis, which pages
 * (as data), which Notion request ids, and what the steps' slots are filled with.
 */
import { accessProblems, type CheckRun, type ResourceRef } from './check';
import type { DiagnosisKind } from './diagnosis';
import type { StepContext } from './playbook';

/** One diagnosis as the walkthrough remembers it (for the checklist and the escalation). */
export interface ProblemSnapshot {
  kind: DiagnosisKind;
  affected: ResourceRef[];
  requestIds: string[];
  /** What the check learned about this problem (the page, when there is exactly one). */
  context: StepContext;
}

/** The connection facts of a run: what every step's {integration}/{workspace} slots show. */
export function connectionContext(run: CheckRun): StepContext {
  return {
    connection: run.connection,
    integrationName: run.integration?.name,
    workspaceName: run.integration?.workspaceName,
    tokenFingerprint: run.fingerprint,
  };
}

/** The access problems of a check, as the walkthrough keeps them, and what to re-test. */
export function problemsOf(run: CheckRun): { problems: ProblemSnapshot[]; targets: string[] } {
  const base = connectionContext(run);
  const problems = accessProblems(run).map((problem) => ({
    kind: problem.kind,
    affected: problem.affected,
    requestIds: problem.requestIds,
    context: { ...base, resource: problem.resource, requestIds: problem.requestIds },
  }));
  const targets = run.resources
    .filter((resource) => resource.diagnosis.category === 'access')
    .map((resource) => resource.input);
  return { problems, targets };
}

/** The problem of a token pasted in Slack: rotate it. */
export function leakProblem(fingerprint: string | undefined): ProblemSnapshot {
  return {
    kind: 'token_leaked',
    affected: [],
    requestIds: [],
    context: { tokenFingerprint: fingerprint },
  };
}

/** When several access problems show at once, fix the one that hides the others first. */
const PRIORITY: DiagnosisKind[] = [
  'token_leaked',
  'token_missing',
  'token_invalid',
  'restricted',
  'not_shared',
  'in_trash',
];

export function orderProblems(problems: ProblemSnapshot[]): ProblemSnapshot[] {
  const rank = (kind: DiagnosisKind) => {
    const index = PRIORITY.indexOf(kind);
    return index === -1 ? PRIORITY.length : index;
  };
  return [...problems].sort((a, b) => rank(a.kind) - rank(b.kind));
}
