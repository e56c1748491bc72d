import type { App, BlockAction } from '@slack/bolt';
import type { Services } from '../../services';
import { ALERT_ACTIONS } from '../../slack/blocks/alert';
import { LEAK_ACTIONS } from '../../slack/blocks/leak';
import { WALKTHROUGH_ACTIONS } from '../../slack/blocks/walkthrough';

const KNOWN = [
  ...Object.values(WALKTHROUGH_ACTIONS),
  ...Object.values(ALERT_ACTIONS),
  ...Object.values(LEAK_ACTIONS),
];

/**
 * A button we no longer know (an old message from an earlier version): acked, and the
 * clicker told, instead of Slack showing an error after 3 s.
 */
export function registerUnknownActions(app: App, services: Services): void {
  const unknown = new RegExp(`^(?!(?:${KNOWN.join('|')})$)`);
  app.action<BlockAction>(unknown, async ({ ack, respond, action }) => {
    await ack();
    services.logger.info({ action: action.action_id }, 'click on an unknown button');
    await respond({
      response_type: 'ephemeral',
      replace_original: false,
      text: 'This button is not valid any more. Run `/notion-check` again.',
    }).catch(() => undefined);
  });
}
