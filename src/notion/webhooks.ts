import {
  type DatabaseCreatedWebhookPayload,
  type DatabaseDeletedWebhookPayload,
  type DatabaseMovedWebhookPayload,
  type DatabaseUndeletedWebhookPayload,
  type DataSourceCreatedWebhookPayload,
  type DataSourceDeletedWebhookPayload,
  type DataSourceMovedWebhookPayload,
  type DataSourceUndeletedWebhookPayload,
  type PageCreatedWebhookPayload,
  type PageDeletedWebhookPayload,
  type PageMovedWebhookPayload,
  type PageUndeletedWebhookPayload,
  verifyWebhookSignature,
} from '@notionhq/client';
import { z } from 'zod';

/**
 * Reading a Notion webhook delivery (PRODUCT.md "Notion webhooks"): is it Notion's, and what is
 * it about. A building block: nothing here stores, answers or re-checks anything.
 *
 * Signatures are the SDK's `verifyWebhookSignature` (HMAC-SHA256 of the raw body keyed by the
 * subscription's verification token, `X-Notion-Signature: sha256=<hex>`, constant-time compare).
 * Events carry ids, not content; Notion may aggregate several changes into one event, retry a
 * delivery (same event `id`) and deliver late or out of order (order by `timestamp`).
 */

/** The events that move a watched object in or out of reach (the SDK's payload types). */
export type ReachabilityWebhookPayload =
  | PageCreatedWebhookPayload
  | PageDeletedWebhookPayload
  | PageMovedWebhookPayload
  | PageUndeletedWebhookPayload
  | DatabaseCreatedWebhookPayload
  | DatabaseDeletedWebhookPayload
  | DatabaseMovedWebhookPayload
  | DatabaseUndeletedWebhookPayload
  | DataSourceCreatedWebhookPayload
  | DataSourceDeletedWebhookPayload
  | DataSourceMovedWebhookPayload
  | DataSourceUndeletedWebhookPayload;

export type ReachabilityEventType = ReachabilityWebhookPayload['type'];

export const REACHABILITY_EVENT_TYPES = [
  'page.created',
  'page.deleted',
  'page.moved',
  'page.undeleted',
  'database.created',
  'database.deleted',
  'database.moved',
  'database.undeleted',
  'data_source.created',
  'data_source.deleted',
  'data_source.moved',
  'data_source.undeleted',
] as const satisfies readonly ReachabilityEventType[];

/** `block` (a linked database) is left out: watches and inventories hold pages and databases. */
export type WebhookEntityType = Exclude<ReachabilityWebhookPayload['entity']['type'], 'block'>;

const ENTITY_TYPES = ['page', 'database', 'data_source'] as const satisfies readonly [
  WebhookEntityType,
  ...WebhookEntityType[],
];

export type IgnoredReason =
  | 'not-json'
  | 'unrecognised-shape'
  | 'other-event-type'
  | 'linked-database-block';

export type Delivery =
  | { kind: 'verification'; verificationToken: string }
  | {
      kind: 'event';
      /** Notion's event id: the same on every retry of one delivery. */
      id: string;
      /**
       * `page.*`, `database.*` or `data_source.*`: the reachability ones
       * ({@link REACHABILITY_EVENT_TYPES}) and others (`page.content_updated`, …) for the caller
       * to decide on.
       */
      type: string;
      entity: { id: string; type: WebhookEntityType };
      /** When the change happened (ISO 8601), not when it was delivered. */
      timestamp: string;
      /** `data.parent` when the event has one (a data source's database, a page's parent). */
      parent?: { id: string; type: string };
    }
  | { kind: 'ignored'; reason: IgnoredReason };

const SIGNATURE_PREFIX = 'sha256=';

/**
 * True only for a delivery signed with `verificationToken`. False (never a throw) while the
 * connection has no verification token yet, for a missing or malformed header (anything but
 * `sha256=` + 64 hex digits) and for a wrong signature. `rawBody` must be the bytes as received.
 */
export async function verifyDelivery(
  rawBody: Buffer | string,
  signatureHeader: string | undefined,
  verificationToken: string | undefined,
): Promise<boolean> {
  if (!verificationToken) return false;
  if (typeof signatureHeader !== 'string' || !signatureHeader.startsWith(SIGNATURE_PREFIX)) {
    return false;
  }
  try {
    return await verifyWebhookSignature({
      body: rawBody,
      signature: signatureHeader,
      verificationToken,
    });
  } catch {
    return false;
  }
}

const verificationSchema = z.looseObject({
  verification_token: z.string().min(1),
  // A body with a `type` is an event, even if it also carries a `verification_token`.
  type: z.never().optional(),
});

const EVENT_TYPE = /^(page|database|data_source)\.[a-z_.]+$/;

const eventSchema = z.looseObject({
  id: z.string().min(1),
  timestamp: z.string().min(1),
  type: z.string().min(1),
  entity: z.looseObject({ id: z.string().min(1), type: z.string().min(1) }),
  data: z
    .looseObject({
      parent: z.looseObject({ id: z.string().min(1), type: z.string().min(1) }).optional(),
    })
    .optional()
    .catch(undefined),
});

const entityTypeSchema = z.enum(ENTITY_TYPES);

/** What a delivery is. Unknown fields are ignored; anything unexpected comes back `ignored`. */
export function parseDelivery(rawBody: Buffer | string): Delivery {
  let json: unknown;
  try {
    json = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  } catch {
    return { kind: 'ignored', reason: 'not-json' };
  }

  const verification = verificationSchema.safeParse(json);
  if (verification.success) {
    return { kind: 'verification', verificationToken: verification.data.verification_token };
  }

  const event = eventSchema.safeParse(json);
  if (!event.success) return { kind: 'ignored', reason: 'unrecognised-shape' };
  const { id, timestamp, type, entity, data } = event.data;
  if (!EVENT_TYPE.test(type)) return { kind: 'ignored', reason: 'other-event-type' };

  const entityType = entityTypeSchema.safeParse(entity.type);
  if (!entityType.success) {
    return {
      kind: 'ignored',
      reason: entity.type === 'block' ? 'linked-database-block' : 'unrecognised-shape',
    };
  }
  const parent = data?.parent && { id: data.parent.id, type: data.parent.type };
  return {
    kind: 'event',
    id,
    type,
    entity: { id: entity.id, type: entityType.data },
    timestamp,
    ...(parent ? { parent } : {}),
  };
}

export function isReachabilityEvent(type: string): type is ReachabilityEventType {
  return (REACHABILITY_EVENT_TYPES as readonly string[]).includes(type);
}
