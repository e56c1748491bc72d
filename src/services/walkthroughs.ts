import { randomBytes } from 'node:crypto';
import type { Logger } from '../logger';
import { diagnosis } from '../notion/diagnose';
import type { StepContext, StepId } from '../playbook/steps';
import {
  applyEvent,
  type ProblemSnapshot,
  startWalkthrough,
  type Transition,
  type Walkthrough,
  type WalkthroughEvent,
} from '../playbook/walkthrough';
import { accessProblems } from '../slack/blocks/fixSteps';
import { buildReportBlocks, reportText } from '../slack/blocks/report';
import { section } from '../slack/blocks/text';
import {
  buildEscalationBlocks,
  buildWalkthroughBlocks,
  walkthroughText,
} from '../slack/blocks/walkthrough';
import type { Message, Messenger } from '../slack/messenger';
import type { Store, WalkthroughRecord } from '../store/store';
import { formatDuration } from '../time';
import type { CheckRun, CheckService } from './checks';
import type { Connections } from './connections';

/** What the parent report was built from, so it can be redrawn as resolved. */
export interface ReportSnapshot {
  run: CheckRun;
  userId: string;
  /** The thread's parent: a check report (redrawn on resolution) or a monitor alert. */
  parent?: 'report' | 'alert';
}

export type WalkthroughRow = WalkthroughRecord<Walkthrough, ReportSnapshot>;

export type ClickOutcome =
  | { kind: 'changed'; walkthrough: Walkthrough }
  | { kind: 'duplicate' }
  | { kind: 'refused'; message: string }
  | { kind: 'missing' };

export function newWalkthroughId(): string {
  return `w${randomBytes(8).toString('hex')}`;
}

function connectionContext(run: CheckRun): StepContext {
  return {
    integrationName: run.integration?.name,
    workspaceName: run.integration?.workspaceName,
    tokenFingerprint: run.fingerprint,
  };
}

/** The access problems of a check, as the walkthrough keeps them, and what to re-test. */
export function problemsOf(run: CheckRun): { problems: ProblemSnapshot[]; targets: string[] } {
  const problems = accessProblems(run).map((problem) => ({
    kind: problem.diagnosis.kind,
    title: problem.diagnosis.title,
    affected: problem.affected,
    requestIds: problem.context.requestIds ?? [],
    context: problem.context,
  }));
  const targets = run.resources
    .filter((resource) => resource.diagnosis.category === 'access')
    .map((resource) => resource.input);
  return { problems, targets };
}

/** The original report with the re-tested lines replaced by their new results. */
function mergeRetest(original: CheckRun, latest: CheckRun): CheckRun {
  const byInput = new Map(latest.resources.map((resource) => [resource.input, resource]));
  return {
    ...original,
    token: latest.token,
    integration: latest.integration ?? original.integration,
    fingerprint: latest.fingerprint,
    resources: original.resources.map((resource) => byInput.get(resource.input) ?? resource),
  };
}

function leakProblem(fingerprint: string | undefined): ProblemSnapshot {
  const problem = diagnosis('token_leaked');
  return {
    kind: problem.kind,
    title: problem.title,
    affected: [],
    requestIds: [],
    context: { tokenFingerprint: fingerprint },
  };
}

function text(message: string): Message {
  return { text: message, blocks: [section(message)] };
}

export interface WalkthroughServiceDeps {
  store: Store;
  connections: Connections;
  checks: CheckService;
  logger: Logger;
  now?: () => number;
}

/**
 * Walkthroughs in report threads: starts them, applies clicks and re-tests atomically in the
 * store, then redraws the one walkthrough message and says what happened in short replies.
 */
export class WalkthroughService {
  private readonly retesting = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly deps: WalkthroughServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  findByParent(channel: string, ts: string): WalkthroughRow | undefined {
    const id = this.deps.store.walkthroughIdByReport(channel, ts);
    return id ? this.get(id) : undefined;
  }

  get(id: string): WalkthroughRow | undefined {
    return this.deps.store.getWalkthrough<Walkthrough, ReportSnapshot>(id);
  }

