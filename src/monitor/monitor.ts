import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from '../logger';
import type { DiagnosisKind } from '../notion/diagnose';
import type { CheckRun, CheckService } from '../services/checks';
import type { Alert, AlertDetails, Watch } from '../store/monitorRepo';
import type { Store } from '../store/store';
import { formatDuration } from '../time';
import {
  type CheckOutcome,
  nextReachability,
  nextWatchStatus,
  reminderDue,
  type WatchStatus,
} from './state';

/** What the monitor asks of Slack; slack/notify.ts implements it, tests may fake it. */
export interface Notifier {
  /** Posts the alert (falling back to ALERT_CHANNEL); undefined when it could not be posted. */
  postAlert(alert: Alert, watches: Watch[]): Promise<{ channel: string; ts: string } | undefined>;
  updateAlert(alert: Alert, watches: Watch[]): Promise<void>;
  /** A reply in the alert's thread (recovery, reminder). */
  replyToAlert(alert: Alert, text: string): Promise<void>;
  /** A notice that concerns a connection, not one alert (Notion unreachable / back). */
  postNotice(channels: string[], text: string): Promise<void>;
}

export interface MonitorDeps {
  store: Store;
  checks: CheckService;
  notifier: Notifier;
  logger: Logger;
  intervalMs: number;
  alertChannel?: string;
  now?: () => number;
}

export function newAlertId(): string {
  return `a${randomBytes(8).toString('hex')}`;
}

/** Spreads connections over the interval (up to 10 %) so their sweeps don't start together. */
function jitterMs(connection: string, intervalMs: number): number {
  const hash = createHash('sha256').update(connection).digest().readUInt32BE(0);
  return hash % Math.max(1, Math.floor(intervalMs * 0.1));
}

function outcomeOf(result: CheckRun['token'], at: number): CheckOutcome {
  return {
    category: result.diagnosis.category,
    kind: result.diagnosis.kind,
    requestId: result.diagnosis.detail.requestId,
    at,
  };
}

/** How an alert lists a watch (kept with the alert, so it can be redrawn after a restart). */
function listed(watch: Watch): AlertDetails['watches'][number] {
  return {
    id: watch.id,
    title: watch.title ?? watch.resourceId,
    url: watch.url,
    resourceId: watch.resourceId,
  };
}

/**
 * The scheduler and the tick loop. Each connection (token) is swept every CHECK_INTERVAL,
 * never twice at once; pacing per token comes from the shared RateLimiter in the Notion
 * client. Decisions come from the pure functions of state.ts; this class only does the I/O.
 */
export class Monitor {
  private timer: NodeJS.Timeout | undefined;
  private readonly running = new Map<string, Promise<void>>();
  private readonly now: () => number;
  private stopped = false;

  constructor(private readonly deps: MonitorDeps) {
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    this.stopped = false;
    const tickMs = Math.min(this.deps.intervalMs, 5_000);
    const loop = () => {
      try {
        this.tick();
      } catch (error) {
        // e.g. the database is unavailable: say so, and try again at the next tick.
        this.deps.logger.error({ err: error }, 'monitor tick failed; retrying at the next tick');
      }
      if (!this.stopped) this.timer = setTimeout(loop, tickMs);
    };
    this.timer = setTimeout(loop, Math.min(tickMs, 1_000));
  }

