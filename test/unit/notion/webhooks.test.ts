import { signWebhookPayload } from '@notionhq/client';
import {
  isReachabilityEvent,
  parseDelivery,
  REACHABILITY_EVENT_TYPES,
  verifyDelivery,
} from '../../../src/notion/webhooks';
import {
  notionEvent,
  notionSignature,
  notionVerificationRequest,
  signNotionDelivery,
} from '../../support/notionWebhook';

const token = 'secret_8Hk2vQ9xWm4pLr7tYc3nZs6fJd1gBe5a';
const pageId = '2f1c7a3e-9b4d-4e8a-8c6f-5d2b1a0e9f7c';
const dataSourceId = '8a3e5c1d-2b4f-4a6e-9d8c-7f1e0b2a3c4d';

const body = notionEvent({ type: 'page.deleted', entity: { id: pageId, type: 'page' } });
const signature = signNotionDelivery(body, token)['x-notion-signature'];

describe('verifyDelivery', () => {
  test('a delivery signed with the verification token verifies (string and raw bytes)', async () => {
    expect(await verifyDelivery(body, signature, token)).toBe(true);
    expect(await verifyDelivery(Buffer.from(body, 'utf8'), signature, token)).toBe(true);
  });

  test('the test helper signs exactly like the SDK', async () => {
    expect(signature).toBe(await signWebhookPayload({ body, verificationToken: token }));
  });

  test('an altered body does not verify', async () => {
    const altered = body.replace('page.deleted', 'page.created');
    expect(altered).not.toBe(body);
    expect(await verifyDelivery(altered, signature, token)).toBe(false);
    // Re-serialised JSON (same data, other bytes) does not verify either.
    expect(await verifyDelivery(JSON.stringify(JSON.parse(body), null, 1), signature, token)).toBe(
      false,
    );
  });

  test('a signature made with another token does not verify', async () => {
    expect(await verifyDelivery(body, notionSignature(body, `${token}x`), token)).toBe(false);
    expect(await verifyDelivery(body, signature, 'secret_other')).toBe(false);
  });

  test('a missing, empty or malformed header does not verify', async () => {
    const hex = signature.slice('sha256='.length);
    for (const header of [
      undefined,
      '',
      'sha256=',
      hex, // the right digest without its prefix
      `sha1=${hex}`,
      `SHA256=${hex}`,
      `sha256=${hex.slice(0, -1)}`,
      `sha256=${hex}0`,
      `sha256=${'z'.repeat(64)}`,
      ` ${signature}`,
      `${signature},${signature}`,
    ]) {
      expect(await verifyDelivery(body, header, token)).toBe(false);
    }
  });

  test('no verification token yet: nothing verifies', async () => {
    expect(await verifyDelivery(body, signature, undefined)).toBe(false);
    expect(await verifyDelivery(body, notionSignature(body, ''), '')).toBe(false);
  });

  test('garbage never throws', async () => {
    const garbage: unknown[] = [Buffer.from([0xff, 0xfe, 0x00]), '', '\u0000'.repeat(10_000)];
    for (const raw of garbage) {
      await expect(verifyDelivery(raw as Buffer, `sha256=${'0'.repeat(64)}`, token)).resolves.toBe(
        false,
      );
    }
    await expect(verifyDelivery(body, 42 as unknown as string, token)).resolves.toBe(false);
  });
});

