import type { App } from '@slack/bolt';
import type { Services } from '../../services';
import { notionCheckCommand } from './notion-check';

/** Every slash command, one line each. */
export function registerCommands(app: App, services: Services): void {
  app.command('/notion-check', notionCheckCommand(services));
}
