import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Services } from '../../services';
import type { SlackDirectory } from '../../services/home';
import { buildHomeView } from '../../slack/blocks/home';
import { slackErrorCode } from '../../slack/errors';
import { lookupUser } from './users';

/**
 * Publishes one user's Home tab (on app_home_opened, and after a token saved from it), asking
 * Slack through the request's client who may see which channel.
 */
const MAX_PAGES = 10;

const conversationsPage = z.object({
  channels: z.array(z.object({ id: z.string() }).loose()).catch([]),
  response_metadata: z.object({ next_cursor: z.string().optional() }).loose().optional(),
});

const conversation = z.object({
  channel: z
    .object({
      is_private: z.boolean().optional(),
      is_im: z.boolean().optional(),
      is_mpim: z.boolean().optional(),
    })
    .loose(),
});

const permalink = z.object({ permalink: z.url() });

/**
 * SlackDirectory through the viewer's workspace client: users.conversations (the private
 * channels they are in: groups:read), conversations.info (public or not: channels:read, and
 * groups:read for private ones), chat.getPermalink.
 */
export function slackDirectory(client: WebClient): SlackDirectory {
  return {
    async privateChannelsOf(userId) {
      const ids: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const answer = conversationsPage.parse(
          await client.users.conversations({
            user: userId,
            types: 'private_channel',
            limit: 200,
            ...(cursor ? { cursor } : {}),
          }),
        );
        ids.push(...answer.channels.map((channel) => channel.id));
        cursor = answer.response_metadata?.next_cursor || undefined;
        if (!cursor) break;
      }
      return ids;
    },
    async channelKind(channelId) {
      // A direct message is private, and asking about it would need im:read.
      if (channelId.startsWith('D')) return 'private';
      try {
        const { channel } = conversation.parse(
          await client.conversations.info({ channel: channelId }),
        );
        // Only a channel Slack calls public is; DMs, group DMs and anything unsaid are not.
        return channel.is_private === false && !channel.is_im && !channel.is_mpim
          ? 'public'
          : 'private';
      } catch (error) {
        // The bot can't see it: a private channel it is not in.
        if (slackErrorCode(error) === 'channel_not_found') return 'private';
        throw error;
      }
    },
    async permalink(channelId, ts) {
      const answer = await client.chat.getPermalink({ channel: channelId, message_ts: ts });
      return permalink.parse(answer).permalink;
    },
  };
}

/** Builds the viewer's Home and publishes it (views.publish). */
export async function publishHome(
  services: Services,
  client: WebClient,
  userId: string,
): Promise<void> {
  const admin = await services.admins.isAdmin(userId, lookupUser(client));
  const home = await services.home.homeFor(userId, admin, slackDirectory(client));
  await client.views.publish({ user_id: userId, view: buildHomeView(home) });
}
