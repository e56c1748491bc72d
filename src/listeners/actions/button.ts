import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import { z } from 'zod';
import type { Outcome } from '../../domain/outcome';
import type { Place } from '../../domain/place';
import type { Services } from '../../services';
import { refusalText } from '../../slack/blocks/refusals';
import { REPLIES } from '../../slack/blocks/replies';
import { SlackMessenger } from '../../slack/messenger';
import { isDatabaseUnavailable } from '../../store/sql';
import { servicesOf } from '../shared/workspace';

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

const container = z
  .object({ channel_id: z.string().optional(), message_ts: z.string().optional() })
  .catch({});

/** The one value Slack gave in all the places it gives it; undefined if none, or if they differ. */
function agreed(...values: (string | undefined)[]): string | undefined {
  const given = new Set(values.filter((value) => value !== undefined));
  return given.size === 1 ? [...given][0] : undefined;
}

/**
 * Where the click happened, as Slack's block_actions payload says: `channel.id` and
 * `container.channel_id`, `message.ts` and `container.message_ts`. A message only one user sees
 * (ephemeral) comes without `message`; its container still has both. Services decide whether
 * that is where the button's walkthrough or alert lives.
 */
export function clickedAt(args: ButtonArgs): Place {
  const { channel_id, message_ts } = container.parse(args.body.container);
  return {
    channel: agreed(args.body.channel?.id, channel_id),
    messageTs: agreed(args.body.message?.ts, message_ts),
  };
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
export function onButton(handler: ButtonHandler) {
  return async (args: ButtonArgs) => {
    const services = servicesOf(args.context);
    await args.ack();
    await services.inflight.run(async () => {
      try {
        const messenger = new SlackMessenger(args.client);
        const answer = await handler(args, { services, messenger });
        if (answer) await whisper(args, answer);
      } catch (error) {
        // The database is down: databaseDown.ts says "try again in a minute" instead.
        if (isDatabaseUnavailable(error)) throw error;
        services.logger.error({ err: error, action: args.action.action_id }, 'button failed');
        await whisper(args, REPLIES.buttonFailed).catch(() => undefined);
      }
    });
  };
}
