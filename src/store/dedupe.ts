import type { Db } from './db';

/**
 * Keys of things done once: a click (user + action + action_ts), an event (event_id), a
 * command (user + channel + text, within a window), a saved token form (view id + hash). Slack
 * retries deliveries (and a captured request can be replayed); these make the retry a no-op,
 * across restarts.
 */
export class DedupeRepo {
  constructor(private readonly db: Db) {}

  /** Claims `key`; false when it was claimed before (a retried delivery). */
  claim(key: string, now: number): boolean {
    return (
      this.db
        .prepare('INSERT OR IGNORE INTO processed_actions (key, processed_at) VALUES (?, ?)')
        .run(key, now).changes === 1
    );
  }

  /** Whether `key` was claimed (and not pruned yet), without claiming it. */
  seen(key: string): boolean {
    return (
      this.db.prepare('SELECT 1 AS seen FROM processed_actions WHERE key = ?').get(key) !==
      undefined
    );
  }

  /**
   * True unless the same key was claimed within `windowMs` (a double-submitted command).
   * One statement, so two deliveries at once cannot both win.
   */
  claimOnceWithin(key: string, windowMs: number, now: number): boolean {
    return (
      this.db
        .prepare(
          `INSERT INTO processed_actions (key, processed_at) VALUES (@key, @now)
             ON CONFLICT (key) DO UPDATE SET processed_at = @now
             WHERE processed_at <= @now - @windowMs`,
        )
        .run({ key, now, windowMs }).changes === 1
    );
  }

  /** Forgets keys older than `maxAgeMs` (Slack retries within minutes). */
  prune(maxAgeMs: number, now: number): void {
    this.db.prepare('DELETE FROM processed_actions WHERE processed_at < ?').run(now - maxAgeMs);
  }
}
