import {
  type Alert,
  afterRecovery,
  groupLosses,
  openAlertChore,
  tokenLossAlerts,
} from '../domain/alert';
import type { CheckRun } from '../domain/check';
import { idKey, subtreeOf } from '../domain/inventory';
import {
  type ConnectionHealth,
  confirmedByEvent,
  nextReachability,
  nextWatchStatus,
  outcomeOf,
  type ReachabilityDecision,
  type Watch,
  type WatchTransition,
} from '../domain/watch';
import type { CheckService } from '../services/checks';
import type { Notifier } from '../services/ports';
import type { Repos } from '../store/store';
import { AlertDesk } from './alertDesk';
import { InventoryMonitor } from './inventory';

export interface SweepDeps {
  store: Repos;
  checks: CheckService;
  notifier: Notifier;
  alertChannel?: string;
  now?: () => number;
}

/**
 * One sweep of one connection: check the token and every watch, and (when a channel watches
 * all of it) list the inventory and confirm what went missing; move each through the domain's
 * state machine, then open, resolve, post and remind alerts. Decisions come from
 * domain/watch.ts, domain/alert.ts, domain/inventory.ts and domain/inventoryAlerts.ts; this
 * class and monitor/inventory.ts only do the I/O.
 */
export class Sweep {
  private readonly now: () => number;
  private readonly desk: AlertDesk;
  private readonly inventory: InventoryMonitor;

  constructor(private readonly deps: SweepDeps) {
    this.now = deps.now ?? Date.now;
    this.desk = new AlertDesk({ store: deps.store, notifier: deps.notifier, now: this.now });
    this.inventory = new InventoryMonitor({
      store: deps.store,
      checks: deps.checks,
      desk: this.desk,
      now: this.now,
    });
  }

  async run(connection: string): Promise<void> {
    const { store } = this.deps;
    const watches = await store.watches.forConnection(connection);
    const watchingAll = (await store.channels.watchingAll(connection)).map(
      (each) => each.channelId,
    );
    if (watches.length === 0 && watchingAll.length === 0) return;
    const { run, inventory } =
      watchingAll.length === 0
        ? {
            run: await this.deps.checks.run({
              connection,
              targets: watches.map((watch) => watch.resourceId),
              priority: 'background',
            }),
            inventory: undefined,
          }
        : await this.inventory.observe(connection, watches);
    const now = this.now();
    const health: ConnectionHealth = (await store.health.get(connection)) ?? {
      connection,
      status: { state: 'ok', since: now },
      reachability: { noticePosted: false },
    };

    const reachable = run.token.diagnosis.category !== 'transient';
    const reach = nextReachability(health.reachability, reachable, now);
    const token = nextWatchStatus(health.status, outcomeOf(run.token.diagnosis, now));
    await store.health.save(
      { connection, status: token.status, reachability: reach.reachability },
      now,
    );

    if (reach.decision !== 'none') {
      const since = health.reachability.unreachableSince ?? now;
      await this.noticeReachability(connection, watches, watchingAll, reach.decision, since);
    }
    if (token.decision === 'alert') {
      const facts = await this.facts(run);
      for (const alert of tokenLossAlerts(watches, token.status, facts, watchingAll)) {
        await this.desk.open(alert);
      }
    }
    if (token.decision === 'recovered') await this.resolveAll(connection, 'connection', now);

    // With a bad token every resource "fails" the same way: their states wait for the token.
    if (run.token.diagnosis.kind === 'ok') {
      await this.applyResults(connection, watches, run, now, nextWatchStatus);
      if (inventory) await this.inventory.apply(connection, inventory, await this.facts(run));
    }
    await this.openAlertChores(connection, now);
  }

