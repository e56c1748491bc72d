import { AlertRepo } from './alerts';
import { BudgetRepo } from './budget';
import { ChannelRepo } from './channels';
import { ConnectionRepo, LeakRepo } from './connections';
import { DailyRepo } from './daily';
import { Db } from './db';
import { DedupeRepo } from './dedupe';
import { HealthRepo } from './health';
import { HistoryRepo } from './history';
import { InventoryRepo } from './inventory';
import { LeaseRepo } from './leases';
import { OpenWorkRepo } from './openWork';
import type { Database, Sql } from './sql';
import { SqliteDatabase } from './sqlite';
import { WalkthroughRepo } from './walkthroughs';
import { WatchRepo } from './watches';

/** One repository per aggregate, all on one Sql: the database, or one transaction. */
export class Repos {
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
  /** Work one replica at a time (a connection's sweeps and re-checks). */
  readonly leases: LeaseRepo;
  /** Each token's Notion request starts across replicas (the shared pace). */
  readonly budget: BudgetRepo;

  constructor(protected readonly sql: Sql) {
    this.connections = new ConnectionRepo(sql);
    this.leaks = new LeakRepo(sql);
    this.walkthroughs = new WalkthroughRepo(sql);
    this.dedupe = new DedupeRepo(sql);
    this.daily = new DailyRepo(sql);
    this.history = new HistoryRepo(sql, this.daily);
    this.watches = new WatchRepo(sql);
    this.alerts = new AlertRepo(sql);
    this.health = new HealthRepo(sql);
    this.inventory = new InventoryRepo(sql);
    this.channels = new ChannelRepo(sql);
    this.openWork = new OpenWorkRepo(sql, this.alerts, this.walkthroughs);
    this.leases = new LeaseRepo(sql);
    this.budget = new BudgetRepo(sql);
  }

  /**
   * Several repository calls as one write: e.g. claim a click, then apply it. Write
   * transactions are serialized (SQLite: BEGIN IMMEDIATE; PostgreSQL: one lock across
   * replicas); `work` must use the `tx` it is given.
   */
  transaction<T>(work: (tx: Repos) => Promise<T>): Promise<T> {
    return this.sql.transaction((sql) => work(new Repos(sql)));
  }
}

/** The database and its repositories. */
export class Store extends Repos {
  /** A SQLite file (or `:memory:`) opened now; PostgreSQL goes through openStore(). */
  constructor(fileOrDatabase: string | Database) {
    const database =
      typeof fileOrDatabase === 'string'
        ? new SqliteDatabase(new Db(fileOrDatabase))
        : fileOrDatabase;
    super(database);
    this.database = database;
  }

  /** The engine underneath (SQL outside any repository: migrations, maintenance, tests). */
  readonly database: Database;

  get dialect(): Database['dialect'] {
    return this.database.dialect;
  }

  isHealthy(): Promise<boolean> {
    return this.database.isHealthy();
  }

  close(): Promise<void> {
    return this.database.close();
  }
}
