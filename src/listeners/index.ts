import type { App } from '@slack/bolt';
import type { Services } from '../services';
import { registerNotionCheckCommand } from './commands/notion-check';

export function registerListeners(app: App, services: Services): void {
  registerNotionCheckCommand(app, services);
}
