import { type Alert, type NewAlert, openAlert } from '../domain/alert';
import { newId } from '../domain/ids';
import type { Watch } from '../domain/watch';
import type { Notifier } from '../services/ports';
import type { Repos } from '../store/store';

/**
 * The monitor's alert I/O, shared by the sweep of watches and the inventory's: store, post,
 * redraw, resolve and close alerts. What to do is decided in domain/alert.ts and
 * domain/inventoryAlerts.ts; this only does it.
 */
export class AlertDesk {
  constructor(private readonly deps: { store: Repos; notifier: Notifier; now: () => number }) {}

  /** The watches an alert lists that are still watched (none for 'inventory' alerts). */
  async members(alert: Alert): Promise<Watch[]> {
    const ids = alert.details.watches.map((watch) => watch.id);
    if (ids.length === 0) return [];
    return this.deps.store.watches.byIds(alert.connection, ids);
  }

  /** Stored before posting: if Slack is down, the next sweep posts it. Never lost silently. */
  async open(input: NewAlert): Promise<void> {
    const alert = openAlert(input, newId('alert'), this.deps.now());
    await this.deps.store.alerts.create(alert);
    await this.post(alert);
  }

  async post(alert: Alert): Promise<void> {
    const posted = await this.deps.notifier.postAlert(alert, await this.members(alert));
    if (posted) {
      await this.deps.store.alerts.update(alert.id, {
        postedChannel: posted.channel,
        ts: posted.ts,
      });
    }
  }

  async redraw(alert: Alert): Promise<void> {
    await this.deps.notifier.updateAlert(alert, await this.members(alert));
  }

  /** Access is back: resolved, and said in the alert's thread. */
  async resolve(alert: Alert, now: number): Promise<void> {
    const resolved = await this.deps.store.alerts.update(alert.id, {
      status: 'resolved',
      resolvedAt: now,
    });
    if (!resolved?.ts) return;
    // Redraw first: a deleted alert is posted again, and the recovery goes in the new thread.
    await this.deps.notifier.updateAlert(resolved, await this.members(resolved));
    await this.deps.notifier.replyToAlert(
      (await this.deps.store.alerts.get(alert.id)) ?? resolved,
      {
        type: 'alert_recovered',
        afterMs: now - alert.failingSince,
      },
    );
  }

  /** Closed without claiming access is back: nobody watches it any more, or no connection. */
  async close(alert: Alert, now: number, because: 'unwatched' | 'disconnected'): Promise<void> {
    const details = { ...alert.details, closedBecause: because };
    const closed = await this.deps.store.alerts.update(alert.id, {
      status: 'resolved',
      resolvedAt: now,
      details,
    });
    if (closed) await this.deps.notifier.updateAlert(closed, []);
  }
}
