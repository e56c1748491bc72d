import { z } from 'zod';

const platformError = z.object({
  code: z.literal('slack_webapi_platform_error'),
  data: z.object({ error: z.string() }).loose(),
});

/** The `error` string of a Slack Web API failure (`not_in_channel`…), if it was one. */
export function slackErrorCode(error: unknown): string | undefined {
  const parsed = platformError.safeParse(error);
  return parsed.success ? parsed.data.data.error : undefined;
}

/** Errors that mean "the bot may not post here", answered with an ephemeral fallback. */
export const CANNOT_POST_HERE = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'restricted_action',
  'cannot_dm_bot',
]);

export function cannotPostHere(error: unknown): boolean {
  const code = slackErrorCode(error);
  return code !== undefined && CANNOT_POST_HERE.has(code);
}

/** Slack rejected the message itself: posting it again would fail the same way. */
export function slackRefusedMessage(error: unknown): boolean {
  const code = slackErrorCode(error);
  return code === 'invalid_blocks' || code === 'msg_too_long' || code === 'invalid_arguments';
}

/**
 * chat.update can't change this message any more (deleted, not the bot's, too old): the update
 * is posted as a new message instead, so it is never lost.
 */
export const CANNOT_UPDATE = new Set([
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
]);

export function cannotUpdate(error: unknown): boolean {
  const code = slackErrorCode(error);
  return code !== undefined && CANNOT_UPDATE.has(code);
}
