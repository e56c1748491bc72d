import type { SharedBudget } from '../notion/pacing';
import type { Dialect, Sql } from './sql';

/** The database's clock in milliseconds: every replica measures the window on one clock. */
const NOW: Record<Dialect, string> = {
  sqlite: "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)",
  postgres: '(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint',
};

/**
 * Each token's request starts across every replica (table notion_budget): `limit` rows per key,
 * each the time one of its last `limit` requests started. A start is taken by moving the oldest
 * row to now, only if it is older than the window: one statement, so two replicas never take
 * the same slot (PostgreSQL re-checks the condition on the locked row). Keys are token hashes.
 */
export class BudgetRepo implements SharedBudget {
  /** Keys whose rows exist (made once per key and process). */
  private readonly seeded = new Set<string>();

  constructor(private readonly sql: Sql) {}

  async take(key: string, limit: number, windowMs: number): Promise<number> {
    const now = NOW[this.sql.dialect];
    if (!this.seeded.has(key)) {
      const rows = Array.from({ length: limit }, (_, slot) => `(@key, ${slot}, 0)`).join(', ');
      await this.sql.run(
        `INSERT INTO notion_budget (key, slot, started_at) VALUES ${rows} ON CONFLICT DO NOTHING`,
        { key },
      );
      this.seeded.add(key);
    }
    const taken = await this.sql.run(
      `UPDATE notion_budget SET started_at = ${now}
       WHERE key = @key AND started_at <= ${now} - @windowMs AND slot = (
         SELECT slot FROM notion_budget WHERE key = @key ORDER BY started_at, slot LIMIT 1)`,
      { key, windowMs },
    );
    if (taken === 1) return 0;
    const row = await this.sql.get<{ wait: number | null }>(
      `SELECT MIN(started_at) + @windowMs - ${now} AS wait FROM notion_budget WHERE key = @key`,
      { key, windowMs },
    );
    // Taken by another replica just now (the oldest start moved meanwhile): ask again soon.
    return Math.max(row?.wait ?? 1, 1);
  }
}
