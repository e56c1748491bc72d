import type { Logger } from '../logger';
import type { Notifier } from '../monitor/monitor';
import { SNOOZE_MS } from '../monitor/state';
import type { Messenger } from '../slack/messenger';
import type { Alert, Watch } from '../store/monitorRepo';
import type { Store } from '../store/store';
import type { CheckService } from './checks';
import type { WalkthroughService } from './walkthroughs';
import { deadlineFor } from './watches';

/** What a button press on an alert came to, in words for the person who pressed it. */
export type AlertOutcome = { ok: true; message?: string } | { ok: false; message: string };

/** The alert buttons: Acknowledge, Snooze, Start fix. */
export class AlertService {
  private readonly starting = new Set<string>();

  constructor(
    private readonly deps: {
      store: Store;
      checks: CheckService;
      walkthroughs: WalkthroughService;
      notifier: Notifier;
      logger: Logger;
      now?: () => number;
    },
  ) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  private members(alert: Alert): Watch[] {
    return this.deps.store.monitor.alertMembers(alert);
  }

  private openAlert(id: string): Alert | AlertOutcome {
    const alert = this.deps.store.monitor.getAlert(id);
    if (!alert) return { ok: false, message: 'I no longer know this alert.' };
    if (alert.status === 'resolved') {
      return { ok: false, message: 'Access is already restored: this alert is closed.' };
    }
    return alert;
  }

  async acknowledge(id: string, userId: string): Promise<AlertOutcome> {
    const found = this.openAlert(id);
    if (!('id' in found)) return found;
    if (!this.deps.store.monitor.acknowledgeAlert(id, userId, this.now())) {
      return { ok: false, message: `<@${found.acknowledgedBy}> already acknowledged this alert.` };
    }
    const alert = this.deps.store.monitor.getAlert(id) ?? found;
    await this.deps.notifier.updateAlert(alert, this.members(alert));
    await this.deps.notifier.replyToAlert(alert, `:eyes: <@${userId}> is on it.`);
    return { ok: true };
  }

  async snooze(id: string, userId: string): Promise<AlertOutcome> {
    const found = this.openAlert(id);
    if (!('id' in found)) return found;
    const now = this.now();
    if (found.snoozedUntil !== null && found.snoozedUntil > now) {
      return { ok: false, message: `Already snoozed by <@${found.snoozedBy}>.` };
    }
    this.deps.store.monitor.updateAlert(id, { snoozedBy: userId, snoozedUntil: now + SNOOZE_MS });
    const alert = this.deps.store.monitor.getAlert(id) ?? found;
    await this.deps.notifier.updateAlert(alert, this.members(alert));
    return { ok: true, message: 'Snoozed: no reminders for 24 hours. The alert stays open.' };
  }

  /** Checks the alert's pages again and, if access is still lost, walks the fix in its thread. */
  async startFix(id: string, userId: string, messenger: Messenger): Promise<AlertOutcome> {
    const found = this.openAlert(id);
    if (!('id' in found)) return found;
    if (!found.ts || !found.postedChannel) {
      return { ok: false, message: 'This alert was not posted yet; try again in a moment.' };
    }
    if (
      this.starting.has(id) ||
      this.deps.walkthroughs.findByParent(found.postedChannel, found.ts)
    ) {
      return { ok: false, message: 'A fix walkthrough is already running in this alert’s thread.' };
    }
    this.starting.add(id);
    try {
      const targets = found.details.watches.map((watch) => watch.resourceId);
      const run = await this.deps.checks.run({
        connection: found.connection,
        targets,
        channelId: found.postedChannel,
        userId,
        deadlineMs: deadlineFor(targets.length),
      });
      const started = await this.deps.walkthroughs.start(
        run,
        { channel: found.postedChannel, ts: found.ts, userId, parent: 'alert' },
        messenger,
      );
      if (started) return { ok: true };
      const transient = [run.token, ...run.resources].find(
        (item) => item.diagnosis.category === 'transient',
      );
      return {
        ok: false,
        message: transient
          ? `Could not check right now: ${transient.diagnosis.title}.`
          : 'Those pages are accessible again: the alert turns green at the next scheduled check.',
      };
    } finally {
      this.starting.delete(id);
    }
  }
}
