import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import { z } from 'zod';
import { STEPS, type StepId } from '../../playbook/steps';
import type { Services } from '../../services';
import type { ClickOutcome } from '../../services/walkthroughs';
import { SlackMessenger } from '../../slack/messenger';

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

const walkthroughId = z.string().regex(/^w[0-9a-f]{16}$/);
const stepId = z.enum(Object.keys(STEPS) as [StepId, ...StepId[]]);

/** Button values carry opaque ids only; anything else is refused before it reaches a service. */
export const buttonValues = {
  walkthrough: walkthroughId,
  step: z
    .string()
    .transform((value) => value.split(':'))
    .pipe(z.tuple([walkthroughId, stepId]))
    .transform(([id, step]) => ({ id, step })),
};

/** One delivery of one click: Slack re-sends the same action_ts when it retries. */
export function actionKey(args: ButtonArgs): string {
  return `${args.body.user.id}:${args.action.action_id}:${args.action.action_ts}`;
}

export async function whisper(args: ButtonArgs, text: string): Promise<void> {
  await args.respond({ response_type: 'ephemeral', replace_original: false, text });
}

export function describeOutcome(outcome: ClickOutcome): string | undefined {
  switch (outcome.kind) {
    case 'missing':
      return 'I no longer know this walkthrough. Run `/notion-check` again to start a new one.';
    case 'refused':
      return outcome.message;
    default:
      return undefined;
  }
}

/**
 * Acks at once, then runs the work tracked for graceful stop; a failure is logged and told to
 * the clicker, never thrown back into Bolt.
 */
export function onButton(
  services: Services,
  work: (args: ButtonArgs, messenger: SlackMessenger) => Promise<string | undefined>,
) {
  return async (args: ButtonArgs) => {
    await args.ack();
    await services.inflight.run(async () => {
      try {
        const reply = await work(args, new SlackMessenger(args.client));
        if (reply) await whisper(args, reply);
      } catch (error) {
        services.logger.error({ err: error, action: args.action.action_id }, 'button failed');
        await whisper(
          args,
          ':warning: Something went wrong on our side; nothing was lost. Please try again.',
        ).catch(() => undefined);
      }
    });
  };
}

/** A walkthrough button whose value is just the walkthrough id (Test connection, Escalate). */
export function onWalkthroughButton(
  services: Services,
  press: (
    id: string,
    userId: string,
    key: string,
    messenger: SlackMessenger,
  ) => Promise<ClickOutcome>,
) {
  return onButton(services, async (args, messenger) => {
    const id = buttonValues.walkthrough.safeParse(args.action.value);
    if (!id.success) return 'This button is not valid any more. Run `/notion-check` again.';
    return describeOutcome(await press(id.data, args.body.user.id, actionKey(args), messenger));
  });
}
