import type { App } from '@slack/bolt';
import { perWorkspace } from '../shared/workspace';
import { notionCheckCommand } from './notion-check';

/** Every slash command, one line each. */
export function registerCommands(app: App): void {
  app.command('/notion-check', perWorkspace(notionCheckCommand));
}
