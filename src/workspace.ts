import type { WebClient } from '@slack/web-api';
import type { Config } from './config';
import type { Logger } from './logger';
import { Sweep } from './monitor/sweep';
import type { RateLimiter } from './notion/pacing';
import type { Services } from './services';
import { AdminPolicy } from './services/admins';
import { AlertService } from './services/alerts';
import { CheckService } from './services/checks';
import { ConnectionDirectory } from './services/connectionDirectory';
import { Connections } from './services/connections';
import { HomeService } from './services/home';
import type { InFlight } from './services/inflight';
import { InventoryService } from './services/inventory';
import { LeakService } from './services/leaks';
import { TokenService } from './services/tokens';
import { Uninstaller } from './services/uninstall';
import { WalkthroughService } from './services/walkthroughs';
import { WatchService } from './services/watches';
import { WebhookService } from './services/webhooks';
import { SlackNotifier } from './slack/notify';
import type { Store } from './store/store';

/** What every workspace shares: the database, each token's Notion pace, in-flight work. */
export interface SharedDeps {
  config: Config;
  store: Store;
  logger: Logger;
  limiter: RateLimiter;
  inflight: InFlight;
  checkDeadlineMs?: number;
  webhookDebounceMs?: number;
  /** A Notion webhook's re-check, through the monitor (one connection's work at a time). */
  recheck: (team: string, connection: string, ids: string[]) => Promise<void>;
  /** The workspace's data was deleted (uninstalled): drop what this process keeps of it. */
  forgotten: (team: string) => void;
}

/** One workspace's Slack clients: what people wait for, and the monitor's background posts. */
export interface WorkspaceClients {
  interactive: WebClient;
  /**
   * A `ratelimited` answer pauses the whole Web API client it came to for its Retry-After: the
   * monitor posts through a client of its own, so what a person clicked or typed never waits
   * behind background traffic.
   */
  background: WebClient;
}

/** Everything one Slack workspace uses: its services (listeners) and its sweep (the monitor). */
export interface Workspace {
  /** The workspace's team id; '' with one workspace (SLACK_BOT_TOKEN). */
  team: string;
  services: Services;
  sweep: Sweep;
}

/**
 * Builds one workspace's services on its own slice of the database (`store.forTeam`): no
 * service of one workspace can read another's connections, watches, alerts or walkthroughs.
 */
export function createWorkspace(
  team: string,
  clients: WorkspaceClients,
  shared: SharedDeps,
): Workspace {
  const { config, logger, limiter } = shared;
  const store = shared.store.forTeam(team);
  const connections = new Connections(store, config, logger);
  const checks = new CheckService({
    connections,
    store,
    limiter,
    notionApiUrl: config.notion.apiUrl,
    logger,
    deadlineMs: shared.checkDeadlineMs,
  });
  const moved = (alertId: string, ts: string) => store.alerts.update(alertId, { ts });
  const notifier = new SlackNotifier(clients.interactive, config.alertChannel, logger, moved);
  const monitorNotifier = new SlackNotifier(clients.background, config.alertChannel, logger, moved);
  const walkthroughs = new WalkthroughService({ store, connections, checks });
  const services: Services = {
    team,
    config,
    logger,
    store,
    connections,
    directory: new ConnectionDirectory({ store, connections, checks, notifier, logger }),
    checks,
    walkthroughs,
    watches: new WatchService({ store, checks }),
    alerts: new AlertService({ store, checks, walkthroughs, notifier }),
    inventory: new InventoryService({ store, checks, notifier }),
    leaks: new LeakService({ store, walkthroughs, logger, alertChannel: config.alertChannel }),
    tokens: new TokenService({
      connections,
      limiter,
      notionApiUrl: config.notion.apiUrl,
      savingEnabled: Boolean(config.encryptionKey),
    }),
    admins: new AdminPolicy(config.adminUserIds),
    inflight: shared.inflight,
    webhooks: new WebhookService({
      store,
      team,
      config,
      logger,
      debounceMs: shared.webhookDebounceMs,
      rechecker: { recheck: (connection, ids) => shared.recheck(team, connection, ids) },
    }),
    // Reads its siblings when a Home is built, once this object exists.
    home: new HomeService({
      store,
      logger,
      get directory() {
        return services.directory;
      },
      get inventory() {
        return services.inventory;
      },
    }),
    uninstall: new Uninstaller({ store, logger, forgotten: () => shared.forgotten(team) }),
  };
  const sweep = new Sweep({
    store,
    checks,
    notifier: monitorNotifier,
    alertChannel: config.alertChannel,
  });
  return { team, services, sweep };
}

/** The workspaces this process serves, built on first use. */
export interface Workspaces {
  /** The workspace a Slack request is for (Bolt's context); undefined: not installed. */
  forRequest(context: { teamId?: string; botToken?: string }): Promise<Workspace | undefined>;
  /** A workspace by team id ('' with one workspace), for the monitor and Notion webhooks. */
  of(team: string): Promise<Workspace | undefined>;
  /** The workspace's data was deleted: drop what this process keeps of it. */
  forget(team: string): void;
  /** Every workspace built so far (stopping waits for their webhook re-checks). */
  built(): Workspace[];
}

/** One workspace (SLACK_BOT_TOKEN): every request that passed the foreign check is for it. */
export class OneWorkspace implements Workspaces {
  constructor(private readonly workspace: Workspace) {}

  async forRequest(): Promise<Workspace> {
    return this.workspace;
  }

  async of(team: string): Promise<Workspace | undefined> {
    return team === this.workspace.team ? this.workspace : undefined;
  }

  forget(): void {}

  built(): Workspace[] {
    return [this.workspace];
  }
}

/**
 * Many workspaces (OAuth): each installed one is built with its own bot token on first use,
 * and built again when its token changed (a reinstall), or forgotten when it has none left.
 */
export class InstalledWorkspaces implements Workspaces {
  private readonly cache = new Map<string, { token: string; workspace: Workspace }>();

  constructor(
    private readonly deps: {
      /** The workspace's bot token from its installation; undefined: not installed. */
      botToken: (team: string) => Promise<string | undefined>;
      build: (team: string, botToken: string) => Workspace;
    },
  ) {}

  forRequest(context: { teamId?: string; botToken?: string }): Promise<Workspace | undefined> {
    if (!context.teamId) return Promise.resolve(undefined);
    return this.resolve(context.teamId, context.botToken);
  }

  of(team: string): Promise<Workspace | undefined> {
    return team === '' ? Promise.resolve(undefined) : this.resolve(team);
  }

  forget(team: string): void {
    this.cache.delete(team);
  }

  built(): Workspace[] {
    return [...this.cache.values()].map((entry) => entry.workspace);
  }

  /** `known`: the token Bolt's authorize just read from the installation (saves a read). */
  private async resolve(team: string, known?: string): Promise<Workspace | undefined> {
    const token = known ?? (await this.deps.botToken(team));
    if (!token) {
      this.cache.delete(team);
      return undefined;
    }
    const cached = this.cache.get(team);
    if (cached?.token === token) return cached.workspace;
    const workspace = this.deps.build(team, token);
    this.cache.set(team, { token, workspace });
    return workspace;
  }
}
