/**
 * WebhookService (src/services/webhooks.ts) on a real Store file: the handshake's pending and
 * current secrets, which deliveries re-check what (debounced per connection, once per object),
 * de-dup by event id across a restart, and what a graceful stop does with waiting re-checks.
 */
import fs from 'node:fs';
import { extractNotionId } from '@notionhq/client';
import { type Config, loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/logger';
import { type Delivery, parseDelivery } from '../../../src/notion/webhooks';
import { encryptSecret } from '../../../src/security/crypto';
import {
  type DeliveryResult,
  MAX_UNTRACKED_PER_WINDOW,
  type Rechecker,
  WEBHOOK_REPLAY_WINDOW_MS,
  WebhookService,
} from '../../../src/services/webhooks';
import type { Store } from '../../../src/store/store';
import { notionVerificationToken } from '../../fakes/notionWebhookSender';
import { newWatch, pageId } from '../../support/fixtures';
import { LogCapture } from '../../support/harness';
import { notionEvent, signNotionDelivery } from '../../support/notionWebhook';
import { useTempStore } from '../../support/tempStore';

const KEY = Buffer.alloc(32, 7);
const OLD_KEY = Buffer.alloc(32, 9);
const DEBOUNCE = 1_000;
const CONNECTION = 'sync';
const id = (index: number) => extractNotionId(pageId(index)) as string;

const temp = useTempStore('webhooks');

class FakeRechecker implements Rechecker {
  readonly calls: { connection: string; ids: string[] }[] = [];
  private holds: (() => void)[] = [];
  hold = false;

  recheck(connection: string, ids: string[]): Promise<void> {
    this.calls.push({ connection, ids: [...ids].sort() });
    if (!this.hold) return Promise.resolve();
    return new Promise((resolve) => this.holds.push(resolve));
  }

  release(): void {
    for (const resolve of this.holds.splice(0)) resolve();
  }
}

function config(env: Record<string, string> = {}): Config {
  return loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: 'signing',
    ENCRYPTION_KEY: KEY.toString('hex'),
    PUBLIC_URL: 'https://notion-check.example.com/',
    ...env,
  });
}

let rechecker: FakeRechecker;
let logs: LogCapture;

function service(store: Store = temp.store, cfg: Config = config()) {
  return new WebhookService({
    store,
    config: cfg,
    rechecker,
    logger: createLogger('debug', logs),
    debounceMs: DEBOUNCE,
  });
}

async function addConnection(store: Store, name = CONNECTION) {
  await store.connections.save({
    name,
    source: 'slack',
    tokenCiphertext: encryptSecret('not-a-real-token', KEY),
    tokenFingerprint: 'abcd',
    tokenHash: `hash-${name}`,
    updatedAt: 0,
  });
}

function event(type: string, entityId: string, extra: Record<string, unknown> = {}): Delivery {
  const entityType = type.split('.')[0] as string;
  return parseDelivery(notionEvent({ type, entity: { id: entityId, type: entityType }, extra }));
}

beforeEach(async () => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
  rechecker = new FakeRechecker();
  logs = new LogCapture();
  await addConnection(temp.store);
});

afterEach(() => {
  jest.useRealTimers();
});

