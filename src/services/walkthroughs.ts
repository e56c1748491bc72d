import { type CheckRun, firstTransient, mergeRetest } from '../domain/check';
import { diagnosisOf } from '../domain/diagnosis';
import { newId } from '../domain/ids';
import { type Outcome, refuse } from '../domain/outcome';
import { isOnMessage, type Place } from '../domain/place';
import type { StepContext, StepId } from '../domain/playbook';
import { connectionContext, leakProblem, problemsOf } from '../domain/problems';
import {
  applyEvent,
  startWalkthrough,
  type ThreadParent,
  type Walkthrough,
  type WalkthroughEvent,
  type WalkthroughRecord,
} from '../domain/walkthrough';
import type { Repos } from '../store/store';
import type { CheckService } from './checks';
import type { Connections } from './connections';
import type { Messenger } from './ports';

export type WalkthroughOutcome = Outcome<{ walkthrough: Walkthrough }>;

/** Where a walkthrough is started: the thread of this message. */
export interface ThreadAnchor {
  channel: string;
  ts: string;
  userId: string;
}

export interface WalkthroughServiceDeps {
  store: Repos;
  connections: Connections;
  checks: CheckService;
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

  get(id: string): Promise<WalkthroughRecord | undefined> {
    return this.deps.store.walkthroughs.get(id);
  }

  /**
   * The walkthrough behind a click, only when the click is on its own message (its channel and
   * its message ts): a button value carried anywhere else is `wrong_place` and changes nothing.
   */
  async at(id: string, where: Place): Promise<Outcome<{ walkthrough: WalkthroughRecord }>> {
    const walkthrough = await this.get(id);
    if (!walkthrough) return refuse({ reason: 'not_found', what: 'walkthrough' });
    const message = { channel: walkthrough.channelId, ts: walkthrough.messageTs };
    if (!isOnMessage(where, message)) return refuse({ reason: 'wrong_place', what: 'walkthrough' });
    return { ok: true, walkthrough };
  }

  findByParent(channel: string, ts: string): Promise<WalkthroughRecord | undefined> {
    return this.deps.store.walkthroughs.byParent(channel, ts);
  }

  /** Posts the walkthrough in the parent's thread; undefined when the run has no access problem. */
  async start(
    run: CheckRun,
    anchor: ThreadAnchor & { parent?: ThreadParent['parent'] },
    messenger: Messenger,
  ): Promise<Walkthrough | undefined> {
    const { problems, targets } = problemsOf(run);
    if (problems.length === 0) return undefined;
    const walkthrough = startWalkthrough({
      id: newId('walkthrough'),
      problems,
      targets,
      context: connectionContext(run),
      by: anchor.userId,
      at: this.now(),
    });
    const parent = { run, userId: anchor.userId, parent: anchor.parent ?? 'report' };
    await this.persist(walkthrough, anchor, parent, messenger);
    return walkthrough;
  }

  /** A walkthrough for a token pasted in Slack: rotate it; the re-test insists on a new one. */
  async startForLeak(
    leak: { connection: string; fingerprint: string; tokenHash: string },
    anchor: ThreadAnchor,
    messenger: Messenger,
  ): Promise<Walkthrough> {
    const walkthrough: Walkthrough = {
      ...startWalkthrough({
        id: newId('walkthrough'),
        problems: [leakProblem(leak.fingerprint)],
        targets: [],
        context: { tokenFingerprint: leak.fingerprint },
        by: anchor.userId,
        at: this.now(),
      }),
      leakedTokenHash: leak.tokenHash,
    };
    const run: CheckRun = {
      connection: leak.connection,
      fingerprint: leak.fingerprint,
      token: { diagnosis: diagnosisOf('token_leaked') },
      resources: [],
      startedAt: this.now(),
      durationMs: 0,
    };
    await this.persist(
      walkthrough,
      anchor,
      { run, userId: anchor.userId, parent: 'alert' },
      messenger,
    );
    return walkthrough;
  }

  /** Posts the walkthrough in the thread, then stores it with the message's ts. */
  private async persist(
    walkthrough: Walkthrough,
    anchor: ThreadAnchor,
    report: ThreadParent,
    messenger: Messenger,
  ): Promise<void> {
    const messageTs = await messenger.post(
      anchor.channel,
      { type: 'walkthrough', walkthrough },
      anchor.ts,
    );
    await this.deps.store.walkthroughs.create(
      {
        id: walkthrough.id,
        channelId: anchor.channel,
        reportTs: anchor.ts,
        messageTs,
        state: walkthrough,
        report,
      },
      this.now(),
    );
  }

  /**
   * Applies one event atomically: the click's key is claimed and the state changed in one
   * write transaction, so a re-delivered click, a double click or two people at once change
   * it exactly once.
   */
  private apply(
    id: string,
    event: WalkthroughEvent,
    actionKey?: string,
  ): Promise<WalkthroughOutcome> {
    const now = this.now();
    return this.deps.store.transaction(async (tx): Promise<WalkthroughOutcome> => {
      if (actionKey && !(await tx.dedupe.claim(actionKey, now))) {
        return refuse({ reason: 'duplicate' });
      }
      const state = await tx.walkthroughs.state(id);
      if (!state) return refuse({ reason: 'not_found', what: 'walkthrough' });
      const transition = applyEvent(state, event);
      if (!transition.changed)
        return { ok: false, ...(transition.refusal ?? { reason: 'duplicate' }) };
      await tx.walkthroughs.saveState(transition.walkthrough, now);
      return { ok: true, walkthrough: transition.walkthrough };
    });
  }

