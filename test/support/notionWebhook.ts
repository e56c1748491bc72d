/**
 * Notion webhook deliveries the way Notion sends them: a verification request, events shaped by
 * the SDK's `*WebhookPayload` types, and the `X-Notion-Signature` header. The signature is
 * computed here with node:crypto, independently of the SDK helper the code under test uses.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { BaseWebhookPayload } from '@notionhq/client';

export interface NotionDeliveryHeaders {
  'content-type': 'application/json';
  'x-notion-signature': string;
}

/** `sha256=` + hex HMAC-SHA256 of the raw body keyed by the subscription's verification token. */
export function notionSignature(body: string | Buffer, verificationToken: string): string {
  return `sha256=${createHmac('sha256', verificationToken).update(body).digest('hex')}`;
}

export function signNotionDelivery(
  body: string | Buffer,
  verificationToken: string,
): NotionDeliveryHeaders {
  return {
    'content-type': 'application/json',
    'x-notion-signature': notionSignature(body, verificationToken),
  };
}

/** The one-time handshake body Notion posts when a subscription is created (unsigned). */
export function notionVerificationRequest(verificationToken: string): string {
  return JSON.stringify({ verification_token: verificationToken });
}

export interface NotionEventInput {
  /** `page.deleted`, `data_source.undeleted`, `comment.created`, … */
  type: string;
  entity: { id: string; type: string };
  /** Event-specific data; default a parent page. */
  data?: Record<string, unknown>;
  /** Overrides and extra fields (e.g. `attempt_number` for a retry, a late `timestamp`). */
  extra?: Partial<BaseWebhookPayload> & Record<string, unknown>;
}

/** An event body with every field Notion sends (ids only, never content). */
export function notionEvent(input: NotionEventInput): string {
  const base: BaseWebhookPayload = {
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    workspace_id: '13950b26-c203-4f3b-b97d-93ec06319565',
    workspace_name: 'Acme',
    subscription_id: '29d75c0d-5546-4b86-8d8a-1e1d5ca3d1b9',
    integration_id: '0ef104cd-477e-80e1-8571-0037d5e2ff2c',
    authors: [{ id: 'c7c11cca-1d73-471d-9b6e-bdef51470190', type: 'person' }],
    attempt_number: 1,
    api_version: '2025-09-03',
  };
  return JSON.stringify({
    ...base,
    type: input.type,
    entity: input.entity,
    data: input.data ?? {
      parent: { id: '1a2b3c4d-0000-4000-8000-000000000001', type: 'page' },
    },
    ...input.extra,
  });
}