  /** Posts the walkthrough in the report's thread; undefined when the run has no access problem. */
  async start(
    run: CheckRun,
    report: { channel: string; ts: string; userId: string; parent?: 'report' | 'alert' },
    messenger: Messenger,
  ): Promise<Walkthrough | undefined> {
    const { problems, targets } = problemsOf(run);
    if (problems.length === 0) return undefined;
    const walkthrough = startWalkthrough({
      id: newWalkthroughId(),
      problems,
      targets,
      context: connectionContext(run),
      by: report.userId,
      at: this.now(),
    });
    await this.persist(
      walkthrough,
      report,
      { run, userId: report.userId, parent: report.parent ?? 'report' },
      messenger,
    );
    return walkthrough;
  }

  /** A walkthrough for a token pasted in Slack: rotate it; the re-test insists on a new one. */
  async startForLeak(
    leak: { connection: string; fingerprint: string; tokenHash: string },
    where: { channel: string; ts: string; userId: string },
    messenger: Messenger,
  ): Promise<Walkthrough> {
    const problem = diagnosis('token_leaked');
    const walkthrough = {
      ...startWalkthrough({
        id: newWalkthroughId(),
        problems: [leakProblem(leak.fingerprint)],
        targets: [],
        context: { tokenFingerprint: leak.fingerprint },
        by: where.userId,
        at: this.now(),
      }),
      leakedTokenHash: leak.tokenHash,
    };
    const run: CheckRun = {
      connection: leak.connection,
      fingerprint: leak.fingerprint,
      token: { diagnosis: problem },
      resources: [],
      startedAt: this.now(),
      durationMs: 0,
    };
    await this.persist(
      walkthrough,
      where,
      { run, userId: where.userId, parent: 'alert' },
      messenger,
    );
    return walkthrough;
  }

  /** Posts the walkthrough in the thread, then stores it with the message's ts. */
  private async persist(
    walkthrough: Walkthrough,
    where: { channel: string; ts: string },
    report: ReportSnapshot,
    messenger: Messenger,
  ): Promise<void> {
    const messageTs = await messenger.post(where.channel, this.render(walkthrough), where.ts);
    this.deps.store.createWalkthrough<Walkthrough, ReportSnapshot>({
      id: walkthrough.id,
      channelId: where.channel,
      reportTs: where.ts,
      messageTs,
      status: walkthrough.status,
      state: walkthrough,
      report,
    });
  }

  render(walkthrough: Walkthrough): Message {
    return {
      text: walkthroughText(walkthrough),
      blocks: buildWalkthroughBlocks(walkthrough, this.now()),
    };
  }

  /** Applies one event atomically; `actionKey` makes a re-delivered click a no-op. */
  private apply(
    id: string,
    event: WalkthroughEvent,
    actionKey?: string,
  ): ClickOutcome & { row?: WalkthroughRow } {
    const result = this.deps.store.updateWalkthrough<Walkthrough, Transition>(
      id,
      (state) => applyEvent(state, event),
      actionKey,
      this.now(),
    );
    if (!result) return { kind: 'missing' };
    if (result.duplicate) return { kind: 'duplicate' };
    if (!result.changed) {
      return { kind: 'refused', message: result.refusal ?? 'Nothing to change.' };
    }
    return { kind: 'changed', walkthrough: result.walkthrough, row: this.get(id) };
  }

  private async redraw(row: WalkthroughRow | undefined, messenger: Messenger): Promise<void> {
    if (!row?.messageTs) return;
    await messenger.update(row.channelId, row.messageTs, this.render(row.state));
  }

  async step(
    id: string,
    type: 'done' | 'skip',
    step: StepId,
    by: string,
    actionKey: string,
    messenger: Messenger,
  ): Promise<ClickOutcome> {
    const outcome = this.apply(id, { type, step, by, at: this.now() }, actionKey);
    if (outcome.kind === 'changed') await this.redraw(outcome.row, messenger);
    return outcome;
  }

  async escalate(
    id: string,
    by: string,
    actionKey: string,
    messenger: Messenger,
  ): Promise<ClickOutcome> {
    const outcome = this.apply(id, { type: 'escalate', by, at: this.now() }, actionKey);
    if (outcome.kind !== 'changed' || !outcome.row) return outcome;
    const row = outcome.row;
    const checked = ['token', ...row.report.run.resources.map((resource) => resource.input)];
    await messenger.post(
      row.channelId,
      {
        text: 'Escalation summary for Notion support',
        blocks: buildEscalationBlocks(row.state, by, checked),
      },
      row.reportTs,
    );
    await this.redraw(row, messenger);
    return outcome;
  }

