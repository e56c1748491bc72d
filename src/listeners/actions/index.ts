/** Every button, one line each: its action_id (slack/actions.ts) and its handler. */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { ACTIONS } from '../../slack/blocks/actions';
import { perWorkspace } from '../shared/workspace';
import * as alert from './alert';
import { onButton } from './button';
import * as connection from './connection';
import { addConnectionButton } from './home';
import * as leak from './leak';
import { UNKNOWN_ACTION, unknownButton } from './unknown';
import * as walkthrough from './walkthrough';

type Click = BlockAction<ButtonAction>;

export function registerActions(app: App): void {
  app.action<Click>(ACTIONS.walkthroughDone, onButton(walkthrough.done));
  app.action<Click>(ACTIONS.walkthroughSkip, onButton(walkthrough.skip));
  app.action<Click>(ACTIONS.walkthroughTest, onButton(walkthrough.test));
  app.action<Click>(ACTIONS.walkthroughUpdateToken, onButton(walkthrough.updateToken));
  app.action<Click>(ACTIONS.walkthroughEscalate, onButton(walkthrough.escalate));
  app.action<Click>(ACTIONS.alertStartFix, onButton(alert.startFix));
  app.action<Click>(ACTIONS.alertAcknowledge, onButton(alert.acknowledge));
  app.action<Click>(ACTIONS.alertSnooze, onButton(alert.snooze));
  app.action<Click>(ACTIONS.leakStartFix, onButton(leak.startFix));
  app.action<Click>(ACTIONS.connectionRemove, onButton(connection.remove));
  app.action<Click>(ACTIONS.homeAddConnection, perWorkspace(addConnectionButton));
  app.action<BlockAction>(UNKNOWN_ACTION, perWorkspace(unknownButton));
}
