/**
 * A connection's Notion webhook set-up, as `/notion-check webhook <name>` shows it to an admin
 * (services/webhooks.ts builds it, slack/blocks/webhook.ts words it).
 */
export interface WebhookInstructions {
  /** PUBLIC_URL + /notion/webhooks/<name>: what to paste in Notion's subscription form. */
  url: string;
  /** A delivery signed with the stored token has arrived: the subscription works. */
  verified: boolean;
  /** The latest verification request's token, to paste into Notion's Verify dialog. */
  pending?: { token: string; receivedAt: number };
  /** ENCRYPTION_KEY is unset: verification requests are refused (503) until it is. */
  missingEncryptionKey?: true;
}
