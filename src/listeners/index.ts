import type { App } from '@slack/bolt';
import type { Logger } from '../logger';
import { registerActions } from './actions';
import { registerCommands } from './commands';
import { answerWhenDatabaseDown } from './databaseDown';
import { registerEvents } from './events';
import { dropRetriedEvents } from './events/dedupe';
import type { HeldEvents } from './events/held';
import { dropForeignRequests, type HomeWorkspace } from './foreign';
import { resolveWorkspace, type ServicesFor } from './shared/workspace';
import { registerShortcuts } from './shortcuts';
import { registerViews } from './views';

export { REDELIVERED } from './events/dedupe';
export { HeldEvents } from './events/held';

export interface ListenerDeps {
  logger: Logger;
  heldEvents: HeldEvents;
  /** The request's workspace's services (shared/workspace.ts). */
  servicesFor: ServicesFor;
  /**
   * One workspace (SLACK_BOT_TOKEN): auth.test's answer at start-up; requests from any other
   * workspace or app are dropped. Undefined with OAuth: Bolt's authorize admits installed
   * workspaces only.
   */
  home?: () => HomeWorkspace | undefined;
}

/**
 * Slack surfaces, one folder each. Around all of them: a database outage becomes "try again in
 * a minute" (an event is held until the database is back). Before any of them: requests from
 * another workspace or app are dropped, the request's workspace is resolved (its slice of the
 * database), then retried event deliveries are dropped.
 */
export function registerListeners(app: App, deps: ListenerDeps): void {
  const { logger, home } = deps;
  app.use(answerWhenDatabaseDown(logger, deps.heldEvents));
  if (home) app.use(dropForeignRequests(home, logger));
  app.use(resolveWorkspace(deps.servicesFor, logger));
  app.use(dropRetriedEvents());
  registerCommands(app);
  registerActions(app);
  registerViews(app);
  registerShortcuts(app);
  registerEvents(app);
}
