/** The button under a leaked-token warning: Start fix (a token-rotation walkthrough there). */
import { z } from 'zod';
import { buttonValue } from '../../slack/blocks/actions';
import { REPLIES } from '../../slack/blocks/replies';
import { type ButtonHandler, reply } from './button';

export const startFix: ButtonHandler = async (args, { services, messenger }) => {
  const id = buttonValue.leak.safeParse(args.action.value);
  const channel = args.body.channel?.id ?? args.body.container?.channel_id;
  const message = args.body.message;
  if (!id.success || !channel || !message) return REPLIES.buttonInvalid(false);
  const threadTs = z.string().catch(message.ts).parse(message.thread_ts);
  const anchor = { channel, ts: threadTs, userId: args.body.user.id };
  return reply(await services.leaks.startFix(id.data, anchor, messenger));
};