  private async redraw(id: string, messenger: Messenger): Promise<WalkthroughRecord | undefined> {
    const row = await this.get(id);
    if (row?.messageTs) {
      const notice = { type: 'walkthrough', walkthrough: row.state } as const;
      const ts = await messenger.update(row.channelId, row.messageTs, notice, row.reportTs);
      if (ts !== row.messageTs) {
        await this.deps.store.walkthroughs.moved(id, { messageTs: ts });
        return { ...row, messageTs: ts };
      }
    }
    return row;
  }

  async step(
    id: string,
    type: 'done' | 'skip',
    step: StepId,
    by: string,
    actionKey: string,
    messenger: Messenger,
    where: Place,
  ): Promise<WalkthroughOutcome> {
    const found = await this.at(id, where);
    if (!found.ok) return found;
    const outcome = await this.apply(id, { type, step, by, at: this.now() }, actionKey);
    if (outcome.ok) await this.redraw(id, messenger);
    return outcome;
  }

  async escalate(
    id: string,
    by: string,
    actionKey: string,
    messenger: Messenger,
    where: Place,
  ): Promise<WalkthroughOutcome> {
    const found = await this.at(id, where);
    if (!found.ok) return found;
    const outcome = await this.apply(id, { type: 'escalate', by, at: this.now() }, actionKey);
    const row = outcome.ok ? await this.get(id) : undefined;
    if (!row) return outcome;
    const checked = ['token', ...row.report.run.resources.map((resource) => resource.input)];
    await messenger.post(
      row.channelId,
      { type: 'escalation', walkthrough: row.state, by, checked },
      row.reportTs,
    );
    await this.redraw(id, messenger);
    return outcome;
  }

  /** A new token was saved for the walkthrough's connection: tick the step, then re-test. */
  async tokenUpdated(
    id: string,
    by: string,
    context: StepContext,
    messenger: Messenger,
  ): Promise<void> {
    const outcome = await this.apply(id, { type: 'token_updated', by, at: this.now(), context });
    if (outcome.ok) await this.redraw(id, messenger);
    const row = await this.get(id);
    if (row) await this.retestRow(row, by, undefined, messenger);
  }

  /**
   * Re-runs exactly the checks that failed. Passing resolves the walkthrough and redraws the
   * parent report; a different access problem moves the walkthrough to its steps; a Notion
   * outage changes nothing (it proves neither way).
   */
  async retest(
    id: string,
    by: string,
    actionKey: string,
    messenger: Messenger,
    where: Place,
  ): Promise<WalkthroughOutcome> {
    const found = await this.at(id, where);
    return found.ok ? this.retestRow(found.walkthrough, by, actionKey, messenger) : found;
  }

  private async retestRow(
    row: WalkthroughRecord,
    by: string,
    actionKey: string | undefined,
    messenger: Messenger,
  ): Promise<WalkthroughOutcome> {
    const { id } = row;
    if (row.state.status === 'resolved')
      return refuse({ reason: 'already_resolved', what: 'walkthrough' });
    if (this.retesting.has(id)) return refuse({ reason: 'busy', what: 'test' });
    // Marked before the claim is awaited: a second click meanwhile is told "busy".
    this.retesting.add(id);
    try {
      if (actionKey && !(await this.deps.store.dedupe.claim(actionKey, this.now()))) {
        return refuse({ reason: 'duplicate' });
      }
      const connection = row.report.run.connection;
      const checked = await this.deps.checks.check({
        connection,
        targets: row.state.targets,
        channelId: row.channelId,
        userId: by,
      });
      if (!checked.ok) return checked;
      const { run } = checked;
      const { problems, targets } = problemsOf(run);
      const leaked = row.state.leakedTokenHash;
      if (leaked && (await this.deps.connections.currentTokenHash(connection)) === leaked) {
        // The token works, but it is the one that was posted: not fixed until it is replaced.
        problems.unshift(leakProblem(run.fingerprint));
      }
      const transient = firstTransient(run);
      if (transient && problems.length === 0) {
        await messenger.post(
          row.channelId,
          { type: 'retest_inconclusive', by, diagnosis: transient },
          row.reportTs,
        );
        return refuse({ reason: 'inconclusive', diagnosis: transient, during: 'test' });
      }
      const event = {
        type: 'retest' as const,
        by,
        at: this.now(),
        problems,
        targets,
        context: connectionContext(run),
      };
      const outcome = await this.apply(id, event);
      if (outcome.ok) await this.announceRetest(row, outcome.walkthrough, run, by, messenger);
      return outcome;
    } finally {
      this.retesting.delete(id);
    }
  }

  private async announceRetest(
    row: WalkthroughRecord,
    walkthrough: Walkthrough,
    latest: CheckRun,
    by: string,
    messenger: Messenger,
  ): Promise<void> {
    if (walkthrough.status === 'resolved') {
      const tookMs = (walkthrough.resolvedAt ?? this.now()) - walkthrough.startedAt;
      await messenger.post(row.channelId, { type: 'retest_resolved', by, tookMs }, row.reportTs);
      await this.redraw(row.id, messenger);
      // An alert turns green by itself at the monitor's next check; a report is redrawn now.
      if (row.report.parent === 'alert') return;
      const ts = await messenger.update(row.channelId, row.reportTs, {
        type: 'report',
        run: mergeRetest(row.report.run, latest),
        userId: row.report.userId,
        resolution: { by, tookMs },
      });
      if (ts !== row.reportTs) await this.deps.store.walkthroughs.moved(row.id, { reportTs: ts });
      return;
    }
    await this.redraw(row.id, messenger);
    await messenger.post(
      row.channelId,
      { type: 'retest_still_failing', by, problem: walkthrough.problems[0] },
      row.reportTs,
    );
  }
}
