/**
 * One check run: the token first, then every page, database or data source asked about. The
 * notion/ folder produces these; reports, walkthroughs and the monitor read them.
 */
import { type Diagnosis, type DiagnosisKind, isAccessProblem, isTransient } from './diagnosis';

export type ResourceType = 'page' | 'database' | 'data_source' | 'unknown';

/**
 * A Notion object as data, never as markup: what the user typed, and what Notion told us.
 * Rendering (escaping, linking) happens once, at the Slack edge.
 */
export interface ResourceRef {
  /** What the user typed (a link or an id), kept so an invalid entry can be shown back. */
  input: string;
  id?: string;
  type: ResourceType;
  title?: string;
  url?: string;
}

export interface ResourceCheck extends ResourceRef {
  inTrash: boolean;
  diagnosis: Diagnosis;
}

export interface IntegrationInfo {
  id: string;
  name: string;
  workspaceName?: string;
  ownerType: 'workspace' | 'user' | 'unknown';
}

export interface TokenCheck {
  integration?: IntegrationInfo;
  diagnosis: Diagnosis;
}

export interface CheckRun {
  connection: string;
  fingerprint?: string;
  integration?: IntegrationInfo;
  token: TokenCheck;
  resources: ResourceCheck[];
  startedAt: number;
  durationMs: number;
  /** The token was seen pasted in Slack and has not been replaced since. */
  compromised?: boolean;
}

/** The reference part of a check (what a walkthrough or an alert keeps). */
export function refOf(resource: ResourceRef): ResourceRef {
  const { input, id, type, title, url } = resource;
  return { input, id, type, title, url };
}

/** Every resource left unchecked for one reason (no token, or the token failed). */
export function uncheckedResources(targets: string[], cause: Diagnosis): ResourceCheck[] {
  return targets.map((input) => ({ input, type: 'unknown', inTrash: false, diagnosis: cause }));
}

/** How many problems the report headline counts: a failing token counts at least once. */
export function problemCount(run: CheckRun): number {
  const failing = run.resources.filter((resource) => resource.diagnosis.kind !== 'ok').length;
  return run.token.diagnosis.kind === 'ok' ? failing : Math.max(failing, 1);
}

/** The first Notion outage, rate limit or network failure of the run, if any. */
export function firstTransient(run: CheckRun): Diagnosis | undefined {
  return [run.token, ...run.resources].find((item) => isTransient(item.diagnosis))?.diagnosis;
}

/** One access problem of a run: a diagnosis kind and everything it affects. */
export interface AccessProblem {
  kind: DiagnosisKind;
  affected: ResourceRef[];
  requestIds: string[];
  /** The one resource concerned, when there is exactly one (steps then name it). */
  resource?: ResourceRef;
}

/** Access problems of a run, one per diagnosis kind, the token's first. */
export function accessProblems(run: CheckRun): AccessProblem[] {
  const byKind = new Map<DiagnosisKind, AccessProblem>();
  const add = (result: Diagnosis, resource: ResourceRef | undefined) => {
    if (!isAccessProblem(result)) return;
    const problem = byKind.get(result.kind) ?? { kind: result.kind, affected: [], requestIds: [] };
    if (resource) problem.affected.push(refOf(resource));
    if (result.detail.requestId) problem.requestIds.push(result.detail.requestId);
    byKind.set(result.kind, problem);
  };
  add(run.token.diagnosis, undefined);
  // With a failing token every resource fails the same way: the token is the one problem.
  if (run.token.diagnosis.kind === 'ok') {
    for (const resource of run.resources) add(resource.diagnosis, resource);
  }
  return [...byKind.values()].map((problem) =>
    problem.affected.length === 1 ? { ...problem, resource: problem.affected[0] } : problem,
  );
}

/** The original run with the re-tested resources replaced by their new results. */
export function mergeRetest(original: CheckRun, latest: CheckRun): CheckRun {
  const byInput = new Map(latest.resources.map((resource) => [resource.input, resource]));
  return {
    ...original,
    token: latest.token,
    integration: latest.integration ?? original.integration,
    fingerprint: latest.fingerprint,
    resources: original.resources.map((resource) => byInput.get(resource.input) ?? resource),
  };
}

/** One command checks at most this many pages or databases. */
export const MAX_TARGETS = 20;
