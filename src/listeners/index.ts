import type { App } from '@slack/bolt';
import type { Services } from '../services';
import { registerAlertActions } from './actions/alert';
import { registerLeakAction } from './actions/leak';
import { registerStepActions } from './actions/step';
import { registerTestAction } from './actions/test';
import { registerTokenAction } from './actions/token';
import { registerUnknownActions } from './actions/unknown';
import { registerNotionCheckCommand } from './commands/notion-check';
import { registerEventDedupe } from './dedupe';
import { registerMessageEvents } from './events/message';
import { registerTokenView } from './views/token';

export function registerListeners(app: App, services: Services): void {
  registerEventDedupe(app, services);
  registerNotionCheckCommand(app, services);
  registerStepActions(app, services);
  registerTestAction(app, services);
  registerTokenAction(app, services);
  registerTokenView(app, services);
  registerAlertActions(app, services);
  registerLeakAction(app, services);
  registerUnknownActions(app, services);
  registerMessageEvents(app, services);
}
