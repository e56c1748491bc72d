/**
 * Reading what version 0.1 (up to commit e7deefb) stored, so walkthroughs started before an
 * upgrade keep working. 0.1 kept each affected page as a ready-made Slack mrkdwn label and the
 * one page of a problem as `resourceTitle`/`resourceUrl`; 0.2 keeps references as data.
 */
import type { ResourceRef, ResourceType } from '../domain/check';
import type { StepContext } from '../domain/playbook';
import type { ProblemSnapshot } from '../domain/problems';
import type { Walkthrough } from '../domain/walkthrough';

interface LegacyContext extends Omit<StepContext, 'resource'> {
  resourceTitle?: string;
  resourceUrl?: string;
  resource?: ResourceRef;
}

interface LegacyProblem extends Omit<ProblemSnapshot, 'affected' | 'context'> {
  affected: (string | ResourceRef)[];
  context: LegacyContext;
}

type LegacyWalkthrough = Omit<Walkthrough, 'problems' | 'fixed' | 'context'> & {
  problems: LegacyProblem[];
  fixed: LegacyProblem[];
  context: LegacyContext;
};

const unescapeMrkdwn = (text: string) =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

const TYPES: Record<string, ResourceType> = {
  page: 'page',
  database: 'database',
  'data source': 'data_source',
};

/**
 * The reference behind a 0.1 label, such that rendering it again gives the same label:
 * `` `typed` `` · `<https://…|Roadmap> (page)` · `*Roadmap* (database)` · `<https://…|Roadmap>`.
 */
export function refFromLabel(label: string): ResourceRef {
  const typed = /^`(.*)`$/s.exec(label);
  if (typed) return { input: unescapeMrkdwn(typed[1] ?? ''), type: 'unknown' };
  const match =
    /^(?:<(https:\/\/[^|>]+)\|(.*)>|\*(.*)\*)(?: \((page|database|data source)\))?$/s.exec(label);
  if (!match) return { input: label, id: 'unknown', type: 'unknown', title: label };
  const [, url, linkedName, boldName, type] = match;
  const title = unescapeMrkdwn(linkedName ?? boldName ?? '');
  const id = /[0-9a-f]{32}/i.exec(url ?? '')?.[0] ?? title;
  return {
    input: url ?? title,
    id,
    type: type ? (TYPES[type] ?? 'unknown') : 'unknown',
    title,
    url,
  };
}

function upgradeContext(context: LegacyContext): StepContext {
  const { resourceTitle, resourceUrl, ...rest } = context;
  if (rest.resource || (!resourceTitle && !resourceUrl)) return rest;
  return {
    ...rest,
    resource: { input: resourceUrl ?? '', type: 'unknown', title: resourceTitle, url: resourceUrl },
  };
}

function upgradeProblem(problem: LegacyProblem): ProblemSnapshot {
  const { kind, requestIds } = problem;
  return {
    kind,
    affected: problem.affected.map((entry) =>
      typeof entry === 'string' ? refFromLabel(entry) : entry,
    ),
    requestIds,
    context: upgradeContext(problem.context),
  };
}

/** A 0.1 walkthrough state as 0.2 keeps it (a 0.2 state passes through unchanged). */
export function upgradeWalkthroughState(state: LegacyWalkthrough): Walkthrough {
  const { version: _version, ...rest } = state as LegacyWalkthrough & { version?: number };
  return {
    ...rest,
    problems: rest.problems.map(upgradeProblem),
    fixed: rest.fixed.map(upgradeProblem),
    context: upgradeContext(rest.context),
  };
}
