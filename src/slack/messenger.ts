import type { WebClient } from '@slack/web-api';
import type { Notice } from '../domain/notice';
import type { Messenger } from '../services/ports';
import { capText } from './blocks/mrkdwn';
import { renderNotice } from './blocks/notice';
import type { Message } from './blocks/types';
import { cannotUpdate, slackErrorCode } from './errors';

/** A reply's thread parent is gone with no replies left under it. */
const THREAD_GONE = new Set(['thread_not_found', 'message_not_found']);

/**
 * Speaks in Slack through one Web API client: renders each Notice, then posts, updates or
 * whispers it. Listeners build one around their per-request `client`; background work around
 * `app.client`. Every message leaves through capText: its `text` within Slack's limit.
 */
export class SlackMessenger implements Messenger {
  constructor(
    private readonly client: WebClient,
    private readonly now: () => number = Date.now,
  ) {}

  post(channel: string, notice: Notice, threadTs?: string): Promise<string> {
    return this.postMessage(channel, renderNotice(notice, this.now()), threadTs);
  }

  async postMessage(channel: string, built: Message, threadTs?: string): Promise<string> {
    const message = capText(built);
    const result = await this.client.chat.postMessage({
      channel,
      text: message.text,
      blocks: message.blocks,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      unfurl_links: false,
    });
    if (!result.ts) throw new Error('chat.postMessage returned no ts');
    return result.ts;
  }

  async update(channel: string, ts: string, notice: Notice, threadTs?: string): Promise<string> {
    const built = renderNotice(notice, this.now());
    const message = capText(built);
    try {
      await this.client.chat.update({ channel, ts, text: message.text, blocks: message.blocks });
      return ts;
    } catch (error) {
      if (!cannotUpdate(error)) throw error;
    }
    // Deleted or no longer editable: the new state goes in a new message, in the same thread
    // while that thread is there, else in the channel.
    if (threadTs === undefined) return this.postMessage(channel, built);
    try {
      return await this.postMessage(channel, built, threadTs);
    } catch (error) {
      if (!THREAD_GONE.has(slackErrorCode(error) ?? '')) throw error;
      return this.postMessage(channel, built);
    }
  }

  async ephemeral(channel: string, user: string, notice: Notice, threadTs?: string) {
    const message = capText(renderNotice(notice, this.now()));
    await this.client.chat.postEphemeral({
      channel,
      user,
      text: message.text,
      blocks: message.blocks,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    });
  }
}
