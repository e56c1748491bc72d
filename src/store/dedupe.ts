import type { Sql } from './sql';

/**
 * Keys of things done once: a click (user + action + action_ts), an event (event_id), a
 * command (user + channel + text, within a window), a saved token form (view id + hash). Slack
 * retries deliveries (and a captured request can be replayed); these make the retry a no-op,
 * across restarts.
 */
export class DedupeRepo {
  constructor(
    private readonly sql: Sql,
    /** Keys are the team's: another team's identical key is another thing done. */
    private readonly team: string,
  ) {}

  /** Claims `key`; false when it was claimed before (a retried delivery). */
  async claim(key: string, now: number): Promise<boolean> {
    return (
      (await this.sql.run(
        `INSERT INTO processed_actions (team_id, key, processed_at) VALUES (?, ?, ?)
           ON CONFLICT (team_id, key) DO NOTHING`,
        [this.team, key, now],
      )) === 1
    );
  }

  /** Whether `key` was claimed (and not pruned yet), without claiming it. */
  async seen(key: string): Promise<boolean> {
    return (
      (await this.sql.get('SELECT 1 AS seen FROM processed_actions WHERE team_id = ? AND key = ?', [
        this.team,
        key,
      ])) !== undefined
    );
  }

  /**
   * True unless the same key was claimed within `windowMs` (a double-submitted command).
   * One statement, so two deliveries at once cannot both win.
   */
  async claimOnceWithin(key: string, windowMs: number, now: number): Promise<boolean> {
    return (
      (await this.sql.run(
        `INSERT INTO processed_actions (team_id, key, processed_at) VALUES (@team, @key, @now)
             ON CONFLICT (team_id, key) DO UPDATE SET processed_at = @now
             WHERE processed_actions.processed_at <= @now - @windowMs`,
        { team: this.team, key, now, windowMs },
      )) === 1
    );
  }

  /** Forgets the team's keys older than `maxAgeMs` (Slack retries within minutes). */
  async prune(maxAgeMs: number, now: number): Promise<void> {
    await this.sql.run('DELETE FROM processed_actions WHERE team_id = ? AND processed_at < ?', [
      this.team,
      now - maxAgeMs,
    ]);
  }
}