  /** A new token was saved for the walkthrough's connection: tick the step, then re-test. */
  async tokenUpdated(
    id: string,
    by: string,
    context: StepContext,
    messenger: Messenger,
  ): Promise<void> {
    const outcome = this.apply(id, { type: 'token_updated', by, at: this.now(), context });
    if (outcome.kind === 'changed') await this.redraw(outcome.row, messenger);
    await this.retest(id, by, undefined, messenger);
  }

  /**
   * Re-runs exactly the checks that failed. Passing resolves the walkthrough and redraws the
   * parent report; a different access problem moves the walkthrough to its steps; a Notion
   * outage changes nothing (it proves neither way).
   */
  async retest(
    id: string,
    by: string,
    actionKey: string | undefined,
    messenger: Messenger,
  ): Promise<ClickOutcome> {
    const row = this.get(id);
    if (!row) return { kind: 'missing' };
    if (row.state.status === 'resolved') {
      return { kind: 'refused', message: 'This walkthrough is already resolved.' };
    }
    if (this.retesting.has(id)) {
      return { kind: 'refused', message: 'A test is already running for this walkthrough.' };
    }
    if (actionKey && !this.deps.store.markActionProcessed(actionKey, this.now())) {
      return { kind: 'duplicate' };
    }
    this.retesting.add(id);
    try {
      const run = await this.deps.checks.run({
        connection: row.report.run.connection,
        targets: row.state.targets,
        channelId: row.channelId,
        userId: by,
      });
      const transient = [run.token, ...run.resources].find(
        (item) => item.diagnosis.category === 'transient',
      );
      const { problems, targets } = problemsOf(run);
      const leaked = row.state.leakedTokenHash;
      if (leaked && this.deps.connections.currentTokenHash(row.report.run.connection) === leaked) {
        // The token works, but it is the one that was posted: not fixed until it is replaced.
        problems.unshift(leakProblem(run.fingerprint));
      }
      if (transient && problems.length === 0) {
        await messenger.post(
          row.channelId,
          text(
            `:warning: Test by <@${by}> could not reach a verdict: ${transient.diagnosis.title}. Nothing changed; press *Test connection* again in a minute.`,
          ),
          row.reportTs,
        );
        return { kind: 'refused', message: transient.diagnosis.title };
      }
      const outcome = this.apply(id, {
        type: 'retest',
        by,
        at: this.now(),
        problems,
        targets,
        context: connectionContext(run),
      });
      if (outcome.kind !== 'changed' || !outcome.row) return outcome;
      await this.announceRetest(outcome.row, run, by, messenger);
      return outcome;
    } finally {
      this.retesting.delete(id);
    }
  }

  private async announceRetest(
    row: WalkthroughRow,
    latest: CheckRun,
    by: string,
    messenger: Messenger,
  ): Promise<void> {
    const walkthrough = row.state;
    if (walkthrough.status === 'resolved') {
      const took = formatDuration((walkthrough.resolvedAt ?? this.now()) - walkthrough.startedAt);
      const note = `:white_check_mark: Resolved by <@${by}> in ${took} — Notion answers again for every check that failed.`;
      await messenger.post(row.channelId, text(note), row.reportTs);
      await this.redraw(row, messenger);
      // An alert turns green by itself at the monitor's next check; a report is redrawn now.
      if (row.report.parent === 'alert') return;
      const run = mergeRetest(row.report.run, latest);
      await messenger.update(row.channelId, row.reportTs, {
        text: `${reportText(run)} — resolved`,
        blocks: buildReportBlocks(run, { userId: row.report.userId, resolvedNote: note }),
      });
      return;
    }
    const current = walkthrough.problems[0];
    await this.redraw(row, messenger);
    await messenger.post(
      row.channelId,
      text(
        `:x: Test by <@${by}>: still failing — ${current?.title ?? 'access problem'}${current?.affected.length ? ` (${current.affected.join(', ')})` : ''}. The checklist now shows its steps.`,
      ),
      row.reportTs,
    );
  }
}
