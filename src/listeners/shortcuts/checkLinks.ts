import { extractNotionId } from '@notionhq/client';
import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { MAX_TARGETS } from '../../domain/check';
import { notionLinksIn } from '../../domain/links';
import type { Services } from '../../services';
import { ephemeral } from '../../slack/blocks/ephemeral';
import { refusalText } from '../../slack/blocks/refusals';
import { REPLIES } from '../../slack/blocks/replies';
import { linksProgress, noNotionLinks, SHORTCUT_ALREADY_ON_IT } from '../../slack/blocks/shortcut';
import { isDatabaseUnavailable } from '../../store/sql';
import { checkAndReport } from '../shared/report';

export type MessageShortcutArgs = SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs;

/**
 * The fields of Slack's `message_action` payload this shortcut relies on; `message` is the
 * message it was used on, as Slack echoes it (text, blocks, attachments, thread_ts if a reply).
 */
const shortcutPayload = z
  .object({
    action_ts: z.string().min(1),
    user: z.object({ id: z.string().min(1) }).loose(),
    channel: z.object({ id: z.string().min(1) }).loose(),
    message: z.object({ ts: z.string().min(1), thread_ts: z.string().optional() }).loose(),
    response_url: z.url(),
  })
  .loose();

type ShortcutPayload = z.infer<typeof shortcutPayload>;

/** Same person and message within this long: a double use, answered once (as the command). */
const DOUBLE_USE_MS = 5_000;

/**
 * `retry`: this very delivery was seen (Slack re-sends the same action_ts); ignored silently,
 * the first one answers. `again`: the same person used it on the same message a moment ago.
 */
async function repeated(
  shortcut: ShortcutPayload,
  services: Services,
): Promise<'retry' | 'again' | undefined> {
  const { user, channel, message } = shortcut;
  const now = Date.now();
  try {
    const { dedupe } = services.store;
    if (!(await dedupe.claim(`shortcut:${user.id}:${shortcut.action_ts}`, now))) return 'retry';
    const key = `shortcut:${user.id}:${channel.id}:${message.ts}`;
    return (await dedupe.claimOnceWithin(key, DOUBLE_USE_MS, now)) ? undefined : 'again';
  } catch (error) {
    // Without the store we can't tell; answering twice beats not answering.
    services.logger.warn({ err: error }, 'shortcut double-use check unavailable');
    return undefined;
  }
}

async function checkLinks(
  shortcut: ShortcutPayload,
  args: MessageShortcutArgs,
  services: Services,
): Promise<void> {
  const { respond, client } = args;
  const say = async (message: Parameters<typeof respond>[0]) => {
    await respond(message);
  };
  const repeat = await repeated(shortcut, services);
  if (repeat === 'retry') {
    services.logger.debug({ actionTs: shortcut.action_ts }, 'duplicate shortcut delivery ignored');
    return;
  }
  if (repeat === 'again') {
    await say(ephemeral(SHORTCUT_ALREADY_ON_IT));
    return;
  }
  const { user, channel, message } = shortcut;
  const linked = notionLinksIn(message, extractNotionId);
  if (linked.length === 0) {
    await say(noNotionLinks());
    return;
  }
  const chosen = await services.directory.choose(channel.id);
  if (!chosen.ok) {
    await say(ephemeral(refusalText(chosen) ?? REPLIES.commandFailed));
    return;
  }
  const targets = linked.slice(0, MAX_TARGETS);
  await checkAndReport(
    services,
    { connection: chosen.name, targets, progress: linksProgress(targets.length, linked.length) },
    {
      client,
      channel: channel.id,
      // A reply's thread is its parent's: Slack wants the parent's ts as thread_ts.
      threadTs: message.thread_ts ?? message.ts,
      userId: user.id,
      respond,
    },
    say,
  );
}

/**
 * `Check Notion links` on a message: acked at once (Slack gives up after 3 s), then every
 * Notion link in it is checked with the channel's connection and the report posted in the
 * message's thread — or, where the bot may not post, sent to the user alone through the
 * shortcut's response_url (it reaches them in DMs and channels the bot is not in).
 */
export function checkLinksShortcut(services: Services) {
  return async (args: MessageShortcutArgs): Promise<void> => {
    await args.ack();
    const payload = shortcutPayload.safeParse(args.body);
    if (!payload.success) {
      services.logger.warn({ issues: payload.error.issues.length }, 'malformed message shortcut');
      return;
    }
    await services.inflight.run(async () => {
      try {
        await checkLinks(payload.data, args, services);
      } catch (error) {
        // The database is down: databaseDown.ts says "try again in a minute" instead.
        if (isDatabaseUnavailable(error)) throw error;
        services.logger.error({ err: error, shortcut: 'check_notion_links' }, 'shortcut failed');
        await args
          .respond(ephemeral(REPLIES.commandFailed))
          .catch((answerError) =>
            services.logger.error({ err: answerError }, 'could not tell the user about a failure'),
          );
      }
    });
  };
}