describe('the verification handshake', () => {
  test('a verification token is stored sealed, as pending, never in plain text in the file', async () => {
    const webhooks = service();
    const token = notionVerificationToken();
    expect(await webhooks.acceptVerification(CONNECTION, token)).toEqual({ stored: true });
    const secrets = await temp.store.connections.webhookSecrets(CONNECTION);
    expect(secrets.current).toBeUndefined();
    expect(secrets.pending).toBeDefined();
    expect(secrets.pending).not.toContain(token);
    await temp.store.close();
    const file = fs.readFileSync(temp.file);
    expect(file.includes(token)).toBe(false);
    expect(logs.text()).not.toContain(token);
    await temp.restart();
  });

  test('refused: unknown connection, no ENCRYPTION_KEY, a token that is not one', async () => {
    expect(await service().acceptVerification('nobody', notionVerificationToken())).toEqual({
      stored: false,
      why: 'unknown_connection',
    });
    const keyless = service(temp.store, config({ ENCRYPTION_KEY: '' }));
    expect(await keyless.acceptVerification(CONNECTION, notionVerificationToken())).toEqual({
      stored: false,
      why: 'no_encryption_key',
    });
    for (const bad of ['has space', 'back`tick', '<link>', 'x'.repeat(257), 'é']) {
      expect(await service().acceptVerification(CONNECTION, bad)).toEqual({
        stored: false,
        why: 'token_shape',
      });
    }
    expect((await temp.store.connections.webhookSecrets(CONNECTION)).pending).toBeUndefined();
  });

  test('`default` is known from NOTION_TOKEN; other names only once set up', async () => {
    const withEnv = service(temp.store, config({ NOTION_TOKEN: `ntn_${'1'.repeat(46)}` }));
    expect(await withEnv.isKnown('default')).toBe(true);
    expect(await service().isKnown('default')).toBe(false);
    expect(await service().isKnown(CONNECTION)).toBe(true);
    expect(await service().isKnown('other')).toBe(false);
  });
});

describe('which secret signs a delivery', () => {
  const body = notionEvent({ type: 'page.deleted', entity: { id: id(1), type: 'page' } });
  const signed = (token: string) => signNotionDelivery(body, token)['x-notion-signature'];

  test('nothing verifies before any verification token; a missing header never does', async () => {
    const webhooks = service();
    expect(await webhooks.verifyDelivery(CONNECTION, body, signed('anything'))).toBe('invalid');
    await webhooks.acceptVerification(CONNECTION, 'secret_one');
    expect(await webhooks.verifyDelivery(CONNECTION, body, undefined)).toBe('invalid');
  });

  test('the first delivery signed with the pending token promotes it; then it is current', async () => {
    const webhooks = service();
    const token = notionVerificationToken();
    await webhooks.acceptVerification(CONNECTION, token);
    expect(await webhooks.instructions(CONNECTION)).toMatchObject({ ok: true, verified: false });
    expect(await webhooks.verifyDelivery(CONNECTION, body, signed(token))).toBe('promoted');
    const secrets = await temp.store.connections.webhookSecrets(CONNECTION);
    expect(secrets.current).toBeDefined();
    expect(secrets.pending).toBeUndefined();
    expect(await webhooks.verifyDelivery(CONNECTION, body, signed(token))).toBe('current');
    expect(await webhooks.instructions(CONNECTION)).toEqual({
      ok: true,
      url: 'https://notion-check.example.com/notion/webhooks/sync',
      verified: true,
    });
    // Bytes that are not the ones signed do not verify.
    expect(await webhooks.verifyDelivery(CONNECTION, `${body} `, signed(token))).toBe('invalid');
  });

  test('a forged verification request, even followed by deliveries signed with its token, never replaces the current token', async () => {
    const webhooks = service();
    const real = notionVerificationToken();
    await webhooks.acceptVerification(CONNECTION, real);
    await webhooks.verifyDelivery(CONNECTION, body, signed(real));

    const forged = notionVerificationToken();
    expect(await webhooks.acceptVerification(CONNECTION, forged)).toEqual({ stored: true });
    expect(await webhooks.verifyDelivery(CONNECTION, body, signed(real))).toBe('current');
    // The forger can sign with the token they made up: accepted (it only makes the bot
    // re-fetch), but it does not evict the real one.
    expect(await webhooks.verifyDelivery(CONNECTION, body, signed(forged))).toBe('pending');
    expect(await webhooks.verifyDelivery(CONNECTION, body, signed(forged))).toBe('pending');
    expect(await webhooks.acceptVerification(CONNECTION, notionVerificationToken())).toEqual({
      stored: true,
    });
    expect(await webhooks.verifyDelivery(CONNECTION, body, signed(real))).toBe('current');
    expect(await webhooks.verifyDelivery(CONNECTION, body, signed(forged))).toBe('invalid');
  });

  test('a verification request arriving between the check and the promotion is not promoted in its place', async () => {
    const webhooks = service();
    await webhooks.acceptVerification(CONNECTION, 'secret_first');
    const stale = (await temp.store.connections.webhookSecrets(CONNECTION)).pending as string;
    await webhooks.acceptVerification(CONNECTION, 'secret_second');
    expect(await temp.store.connections.promoteWebhookPending(CONNECTION, stale)).toBe(false);
    expect((await temp.store.connections.webhookSecrets(CONNECTION)).current).toBeUndefined();
  });

  test('secrets sealed with ENCRYPTION_KEY_PREVIOUS still verify, and are sealed again with the new key', async () => {
    const before = service(temp.store, config({ ENCRYPTION_KEY: OLD_KEY.toString('hex') }));
    await before.acceptVerification(CONNECTION, 'secret_rotated');
    const rotated = config({ ENCRYPTION_KEY_PREVIOUS: OLD_KEY.toString('hex') });
    const after = service(temp.store, rotated);
    expect(await after.reencryptWithCurrentKey()).toBe(1);
    expect(await after.reencryptWithCurrentKey()).toBe(0);
    const newKeyOnly = service(temp.store, config());
    expect(await newKeyOnly.verifyDelivery(CONNECTION, body, signed('secret_rotated'))).toBe(
      'promoted',
    );
  });
});

