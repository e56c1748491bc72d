import { DEFAULT_CONNECTION } from '../domain/connection';
import { newId } from '../domain/ids';
import { type Outcome, refuse } from '../domain/outcome';
import type { Logger } from '../logger';
import { NOTION_TOKEN_PATTERN, tokenFingerprint, tokenHash } from '../security/tokens';
import type { Store } from '../store/store';
import type { Messenger } from './ports';
import type { ThreadAnchor, WalkthroughService } from './walkthroughs';

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

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** Warns under the message for each token in it; returns how many warnings were posted. */
  async handleMessage(message: PostedMessage, messenger: Messenger): Promise<number> {
    let warned = 0;
    for (const token of findNotionTokens(message.text)) {
      const hash = tokenHash(token);
      const fingerprint = tokenFingerprint(token);
      const ours = this.deps.store.connections.byTokenHash(hash)?.name;
      const leakId = newId('leak');
      const fresh = this.deps.store.leaks.record({
        id: leakId,
        channelId: message.channel,
        messageTs: message.ts,
        tokenHash: hash,
        fingerprint,
        connection: ours,
        reportedBy: message.user,
        createdAt: this.now(),
      });
      if (!fresh) continue; // the same message delivered again
      this.deps.logger.warn(
        { channel: message.channel, fingerprint, connection: ours },
        'a Notion token was posted in Slack',
      );
      await messenger.post(
        message.channel,
        { type: 'leak_warning', leakId, fingerprint, connection: ours },
        message.threadTs ?? message.ts,
      );
      warned++;
      if (ours) await this.compromised(leakId, ours, fingerprint, message.channel, messenger);
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
    this.deps.store.connections.markCompromised(connection, this.now());
    const watching = this.deps.store.watches
      .forConnection(connection)
      .map((watch) => watch.channelId);
    const channels = new Set(this.deps.alertChannel ? [this.deps.alertChannel] : watching);
    channels.delete(channelId); // that channel already has the warning in the thread
    for (const channel of channels) {
      await messenger
        .post(channel, { type: 'compromised', leakId, connection, fingerprint, channelId })
        .catch((error) =>
          this.deps.logger.error({ err: error, channel }, 'could not post the compromise alert'),
        );
    }
  }

  /** Start fix: a token-rotation walkthrough in the thread of the button's message. */
  async startFix(leakId: string, anchor: ThreadAnchor, messenger: Messenger): Promise<Outcome> {
    const leak = this.deps.store.leaks.get(leakId);
    if (!leak) return refuse({ reason: 'not_found', what: 'leak' });
    if (this.deps.walkthroughs.findByParent(anchor.channel, anchor.ts)) {
      return refuse({ reason: 'busy', what: 'thread_walkthrough' });
    }
    const { connection = DEFAULT_CONNECTION, fingerprint, tokenHash: hash } = leak;
    await this.deps.walkthroughs.startForLeak(
      { connection, fingerprint, tokenHash: hash },
      anchor,
      messenger,
    );
    return { ok: true };
  }
}
