import type { WebClient } from '@slack/web-api';
import type { Notice } from '../domain/notice';
import type { Messenger } from '../services/ports';
import { capText } from './blocks/mrkdwn';
import { renderNotice } from './blocks/notice';
import type { Message } from './blocks/types';

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

  async update(channel: string, ts: string, notice: Notice): Promise<void> {
    const message = capText(renderNotice(notice, this.now()));
    await this.client.chat.update({ channel, ts, text: message.text, blocks: message.blocks });
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
