/**
 * Notion's webhook sender, as far as the bot can tell: it posts the one-time verification
 * request, then events signed with that token (`X-Notion-Signature: sha256=HMAC(raw body)`),
 * and, like Notion, may send the same event again (a retry keeps its `id`), several at once,
 * out of order, or a day late. It can also send what Notion never would: unsigned, badly
 * signed, signed with another token, not JSON.
 */
import { randomBytes } from 'node:crypto';
import {
  type NotionEventInput,
  notionEvent,
  notionVerificationRequest,
  signNotionDelivery,
} from '../support/notionWebhook';

/** How a delivery is signed: Notion's way, not at all, wrongly, or with another token. */
export type Signing =
  | { kind: 'valid' }
  | { kind: 'none' }
  /** The right shape (`sha256=` + 64 hex digits) and the wrong value. */
  | { kind: 'forged' }
  /** Whatever header value the test wants (a malformed one). */
  | { kind: 'header'; value: string }
  /** Signed properly with another token (an old, replaced or guessed one). */
  | { kind: 'token'; token: string };

export interface SentDelivery {
  status: number;
  body: string;
  elapsedMs: number;
}

/** A Notion-looking verification token: `secret_` + 43 letters and digits. */
export function notionVerificationToken(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(43);
  return `secret_${[...bytes].map((byte) => alphabet[byte % alphabet.length]).join('')}`;
}

export class NotionWebhookSender {
  /** The subscription's token: what Notion signs with once the subscription exists. */
  readonly verificationToken: string;
  /** Every body sent, in order (so a test can send one again, late or reordered). */
  readonly sent: string[] = [];

  /**
   * `baseUrl` is read at each send: an app restarted on another port is reached at its new one.
   */
  constructor(
    private readonly baseUrl: () => string,
    readonly connection = 'default',
    verificationToken = notionVerificationToken(),
  ) {
    this.verificationToken = verificationToken;
  }

  get url(): string {
    return `${this.baseUrl()}/notion/webhooks/${this.connection}`;
  }

  /** What Notion posts when the subscription is created (unsigned: there is no secret yet). */
  verify(token = this.verificationToken): Promise<SentDelivery> {
    return this.post(notionVerificationRequest(token), { 'content-type': 'application/json' });
  }

  /** An event body with every field Notion sends; not sent. */
  event(input: NotionEventInput): string {
    return notionEvent(input);
  }

  /** Sends one event (a body from `event()`, or the input for one), signed as asked. */
  send(
    delivery: string | NotionEventInput,
    signing: Signing = { kind: 'valid' },
  ): Promise<SentDelivery> {
    const body = typeof delivery === 'string' ? delivery : this.event(delivery);
    this.sent.push(body);
    return this.post(body, this.headers(body, signing));
  }

  /** The same delivery again, byte for byte, as a Notion retry (same event id). */
  resend(body: string): Promise<SentDelivery> {
    return this.send(body);
  }

  /** Several events at once, in the order given (pass them reversed for a reordered batch). */
  sendAll(bodies: string[], signing: Signing = { kind: 'valid' }): Promise<SentDelivery[]> {
    return Promise.all(bodies.map((body) => this.send(body, signing)));
  }

  /** An event that happened `ageMs` ago, delivered now (Notion retries for about a day). */
  late(input: NotionEventInput, ageMs: number): string {
    return this.event({
      ...input,
      extra: { ...input.extra, timestamp: new Date(Date.now() - ageMs).toISOString() },
    });
  }

  /** A body as is (not JSON, or anything else), with a valid signature unless told otherwise. */
  raw(body: string, signing: Signing = { kind: 'valid' }): Promise<SentDelivery> {
    return this.post(body, this.headers(body, signing));
  }

  private headers(body: string, signing: Signing): Record<string, string> {
    const json = { 'content-type': 'application/json' };
    switch (signing.kind) {
      case 'valid':
        return { ...signNotionDelivery(body, this.verificationToken) };
      case 'none':
        return json;
      case 'forged':
        return { ...json, 'x-notion-signature': `sha256=${randomBytes(32).toString('hex')}` };
      case 'header':
        return { ...json, 'x-notion-signature': signing.value };
      case 'token':
        return { ...signNotionDelivery(body, signing.token) };
    }
  }

  private async post(body: string, headers: Record<string, string>): Promise<SentDelivery> {
    const started = performance.now();
    const response = await fetch(this.url, { method: 'POST', headers, body });
    const text = await response.text();
    return { status: response.status, body: text, elapsedMs: performance.now() - started };
  }
}
