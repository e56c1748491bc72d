import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Services } from '../../services';
import { WALKTHROUGH_ACTIONS } from '../../slack/blocks/walkthrough';
import { actionKey, buttonValues, describeOutcome, onButton } from './shared';

/** Test connection: re-runs exactly the checks that failed. */
export function registerTestAction(app: App, services: Services): void {
  app.action<BlockAction<ButtonAction>>(
    WALKTHROUGH_ACTIONS.test,
    onButton(services, async (args, messenger) => {
      const id = buttonValues.walkthrough.safeParse(args.action.value);
      if (!id.success) return 'This button is not valid any more. Run `/notion-check` again.';
      const outcome = await services.walkthroughs.retest(
        id.data,
        args.body.user.id,
        actionKey(args),
        messenger,
      );
      return describeOutcome(outcome);
    }),
  );
}
