import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import type { Outcome } from '../../domain/outcome';
import type { Services } from '../../services';
import { refusalText } from '../../slack/blocks/refusals';
import { REPLIES } from '../../slack/blocks/replies';
import { SlackMessenger } from '../../slack/messenger';

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** What a button does, given its click and a messenger for the clicker's workspace. */
export type ButtonHandler = (
  args: ButtonArgs,
  context: { services: Services; messenger: SlackMessenger },
) => Promise<string | undefined>;

/** One delivery of one click: Slack re-sends the same action_ts when it retries. */
export function actionKey(args: ButtonArgs): string {
  return `${args.body.user.id}:${args.action.action_id}:${args.action.action_ts}`;
}

/** The words for an outcome: nothing on success (unless given), the refusal otherwise. */
export function reply(outcome: Outcome, success?: string): string | undefined {
  return outcome.ok ? success : refusalText(outcome);
}

async function whisper(args: ButtonArgs, text: string): Promise<void> {
  await args.respond({ response_type: 'ephemeral', replace_original: false, text });
}

/**
 * Acks at once, then runs the handler tracked for graceful stop; its answer (if any) goes to
 * the clicker alone. A failure is logged and told to the clicker, never thrown back into Bolt.
 */
export function onButton(services: Services, handler: ButtonHandler) {
  return async (args: ButtonArgs) => {
    await args.ack();
    await services.inflight.run(async () => {
      try {
        const messenger = new SlackMessenger(args.client);
        const answer = await handler(args, { services, messenger });
        if (answer) await whisper(args, answer);
      } catch (error) {
        services.logger.error({ err: error, action: args.action.action_id }, 'button failed');
        await whisper(args, REPLIES.buttonFailed).catch(() => undefined);
      }
    });
  };
}
