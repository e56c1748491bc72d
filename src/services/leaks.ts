import { DEFAULT_CONNECTION, type Leak } from '../domain/connection';
import { newId } from '../domain/ids';
import type { Notice } from '../domain/notice';
import { type Outcome, refuse } from '../domain/outcome';
import type { Logger } from '../logger';
import { NOTION_TOKEN_PATTERN, tokenFingerprint, tokenHash } from '../security/tokens';
import type { Repos } from '../store/store';
import type { Messenger } from './ports';
import type { ThreadAnchor, WalkthroughService } from './walkthroughs';

export interface PostedMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  user?: string;
  /** Every text the message carries (body, attachments, files, blocks), one per line. */
  text: string;
}

/**
 * At most `warnings` new thread warnings per channel per `windowMs`. Past that the thread
 * warning is skipped (logged once per channel per window); our connections are still marked
 * compromised and their channels told. Updating a warning after an edit does not count.
 */
export const LEAK_WARNING_RATE = { warnings: 5, windowMs: 10 * 60_000 } as const;

/** What one message came to: tokens in it, how many were new, and what became of the warning. */
export interface LeakResult {
  tokens: number;
  fresh: number;
  /** `none`: nothing new to say (no token, a redelivery, an edit that added no token). */
  warning: 'none' | 'posted' | 'updated' | 'rate_limited' | 'failed';
}

/** Notion tokens in a message, found by their exact shape. */
export function findNotionTokens(text: string): string[] {
  return [...new Set(text.match(NOTION_TOKEN_PATTERN) ?? [])];
}

/** The one warning for every token seen in a message; Start fix walks one of ours if any. */
function warningNotice(leaks: Leak[]): Notice {
  const connections = leaks.flatMap((leak) => (leak.connection ? [leak.connection] : []));
  const fixed = leaks.find((leak) => leak.connection) ?? leaks[0];
  if (!fixed) throw new Error('a leak warning needs at least one leak');
  return {
    type: 'leak_warning',
    leakId: fixed.id,
    fingerprints: leaks.map((leak) => leak.fingerprint),
    connections: [...new Set(connections)],
  };
}

/**
 * Pasted tokens: one warning in the message's thread (updated when an edit adds tokens), and,
 * when a token is one we hold (matched by hash, never by the token itself), the connection
 * marked compromised and its channels told. A leak row is kept per token.
 */
export class LeakService {
  /** One message at a time per channel: the rate limit and "is there a warning yet" hold. */
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Per channel: until when a skipped (rate-limited) warning is not logged again. */
  private readonly quietUntil = new Map<string, number>();

  constructor(
    private readonly deps: {
      store: Repos;
      walkthroughs: WalkthroughService;
      logger: Logger;
      alertChannel?: string;
      now?: () => number;
    },
  ) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** Records the message's tokens; warns once under it, or updates that warning after an edit. */
  async handleMessage(message: PostedMessage, messenger: Messenger): Promise<LeakResult> {
    const tokens = findNotionTokens(message.text);
    if (tokens.length === 0) return { tokens: 0, fresh: 0, warning: 'none' };
    return this.serially(message.channel, () => this.handleTokens(message, tokens, messenger));
  }

  private async handleTokens(
    message: PostedMessage,
    tokens: string[],
    messenger: Messenger,
  ): Promise<LeakResult> {
    const createdAt = this.now();
    const fresh: Leak[] = [];
    for (const token of tokens) {
      const hash = tokenHash(token);
      const leak: Leak = {
        id: newId('leak'),
        channelId: message.channel,
        messageTs: message.ts,
        tokenHash: hash,
        fingerprint: tokenFingerprint(token),
        connection: (await this.deps.store.connections.byTokenHash(hash))?.name,
        reportedBy: message.user,
        createdAt,
      };
      if (await this.deps.store.leaks.record(leak)) fresh.push(leak);
    }
    // The same message delivered again, or an edit that added no token: nothing new to say.
    if (fresh.length === 0) return { tokens: tokens.length, fresh: 0, warning: 'none' };
    const ours = fresh.filter((leak) => leak.connection !== undefined);
    this.deps.logger.warn(
      {
        channel: message.channel,
        tokens: fresh.length,
        fingerprints: fresh.slice(0, 5).map((leak) => leak.fingerprint),
        connections: ours.map((leak) => leak.connection),
      },
      'a Notion token was posted in Slack',
    );
    const warning = await this.warn(message, messenger).catch((error) => {
      this.deps.logger.error(
        { err: error, channel: message.channel },
        'could not post the leak warning',
      );
      return 'failed' as const;
    });
    for (const leak of ours) {
      await this.compromised(leak, message.channel, messenger);
    }
    return { tokens: tokens.length, fresh: fresh.length, warning };
  }

  /** Posts the message's one warning, or redraws it with the new totals; rate-limited per channel. */
  private async warn(
    message: PostedMessage,
    messenger: Messenger,
  ): Promise<'posted' | 'updated' | 'rate_limited'> {
    const { leaks } = this.deps.store;
    const notice = warningNotice(await leaks.forMessage(message.channel, message.ts));
    const existing = await leaks.warningFor(message.channel, message.ts);
    if (existing) {
      const ts = await messenger.update(message.channel, existing.ts, notice, message.ts);
      if (ts !== existing.ts) await leaks.saveWarning({ ...existing, ts });
      return 'updated';
    }
    const now = this.now();
    const { warnings, windowMs } = LEAK_WARNING_RATE;
    if ((await leaks.warningsPostedAfter(message.channel, now - windowMs)).length >= warnings) {
      if ((this.quietUntil.get(message.channel) ?? 0) <= now) {
        this.quietUntil.set(message.channel, now + windowMs);
        this.deps.logger.warn(
          { channel: message.channel, limit: warnings, windowMs },
          'too many leak warnings in this channel: thread warnings skipped for now',
        );
      }
      return 'rate_limited';
    }
    const ts = await messenger.post(message.channel, notice, message.threadTs ?? message.ts);
    await leaks.saveWarning({
      channelId: message.channel,
      messageTs: message.ts,
      ts,
      postedAt: now,
    });
    return 'posted';
  }

  /** Runs `work` after every earlier call with the same key has settled. */
  private serially<T>(key: string, work: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(key) ?? Promise.resolve()).then(work, work);
    const settled = run.catch(() => undefined);
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return run;
  }

  private async compromised(leak: Leak, channelId: string, messenger: Messenger): Promise<void> {
    const { id: leakId, connection, fingerprint } = leak;
    if (!connection) return;
    await this.deps.store.connections.markCompromised(connection, this.now());
    const watching = (await this.deps.store.watches.forConnection(connection)).map(
      (watch) => watch.channelId,
    );
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
    const leak = await this.deps.store.leaks.get(leakId);
    if (!leak) return refuse({ reason: 'not_found', what: 'leak' });
    if (await this.deps.walkthroughs.findByParent(anchor.channel, anchor.ts)) {
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
