import {
  type Alert,
  afterRecovery,
  groupLosses,
  type NewAlert,
  openAlert,
  openAlertChore,
  tokenLossAlerts,
} from '../domain/alert';
import type { CheckRun } from '../domain/check';
import { newId } from '../domain/ids';
import {
  type ConnectionHealth,
  nextReachability,
  nextWatchStatus,
  outcomeOf,
  type ReachabilityDecision,
  type Watch,
} from '../domain/watch';
import type { CheckService } from '../services/checks';
import type { Notifier } from '../services/ports';
import type { Store } from '../store/store';

export interface SweepDeps {
  store: Store;
  checks: CheckService;
  notifier: Notifier;
  alertChannel?: string;
  now?: () => number;
}

/**
 * One sweep of one connection: check the token and every watch, move each through the
 * domain's state machine, then open, resolve, post and remind alerts. Decisions come from
 * domain/watch.ts and domain/alert.ts; this class only does the I/O.
 */
export class Sweep {
  private readonly now: () => number;

  constructor(private readonly deps: SweepDeps) {
    this.now = deps.now ?? Date.now;
  }

  async run(connection: string): Promise<void> {
    const { store } = this.deps;
    const watches = store.watches.forConnection(connection);
    if (watches.length === 0) return;
    const run = await this.deps.checks.run({
      connection,
      targets: watches.map((watch) => watch.resourceId),
      priority: 'background',
    });
    const now = this.now();
    const health: ConnectionHealth = store.health.get(connection) ?? {
      connection,
      status: { state: 'ok', since: now },
      reachability: { noticePosted: false },
    };

    const reachable = run.token.diagnosis.category !== 'transient';
    const reach = nextReachability(health.reachability, reachable, now);
    const token = nextWatchStatus(health.status, outcomeOf(run.token.diagnosis, now));
    store.health.save({ connection, status: token.status, reachability: reach.reachability }, now);

    if (reach.decision !== 'none') {
      const since = health.reachability.unreachableSince ?? now;
      await this.noticeReachability(connection, watches, reach.decision, since);
    }
    if (token.decision === 'alert') {
      const facts = { connection, fingerprint: run.fingerprint };
      for (const alert of tokenLossAlerts(watches, token.status, facts)) await this.open(alert);
    }
    if (token.decision === 'recovered') await this.resolveAll(connection, 'connection', now);

    // With a bad token every resource "fails" the same way: their states wait for the token.
    if (run.token.diagnosis.kind === 'ok') await this.applyResults(connection, watches, run, now);
    await this.openAlertChores(connection, now);
  }

  private members(alert: Alert): Watch[] {
    const ids = alert.details.watches.map((watch) => watch.id);
    return this.deps.store.watches.byIds(alert.connection, ids);
  }

  private async applyResults(
    connection: string,
    watches: Watch[],
    run: CheckRun,
    now: number,
  ): Promise<void> {
    const results = new Map(run.resources.map((resource) => [resource.input, resource]));
    const losses: { watch: Watch; status: Watch['status'] }[] = [];
    const recovered = new Set<number>();
    const updates = watches.flatMap((watch) => {
      const result = results.get(watch.resourceId);
      if (!result) return [];
      const next = nextWatchStatus(watch.status, outcomeOf(result.diagnosis, now));
      if (next.decision === 'alert') losses.push({ watch, status: next.status });
      if (next.decision === 'recovered') recovered.add(watch.id);
      return [
        { id: watch.id, status: next.status, checkedAt: now, lastKind: result.diagnosis.kind },
      ];
    });
    this.deps.store.watches.saveStatuses(updates);

    const facts = {
      connection,
      integrationName: run.integration?.name,
      fingerprint: run.fingerprint,
    };
    for (const alert of groupLosses(losses, facts)) await this.open(alert);

    for (const alert of this.deps.store.alerts.open(connection)) {
      if (alert.scope !== 'resources') continue;
      if (!alert.details.watches.some((watch) => recovered.has(watch.id))) continue;
      const members = this.members(alert);
      if (afterRecovery(members) === 'resolve') await this.resolve(alert, now);
      else await this.deps.notifier.updateAlert(alert, members);
    }
  }

  /** Stored before posting: if Slack is down, the next sweep posts it. Never lost silently. */
  private async open(input: NewAlert): Promise<void> {
    const alert = openAlert(input, newId('alert'), this.now());
    this.deps.store.alerts.create(alert);
    await this.post(alert);
  }

  private async post(alert: Alert): Promise<void> {
    const posted = await this.deps.notifier.postAlert(alert, this.members(alert));
    if (posted) {
      this.deps.store.alerts.update(alert.id, { postedChannel: posted.channel, ts: posted.ts });
    }
  }

  private async resolveAll(connection: string, scope: Alert['scope'], now: number) {
    for (const alert of this.deps.store.alerts.open(connection)) {
      if (alert.scope === scope) await this.resolve(alert, now);
    }
  }

  private async resolve(alert: Alert, now: number): Promise<void> {
    const resolved = this.deps.store.alerts.update(alert.id, {
      status: 'resolved',
      resolvedAt: now,
    });
    if (!resolved?.ts) return;
    const watches = this.members(alert);
    await this.deps.notifier.replyToAlert(resolved, {
      type: 'alert_recovered',
      afterMs: now - alert.failingSince,
    });
    await this.deps.notifier.updateAlert(resolved, watches);
  }

  private async openAlertChores(connection: string, now: number): Promise<void> {
    const { store, notifier } = this.deps;
    for (const alert of store.alerts.open(connection)) {
      switch (openAlertChore(alert, this.members(alert), now)) {
        case 'close_unwatched': {
          // Every page of this alert was unwatched: close it, without claiming access is back.
          const details = { ...alert.details, closedBecause: 'unwatched' as const };
          const closed = store.alerts.update(alert.id, {
            status: 'resolved',
            resolvedAt: now,
            details,
          });
          if (closed) await notifier.updateAlert(closed, []);
          break;
        }
        case 'post':
          await this.post(alert);
          break;
        case 'remind':
          store.alerts.update(alert.id, { lastReminderAt: now });
          await notifier.replyToAlert(alert, {
            type: 'alert_reminder',
            failingForMs: now - alert.failingSince,
          });
          break;
        case 'none':
          break;
      }
    }
  }

  private async noticeReachability(
    connection: string,
    watches: Watch[],
    decision: Exclude<ReachabilityDecision, 'none'>,
    since: number,
  ): Promise<void> {
    const channels = this.deps.alertChannel
      ? [this.deps.alertChannel]
      : [...new Set(watches.map((watch) => watch.channelId))];
    await this.deps.notifier.postNotice(
      channels,
      decision === 'post_unreachable'
        ? { type: 'notion_unreachable', connection, forMs: this.now() - since }
        : { type: 'notion_back', connection },
    );
  }
}
