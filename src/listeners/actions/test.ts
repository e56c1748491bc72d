import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Services } from '../../services';
import { WALKTHROUGH_ACTIONS } from '../../slack/blocks/walkthrough';
import { onWalkthroughButton } from './shared';

/** Test connection: re-runs exactly the checks that failed. */
export function registerTestAction(app: App, services: Services): void {
  app.action<BlockAction<ButtonAction>>(
    WALKTHROUGH_ACTIONS.test,
    onWalkthroughButton(services, (id, userId, key, messenger) =>
      services.walkthroughs.retest(id, userId, key, messenger),
    ),
  );
}
