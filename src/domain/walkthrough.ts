/**
 * A fix walkthrough as a pure state machine: no I/O, no clock, no Slack. Every transition takes
 * the current state and an event and returns the next state plus whether anything changed, so
 * a repeated click (a double click, a retried delivery) is a no-op rather than a second step.
 *
 *   state              | event                               | next
 *   -------------------+-------------------------------------+-----------------------------------
 *   open/escalated, S  | Done S / Skip S                     | S done/skipped; next pending is current
 *   open/escalated     | Done/Skip of a step not current     | unchanged (stale_button)
 *   open/escalated     | token updated                       | regenerate_token done; context merged
 *   open               | Escalate                            | escalated (steps go on)
 *   escalated          | Escalate                            | unchanged (already_escalated)
 *   open/escalated     | re-test: no access problem          | resolved
 *   open/escalated     | re-test: same diagnosis             | progress kept
 *   open/escalated     | re-test: another diagnosis          | its steps; earlier ones kept
 *   resolved           | anything                            | unchanged (already_resolved)
 */

import type { CheckRun } from './check';
import type { DiagnosisKind } from './diagnosis';
import type { Refusal } from './outcome';
import { STEPS_FOR, type StepContext, type StepId } from './playbook';
import { orderProblems, type ProblemSnapshot } from './problems';

export type StepStatus = 'pending' | 'done' | 'skipped';
export type WalkthroughStatus = 'open' | 'escalated' | 'resolved';

export interface WalkthroughStep {
  id: StepId;
  status: StepStatus;
  by?: string;
  at?: number;
}

export interface Walkthrough {
  id: string;
  status: WalkthroughStatus;
  /** The diagnosis whose steps are being walked now. */
  kind: DiagnosisKind;
  steps: WalkthroughStep[];
  /** Every access problem still open, the current one first. */
  problems: ProblemSnapshot[];
  /** Diagnoses already fixed in this walkthrough, kept for the escalation summary. */
  fixed: ProblemSnapshot[];
  /** A leaked token's hash: the re-test passes only once the connection uses another token. */
  leakedTokenHash?: string;
  /** Steps done or skipped for earlier diagnoses of this walkthrough (for the escalation). */
  earlierSteps?: WalkthroughStep[];
  /** What the re-test checks again: the inputs that failed. */
  targets: string[];
  /** Connection facts (integration, workspace, token fingerprint), newer than the problems'. */
  context: StepContext;
  startedBy: string;
  startedAt: number;
  resolvedBy?: string;
  resolvedAt?: number;
  escalatedBy?: string;
}

export type WalkthroughEvent =
  | { type: 'done' | 'skip'; step: StepId; by: string; at: number }
  | { type: 'token_updated'; by: string; at: number; context: StepContext }
  | { type: 'escalate'; by: string; at: number }
  | {
      type: 'retest';
      by: string;
      at: number;
      /** Access problems the re-test still found (empty: everything works). */
      problems: ProblemSnapshot[];
      targets: string[];
      context: StepContext;
    };

export interface Transition {
  walkthrough: Walkthrough;
  changed: boolean;
  /** Why nothing changed. */
  refusal?: Refusal;
}

function stepsFor(kind: DiagnosisKind): WalkthroughStep[] {
  return STEPS_FOR[kind].map((id) => ({ id, status: 'pending' }));
}

export function startWalkthrough(input: {
  id: string;
  problems: ProblemSnapshot[];
  targets: string[];
  context: StepContext;
  by: string;
  at: number;
}): Walkthrough {
  const problems = orderProblems(input.problems);
  const first = problems[0];
  if (!first) throw new Error('a walkthrough needs at least one access problem');
  return {
    id: input.id,
    status: 'open',
    kind: first.kind,
    steps: stepsFor(first.kind),
    problems,
    fixed: [],
    targets: input.targets,
    context: input.context,
    startedBy: input.by,
    startedAt: input.at,
  };
}

/** A context without its undefined entries, so merging it never erases what was known. */
function defined(context: StepContext): StepContext {
  return Object.fromEntries(Object.entries(context).filter(([, value]) => value !== undefined));
}

/** What the current step's slots are filled with. */
export function stepContext(walkthrough: Walkthrough): StepContext {
  return { ...walkthrough.problems[0]?.context, ...defined(walkthrough.context) };
}

/** The step shown expanded with buttons: the first one nobody has done or skipped. */
export function currentStep(walkthrough: Walkthrough): WalkthroughStep | undefined {
  return walkthrough.steps.find((step) => step.status === 'pending');
}

