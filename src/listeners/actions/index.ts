/** Every button, one line each: its action_id (slack/actions.ts) and its handler. */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Services } from '../../services';
import { ACTIONS } from '../../slack/blocks/actions';
import * as alert from './alert';
import { onButton } from './button';
import * as connection from './connection';
import { addConnectionButton } from './home';
import * as leak from './leak';
import { UNKNOWN_ACTION, unknownButton } from './unknown';
import * as walkthrough from './walkthrough';

type Click = BlockAction<ButtonAction>;

export function registerActions(app: App, s: Services): void {
  app.action<Click>(ACTIONS.walkthroughDone, onButton(s, walkthrough.done));
  app.action<Click>(ACTIONS.walkthroughSkip, onButton(s, walkthrough.skip));
  app.action<Click>(ACTIONS.walkthroughTest, onButton(s, walkthrough.test));
  app.action<Click>(ACTIONS.walkthroughUpdateToken, onButton(s, walkthrough.updateToken));
  app.action<Click>(ACTIONS.walkthroughEscalate, onButton(s, walkthrough.escalate));
  app.action<Click>(ACTIONS.alertStartFix, onButton(s, alert.startFix));
  app.action<Click>(ACTIONS.alertAcknowledge, onButton(s, alert.acknowledge));
  app.action<Click>(ACTIONS.alertSnooze, onButton(s, alert.snooze));
  app.action<Click>(ACTIONS.leakStartFix, onButton(s, leak.startFix));
  app.action<Click>(ACTIONS.connectionRemove, onButton(s, connection.remove));
  app.action<Click>(ACTIONS.homeAddConnection, addConnectionButton(s));
  app.action<BlockAction>(UNKNOWN_ACTION, unknownButton(s));
}