describe('deliveries', () => {
  test('an event id seen before is a duplicate, also after a restart (a new Store on the file)', async () => {
    await temp.store.watches.add(newWatch(1, { connection: CONNECTION, resourceId: id(1) }));
    const delivery = event('page.deleted', id(1), { id: 'evt-1' });
    expect(await service().handleDelivery(CONNECTION, delivery)).toEqual({
      handled: 'scheduled',
      ids: [id(1)],
    });
    expect(await service().handleDelivery(CONNECTION, delivery)).toEqual({ handled: 'duplicate' });
    const store = await temp.restart();
    await addConnection(store);
    expect(await service(store).handleDelivery(CONNECTION, delivery)).toEqual({
      handled: 'duplicate',
    });
    // The same event id for another connection is another event.
    await addConnection(store, 'other');
    expect(await service(store).handleDelivery('other', delivery)).toMatchObject({
      handled: 'ignored',
      why: 'not_watched',
    });
  });

  test('several events about one object within the window → one re-check; the next window → another', async () => {
    await temp.store.watches.add(newWatch(1, { connection: CONNECTION, resourceId: id(1) }));
    const webhooks = service();
    for (const type of ['page.deleted', 'page.undeleted', 'page.moved', 'page.deleted']) {
      expect(await webhooks.handleDelivery(CONNECTION, event(type, id(1)))).toMatchObject({
        handled: 'scheduled',
      });
    }
    await jest.advanceTimersByTimeAsync(DEBOUNCE - 1);
    expect(rechecker.calls).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(rechecker.calls).toEqual([{ connection: CONNECTION, ids: [id(1)] }]);

    await webhooks.handleDelivery(CONNECTION, event('page.undeleted', id(1)));
    await jest.advanceTimersByTimeAsync(DEBOUNCE);
    expect(rechecker.calls).toHaveLength(2);
  });

  test('events about several objects of one connection in one window → one re-check of them all; connections apart', async () => {
    await addConnection(temp.store, 'other');
    await temp.store.watches.add(newWatch(1, { connection: CONNECTION, resourceId: id(1) }));
    await temp.store.watches.add(newWatch(3, { connection: 'other', resourceId: id(3) }));
    await temp.store.inventory.upsertListed(
      CONNECTION,
      [{ id: id(2), type: 'page', title: 'Specs', inTrash: false }],
      0,
    );
    const webhooks = service();
    // Reordered and batched: the undelete first, an older delete after it.
    await webhooks.handleDelivery(CONNECTION, event('page.undeleted', id(2)));
    await webhooks.handleDelivery(
      CONNECTION,
      event('page.deleted', pageId(1), {
        timestamp: new Date(Date.now() - 60 * 60_000).toISOString(),
      }),
    );
    await webhooks.handleDelivery('other', event('page.moved', id(3)));
    await jest.advanceTimersByTimeAsync(DEBOUNCE);
    expect(rechecker.calls).toEqual(
      expect.arrayContaining([
        { connection: CONNECTION, ids: [id(1), id(2)].sort() },
        { connection: 'other', ids: [id(3)] },
      ]),
    );
    expect(rechecker.calls).toHaveLength(2);
  });

  test('which events re-check: reachability events about watched or inventoried objects', async () => {
    const webhooks = service();
    await temp.store.watches.add(newWatch(1, { connection: CONNECTION, resourceId: id(1) }));
    const db = id(5);
    await temp.store.watches.add(
      newWatch(5, { connection: CONNECTION, resourceId: db, resourceType: 'database' }),
    );
    const handle = (delivery: Delivery) => webhooks.handleDelivery(CONNECTION, delivery);

    expect(await handle(event('page.content_updated', id(1)))).toEqual({
      handled: 'ignored',
      why: 'event_type',
    });
    expect(await handle(event('page.properties_updated', id(1)))).toMatchObject({
      why: 'event_type',
    });
    expect(await handle(event('page.deleted', id(9)))).toMatchObject({ why: 'not_watched' });
    expect(await handle(event('page.created', id(9)))).toMatchObject({ why: 'not_watched' });
    expect(await handle(event('database.moved', db))).toEqual({ handled: 'scheduled', ids: [db] });
    // A data source event names its database as parent: a watched database is re-checked.
    const dataSource = parseDelivery(
      notionEvent({
        type: 'data_source.deleted',
        entity: { id: id(6), type: 'data_source' },
        data: { parent: { id: db, type: 'database' } },
      }),
    );
    expect(await handle(dataSource)).toEqual({ handled: 'scheduled', ids: [db] });
    expect(await handle({ kind: 'ignored', reason: 'other-event-type' })).toMatchObject({
      why: 'not_an_event',
    });
    // Older than the de-dup table remembers: a replay, or past Notion's retries.
    const old = new Date(Date.now() - WEBHOOK_REPLAY_WINDOW_MS - 60_000).toISOString();
    expect(await handle(event('page.deleted', id(1), { timestamp: old }))).toMatchObject({
      why: 'too_old',
    });
  });

  test('with a "watch all" channel, created / undeleted / moved objects are re-checked even if unknown; deleted ones are not', async () => {
    await temp.store.channels.watchAll({
      channelId: 'C0ALL',
      connection: CONNECTION,
      addedBy: 'U0ADMIN',
      addedAt: 0,
    });
    const webhooks = service();
    for (const type of ['page.created', 'page.undeleted', 'page.moved', 'data_source.created']) {
      expect(await webhooks.handleDelivery(CONNECTION, event(type, id(7)))).toEqual({
        handled: 'scheduled',
        ids: [id(7)],
      });
    }
    expect(await webhooks.handleDelivery(CONNECTION, event('page.deleted', id(7)))).toMatchObject({
      why: 'not_watched',
    });
  });

  test(`objects nobody watches yet: at most ${MAX_UNTRACKED_PER_WINDOW} per window; watched ones always`, async () => {
    await temp.store.channels.watchAll({
      channelId: 'C0ALL',
      connection: CONNECTION,
      addedBy: 'U0ADMIN',
      addedAt: 0,
    });
    await temp.store.watches.add(newWatch(1, { connection: CONNECTION, resourceId: id(1) }));
    const webhooks = service();
    const results: DeliveryResult[] = [];
    for (let i = 0; i < MAX_UNTRACKED_PER_WINDOW + 5; i++) {
      results.push(await webhooks.handleDelivery(CONNECTION, event('page.created', id(1000 + i))));
    }
    expect(results.filter((r) => r.handled === 'scheduled')).toHaveLength(MAX_UNTRACKED_PER_WINDOW);
    expect(results.at(-1)).toEqual({ handled: 'ignored', why: 'window_full' });
    // Named again within the window: still in it.
    expect(await webhooks.handleDelivery(CONNECTION, event('page.moved', id(1000)))).toMatchObject({
      handled: 'scheduled',
    });
    expect(await webhooks.handleDelivery(CONNECTION, event('page.deleted', id(1)))).toMatchObject({
      handled: 'scheduled',
    });
    await jest.advanceTimersByTimeAsync(DEBOUNCE);
    expect(rechecker.calls).toHaveLength(1);
    expect(rechecker.calls[0]?.ids).toHaveLength(MAX_UNTRACKED_PER_WINDOW + 1);
    // The next window has room again.
    expect(
      await webhooks.handleDelivery(CONNECTION, event('page.created', id(2000))),
    ).toMatchObject({
      handled: 'scheduled',
    });
  });

  test('stop() starts waiting re-checks at once, waits for them, and takes no new events', async () => {
    await temp.store.watches.add(newWatch(1, { connection: CONNECTION, resourceId: id(1) }));
    const webhooks = service();
    rechecker.hold = true;
    await webhooks.handleDelivery(CONNECTION, event('page.deleted', id(1)));
    let stopped = false;
    const stopping = webhooks.stop(60_000).then((drained) => {
      stopped = true;
      return drained;
    });
    await jest.advanceTimersByTimeAsync(0);
    expect(rechecker.calls).toEqual([{ connection: CONNECTION, ids: [id(1)] }]);
    expect(stopped).toBe(false);
    expect(await webhooks.handleDelivery(CONNECTION, event('page.moved', id(1)))).toEqual({
      handled: 'stopping',
    });
    rechecker.release();
    expect(await stopping).toBe(true);
    await jest.advanceTimersByTimeAsync(DEBOUNCE * 2);
    expect(rechecker.calls).toHaveLength(1);
  });

  test('stop() gives up after its grace period; a failing re-check is logged, not thrown', async () => {
    await temp.store.watches.add(newWatch(1, { connection: CONNECTION, resourceId: id(1) }));
    const failing: Rechecker = { recheck: () => Promise.reject(new Error('Notion is down')) };
    const webhooks = new WebhookService({
      store: temp.store,
      config: config(),
      rechecker: failing,
      logger: createLogger('debug', logs),
      debounceMs: DEBOUNCE,
    });
    await webhooks.handleDelivery(CONNECTION, event('page.deleted', id(1)));
    await jest.advanceTimersByTimeAsync(DEBOUNCE);
    expect(logs.text()).toContain('webhook re-check failed');

    const held = service();
    rechecker.hold = true;
    await held.handleDelivery(CONNECTION, event('page.moved', id(1)));
    const drained = held.stop(500);
    await jest.advanceTimersByTimeAsync(500);
    expect(await drained).toBe(false);
    rechecker.release();
  });
});

