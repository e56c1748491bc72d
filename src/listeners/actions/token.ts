import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Services } from '../../services';
import { WALKTHROUGH_ACTIONS } from '../../slack/blocks/walkthrough';
import { openTokenModal } from '../views/token';
import { buttonValues, onButton } from './shared';

/** Update token: opens the token modal for the walkthrough's connection (admins only). */
export function registerTokenAction(app: App, services: Services): void {
  app.action<BlockAction<ButtonAction>>(
    WALKTHROUGH_ACTIONS.updateToken,
    onButton(services, async (args) => {
      const id = buttonValues.walkthrough.safeParse(args.action.value);
      const walkthrough = id.success ? services.walkthroughs.get(id.data) : undefined;
      if (!walkthrough) return 'This button is not valid any more. Run `/notion-check` again.';
      return openTokenModal(services, args.client, {
        userId: args.body.user.id,
        triggerId: args.body.trigger_id,
        target: {
          connection: walkthrough.report.run.connection,
          walkthroughId: walkthrough.id,
          channelId: walkthrough.channelId,
        },
      });
    }),
  );
}
