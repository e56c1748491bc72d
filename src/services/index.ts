import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Store } from '../store/store';
import type { AdminPolicy } from './admins';
import type { AlertService } from './alerts';
import type { CheckService } from './checks';
import type { Connections } from './connections';
import type { InFlight } from './inflight';
import type { LeakService } from './leaks';
import type { TokenService } from './tokens';
import type { WalkthroughService } from './walkthroughs';
import type { WatchService } from './watches';

/** What listeners may call. Listeners parse, authorize and ack; the work happens in here. */
export interface Services {
  config: Config;
  logger: Logger;
  store: Store;
  connections: Connections;
  checks: CheckService;
  walkthroughs: WalkthroughService;
  watches: WatchService;
  alerts: AlertService;
  leaks: LeakService;
  tokens: TokenService;
  admins: AdminPolicy;
  inflight: InFlight;
}
