import type { Priority, SharedBudget } from '../notion/pacing';
import type { Dialect, Sql } from './sql';

/** The database's clock in milliseconds: every replica measures the window on one clock. */
const NOW: Record<Dialect, string> = {
  sqlite: "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)",
  postgres: '(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint',
};

/** Not a start: when a person last had to wait for this key (a sweep then leaves them a slot). */
const PEOPLE_WAITED = -1;

/**
 * Each token's request starts across every replica (table notion_budget): `limit` rows per key
 * (slots 0…), each the time one of its last `limit` requests started. A start is taken by moving
 * the oldest row to now, only if it is older than the window: one statement, so two replicas
 * never take the same slot (PostgreSQL re-checks the condition on the locked row). People
 * before sweeps, across replicas: a person refused a start marks the key (row PEOPLE_WAITED),
 * and for one window a background start is taken only if it leaves a slot free for them.
 * Keys are token hashes.
 */
export class BudgetRepo implements SharedBudget {
  /** Keys whose rows exist (made once per key and process). */
  private readonly seeded = new Set<string>();

  constructor(private readonly sql: Sql) {}

  async take(
    key: string,
    limit: number,
    windowMs: number,
    priority: Priority = 'interactive',
  ): Promise<number> {
    const now = NOW[this.sql.dialect];
    if (!this.seeded.has(key)) {
      const rows = Array.from({ length: limit }, (_, slot) => `(@key, ${slot}, 0)`).join(', ');
      await this.sql.run(
        `INSERT INTO notion_budget (key, slot, started_at) VALUES ${rows} ON CONFLICT DO NOTHING`,
        { key },
      );
      this.seeded.add(key);
    }
    const oldest = (offset: number) =>
      `(SELECT started_at FROM notion_budget WHERE key = @key AND slot >= 0
        ORDER BY started_at, slot LIMIT 1 OFFSET ${offset})`;
    const leavesOneForPeople = `AND (${oldest(1)} <= ${now} - @windowMs OR NOT EXISTS (
         SELECT 1 FROM notion_budget
         WHERE key = @key AND slot = ${PEOPLE_WAITED} AND started_at > ${now} - @windowMs))`;
    const taken = await this.sql.run(
      `UPDATE notion_budget SET started_at = ${now}
       WHERE key = @key AND started_at <= ${now} - @windowMs AND slot = (
         SELECT slot FROM notion_budget WHERE key = @key AND slot >= 0
         ORDER BY started_at, slot LIMIT 1)
       ${priority === 'background' ? leavesOneForPeople : ''}`,
      { key, windowMs },
    );
    if (taken === 1) return 0;
    if (priority === 'interactive') {
      await this.sql.run(
        `INSERT INTO notion_budget (key, slot, started_at) VALUES (@key, ${PEOPLE_WAITED}, ${now})
         ON CONFLICT (key, slot) DO UPDATE SET started_at = excluded.started_at`,
        { key },
      );
    }
    const row = await this.sql.get<{ first: unknown; second: unknown; people: unknown }>(
      `SELECT ${oldest(0)} + @windowMs - ${now} AS first, ${oldest(1)} + @windowMs - ${now} AS second,
         (SELECT started_at FROM notion_budget WHERE key = @key AND slot = ${PEOPLE_WAITED})
           + @windowMs - ${now} AS people`,
      { key, windowMs },
    );
    const first = Number(row?.first ?? 0);
    const second = row?.second === null || row?.second === undefined ? first : Number(row.second);
    const people = Number(row?.people ?? 0);
    // A sweep kept back for people waits until a second slot frees, or until nobody waited.
    const wait =
      priority === 'background' && people > 0 ? Math.min(second, Math.max(first, people)) : first;
    // Taken by another replica just now (the oldest start moved meanwhile): ask again soon.
    return Math.max(wait, 1);
  }
}
