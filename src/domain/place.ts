/**
 * Where a click happened: the conversation and the message its button sits on, as Slack's
 * block_actions payload says (`channel.id` / `container.channel_id`, `message.ts` /
 * `container.message_ts`). A walkthrough's or an alert's buttons act only on the message they
 * were posted on: a button value carried to another channel or message (a captured or crafted
 * request) changes nothing.
 */
export interface Place {
  channel?: string;
  messageTs?: string;
}

/** The message something lives on in Slack; `ts` is unknown until it was posted. */
export interface PostedMessage {
  channel?: string;
  ts?: string;
}

/** True only when the click is on that very message: same channel and same ts, both known. */
export function isOnMessage(where: Place, message: PostedMessage): boolean {
  return (
    message.channel !== undefined &&
    message.ts !== undefined &&
    where.channel === message.channel &&
    where.messageTs === message.ts
  );
}
