import type { App } from '@slack/bolt';
import type { Services } from '../services';
import { registerActions } from './actions';
import { registerCommands } from './commands';
import { registerEvents } from './events';
import { dropRetriedEvents } from './events/dedupe';
import { registerViews } from './views';

/** Slack surfaces, one folder each; retried event deliveries are dropped before any of them. */
export function registerListeners(app: App, services: Services): void {
  app.use(dropRetriedEvents(services));
  registerCommands(app, services);
  registerActions(app, services);
  registerViews(app, services);
  registerEvents(app, services);
}
