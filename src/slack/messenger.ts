import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';

export interface Message {
  text: string;
  blocks: KnownBlock[];
}

/**
 * How services speak in Slack without knowing the Web API: post, update, whisper. Listeners
 * build one around their per-request `client`; background work around `app.client`.
 */
export interface Messenger {
  /** Returns the new message's ts. */
  post(channel: string, message: Message, threadTs?: string): Promise<string>;
  update(channel: string, ts: string, message: Message): Promise<void>;
  ephemeral(channel: string, user: string, message: Message, threadTs?: string): Promise<void>;
}

export class SlackMessenger implements Messenger {
  constructor(private readonly client: WebClient) {}

  async post(channel: string, message: Message, threadTs?: string): Promise<string> {
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

  async update(channel: string, ts: string, message: Message): Promise<void> {
    await this.client.chat.update({ channel, ts, text: message.text, blocks: message.blocks });
  }

  async ephemeral(
    channel: string,
    user: string,
    message: Message,
    threadTs?: string,
  ): Promise<void> {
    await this.client.chat.postEphemeral({
      channel,
      user,
      text: message.text,
      blocks: message.blocks,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    });
  }
}
