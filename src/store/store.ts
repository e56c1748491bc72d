import { AlertRepo } from './alerts';
import { ChannelRepo } from './channels';
import { ConnectionRepo, LeakRepo } from './connections';
import { DailyRepo } from './daily';
import { Db } from './db';
import { DedupeRepo } from './dedupe';
import { HealthRepo } from './health';
import { HistoryRepo } from './history';
import { InventoryRepo } from './inventory';
import { OpenWorkRepo } from './openWork';
import { WalkthroughRepo } from './walkthroughs';
import { WatchRepo } from './watches';

/** The database and one repository per aggregate, all on one handle. */
export class Store {
  private readonly db: Db;
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

  constructor(file: string) {
    this.db = new Db(file);
    this.connections = new ConnectionRepo(this.db);
    this.leaks = new LeakRepo(this.db);
    this.walkthroughs = new WalkthroughRepo(this.db);
    this.dedupe = new DedupeRepo(this.db);
    this.daily = new DailyRepo(this.db);
    this.history = new HistoryRepo(this.db, this.daily);
    this.watches = new WatchRepo(this.db);
    this.alerts = new AlertRepo(this.db);
    this.health = new HealthRepo(this.db);
    this.inventory = new InventoryRepo(this.db);
    this.channels = new ChannelRepo(this.db);
    this.openWork = new OpenWorkRepo(this.db, this.alerts, this.walkthroughs);
  }

  /** Several repository calls as one write (BEGIN IMMEDIATE): e.g. claim a click, then apply it. */
  immediate<T>(work: () => T): T {
    return this.db.immediate(work);
  }

  isHealthy(): boolean {
    return this.db.isHealthy();
  }

  close(): void {
    this.db.close();
  }
}
