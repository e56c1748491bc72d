import type { Alert } from '../domain/alert';
import type { WalkthroughRecord } from '../domain/walkthrough';
import type { AlertRepo } from './alerts';
import type { Sql } from './sql';
import type { WalkthroughRepo } from './walkthroughs';

/**
 * What is still open across a team's workspace, every connection and channel at once: the
 * Home tab's lists. Rows are read through their own repositories (one mapping each).
 */
export class OpenWorkRepo {
  constructor(
    private readonly sql: Sql,
    private readonly team: string,
    private readonly alerts: AlertRepo,
    private readonly walkthroughs: WalkthroughRepo,
  ) {}

  /** Every open alert, the oldest first. */
  async openAlerts(): Promise<Alert[]> {
    const rows = await this.sql.all<{ id: string }>(
      "SELECT id FROM alerts WHERE team_id = ? AND status = 'open' ORDER BY opened_at, id",
      [this.team],
    );
    const alerts = await Promise.all(rows.map((row) => this.alerts.get(row.id)));
    return alerts.filter((alert): alert is Alert => alert !== undefined);
  }

  /** Where each open (or escalated) walkthrough lives, the latest changed first. */
  async openWalkthroughPlaces(): Promise<{ id: string; channelId: string }[]> {
    return this.sql.all<{ id: string; channelId: string }>(
      `SELECT id, channel_id AS "channelId" FROM walkthroughs
       WHERE team_id = ? AND status IN ('open', 'escalated') ORDER BY updated_at DESC, id`,
      [this.team],
    );
  }

  async walkthrough(id: string): Promise<WalkthroughRecord | undefined> {
    return this.walkthroughs.get(id);
  }
}
