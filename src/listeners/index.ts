import type { App } from '@slack/bolt';
import type { Services } from '../services';
import { registerActions } from './actions';
import { registerCommands } from './commands';
import { registerEvents } from './events';
import { dropRetriedEvents } from './events/dedupe';
import { dropForeignRequests, type HomeWorkspace } from './foreign';
import { registerShortcuts } from './shortcuts';
import { registerViews } from './views';

/**
 * Slack surfaces, one folder each. Before any of them: requests from another workspace or app
 * are dropped (`home` is auth.test's answer at start-up), then retried event deliveries.
 */
export function registerListeners(
  app: App,
  services: Services,
  home: () => HomeWorkspace | undefined,
): void {
  app.use(dropForeignRequests(home, services.logger));
  app.use(dropRetriedEvents(services));
  registerCommands(app, services);
  registerActions(app, services);
  registerViews(app, services);
  registerShortcuts(app, services);
  registerEvents(app, services);
}
