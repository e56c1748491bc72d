/**
 * Connections and leaks (src/store/connections.ts: ConnectionRepo, LeakRepo) through a real
 * Store, on SQLite and on PostgreSQL. Connections: a token saved and saved again, found by its
 * hash, the compromised mark, the identity users.me gave, the webhook verification tokens'
 * pending → current promotion (guarded against a newer verification request), resealing, and
 * removal. Leaks: one row per message and token (a redelivery is no news), the tokens of a
 * message in the order they were seen, the one warning per message, the rate limit's window.
 */
import type { Connection, Leak, LeakWarning } from '../../../src/domain/connection';
import { tokenFingerprint, tokenHash } from '../../../src/security/tokens';
import type { Store } from '../../../src/store/store';
import { CHANNEL, fakeToken, HOUR, LEAK_ID, MINUTE, T0, USER } from '../../support/fixtures';
import { DIALECTS, storeFor } from '../../support/stores';
import { restartableStoreFor } from './restartable';

const TOKEN = fakeToken('abcd');
const NEW_TOKEN = fakeToken('wxyz');

/** A connection as Connections.saveFromSlack stores it (the sealed token is opaque here). */
function slackConnection(name: string, token = TOKEN, overrides: Partial<Connection> = {}) {
  return {
    name,
    source: 'slack',
    tokenCiphertext: `sealed:${name}:${token.slice(-4)}`,
    tokenFingerprint: tokenFingerprint(token),
    tokenHash: tokenHash(token),
    updatedBy: USER,
    updatedAt: T0,
    ...overrides,
  } satisfies Connection;
}

/** NOTION_TOKEN's connection, as syncEnvToken stores it: no ciphertext, nobody, no env hash. */
const ENV_CONNECTION: Connection = {
  name: 'default',
  source: 'env',
  tokenFingerprint: tokenFingerprint(TOKEN),
  tokenHash: tokenHash(TOKEN),
  updatedAt: T0 - HOUR,
};

const MESSAGE_TS = '1700000000.000100';

function leak(n: number, overrides: Partial<Leak> = {}): Leak {
  const token = fakeToken(String(n).padStart(4, '0'));
  return {
    id: `${LEAK_ID.slice(0, -2)}${String(n).padStart(2, '0')}`,
    channelId: CHANNEL,
    messageTs: MESSAGE_TS,
    tokenHash: tokenHash(token),
    fingerprint: tokenFingerprint(token),
    reportedBy: USER,
    createdAt: T0,
    ...overrides,
  };
}