/** Every request id Notion support may ask for: the current context's and every problem's. */
export function allRequestIds(walkthrough: Walkthrough): string[] {
  const problems = [...walkthrough.problems, ...walkthrough.fixed];
  return [
    ...new Set([
      ...(stepContext(walkthrough).requestIds ?? []),
      ...problems.flatMap((problem) => problem.requestIds),
    ]),
  ];
}

/** Steps done or skipped so far, for every diagnosis this walkthrough went through. */
export function stepsTried(walkthrough: Walkthrough): WalkthroughStep[] {
  return [...(walkthrough.earlierSteps ?? []), ...walkthrough.steps].filter(
    (step) => step.status !== 'pending',
  );
}

const unchanged = (walkthrough: Walkthrough, refusal?: Refusal): Transition => ({
  walkthrough,
  changed: false,
  refusal,
});

export function applyEvent(walkthrough: Walkthrough, event: WalkthroughEvent): Transition {
  if (walkthrough.status === 'resolved') {
    return unchanged(walkthrough, { reason: 'already_resolved', what: 'walkthrough' });
  }
  switch (event.type) {
    case 'done':
    case 'skip': {
      const current = currentStep(walkthrough);
      // Only the current step has buttons; a click on an older message's step is stale.
      if (!current || current.id !== event.step) {
        return unchanged(walkthrough, { reason: 'stale_button' });
      }
      const status: StepStatus = event.type === 'done' ? 'done' : 'skipped';
      return {
        changed: true,
        walkthrough: {
          ...walkthrough,
          steps: walkthrough.steps.map((step) =>
            step === current ? { ...step, status, by: event.by, at: event.at } : step,
          ),
        },
      };
    }
    case 'token_updated': {
      const context = { ...walkthrough.context, ...defined(event.context) };
      return {
        changed: true,
        walkthrough: {
          ...walkthrough,
          context,
          steps: walkthrough.steps.map((step) =>
            step.id === 'regenerate_token' && step.status === 'pending'
              ? { ...step, status: 'done', by: event.by, at: event.at }
              : step,
          ),
        },
      };
    }
    case 'escalate':
      if (walkthrough.status === 'escalated') {
        return unchanged(walkthrough, { reason: 'already_escalated', by: walkthrough.escalatedBy });
      }
      return {
        changed: true,
        walkthrough: { ...walkthrough, status: 'escalated', escalatedBy: event.by },
      };
    case 'retest':
      return applyRetest(walkthrough, event);
  }
}

function applyRetest(
  walkthrough: Walkthrough,
  event: Extract<WalkthroughEvent, { type: 'retest' }>,
): Transition {
  const context = { ...walkthrough.context, ...defined(event.context) };
  const problems = orderProblems(event.problems);
  const next = problems[0];
  const solved = walkthrough.problems.filter(
    (problem) => !problems.some((still) => still.kind === problem.kind),
  );
  const fixed = [...walkthrough.fixed, ...solved];
  if (!next) {
    return {
      changed: true,
      walkthrough: {
        ...walkthrough,
        status: 'resolved',
        problems: [],
        fixed,
        context,
        resolvedBy: event.by,
        resolvedAt: event.at,
        steps: walkthrough.steps.map((step) =>
          step.id === 'test_connection' && step.status === 'pending'
            ? { ...step, status: 'done', by: event.by, at: event.at }
            : step,
        ),
      },
    };
  }
  // Same diagnosis as before: keep the progress. A different one: walk its steps instead.
  const sameKind = next.kind === walkthrough.kind;
  return {
    changed: true,
    walkthrough: {
      ...walkthrough,
      kind: next.kind,
      steps: sameKind ? walkthrough.steps : stepsFor(next.kind),
      earlierSteps: sameKind
        ? walkthrough.earlierSteps
        : [
            ...(walkthrough.earlierSteps ?? []),
            ...walkthrough.steps.filter((step) => step.status !== 'pending'),
          ],
      problems,
      fixed,
      targets: event.targets,
      context,
    },
  };
}

/** What the thread's parent message was built from, so it can be redrawn as resolved. */
export interface ThreadParent {
  run: CheckRun;
  userId: string;
  /** A check report (redrawn on resolution) or a monitor alert / leak warning. */
  parent?: 'report' | 'alert';
}

/** A walkthrough and where it lives in Slack. */
export interface WalkthroughRecord {
  id: string;
  channelId: string;
  /** The parent message; the walkthrough is in its thread. */
  reportTs: string;
  /** The walkthrough message itself. */
  messageTs?: string;
  state: Walkthrough;
  report: ThreadParent;
}
