import { randomUUID } from 'node:crypto';
import { type Alert, isSnoozed, SNOOZE_MS, withKnownTitles } from '../domain/alert';
import { firstTransient, MAX_TARGETS } from '../domain/check';
import { type Outcome, refuse } from '../domain/outcome';
import { isOnMessage, type Place } from '../domain/place';
import type { Watch } from '../domain/watch';
import type { Repos } from '../store/store';
import type { CheckService } from './checks';
import type { Messenger, Notifier } from './ports';
import type { WalkthroughService } from './walkthroughs';

/**
 * How long one Start fix may hold its alert (re-checking up to MAX_TARGETS pages at Notion's
 * pace): a process that dies meanwhile frees the alert this late.
 */
const START_FIX_LEASE_MS = 60_000;

/** The alert buttons: Acknowledge, Snooze, Start fix. */
export class AlertService {
  constructor(
    private readonly deps: {
      store: Repos;
      checks: CheckService;
      walkthroughs: WalkthroughService;
      notifier: Notifier;
      now?: () => number;
    },
  ) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** The watches the alert lists, still watched; none for an inventory alert (it lists roots). */
  private async members(alert: Alert): Promise<Watch[]> {
    const ids = alert.details.watches.map((watch) => watch.id);
    if (ids.length === 0) return [];
    return this.deps.store.watches.byIds(alert.connection, ids);
  }

  /**
   * The open alert behind a click, only when the click is on the alert's own message (the
   * channel it was posted in, its ts): a button value carried anywhere else changes nothing.
   * `repos`: the transaction's, when read inside one.
   */
  private async findOpen(
    id: string,
    where: Place,
    repos: Repos = this.deps.store,
  ): Promise<Outcome<{ alert: Alert }>> {
    const alert = await repos.alerts.get(id);
    if (!alert) return refuse({ reason: 'not_found', what: 'alert' });
    if (!alert.ts || !alert.postedChannel) return refuse({ reason: 'not_posted_yet' });
    if (!isOnMessage(where, { channel: alert.postedChannel, ts: alert.ts })) {
      return refuse({ reason: 'wrong_place', what: 'alert' });
    }
    if (alert.status === 'resolved') return refuse({ reason: 'already_resolved', what: 'alert' });
    return { ok: true, alert };
  }

  async acknowledge(id: string, userId: string, where: Place): Promise<Outcome> {
    const found = await this.findOpen(id, where);
    if (!found.ok) return found;
    if (!(await this.deps.store.alerts.acknowledge(id, userId, this.now()))) {
      return refuse({ reason: 'already_acknowledged', by: found.alert.acknowledgedBy });
    }
    const alert = (await this.deps.store.alerts.get(id)) ?? found.alert;
    await this.deps.notifier.updateAlert(alert, await this.members(alert));
    // Read again: the redraw may have re-posted a deleted alert under a new ts.
    const current = (await this.deps.store.alerts.get(id)) ?? alert;
    await this.deps.notifier.replyToAlert(current, { type: 'alert_acknowledged', by: userId });
    return { ok: true };
  }

  async snooze(id: string, userId: string, where: Place): Promise<Outcome> {
    // Read, decided and written in one transaction: two clicks at once snooze it once.
    const snoozed = await this.deps.store.transaction(
      async (tx): Promise<Outcome<{ alert: Alert }>> => {
        const found = await this.findOpen(id, where, tx);
        if (!found.ok) return found;
        const now = this.now();
        if (isSnoozed(found.alert, now)) {
          return refuse({ reason: 'already_snoozed', by: found.alert.snoozedBy });
        }
        const changes = { snoozedBy: userId, snoozedUntil: now + SNOOZE_MS };
        return { ok: true, alert: (await tx.alerts.update(id, changes)) ?? found.alert };
      },
    );
    if (!snoozed.ok) return snoozed;
    const { alert } = snoozed;
    await this.deps.notifier.updateAlert(alert, await this.members(alert));
    return { ok: true };
  }

  /** Checks the alert's pages again and, if access is still lost, walks the fix in its thread. */
  async startFix(id: string, userId: string, messenger: Messenger, where: Place): Promise<Outcome> {
    const found = await this.findOpen(id, where);
    if (!found.ok) return found;
    const { ts, postedChannel, connection } = found.alert;
    if (!ts || !postedChannel) return refuse({ reason: 'not_posted_yet' });
    // A lease, not a flag in memory: a second click meanwhile, here or on another replica
    // sharing the database, is told "busy" instead of starting a second walkthrough.
    const { leases } = this.deps.store;
    const lease = `alert-fix:${id}`;
    const holder = randomUUID();
    if (!(await leases.claim(lease, holder, this.now(), START_FIX_LEASE_MS))) {
      return refuse({ reason: 'busy', what: 'alert_walkthrough' });
    }
    try {
      if (await this.deps.walkthroughs.findByParent(postedChannel, ts)) {
        return refuse({ reason: 'busy', what: 'alert_walkthrough' });
      }
      const checked = await this.deps.checks.check({
        connection,
        targets: fixTargets(found.alert),
        channelId: postedChannel,
        userId,
      });
      if (!checked.ok) return checked;
      const run = withKnownTitles(checked.run, found.alert);
      const anchor = { channel: postedChannel, ts, userId, parent: 'alert' as const };
      if (await this.deps.walkthroughs.start(run, anchor, messenger)) return { ok: true };
      const transient = firstTransient(run);
      return transient
        ? refuse({ reason: 'inconclusive', diagnosis: transient, during: 'fix' })
        : refuse({ reason: 'accessible_again' });
    } finally {
      // Not released (database gone): it expires by itself; the click's outcome stands.
      await leases.release(lease, holder).catch(() => undefined);
    }
  }
}

/**
 * What Start fix checks again: the alert's watches, or for an inventory alert its roots (what
 * the fix is about: the connection was removed there), at most MAX_TARGETS of either.
 */
export function fixTargets(alert: Alert): string[] {
  const roots = (alert.details.roots ?? []).map((root) => root.id);
  const ids =
    alert.scope !== 'inventory'
      ? alert.details.watches.map((watch) => watch.resourceId)
      : roots.length > 0
        ? roots
        : (alert.details.items ?? []);
  return ids.slice(0, MAX_TARGETS);
}