describe('parseDelivery', () => {
  test('the verification request', () => {
    expect(parseDelivery(notionVerificationRequest(token))).toEqual({
      kind: 'verification',
      verificationToken: token,
    });
    expect(parseDelivery(Buffer.from(notionVerificationRequest(token)))).toEqual({
      kind: 'verification',
      verificationToken: token,
    });
  });

  test('page.deleted: ids and timestamp, unknown fields ignored', () => {
    const raw = notionEvent({
      type: 'page.deleted',
      entity: { id: pageId, type: 'page' },
      extra: {
        id: 'evt-1',
        timestamp: '2026-03-01T10:00:00.000Z',
        accessible_by: [{ id: 'u1', type: 'person' }],
        some_future_field: { nested: true },
      },
    });
    expect(parseDelivery(raw)).toEqual({
      kind: 'event',
      id: 'evt-1',
      type: 'page.deleted',
      entity: { id: pageId, type: 'page' },
      timestamp: '2026-03-01T10:00:00.000Z',
      parent: { id: '1a2b3c4d-0000-4000-8000-000000000001', type: 'page' },
    });
  });

  test('data.parent is kept when present; a missing or odd data is no reason to ignore', () => {
    const event = (data: unknown) =>
      JSON.stringify({
        ...JSON.parse(notionEvent({ type: 'page.deleted', entity: { id: pageId, type: 'page' } })),
        data,
      });
    expect(parseDelivery(event({ parent: { id: dataSourceId, type: 'database' } }))).toMatchObject({
      kind: 'event',
      parent: { id: dataSourceId, type: 'database' },
    });
    for (const data of [undefined, {}, 'text', { parent: { type: 'page' } }]) {
      const parsed = parseDelivery(event(data));
      expect(parsed).toMatchObject({ kind: 'event', type: 'page.deleted' });
      expect(parsed).not.toHaveProperty('parent');
    }
  });

  test('page.moved and data_source.undeleted', () => {
    expect(
      parseDelivery(notionEvent({ type: 'page.moved', entity: { id: pageId, type: 'page' } })),
    ).toMatchObject({ kind: 'event', type: 'page.moved', entity: { id: pageId, type: 'page' } });
    expect(
      parseDelivery(
        notionEvent({
          type: 'data_source.undeleted',
          entity: { id: dataSourceId, type: 'data_source' },
          data: { parent: { id: pageId, type: 'database', data_source_id: dataSourceId } },
        }),
      ),
    ).toMatchObject({
      kind: 'event',
      type: 'data_source.undeleted',
      entity: { id: dataSourceId, type: 'data_source' },
    });
  });

  test('other page/database/data_source events come back as events for the caller to decide', () => {
    const aggregated = notionEvent({
      type: 'page.content_updated',
      entity: { id: pageId, type: 'page' },
      data: { parent: { id: pageId, type: 'page' }, updated_blocks: [{ id: 'b1', type: 'block' }] },
      extra: {
        authors: [
          { id: 'u1', type: 'person' },
          { id: 'b1', type: 'bot' },
        ],
        attempt_number: 3,
      },
    });
    const parsed = parseDelivery(aggregated);
    expect(parsed).toMatchObject({ kind: 'event', type: 'page.content_updated' });
    expect(parsed.kind === 'event' && isReachabilityEvent(parsed.type)).toBe(false);
    expect(isReachabilityEvent('page.deleted')).toBe(true);
    expect(REACHABILITY_EVENT_TYPES).toHaveLength(12);
  });

  test('event types about other things are ignored', () => {
    for (const [type, entityType] of [
      ['comment.created', 'comment'],
      ['file_upload.completed', 'file_upload'],
      ['view.updated', 'view'],
      ['pages.deleted', 'page'],
      ['', 'page'],
    ] as const) {
      expect(
        parseDelivery(notionEvent({ type, entity: { id: 'x', type: entityType } })),
      ).toMatchObject({ kind: 'ignored' });
    }
    expect(
      parseDelivery(notionEvent({ type: 'comment.created', entity: { id: 'c', type: 'comment' } })),
    ).toEqual({ kind: 'ignored', reason: 'other-event-type' });
    expect(
      parseDelivery(notionEvent({ type: 'database.deleted', entity: { id: 'b', type: 'block' } })),
    ).toEqual({ kind: 'ignored', reason: 'linked-database-block' });
  });

  test('non-JSON and wrong shapes are ignored, never thrown', () => {
    expect(parseDelivery('not json')).toEqual({ kind: 'ignored', reason: 'not-json' });
    expect(parseDelivery(Buffer.from([0xff, 0xfe, 0x00]))).toEqual({
      kind: 'ignored',
      reason: 'not-json',
    });
    expect(parseDelivery('')).toEqual({ kind: 'ignored', reason: 'not-json' });
    for (const raw of [
      'null',
      '42',
      '"page.deleted"',
      '[]',
      '{}',
      '{"verification_token":""}',
      '{"verification_token":42}',
      '{"id":"e","timestamp":"t","type":"page.deleted"}',
      '{"id":"e","timestamp":"t","type":"page.deleted","entity":{"id":"p"}}',
      '{"id":"e","timestamp":"t","type":"page.deleted","entity":{"id":"p","type":"user"}}',
    ]) {
      expect(parseDelivery(raw)).toMatchObject({ kind: 'ignored' });
    }
  });

  test('an event is not mistaken for a verification request', () => {
    const raw = notionEvent({
      type: 'page.deleted',
      entity: { id: pageId, type: 'page' },
      extra: { verification_token: 'smuggled' },
    });
    expect(parseDelivery(raw)).toMatchObject({ kind: 'event', type: 'page.deleted' });
  });
});
