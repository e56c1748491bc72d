import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Repos } from '../store/store';
import type { AdminPolicy } from './admins';
import type { AlertService } from './alerts';
import type { CheckService } from './checks';
import type { ConnectionDirectory } from './connectionDirectory';
import type { Connections } from './connections';
import type { HomeService } from './home';
import type { InFlight } from './inflight';
import type { InventoryService } from './inventory';
import type { LeakService } from './leaks';
import type { TokenService } from './tokens';
import type { Uninstaller } from './uninstall';
import type { WalkthroughService } from './walkthroughs';
import type { WatchService } from './watches';
import type { WebhookService } from './webhooks';

/** What listeners may call. Listeners parse, authorize and ack; the work happens in here. */
export interface Services {
  /** The workspace's team id; '' with one workspace (SLACK_BOT_TOKEN). */
  team: string;
  config: Config;
  logger: Logger;
  /** This workspace's slice of the database (every repository filters its team_id). */
  store: Repos;
  connections: Connections;
  /** Which connections exist, which one a channel uses, removing one. */
  directory: ConnectionDirectory;
  checks: CheckService;
  walkthroughs: WalkthroughService;
  watches: WatchService;
  alerts: AlertService;
  /** `watch all`, `unwatch all` and the `list` lines for them. */
  inventory: InventoryService;
  leaks: LeakService;
  tokens: TokenService;
  admins: AdminPolicy;
  inflight: InFlight;
  webhooks: WebhookService;
  /** The App Home tab: what each viewer sees. */
  home: HomeService;
  /** Deletes the workspace's data when Slack says the app left it. */
  uninstall: Uninstaller;
}