  /**
   * A Notion webhook said something happened to these objects: check each directly, with what
   * is inventoried inside it, now. The event and the check are two signals, so a loss it finds
   * alerts at once; an object back posts the recovery. Ids neither watched nor inventoried are
   * ignored, unless a channel watches all and the check finds them shared (a new share: kept
   * silently).
   */
  async recheck(connection: string, ids: string[]): Promise<void> {
    const { store } = this.deps;
    const keys = new Set(ids.map(idKey));
    const watches = (await store.watches.forConnection(connection)).filter((watch) =>
      keys.has(idKey(watch.resourceId)),
    );
    const subscribed = (await store.channels.watchingAll(connection)).length > 0;
    const known = await store.inventory.all(connection);
    const items = subtreeOf(known, ids);
    const covered = new Set([
      ...watches.map((watch) => idKey(watch.resourceId)),
      ...items.map((item) => idKey(item.id)),
    ]);
    const unknown = subscribed ? [...new Set(ids)].filter((id) => !covered.has(idKey(id))) : [];
    if (watches.length === 0 && items.length === 0 && unknown.length === 0) return;

    const targets = [...new Set([...watches.map((watch) => watch.resourceId), ...unknown])];
    const seen = await this.inventory.recheck(connection, items, targets);
    if (!seen.run) return; // a bad token: the next sweep tells
    const now = this.now();
    await this.applyResults(connection, watches, seen.run, now, confirmedByEvent);
    if (seen.inventory) {
      await this.inventory.apply(connection, seen.inventory, await this.facts(seen.run), {
        confirmed: true,
      });
    }
    if (seen.shared.length > 0) await store.inventory.upsertListed(connection, seen.shared, now);
  }

  private async facts(run: CheckRun) {
    return {
      connection: run.connection,
      // A refused token gets no users.me answer: the name it gave at its last good check.
      integrationName: run.integration?.name ?? (await this.knownIntegration(run.connection)),
      fingerprint: run.fingerprint,
    };
  }

  private async knownIntegration(connection: string): Promise<string | undefined> {
    try {
      return (await this.deps.store.connections.get(connection))?.integrationName;
    } catch {
      return undefined; // the database failure is logged where it matters
    }
  }

  private async applyResults(
    connection: string,
    watches: Watch[],
    run: CheckRun,
    now: number,
    transition: (status: Watch['status'], outcome: ReturnType<typeof outcomeOf>) => WatchTransition,
  ): Promise<void> {
    const results = new Map(run.resources.map((resource) => [resource.input, resource]));
    const losses: { watch: Watch; status: Watch['status'] }[] = [];
    const recovered = new Set<number>();
    const updates = watches.flatMap((watch) => {
      const result = results.get(watch.resourceId);
      if (!result) return [];
      const next = transition(watch.status, outcomeOf(result.diagnosis, now));
      if (next.decision === 'alert') losses.push({ watch, status: next.status });
      if (next.decision === 'recovered') recovered.add(watch.id);
      return [
        { id: watch.id, status: next.status, checkedAt: now, lastKind: result.diagnosis.kind },
      ];
    });
    await this.deps.store.watches.saveStatuses(updates);

    for (const alert of groupLosses(losses, await this.facts(run))) await this.desk.open(alert);

    for (const alert of await this.deps.store.alerts.open(connection)) {
      if (alert.scope !== 'resources') continue;
      if (!alert.details.watches.some((watch) => recovered.has(watch.id))) continue;
      const members = await this.desk.members(alert);
      if (afterRecovery(members) === 'resolve') await this.desk.resolve(alert, now);
      else await this.deps.notifier.updateAlert(alert, members);
    }
  }

  private async resolveAll(connection: string, scope: Alert['scope'], now: number) {
    for (const alert of await this.deps.store.alerts.open(connection)) {
      if (alert.scope === scope) await this.desk.resolve(alert, now);
    }
  }

  private async openAlertChores(connection: string, now: number): Promise<void> {
    const { store, notifier } = this.deps;
    const subscribed = new Set(
      (await store.channels.watchingAll(connection)).map((each) => each.channelId),
    );
    for (const alert of await store.alerts.open(connection)) {
      const members = await this.desk.members(alert);
      switch (openAlertChore(alert, members, now, subscribed.has(alert.channelId))) {
        case 'close_unwatched':
          // Nobody watches what it is about any more: closed, without claiming access is back.
          await this.desk.close(alert, now, 'unwatched');
          break;
        case 'post':
          await this.desk.post(alert);
          break;
        case 'remind':
          await store.alerts.update(alert.id, { lastReminderAt: now });
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
    watchingAll: string[],
    decision: Exclude<ReachabilityDecision, 'none'>,
    since: number,
  ): Promise<void> {
    const channels = this.deps.alertChannel
      ? [this.deps.alertChannel]
      : [...new Set([...watches.map((watch) => watch.channelId), ...watchingAll])];
    await this.deps.notifier.postNotice(
      channels,
      decision === 'post_unreachable'
        ? { type: 'notion_unreachable', connection, forMs: this.now() - since }
        : { type: 'notion_back', connection },
    );
  }
}
