import type Database from 'better-sqlite3';
import { type CheckDay, rollUp, utcDay, verdictOf } from '../domain/home';
import { idKey } from '../domain/inventory';
import type { Sql } from './sql';

/** One check result, as the roll-up needs it. */
export interface DailyEntry {
  checkedAt: number;
  connection: string;
  target: string;
  category: string;
}

interface DayRow extends CheckDay {
  connection: string;
  target: string;
}

const COLUMNS = 'connection, target, day, ok, lost, unsure, streak, longest';

const LATEST = `SELECT ${COLUMNS} FROM check_days
  WHERE team_id = ? AND connection = ? AND target = ? AND day <= ? ORDER BY day DESC LIMIT 1`;

const SAVE = `INSERT INTO check_days (team_id, ${COLUMNS})
  VALUES (@team, @connection, @target, @day, @ok, @lost, @unsure, @streak, @longest)
  ON CONFLICT (team_id, connection, target, day) DO UPDATE SET ok = excluded.ok,
    lost = excluded.lost, unsure = excluded.unsure, streak = excluded.streak,
    longest = excluded.longest`;

/** How the history's targets are keyed here: Notion ids without dashes, lower case. */
const targetKey = idKey;

function toDay({ day, ok, lost, unsure, streak, longest }: DayRow): CheckDay {
  return { day, ok, lost, unsure, streak, longest };
}

/**
 * Each of a team's targets' check results rolled up per UTC day (table check_days, migration
 * 9): the Home tab's 14-day strips read a few rows instead of every check. Written with the
 * history (HistoryRepo.record), in its transaction.
 */
export class DailyRepo {
  constructor(
    private readonly sql: Sql,
    private readonly team: string,
  ) {}

  /**
   * Adds check results to their days; the caller holds the transaction and passes it as `sql`
   * (HistoryRepo.record passes its `tx`).
   */
  async add(entries: DailyEntry[], sql: Sql = this.sql): Promise<void> {
    for (const entry of entries) {
      const target = targetKey(entry.target);
      const day = utcDay(entry.checkedAt);
      const previous = await sql.get<DayRow>(LATEST, [this.team, entry.connection, target, day]);
      const next = rollUp(previous && toDay(previous), day, verdictOf(entry.category));
      await sql.run(SAVE, { team: this.team, connection: entry.connection, target, ...next });
    }
  }

  /** The days from `fromDay` on of these targets, by stripKey-like `connection:target`. */
  async since(
    targets: { connection: string; target: string }[],
    fromDay: number,
  ): Promise<Map<string, CheckDay[]>> {
    const found = new Map<string, CheckDay[]>();
    if (targets.length === 0) return found;
    const keys = targets.map(({ connection, target }) => [connection, targetKey(target)]);
    // The (connection, target) pairs as one JSON array of pairs.
    const pairs =
      this.sql.dialect === 'postgres'
        ? 'SELECT value->>0, value->>1 FROM json_array_elements(?::json)'
        : "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?)";
    const rows = await this.sql.all<DayRow>(
      `SELECT ${COLUMNS} FROM check_days
       WHERE team_id = ? AND day >= ? AND (connection, target) IN (${pairs})
       ORDER BY day`,
      [this.team, fromDay, JSON.stringify(keys)],
    );
    for (const row of rows) {
      const key = `${row.connection}:${row.target}`;
      found.set(key, [...(found.get(key) ?? []), toDay(row)]);
    }
    return found;
  }
}

/** History older than this (before its newest row) never reaches a 14-day strip. */
const BACKFILL_MS = 30 * 24 * 60 * 60_000;

const hasTeams = (db: Database.Database, table: string) =>
  db.prepare("SELECT 1 FROM pragma_table_info(?) WHERE name = 'team_id'").get(table) !== undefined;

/**
 * Migration 9's data step: check_days from the check_history already there (each team's last
 * 30 days, counted from its newest row), target by target in time order, as recording would
 * have. SQLite's migration, so synchronous on the better-sqlite3 handle. Migration 9 runs it on
 * a schema without team_id (every row then is team ''); on a schema with it, each team's
 * history fills that team's days only.
 */
export function backfillCheckDays(db: Database.Database): void {
  const scoped = hasTeams(db, 'check_history') && hasTeams(db, 'check_days');
  const team = scoped ? 'team_id' : "''";
  const newest = db
    .prepare(
      `SELECT ${team} AS team, MAX(checked_at) AS at FROM check_history GROUP BY ${team}
       ORDER BY ${team}`,
    )
    .all() as { team: string; at: number }[];
  const targets = db.prepare(
    `SELECT DISTINCT connection, target FROM check_history
     WHERE ${team} = ? AND checked_at >= ? ORDER BY connection, target`,
  );
  const results = db.prepare(
    `SELECT checked_at AS checkedAt, category FROM check_history
     WHERE ${team} = ? AND connection = ? AND target = ? AND checked_at >= ?
     ORDER BY checked_at, id`,
  );
  const save = db.prepare(
    scoped
      ? SAVE
      : `INSERT INTO check_days (${COLUMNS})
           VALUES (@connection, @target, @day, @ok, @lost, @unsure, @streak, @longest)
           ON CONFLICT (connection, target, day) DO UPDATE SET ok = excluded.ok,
             lost = excluded.lost, unsure = excluded.unsure, streak = excluded.streak,
             longest = excluded.longest`,
  );
  // Named values the statement does not name are ignored (migration 9's has no @team).
  const write = (row: { team: string; connection: string; target: string } & CheckDay) =>
    save.run(row);
  for (const { team: teamId, at } of newest) {
    const from = at - BACKFILL_MS;
    // Dashed and undashed spellings of one id are one target here: rolled up together.
    const byKey = new Map<string, { connection: string; target: string; raw: string[] }>();
    for (const { connection, target } of targets.all(teamId, from) as {
      connection: string;
      target: string;
    }[]) {
      const key = `${connection}:${targetKey(target)}`;
      const entry = byKey.get(key) ?? { connection, target: targetKey(target), raw: [] };
      entry.raw.push(target);
      byKey.set(key, entry);
    }
    for (const { connection, target, raw } of byKey.values()) {
      const checks = raw
        .flatMap((spelling) => results.all(teamId, connection, spelling, from) as DailyEntry[])
        .sort((a, b) => a.checkedAt - b.checkedAt);
      let current: CheckDay | undefined;
      for (const check of checks) {
        const day = utcDay(check.checkedAt);
        if (current && current.day !== day) write({ team: teamId, connection, target, ...current });
        current = rollUp(current, day, verdictOf(check.category));
      }
      if (current) write({ team: teamId, connection, target, ...current });
    }
  }
}