describe('instructions for the admin command', () => {
  test('refused in Socket Mode and without PUBLIC_URL; unknown names list the known ones', async () => {
    expect(
      await service(temp.store, config({ SLACK_APP_TOKEN: 'xapp-1-A-1-x' })).instructions(
        CONNECTION,
      ),
    ).toEqual({ ok: false, reason: 'webhooks_unavailable', why: 'socket_mode' });
    expect(await service(temp.store, config({ PUBLIC_URL: '' })).instructions(CONNECTION)).toEqual({
      ok: false,
      reason: 'webhooks_unavailable',
      why: 'no_public_url',
    });
    expect(await service().instructions('nobody')).toEqual({
      ok: false,
      reason: 'unknown_connection',
      name: 'nobody',
      known: [CONNECTION],
    });
  });

  test('the URL, then the pending token once received, and a missing ENCRYPTION_KEY said', async () => {
    jest.setSystemTime(1_750_000_000_000);
    const webhooks = service();
    expect(await webhooks.instructions(CONNECTION)).toEqual({
      ok: true,
      url: 'https://notion-check.example.com/notion/webhooks/sync',
      verified: false,
    });
    const token = notionVerificationToken();
    await webhooks.acceptVerification(CONNECTION, token);
    expect(await webhooks.instructions(CONNECTION)).toEqual({
      ok: true,
      url: 'https://notion-check.example.com/notion/webhooks/sync',
      verified: false,
      pending: { token, receivedAt: 1_750_000_000_000 },
    });
    expect(
      await service(temp.store, config({ ENCRYPTION_KEY: '' })).instructions(CONNECTION),
    ).toMatchObject({ ok: true, missingEncryptionKey: true });
    expect(logs.text()).not.toContain(token);
  });
});
