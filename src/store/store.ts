import { AlertRepo } from './alerts';
import { BudgetRepo } from './budget';
import { ChannelRepo } from './channels';
import { ConnectionRepo, LeakRepo } from './connections';
import { DailyRepo } from './daily';
import { Db } from './db';
import { DedupeRepo } from './dedupe';
import { HealthRepo } from './health';
import { HistoryRepo } from './history';
import { InstallationRepo } from './installations';
import { InventoryRepo } from './inventory';
import { LeaseRepo } from './leases';
import { OpenWorkRepo } from './openWork';
import type { Database, Sql } from './sql';
import { SqliteDatabase } from './sqlite';
import { WalkthroughRepo } from './walkthroughs';
import { WatchRepo } from './watches';

/**
 * The tables whose rows belong to a team (column team_id): every tenant repository filters and
 * writes it, forgetTeam() clears them. A new tenant table goes here (test/unit/store/teams.test.ts
 * compares this list with the schema).
 */
export const TENANT_TABLES = [
  'connections',
  'check_history',
  'walkthroughs',
  'processed_actions',
  'alerts',
  'watches',
  'connection_health',
  'leaks',
  'leak_warnings',
  'inventory',
  'channel_connections',
  'watch_all',
  'check_days',
] as const;

/** What has no team: the same objects on every team's Repos over one Sql. */
interface Shared {
  leases: LeaseRepo;
  budget: BudgetRepo;
}

/**
 * One repository per aggregate, all on one Sql (the database, or one transaction), and all
 * bound to one team (Slack workspace): every statement of a tenant repository reads and writes
 * that team's rows only. Team '' is the single-workspace install's (and every row written
 * before teams existed).
 */
export class Repos {
  readonly team: string;
  readonly connections: ConnectionRepo;
  readonly leaks: LeakRepo;
  readonly walkthroughs: WalkthroughRepo;
  readonly dedupe: DedupeRepo;
  readonly history: HistoryRepo;
  /** Check results per target and UTC day (the Home tab's strips); filled by `history`. */
  readonly daily: DailyRepo;
  readonly watches: WatchRepo;
  readonly alerts: AlertRepo;
  readonly health: HealthRepo;
  readonly inventory: InventoryRepo;
  readonly channels: ChannelRepo;
  /** Open alerts and walkthroughs across every connection and channel (the Home tab). */
  readonly openWork: OpenWorkRepo;
  /** Work one replica at a time (a connection's sweeps and re-checks). Global: no team. */
  readonly leases: LeaseRepo;
  /** Each token's Notion request starts across replicas (the shared pace). Global: no team. */
  readonly budget: BudgetRepo;

  constructor(
    protected readonly sql: Sql,
    team = '',
    shared?: Shared,
  ) {
    this.team = team;
    this.connections = new ConnectionRepo(sql, team);
    this.leaks = new LeakRepo(sql, team);
    this.walkthroughs = new WalkthroughRepo(sql, team);
    this.dedupe = new DedupeRepo(sql, team);
    this.daily = new DailyRepo(sql, team);
    this.history = new HistoryRepo(sql, team, this.daily);
    this.watches = new WatchRepo(sql, team);
    this.alerts = new AlertRepo(sql, team);
    this.health = new HealthRepo(sql, team);
    this.inventory = new InventoryRepo(sql, team);
    this.channels = new ChannelRepo(sql, team);
    this.openWork = new OpenWorkRepo(sql, team, this.alerts, this.walkthroughs);
    this.leases = shared?.leases ?? new LeaseRepo(sql);
    this.budget = shared?.budget ?? new BudgetRepo(sql);
  }

  /**
   * Several repository calls as one write: e.g. claim a click, then apply it. Write
   * transactions are serialized (SQLite: BEGIN IMMEDIATE; PostgreSQL: one lock across
   * replicas); `work` must use the `tx` it is given (bound to the same team).
   */
  transaction<T>(work: (tx: Repos) => Promise<T>): Promise<T> {
    return this.sql.transaction((sql) => work(new Repos(sql, this.team)));
  }

  /**
   * The workspace uninstalled the app (or asked to be forgotten): every row of this team in
   * every tenant table, and its installation, deleted in one transaction. Returns how many rows
   * went. Other teams' rows are untouched.
   */
  forgetTeam(): Promise<number> {
    return this.sql.transaction(async (tx) => {
      let deleted = 0;
      for (const table of TENANT_TABLES) {
        deleted += await tx.run(`DELETE FROM ${table} WHERE team_id = ?`, [this.team]);
      }
      deleted += await tx.run('DELETE FROM installations WHERE team_id = ?', [this.team]);
      return deleted;
    });
  }
}

/** The database and its repositories (team ''), and each team's through forTeam(). */
export class Store extends Repos {
  /** A SQLite file (or `:memory:`) opened now; PostgreSQL goes through openStore(). */
  constructor(fileOrDatabase: string | Database) {
    const database =
      typeof fileOrDatabase === 'string'
        ? new SqliteDatabase(new Db(fileOrDatabase))
        : fileOrDatabase;
    super(database);
    this.database = database;
    this.installations = new InstallationRepo(database);
  }

  /** The engine underneath (SQL outside any repository: migrations, maintenance, tests). */
  readonly database: Database;
  /** The Slack workspaces the app is installed in (global). */
  readonly installations: InstallationRepo;
  /** Each team's repositories, made once. */
  private readonly teams = new Map<string, Repos>();

  get dialect(): Database['dialect'] {
    return this.database.dialect;
  }

  /** The repositories of one team (cheap: made once per team, then reused). */
  forTeam(team: string): Repos {
    if (team === this.team) return this;
    let repos = this.teams.get(team);
    if (!repos) {
      repos = new Repos(this.database, team, { leases: this.leases, budget: this.budget });
      this.teams.set(team, repos);
    }
    return repos;
  }

  /**
   * Every (team, connection) something watches (a watch or "watch all"), across every team,
   * by team then connection: what the monitor sweeps. The one cross-team read besides
   * installations.
   */
  async monitored(): Promise<{ team: string; connection: string }[]> {
    return this.database.all<{ team: string; connection: string }>(
      `SELECT team_id AS team, connection FROM watches
       UNION
       SELECT team_id AS team, connection FROM watch_all
       ORDER BY team, connection`,
    );
  }

  /**
   * Maintenance across every team: de-duplication keys older than `maxAgeMs` go (Slack retries
   * within minutes). Returns how many; reads no team's rows.
   */
  pruneDedupeKeys(maxAgeMs: number, now: number): Promise<number> {
    return this.database.run('DELETE FROM processed_actions WHERE processed_at < ?', [
      now - maxAgeMs,
    ]);
  }

  isHealthy(): Promise<boolean> {
    return this.database.isHealthy();
  }

  close(): Promise<void> {
    return this.database.close();
  }
}
