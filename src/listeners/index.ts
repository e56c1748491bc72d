import type { App } from '@slack/bolt';
import type { Services } from '../services';
import { registerAlertActions } from './actions/alert';
import { registerStepActions } from './actions/step';
import { registerTestAction } from './actions/test';
import { registerTokenAction } from './actions/token';
import { registerNotionCheckCommand } from './commands/notion-check';
import { registerTokenView } from './views/token';

export function registerListeners(app: App, services: Services): void {
  registerNotionCheckCommand(app, services);
  registerStepActions(app, services);
  registerTestAction(app, services);
  registerTokenAction(app, services);
  registerTokenView(app, services);
  registerAlertActions(app, services);
}