  /**
   * Stops scheduling; waits up to `graceMs` for sweeps in flight. A sweep cut off saves
   * nothing, so the next start finds it due and sweeps again: nothing is half-applied.
   */
  async stop(graceMs = 20_000): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.running.values()]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Starts a sweep for every watched connection that is due and not already being swept. */
  tick(): void {
    const now = this.now();
    for (const connection of this.deps.store.monitor.watchedConnections()) {
      if (this.running.has(connection)) continue;
      const last = this.deps.store.monitor.getHealth(connection)?.lastSweepAt;
      const due =
        last === undefined ||
        now - last >= this.deps.intervalMs - jitterMs(connection, this.deps.intervalMs);
      if (!due) continue;
      this.sweep(connection).catch((error) =>
        this.deps.logger.error({ err: error, connection }, 'monitor sweep failed'),
      );
    }
  }

  /** One sweep of one connection. Public so `npm run bench` and tests can time it. */
  sweep(connection: string): Promise<void> {
    const existing = this.running.get(connection);
    if (existing) return existing;
    const work = this.runSweep(connection).finally(() => this.running.delete(connection));
    this.running.set(connection, work);
    return work;
  }

  private async runSweep(connection: string): Promise<void> {
    const repo = this.deps.store.monitor;
    const watches = repo.watchesForConnection(connection);
    if (watches.length === 0) return;
    const run = await this.deps.checks.run({
      connection,
      targets: watches.map((watch) => watch.resourceId),
      // A sweep takes about a second per three watches at Notion's pace.
      deadlineMs: 25_000 + watches.length * 1_000,
      priority: 'background',
    });
    const now = this.now();
    const health = repo.getHealth(connection) ?? {
      connection,
      status: { state: 'ok' as const, since: now },
      unreachableSince: null,
      noticePosted: false,
    };

    const reachable = run.token.diagnosis.category !== 'transient';
    const reach = nextReachability(
      { unreachableSince: health.unreachableSince ?? undefined, noticePosted: health.noticePosted },
      reachable,
      now,
    );
    const token = nextWatchStatus(health.status, outcomeOf(run.token, now));
    repo.saveHealth(
      {
        connection,
        status: token.status,
        unreachableSince: reach.reachability.unreachableSince ?? null,
        noticePosted: reach.reachability.noticePosted,
      },
      now,
    );

    if (reach.decision !== 'none')
      await this.noticeReachability(
        connection,
        watches,
        reach.decision,
        health.unreachableSince ?? now,
      );
    if (token.decision === 'alert')
      await this.openTokenAlerts(connection, watches, run, token.status);
    if (token.decision === 'recovered') await this.resolveAlerts(connection, 'connection', now);

    // With a bad token every resource "fails" the same way: their states wait for the token.
    if (run.token.diagnosis.kind === 'ok')
      await this.applyResourceResults(connection, watches, run, now);
    await this.remindAndRepost(connection, now);
  }

  private async applyResourceResults(
    connection: string,
    watches: Watch[],
    run: CheckRun,
    now: number,
  ): Promise<void> {
    const repo = this.deps.store.monitor;
    const results = new Map(run.resources.map((resource) => [resource.input, resource]));
    const alerting: { watch: Watch; status: WatchStatus }[] = [];
    const recovered: Watch[] = [];
    const updates = watches.flatMap((watch) => {
      const result = results.get(watch.resourceId);
      if (!result) return [];
      const current: WatchStatus = {
        state: watch.state,
        since: watch.stateSince,
        kind: watch.kind ?? undefined,
        requestId: watch.requestId ?? undefined,
      };
      const next = nextWatchStatus(current, outcomeOf(result, now));
      if (next.decision === 'alert') alerting.push({ watch, status: next.status });
      if (next.decision === 'recovered') recovered.push(watch);
      return [
        { id: watch.id, status: next.status, checkedAt: now, lastKind: result.diagnosis.kind },
      ];
    });
    repo.saveWatchStatuses(updates);

    // Same channel, same cause, same sweep: one alert listing them all.
    const groups = new Map<string, { watch: Watch; status: WatchStatus }[]>();
    for (const item of alerting) {
      const key = `${item.watch.channelId}|${item.status.kind}`;
      groups.set(key, [...(groups.get(key) ?? []), item]);
    }
    for (const group of groups.values()) {
      const first = group[0];
      if (!first) continue;
      const kind = first.status.kind ?? 'not_shared';
      const title = run.resources.find((r) => r.diagnosis.kind === kind)?.diagnosis.title ?? kind;
      await this.openAlert({
        connection,
        channelId: first.watch.channelId,
        scope: 'resources',
        kind,
        failingSince: Math.min(...group.map((item) => item.status.since)),
        details: {
          title,
          watches: group.map(({ watch }) => listed(watch)),
          requestIds: group.flatMap(({ status }) => (status.requestId ? [status.requestId] : [])),
          integrationName: run.integration?.name,
          fingerprint: run.fingerprint,
        },
      });
    }

    const recoveredIds = new Set(recovered.map((watch) => watch.id));
    for (const alert of repo.openAlerts(connection)) {
      if (alert.scope !== 'resources') continue;
      if (!alert.details.watches.some((watch) => recoveredIds.has(watch.id))) continue;
      const members = repo.alertMembers(alert);
      if (members.every((watch) => watch.state === 'ok')) {
        await this.resolve(alert, now);
      } else {
        await this.deps.notifier.updateAlert(alert, members);
      }
    }
  }

  private async openTokenAlerts(
    connection: string,
    watches: Watch[],
    run: CheckRun,
    status: WatchStatus,
  ): Promise<void> {
    const channels = [...new Set(watches.map((watch) => watch.channelId))];
    for (const channelId of channels) {
      const affected = watches.filter((watch) => watch.channelId === channelId);
      await this.openAlert({
        connection,
        channelId,
        scope: 'connection',
        kind: status.kind ?? 'token_invalid',
        failingSince: status.since,
        details: {
          title: run.token.diagnosis.title,
          watches: affected.map(listed),
          requestIds: status.requestId ? [status.requestId] : [],
          fingerprint: run.fingerprint,
        },
      });
    }
  }

  private async openAlert(input: {
    connection: string;
    channelId: string;
    scope: Alert['scope'];
    kind: DiagnosisKind;
    failingSince: number;
    details: AlertDetails;
  }): Promise<void> {
    const repo = this.deps.store.monitor;
    const alert: Alert = {
      ...input,
      id: newAlertId(),
      postedChannel: null,
      ts: null,
      status: 'open',
      openedAt: this.now(),
      acknowledgedBy: null,
      acknowledgedAt: null,
      snoozedBy: null,
      snoozedUntil: null,
      lastReminderAt: null,
      resolvedAt: null,
    };
    // Stored before posting: if Slack is down, the next sweep posts it. Never lost silently.
    repo.createAlert(alert);
    await this.post(alert);
  }

  private async post(alert: Alert): Promise<void> {
    const watches = this.deps.store.monitor.alertMembers(alert);
    const posted = await this.deps.notifier.postAlert(alert, watches);
    if (posted) {
      this.deps.store.monitor.updateAlert(alert.id, {
        postedChannel: posted.channel,
        ts: posted.ts,
      });
    }
  }

  private async resolveAlerts(connection: string, scope: Alert['scope'], now: number) {
    for (const alert of this.deps.store.monitor.openAlerts(connection)) {
      if (alert.scope === scope) await this.resolve(alert, now);
    }
  }

  private async resolve(alert: Alert, now: number): Promise<void> {
    const repo = this.deps.store.monitor;
    repo.updateAlert(alert.id, { status: 'resolved', resolvedAt: now });
    const resolved = { ...alert, status: 'resolved' as const, resolvedAt: now };
    const watches = repo.alertMembers(alert);
    if (!alert.ts) return;
    await this.deps.notifier.replyToAlert(
      resolved,
      `:large_green_circle: Access restored after ${formatDuration(now - alert.failingSince)}.`,
    );
    await this.deps.notifier.updateAlert(resolved, watches);
  }

  private async remindAndRepost(connection: string, now: number): Promise<void> {
    const repo = this.deps.store.monitor;
    for (const alert of repo.openAlerts(connection)) {
      if (repo.alertMembers(alert).length === 0) {
        // Every page of this alert was unwatched: close it, without claiming access is back.
        const details = { ...alert.details, closedBecause: 'unwatched' as const };
        repo.updateAlert(alert.id, { status: 'resolved', resolvedAt: now, details });
        await this.deps.notifier.updateAlert(
          { ...alert, status: 'resolved', resolvedAt: now, details },
          [],
        );
        continue;
      }
      if (!alert.ts) {
        await this.post(alert);
        continue;
      }
      const timing = {
        openedAt: alert.openedAt,
        lastReminderAt: alert.lastReminderAt ?? undefined,
        acknowledgedAt: alert.acknowledgedAt ?? undefined,
        snoozedUntil: alert.snoozedUntil ?? undefined,
      };
      if (!reminderDue(timing, now)) continue;
      repo.updateAlert(alert.id, { lastReminderAt: now });
      await this.deps.notifier.replyToAlert(
        alert,
        `:alarm_clock: Still failing, for ${formatDuration(now - alert.failingSince)} now, and nobody has acknowledged it. Press *Acknowledge* if you are on it, or *Start fix*.`,
      );
    }
  }

  private async noticeReachability(
    connection: string,
    watches: Watch[],
    decision: 'post_unreachable' | 'post_back',
    since: number,
  ): Promise<void> {
    const channels = this.deps.alertChannel
      ? [this.deps.alertChannel]
      : [...new Set(watches.map((watch) => watch.channelId))];
    const text =
      decision === 'post_unreachable'
        ? `:cloud: The Notion API has been unreachable for ${formatDuration(this.now() - since)} (connection \`${connection}\`). This is Notion's side, not lost access: nothing to fix, I keep checking and will say when it is back.`
        : `:sunny: The Notion API answers again (connection \`${connection}\`).`;
    await this.deps.notifier.postNotice(channels, text);
  }
}
