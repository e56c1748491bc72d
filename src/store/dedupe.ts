import type { Sql } from './sql';

/**
 * Keys of things done once: a click (user + action + action_ts), an event (event_id), a
 * command (user + channel + text, within a window), a saved token form (view id + hash). Slack
 * retries deliveries (and a captured request can be replayed); these make the retry a no-op,
 * across restarts.
 */
export class DedupeRepo {
  constructor(private readonly sql: Sql) {}

  /** Claims `key`; false when it was claimed before (a retried delivery). */
  async claim(key: string, now: number): Promise<boolean> {
    return (
      (await this.sql.run(
        'INSERT INTO processed_actions (key, processed_at) VALUES (?, ?) ON CONFLICT DO NOTHING',
        [key, now],
      )) === 1
    );
  }

  /** Whether `key` was claimed (and not pruned yet), without claiming it. */
  async seen(key: string): Promise<boolean> {
    return (
      (await this.sql.get('SELECT 1 AS seen FROM processed_actions WHERE key = ?', [key])) !==
      undefined
    );
  }

  /**
   * True unless the same key was claimed within `windowMs` (a double-submitted command).
   * One statement, so two deliveries at once cannot both win.
   */
  async claimOnceWithin(key: string, windowMs: number, now: number): Promise<boolean> {
    return (
      (await this.sql.run(
        `INSERT INTO processed_actions (key, processed_at) VALUES (@key, @now)
             ON CONFLICT (key) DO UPDATE SET processed_at = @now
             WHERE processed_actions.processed_at <= @now - @windowMs`,
        { key, now, windowMs },
      )) === 1
    );
  }

  /** Forgets keys older than `maxAgeMs` (Slack retries within minutes). */
  async prune(maxAgeMs: number, now: number): Promise<void> {
    await this.sql.run('DELETE FROM processed_actions WHERE processed_at < ?', [now - maxAgeMs]);
  }
}
