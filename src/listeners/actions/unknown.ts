import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Services } from '../../services';
import { KNOWN_ACTION_IDS } from '../../slack/blocks/actions';
import { REPLIES } from '../../slack/blocks/replies';

/** Every action_id we do not handle (an old message from an earlier version). */
export const UNKNOWN_ACTION = new RegExp(`^(?!(?:${KNOWN_ACTION_IDS.join('|')})$)`);

/** Acked, and the clicker told, instead of Slack showing an error after 3 s. */
export function unknownButton(services: Services) {
  return async ({
    ack,
    respond,
    action,
  }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    services.logger.info({ action: action.action_id }, 'click on an unknown button');
    await respond({
      response_type: 'ephemeral',
      replace_original: false,
      text: REPLIES.buttonInvalid(true),
    }).catch(() => undefined);
  };
}