describe.each(DIALECTS)('%s', (dialect) => {
  const fresh = storeFor(dialect);
  let store: Store;

  beforeEach(async () => {
    store = await fresh();
  });

  describe('connections', () => {
    it('save / get round-trip every field; absent ones read back undefined', async () => {
      const saved = slackConnection('marketing', TOKEN, { envTokenHash: tokenHash(NEW_TOKEN) });
      await store.connections.save(saved);
      await store.connections.save(ENV_CONNECTION);
      expect(await store.connections.get('marketing')).toEqual<Connection>({
        ...saved,
        integrationName: undefined,
        workspaceName: undefined,
      });
      const env = await store.connections.get('default');
      expect(env).toEqual({ ...ENV_CONNECTION });
      for (const absent of [
        'tokenCiphertext',
        'updatedBy',
        'envTokenHash',
        'integrationName',
      ] as const) {
        expect(env?.[absent]).toBeUndefined();
      }
      expect(await store.connections.get('nobody')).toBeUndefined();
    });

    it('list gives every connection by name', async () => {
      await store.connections.save(slackConnection('sync-2'));
      await store.connections.save(ENV_CONNECTION);
      await store.connections.save(slackConnection('marketing'));
      expect((await store.connections.list()).map((c) => c.name)).toEqual([
        'default',
        'marketing',
        'sync-2',
      ]);
    });

    it('saving again replaces the token, and keeps the identity, the mark and the webhook', async () => {
      await store.connections.save(ENV_CONNECTION);
      await store.connections.saveIdentity('default', {
        integrationName: 'Roadmap Sync',
        workspaceName: 'Acme Corp',
      });
      await store.connections.saveWebhookPending('default', 'sealed-verification', T0);
      await store.connections.markCompromised('default', T0 + MINUTE);

      const replaced = slackConnection('default', NEW_TOKEN, { updatedAt: T0 + HOUR });
      await store.connections.save(replaced);

      expect(await store.connections.get('default')).toEqual({
        ...replaced,
        integrationName: 'Roadmap Sync',
        workspaceName: 'Acme Corp',
      });
      expect(await store.connections.byTokenHash(tokenHash(TOKEN))).toBeUndefined();
      expect((await store.connections.byTokenHash(tokenHash(NEW_TOKEN)))?.name).toBe('default');
      // Clearing the mark is the caller's step (saveFromSlack), not a side effect of save.
      expect(await store.connections.isCompromised('default')).toBe(true);
      expect((await store.connections.webhookSecrets('default')).pending).toBe(
        'sealed-verification',
      );
      // A token saved from Slack back to NOTION_TOKEN's: the Slack fields are gone.
      await store.connections.save(ENV_CONNECTION);
      const env = await store.connections.get('default');
      expect(env).toMatchObject({ source: 'env', tokenHash: tokenHash(TOKEN) });
      expect(env?.tokenCiphertext).toBeUndefined();
      expect(env?.updatedBy).toBeUndefined();
    });

    it('byTokenHash finds the connection holding a token (a leak of ours), or none', async () => {
      await store.connections.save(slackConnection('marketing', TOKEN));
      await store.connections.save(slackConnection('sync', NEW_TOKEN));
      expect((await store.connections.byTokenHash(tokenHash(NEW_TOKEN)))?.name).toBe('sync');
      expect(await store.connections.byTokenHash(tokenHash(fakeToken('0000')))).toBeUndefined();
    });

    it('the compromised mark: set with a time, cleared with undefined, per connection', async () => {
      await store.connections.save(ENV_CONNECTION);
      await store.connections.save(slackConnection('marketing'));
      expect(await store.connections.isCompromised('default')).toBe(false);
      await store.connections.markCompromised('default', T0);
      expect(await store.connections.isCompromised('default')).toBe(true);
      expect(await store.connections.isCompromised('marketing')).toBe(false);
      await store.connections.markCompromised('default', undefined);
      expect(await store.connections.isCompromised('default')).toBe(false);
      // Unknown connections are never compromised, and marking one creates nothing.
      await store.connections.markCompromised('nobody', T0);
      expect(await store.connections.isCompromised('nobody')).toBe(false);
      expect(await store.connections.get('nobody')).toBeUndefined();
    });

    it('saveIdentity keeps what users.me did not say this time', async () => {
      await store.connections.save(ENV_CONNECTION);
      await store.connections.saveIdentity('default', {
        integrationName: 'Roadmap Sync',
        workspaceName: 'Acme Corp',
      });
      await store.connections.saveIdentity('default', { integrationName: 'Roadmap Sync 2' });
      expect(await store.connections.get('default')).toMatchObject({
        integrationName: 'Roadmap Sync 2',
        workspaceName: 'Acme Corp',
      });
      await store.connections.saveIdentity('default', {});
      expect(await store.connections.get('default')).toMatchObject({
        integrationName: 'Roadmap Sync 2',
        workspaceName: 'Acme Corp',
      });
    });

    it('remove deletes the connection with its webhook secrets; false when there was none', async () => {
      await store.connections.save(slackConnection('marketing'));
      await store.connections.saveWebhookPending('marketing', 'sealed-v', T0);
      await store.connections.promoteWebhookPending('marketing');
      expect(await store.connections.remove('marketing')).toBe(true);
      expect(await store.connections.get('marketing')).toBeUndefined();
      expect(await store.connections.remove('marketing')).toBe(false);
      // A new connection with the same name starts without the old webhook.
      await store.connections.save(slackConnection('marketing'));
      expect(await store.connections.webhookSecrets('marketing')).toEqual({
        current: undefined,
        pending: undefined,
        pendingAt: undefined,
      });
    });
  });

  describe('webhook verification tokens', () => {
    beforeEach(async () => {
      await store.connections.save(slackConnection('marketing'));
    });

    it('none for an unknown connection, nothing saved for it', async () => {
      expect(await store.connections.webhookSecrets('nobody')).toEqual({});
      expect(await store.connections.saveWebhookPending('nobody', 'sealed', T0)).toBe(false);
      expect(await store.connections.promoteWebhookPending('nobody')).toBe(false);
    });

    it('a verification token is pending until promoted; then it is the current one', async () => {
      expect(await store.connections.saveWebhookPending('marketing', 'sealed-1', T0)).toBe(true);
      expect(await store.connections.webhookSecrets('marketing')).toEqual({
        current: undefined,
        pending: 'sealed-1',
        pendingAt: T0,
      });
      expect(await store.connections.promoteWebhookPending('marketing', 'sealed-1')).toBe(true);
      expect(await store.connections.webhookSecrets('marketing')).toEqual({
        current: 'sealed-1',
        pending: undefined,
        pendingAt: undefined,
      });
      // Nothing pending: nothing to promote.
      expect(await store.connections.promoteWebhookPending('marketing')).toBe(false);
    });

    it('a newer verification request replaces the pending one', async () => {
      await store.connections.saveWebhookPending('marketing', 'sealed-1', T0);
      await store.connections.saveWebhookPending('marketing', 'sealed-2', T0 + MINUTE);
      expect(await store.connections.webhookSecrets('marketing')).toMatchObject({
        pending: 'sealed-2',
        pendingAt: T0 + MINUTE,
      });
    });

    it('guarded promotion: not when the pending token changed meanwhile, nor over a current one', async () => {
      await store.connections.saveWebhookPending('marketing', 'sealed-1', T0);
      // A delivery verified with sealed-1, but sealed-2 arrived before it was promoted.
      await store.connections.saveWebhookPending('marketing', 'sealed-2', T0 + MINUTE);
      expect(await store.connections.promoteWebhookPending('marketing', 'sealed-1')).toBe(false);
      expect(await store.connections.webhookSecrets('marketing')).toMatchObject({
        current: undefined,
        pending: 'sealed-2',
      });
      // Unguarded (a delivery signed with the pending token, as the caller decided): promoted.
      expect(await store.connections.promoteWebhookPending('marketing')).toBe(true);
      // Now there is a current token: a guarded promotion of a new pending one is refused.
      await store.connections.saveWebhookPending('marketing', 'sealed-3', T0 + HOUR);
      expect(await store.connections.promoteWebhookPending('marketing', 'sealed-3')).toBe(false);
      expect(await store.connections.webhookSecrets('marketing')).toEqual({
        current: 'sealed-2',
        pending: 'sealed-3',
        pendingAt: T0 + HOUR,
      });
    });

    it('two guarded promotions at once: exactly one wins', async () => {
      await store.connections.saveWebhookPending('marketing', 'sealed-1', T0);
      const results = await Promise.all([
        store.connections.promoteWebhookPending('marketing', 'sealed-1'),
        store.connections.promoteWebhookPending('marketing', 'sealed-1'),
      ]);
      expect(results.sort()).toEqual([false, true]);
      expect((await store.connections.webhookSecrets('marketing')).current).toBe('sealed-1');
    });

    it('resealing replaces what is given, keeps the rest and the pending time', async () => {
      await store.connections.saveWebhookPending('marketing', 'old-current', T0);
      await store.connections.promoteWebhookPending('marketing');
      await store.connections.saveWebhookPending('marketing', 'old-pending', T0 + MINUTE);
      await store.connections.resealWebhookSecrets('marketing', { pending: 'new-pending' });
      expect(await store.connections.webhookSecrets('marketing')).toEqual({
        current: 'old-current',
        pending: 'new-pending',
        pendingAt: T0 + MINUTE,
      });
      await store.connections.resealWebhookSecrets('marketing', {
        current: 'new-current',
        pending: 'newer-pending',
      });
      expect(await store.connections.webhookSecrets('marketing')).toEqual({
        current: 'new-current',
        pending: 'newer-pending',
        pendingAt: T0 + MINUTE,
      });
    });
  });

  describe('leaks', () => {
    it('records a leak once per message and token; a redelivery is no news', async () => {
      const first = leak(1, { connection: 'marketing' });
      expect(await store.leaks.record(first)).toBe(true);
      expect(await store.leaks.get(first.id)).toEqual(first);
      // The same event again (a new id, the same message and token): not recorded twice.
      expect(await store.leaks.record({ ...first, id: 'l-again', createdAt: T0 + 1 })).toBe(false);
      expect(await store.leaks.get('l-again')).toBeUndefined();
      // The same token in another message is another leak.
      expect(await store.leaks.record({ ...first, id: 'l-other', messageTs: '2.2' })).toBe(true);
      expect(await store.leaks.get('l-unknown')).toBeUndefined();
    });

    it('a leak of a token we do not hold, reported by nobody, reads back without them', async () => {
      const stranger = leak(2, { reportedBy: undefined });
      await store.leaks.record(stranger);
      const stored = await store.leaks.get(stranger.id);
      expect(stored).toEqual(stranger);
      expect(stored?.connection).toBeUndefined();
      expect(stored?.reportedBy).toBeUndefined();
    });

    it('forMessage: every token of the message across its edits, in the order seen', async () => {
      // One message, three tokens seen at once (one createdAt), then an edit adds a fourth.
      for (const n of [3, 1, 2]) await store.leaks.record(leak(n));
      await store.leaks.record(leak(4, { createdAt: T0 + MINUTE }));
      await store.leaks.record(leak(5, { messageTs: '9.9' }));
      await store.leaks.record(leak(6, { channelId: 'C0OTHER' }));
      expect((await store.leaks.forMessage(CHANNEL, MESSAGE_TS)).map((l) => l.id)).toEqual(
        [3, 1, 2, 4].map((n) => leak(n).id),
      );
      expect(await store.leaks.forMessage(CHANNEL, '0.0')).toEqual([]);
    });
  });

  describe('leak warnings', () => {
    const warning = (overrides: Partial<LeakWarning> = {}): LeakWarning => ({
      channelId: CHANNEL,
      messageTs: MESSAGE_TS,
      ts: '1700000000.000200',
      postedAt: T0,
      ...overrides,
    });

    it('one warning per message: saved, found, and replaced when posted again', async () => {
      expect(await store.leaks.warningFor(CHANNEL, MESSAGE_TS)).toBeUndefined();
      await store.leaks.saveWarning(warning());
      expect(await store.leaks.warningFor(CHANNEL, MESSAGE_TS)).toEqual(warning());
      await store.leaks.saveWarning(warning({ ts: '1700000000.000300', postedAt: T0 + HOUR }));
      expect(await store.leaks.warningFor(CHANNEL, MESSAGE_TS)).toEqual(
        warning({ ts: '1700000000.000300', postedAt: T0 + HOUR }),
      );
      expect(await store.leaks.warningFor('C0OTHER', MESSAGE_TS)).toBeUndefined();
    });

    it('warningsPostedAfter: the channel’s warnings strictly after a time, oldest first', async () => {
      await store.leaks.saveWarning(warning({ messageTs: '3.0', postedAt: T0 + 3 * MINUTE }));
      await store.leaks.saveWarning(warning({ messageTs: '1.0', postedAt: T0 + MINUTE }));
      await store.leaks.saveWarning(warning({ messageTs: '0.0', postedAt: T0 }));
      await store.leaks.saveWarning(warning({ messageTs: '2.0', postedAt: T0 + 2 * MINUTE }));
      await store.leaks.saveWarning(warning({ channelId: 'C0OTHER', postedAt: T0 + MINUTE }));
      expect((await store.leaks.warningsPostedAfter(CHANNEL, T0)).map((w) => w.messageTs)).toEqual([
        '1.0',
        '2.0',
        '3.0',
      ]);
      expect(await store.leaks.warningsPostedAfter(CHANNEL, T0 + 3 * MINUTE)).toEqual([]);
    });
  });

  describe('a restart (the database opened again)', () => {
    const stores = restartableStoreFor(dialect, 'connections');

    it('keeps connections, their mark and webhook, and the leaks already seen', async () => {
      const first = await stores.fresh();
      await first.connections.save(slackConnection('marketing'));
      await first.connections.markCompromised('marketing', T0);
      await first.connections.saveWebhookPending('marketing', 'sealed-1', T0);
      await first.connections.promoteWebhookPending('marketing');
      await first.leaks.record(leak(1, { connection: 'marketing' }));
      const before = await first.connections.get('marketing');

      const reopened = await stores.restart();

      expect(await reopened.connections.get('marketing')).toEqual(before);
      expect(await reopened.connections.isCompromised('marketing')).toBe(true);
      expect((await reopened.connections.webhookSecrets('marketing')).current).toBe('sealed-1');
      // The same event delivered again after the restart is still no news.
      expect(await reopened.leaks.record({ ...leak(1), id: 'l-again' })).toBe(false);
    });
  });
});
