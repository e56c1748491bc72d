import type { App } from '@slack/bolt';
import type { Services } from '../services';
import { registerActions } from './actions';
import { registerCommands } from './commands';
import { answerWhenDatabaseDown } from './databaseDown';
import { registerEvents } from './events';
import { dropRetriedEvents } from './events/dedupe';
import type { HeldEvents } from './events/held';
import { dropForeignRequests, type HomeWorkspace } from './foreign';
import { registerShortcuts } from './shortcuts';
import { registerViews } from './views';

export { REDELIVERED } from './events/dedupe';
export { HeldEvents } from './events/held';

/**
 * Slack surfaces, one folder each. Around all of them: a database outage becomes "try again in
 * a minute" (an event is held until the database is back). Before any of them: requests from
 * another workspace or app are dropped (`home` is auth.test's answer at start-up), then retried
 * event deliveries.
 */
export function registerListeners(
  app: App,
  services: Services,
  home: () => HomeWorkspace | undefined,
  heldEvents: HeldEvents,
): void {
  app.use(answerWhenDatabaseDown(services.logger, heldEvents));
  app.use(dropForeignRequests(home, services.logger));
  app.use(dropRetriedEvents(services));
  registerCommands(app, services);
  registerActions(app, services);
  registerViews(app, services);
  registerShortcuts(app, services);
  registerEvents(app, services);
}
