import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { Services } from '../../services';
import type { PostedMessage } from '../../services/leaks';
import { SlackMessenger } from '../../slack/messenger';
import { isDatabaseUnavailable } from '../../store/sql';

/** Our own bot, as Bolt's context knows it: its messages are never scanned. */
export interface BotIdentity {
  botId?: string;
  botUserId?: string;
}

/**
 * The messages someone (a person or another app) wrote: plain ones, `/me`, replies also sent to
 * the channel, file shares, other bots' posts. `message_changed` carries one of these as its new
 * message. Joins, deletions, `message_replied` and the like carry nothing new to read.
 */
const SCANNED_SUBTYPES: ReadonlySet<string | undefined> = new Set([
  undefined,
  'me_message',
  'thread_broadcast',
  'file_share',
  'bot_message',
]);

/** A string, or nothing: a field of another type is ignored, never an error. */
const text = z.string().optional().catch(undefined);

/** A list whose unreadable items are dropped one by one, never the whole message. */
function listOf<S extends z.ZodType>(item: S) {
  return z
    .array(z.unknown())
    .optional()
    .catch(undefined)
    .transform((items): z.output<S>[] =>
      (items ?? []).flatMap((value) => {
        const parsed = item.safeParse(value);
        return parsed.success ? [parsed.data] : [];
      }),
    );
}

const attachment = z.object({
  text,
  fallback: text,
  pretext: text,
  title: text,
  footer: text,
  fields: listOf(z.object({ value: text })),
});

const file = z.object({ title: text, name: text });

/** A message as Slack sends it (unknown fields allowed and dropped). */
const messageBody = z.object({
  subtype: text,
  ts: z.string(),
  thread_ts: text,
  user: text,
  bot_id: text,
  text,
  attachments: listOf(attachment),
  files: listOf(file),
  blocks: z.array(z.unknown()).optional().catch(undefined),
});
type MessageBody = z.output<typeof messageBody>;

const messageEnvelope = z.object({
  type: z.literal('message'),
  subtype: text,
  channel: z.string(),
  message: z.unknown().optional(),
});

/** A block or one of its elements: its text (a string, or a text object), link and children. */
const blockNode = z.object({
  text: z.unknown().optional(),
  url: text,
  elements: z.array(z.unknown()).optional().catch(undefined),
});

/** rich_text nests sections in lists in quotes…: deep enough for Slack, bounded for the rest. */
const MAX_BLOCK_DEPTH = 8;

/** Every `text` (and link `url`) in blocks: rich_text elements at any depth, section text. */
export function blockTexts(value: unknown, depth = 0): string[] {
  if (depth > MAX_BLOCK_DEPTH) return [];
  const node = blockNode.safeParse(value);
  if (!node.success) return [];
  const { text: own, url, elements = [] } = node.data;
  return [
    ...(typeof own === 'string' ? [own] : blockTexts(own, depth + 1)),
    ...(url ? [url] : []),
    ...elements.flatMap((element) => blockTexts(element, depth + 1)),
  ];
}

/** Every place text hides in a message: body, attachments, file names, blocks. */
export function messageTexts(body: MessageBody): string[] {
  const texts = [
    body.text,
    ...body.attachments.flatMap((a) => [
      a.text,
      a.fallback,
      a.pretext,
      a.title,
      a.footer,
      ...a.fields.map((field) => field.value),
    ]),
    ...body.files.flatMap((f) => [f.title, f.name]),
    ...(body.blocks ?? []).flatMap((block) => blockTexts(block)),
  ];
  return texts.filter((value): value is string => Boolean(value));
}

function fromUs(body: MessageBody, self: BotIdentity): boolean {
  return (
    (self.botId !== undefined && body.bot_id === self.botId) ||
    (self.botUserId !== undefined && body.user === self.botUserId)
  );
}

/**
 * The message someone wrote (or edited into) a conversation, with every text in it; our own
 * bot's messages, deletions, joins and anything unreadable are skipped (undefined).
 */
export function toPostedMessage(event: unknown, self: BotIdentity): PostedMessage | undefined {
  const envelope = messageEnvelope.safeParse(event);
  if (!envelope.success) return undefined;
  const edited = envelope.data.subtype === 'message_changed';
  if (!edited && !SCANNED_SUBTYPES.has(envelope.data.subtype)) return undefined;
  const body = messageBody.safeParse(edited ? envelope.data.message : event);
  if (!body.success) return undefined;
  if (!SCANNED_SUBTYPES.has(body.data.subtype) || fromUs(body.data, self)) return undefined;
  return {
    channel: envelope.data.channel,
    ts: body.data.ts,
    threadTs: body.data.thread_ts,
    user: body.data.user,
    text: messageTexts(body.data).join('\n'),
  };
}

/** Leaked-token detection on every message the bot can see. */
export function messageEvent(services: Services) {
  return async ({
    event,
    client,
    context,
  }: SlackEventMiddlewareArgs<'message'> & AllMiddlewareArgs) => {
    const message = toPostedMessage(event, {
      botId: context.botId,
      botUserId: context.botUserId,
    });
    if (!message) return;
    await services.inflight.run(async () => {
      try {
        await services.leaks.handleMessage(message, new SlackMessenger(client));
      } catch (error) {
        // The database is down: held and handled again once it is back (databaseDown.ts).
        if (isDatabaseUnavailable(error)) throw error;
        services.logger.error({ err: error, channel: message.channel }, 'leak check failed');
      }
    });
  };
}
