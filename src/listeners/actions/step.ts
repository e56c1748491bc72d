import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Services } from '../../services';
import { WALKTHROUGH_ACTIONS } from '../../slack/blocks/walkthrough';
import { actionKey, buttonValues, describeOutcome, onButton, onWalkthroughButton } from './shared';

const INVALID = 'This button is not valid any more. Run `/notion-check` again.';

/** Done, Skip and Escalate on a walkthrough message. */
export function registerStepActions(app: App, services: Services): void {
  for (const type of ['done', 'skip'] as const) {
    app.action<BlockAction<ButtonAction>>(
      WALKTHROUGH_ACTIONS[type],
      onButton(services, async (args, messenger) => {
        const value = buttonValues.step.safeParse(args.action.value);
        if (!value.success) return INVALID;
        const outcome = await services.walkthroughs.step(
          value.data.id,
          type,
          value.data.step,
          args.body.user.id,
          actionKey(args),
          messenger,
        );
        return describeOutcome(outcome);
      }),
    );
  }

  app.action<BlockAction<ButtonAction>>(
    WALKTHROUGH_ACTIONS.escalate,
    onWalkthroughButton(services, (id, userId, key, messenger) =>
      services.walkthroughs.escalate(id, userId, key, messenger),
    ),
  );
}
