import type { App } from '@slack/bolt';
import { perWorkspace } from '../shared/workspace';
import { appHomeOpened } from './home';
import { messageEvent } from './message';
import { tokensRevoked, uninstalled } from './uninstalled';

/** Every Events API event, one line each. */
export function registerEvents(app: App): void {
  app.event('message', perWorkspace(messageEvent));
  app.event('app_home_opened', perWorkspace(appHomeOpened));
  app.event('app_uninstalled', perWorkspace(uninstalled));
  app.event('tokens_revoked', perWorkspace(tokensRevoked));
}
