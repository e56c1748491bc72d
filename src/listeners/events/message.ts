import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { Services } from '../../services';
import type { PostedMessage } from '../../services/leaks';
import { SlackMessenger } from '../../slack/messenger';

const plainMessage = z.object({
  type: z.literal('message'),
  subtype: z.enum(['thread_broadcast', 'file_share']).optional(),
  channel: z.string(),
  ts: z.string(),
  thread_ts: z.string().optional(),
  user: z.string().optional(),
  text: z.string().default(''),
});

const editedMessage = z.object({
  type: z.literal('message'),
  subtype: z.literal('message_changed'),
  channel: z.string(),
  message: z.object({
    ts: z.string(),
    thread_ts: z.string().optional(),
    user: z.string().optional(),
    text: z.string().default(''),
    bot_id: z.string().optional(),
  }),
});

/** The message a person wrote (or edited into) a conversation; bots and deletions are ignored. */
export function toPostedMessage(event: unknown): PostedMessage | undefined {
  const plain = plainMessage.safeParse(event);
  if (plain.success) {
    const { channel, ts, thread_ts: threadTs, user, text } = plain.data;
    return { channel, ts, threadTs, user, text };
  }
  const edited = editedMessage.safeParse(event);
  if (edited.success && !edited.data.message.bot_id) {
    const { ts, thread_ts: threadTs, user, text } = edited.data.message;
    return { channel: edited.data.channel, ts, threadTs, user, text };
  }
  return undefined;
}

/** Leaked-token detection on every message the bot can see. */
export function messageEvent(services: Services) {
  return async ({ event, client }: SlackEventMiddlewareArgs<'message'> & AllMiddlewareArgs) => {
    const message = toPostedMessage(event);
    if (!message) return;
    await services.inflight.run(async () => {
      try {
        await services.leaks.handleMessage(message, new SlackMessenger(client));
      } catch (error) {
        services.logger.error({ err: error, channel: message.channel }, 'leak check failed');
      }
    });
  };
}
