import type { Alert } from '../domain/alert';
import type { WalkthroughRecord } from '../domain/walkthrough';
import type { AlertRepo } from './alerts';
import type { Db } from './db';
import type { WalkthroughRepo } from './walkthroughs';

/**
 * What is still open across the workspace, every connection and channel at once: the Home
 * tab's lists. Rows are read through their own repositories (one mapping each).
 */
export class OpenWorkRepo {
  constructor(
    private readonly db: Db,
    private readonly alerts: AlertRepo,
    private readonly walkthroughs: WalkthroughRepo,
  ) {}

  /** Every open alert, the oldest first. */
  openAlerts(): Alert[] {
    const rows = this.db
      .prepare("SELECT id FROM alerts WHERE status = 'open' ORDER BY opened_at, id")
      .all() as { id: string }[];
    return rows.flatMap((row) => this.alerts.get(row.id) ?? []);
  }

  /** Where each open (or escalated) walkthrough lives, the latest changed first. */
  openWalkthroughPlaces(): { id: string; channelId: string }[] {
    return this.db
      .prepare(
        `SELECT id, channel_id AS channelId FROM walkthroughs
         WHERE status IN ('open', 'escalated') ORDER BY updated_at DESC, id`,
      )
      .all() as { id: string; channelId: string }[];
  }

  walkthrough(id: string): WalkthroughRecord | undefined {
    return this.walkthroughs.get(id);
  }
}
