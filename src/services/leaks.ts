import { randomBytes } from 'node:crypto';
import type { Logger } from '../logger';
import { NOTION_TOKEN_PATTERN, tokenFingerprint, tokenHash } from '../security/tokens';
import { buildCompromisedNoticeBlocks, buildLeakWarningBlocks } from '../slack/blocks/leak';
import type { Messenger } from '../slack/messenger';
import type { Store } from '../store/store';
import type { WalkthroughService } from './walkthroughs';

export interface PostedMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  user?: string;
  text: string;
}

/** Notion tokens in a message, found by their exact shape. */
export function findNotionTokens(text: string): string[] {
  return [...new Set(text.match(NOTION_TOKEN_PATTERN) ?? [])];
}

/**
 * Pasted tokens: a warning in the message's thread, and, when the token is one we hold (matched
 * by hash, never by the token itself), the connection marked compromised and its channels told.
 */
export class LeakService {
  constructor(
    private readonly deps: {
      store: Store;
      walkthroughs: WalkthroughService;
      logger: Logger;
      alertChannel?: string;
      now?: () => number;
    },
  ) {}

  async handleMessage(message: PostedMessage, messenger: Messenger): Promise<number> {
    const tokens = findNotionTokens(message.text);
    let warned = 0;
    for (const token of tokens) {
      const hash = tokenHash(token);
      const fingerprint = tokenFingerprint(token);
      const ours = this.deps.store.connectionsByTokenHash([hash])[0];
      const id = `l${randomBytes(8).toString('hex')}`;
      const fresh = this.deps.store.recordLeak({
        id,
        channelId: message.channel,
        messageTs: message.ts,
        tokenHash: hash,
        fingerprint,
        connection: ours?.name ?? null,
        reportedBy: message.user ?? null,
        createdAt: this.deps.now?.() ?? Date.now(),
      });
      if (!fresh) continue; // the same message delivered again
      this.deps.logger.warn(
        { channel: message.channel, fingerprint, connection: ours?.name },
        'a Notion token was posted in Slack',
      );
      await messenger.post(
        message.channel,
        {
          text: 'This message contains a Notion token: regenerate it now.',
          blocks: buildLeakWarningBlocks(id, fingerprint, ours?.name ?? null),
        },
        message.threadTs ?? message.ts,
      );
      warned++;
      if (ours) await this.compromised(id, ours.name, fingerprint, message.channel, messenger);
    }
    return warned;
  }

  private async compromised(
    leakId: string,
    connection: string,
    fingerprint: string,
    channelId: string,
    messenger: Messenger,
  ): Promise<void> {
    this.deps.store.markCompromised(connection, this.deps.now?.() ?? Date.now());
    const watching = this.deps.store.monitor
      .watchesForConnection(connection)
      .map((watch) => watch.channelId);
    const channels = new Set(this.deps.alertChannel ? [this.deps.alertChannel] : watching);
    channels.delete(channelId); // that channel already has the warning in the thread
    for (const channel of channels) {
      await messenger
        .post(channel, {
          text: `Connection ${connection} is compromised: regenerate its token now.`,
          blocks: buildCompromisedNoticeBlocks(leakId, connection, fingerprint, channelId),
        })
        .catch((error) =>
          this.deps.logger.error({ err: error, channel }, 'could not post the compromise alert'),
        );
    }
  }

  /** Start fix: a token-rotation walkthrough in the thread of the button's message. */
  async startFix(
    leakId: string,
    where: { channel: string; ts: string; userId: string },
    messenger: Messenger,
  ): Promise<string | undefined> {
    const leak = this.deps.store.getLeak(leakId);
    if (!leak) return 'I no longer know this warning.';
    if (this.deps.walkthroughs.findByParent(where.channel, where.ts)) {
      return 'A fix walkthrough is already running in this thread.';
    }
    await this.deps.walkthroughs.startForLeak(
      {
        connection: leak.connection ?? 'default',
        fingerprint: leak.fingerprint,
        tokenHash: leak.tokenHash,
      },
      where,
      messenger,
    );
    return undefined;
  }
}
