import type { App } from '@slack/bolt';
import type { Services } from '../../services';
import { appHomeOpened } from './home';
import { messageEvent } from './message';

/** Every Events API event, one line each. */
export function registerEvents(app: App, services: Services): void {
  app.event('message', messageEvent(services));
  app.event('app_home_opened', appHomeOpened(services));
}
