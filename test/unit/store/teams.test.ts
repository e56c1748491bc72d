/**
 * Many Slack workspaces in one database (src/store/store.ts: Repos bound to a team, Store.forTeam,
 * forgetTeam, monitored; src/store/installations.ts), on SQLite and on PostgreSQL. Every tenant
 * repository reads and writes its team's rows only: what T1 wrote is invisible to T2 through
 * every read method, T2 cannot change or delete it with T1's ids or names, and the same names
 * (connection `default`, channel, dedupe key, resource id) live in both teams independently.
 * forgetTeam() clears every tenant table of one team (the list is checked against the schema, so
 * a new table without team handling fails here), and its installation. And the migration that
 * brought teams (SQLite 11, PostgreSQL 3): a database written before keeps every row, under
 * team '' (the single-workspace install's), where another team does not see it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Connection } from '../../../src/domain/connection';
import type { WalkthroughRecord } from '../../../src/domain/walkthrough';
import { tokenFingerprint, tokenHash } from '../../../src/security/tokens';
import { backfillCheckDays } from '../../../src/store/daily';
import { MIGRATIONS, STATE_VERSION } from '../../../src/store/migrations';
import { openStore } from '../../../src/store/open';
import { toPostgres } from '../../../src/store/postgres';
import { POSTGRES_MIGRATIONS } from '../../../src/store/postgresMigrations';
import type { SqliteDatabase } from '../../../src/store/sqlite';
import { type Repos, Store, TENANT_TABLES } from '../../../src/store/store';
import { LEGACY_DB, loadLegacyFixture } from '../../fixtures/legacy/fixture';
import {
  alert,
  CHANNEL,
  fakeToken,
  HOUR,
  MINUTE,
  newWatch,
  OTHER_USER,
  pageId,
  T0,
  USER,
  walkthroughRecord,
} from '../../support/fixtures';
import { createDatabase } from '../../support/postgres/databases';
import { DIALECTS, storeFor, type TestDialect } from '../../support/stores';

const CONNECTION = 'default';
const REPORT_TS = '1700000000.000100';
const MESSAGE_TS = '1700000000.000200';
const DEDUPE_KEY = 'U0ALICE01:check_again:1700000000.1';
const PAGE = pageId(1);
const ITEM = 'item-00001';
const DAY = Math.floor(T0 / (24 * HOUR));

/** What one team's seed wrote that later calls need: its generated ids. */
interface Seeded {
  walkthroughId: string;
  alertId: string;
  leakId: string;
  watchId: number;
  tokenHash: string;
}

/**
 * One row (at least) in every tenant table, through the team's repositories, under the names
 * every team shares; `tag` (4 hex digits) makes the content and the generated ids the team's.
 */
async function seed(repos: Repos, tag: string): Promise<Seeded> {
  const token = fakeToken(tag);
  const connection: Connection = {
    name: CONNECTION,
    source: 'slack',
    tokenCiphertext: `sealed:${tag}`,
    tokenFingerprint: tokenFingerprint(token),
    tokenHash: tokenHash(token),
    updatedBy: USER,
    updatedAt: T0,
  };
  await repos.connections.save(connection);
  await repos.connections.saveIdentity(CONNECTION, {
    integrationName: `Sync ${tag}`,
    workspaceName: `Acme ${tag}`,
  });
  await repos.connections.markCompromised(CONNECTION, T0);
  expect(await repos.connections.saveWebhookPending(CONNECTION, `pending:${tag}`, T0)).toBe(true);

  await repos.history.record([
    {
      checkedAt: T0,
      connection: CONNECTION,
      target: PAGE,
      targetType: 'page',
      category: 'access',
      diagnosisKind: 'not_shared',
      durationMs: 100,
      channelId: CHANNEL,
      userId: USER,
      requestId: `req-${tag}`,
    },
  ]);

  const walkthroughId = `w${tag.repeat(4)}`;
  await repos.walkthroughs.create(walkthrough(walkthroughId), T0);

  expect(await repos.dedupe.claim(DEDUPE_KEY, T0)).toBe(true);

  expect(await repos.watches.add(newWatch(1, { title: `Page ${tag}` }))).toBe(true);
  const [watch] = await repos.watches.inChannel(CHANNEL);
  if (!watch) throw new Error('the watch was not added');

  const alertId = `a${tag.repeat(4)}`;
  await repos.alerts.create(alert([watch], { id: alertId, ts: `${REPORT_TS}${tag}` }));

  await repos.health.save(
    {
      connection: CONNECTION,
      status: { state: 'failing', since: T0, kind: 'token_invalid', requestId: `req-${tag}` },
      reachability: { noticePosted: false },
    },
    T0,
  );

  const leakId = `l${tag.repeat(4)}`;
  expect(
    await repos.leaks.record({
      id: leakId,
      channelId: CHANNEL,
      messageTs: MESSAGE_TS,
      tokenHash: connection.tokenHash,
      fingerprint: connection.tokenFingerprint,
      connection: CONNECTION,
      reportedBy: USER,
      createdAt: T0,
    }),
  ).toBe(true);
  await repos.leaks.saveWarning({
    channelId: CHANNEL,
    messageTs: MESSAGE_TS,
    ts: `1700000001.${tag}`,
    postedAt: T0,
  });

  await repos.inventory.upsertListed(
    CONNECTION,
    [{ id: ITEM, type: 'page', title: `Item ${tag}`, inTrash: false }],
    T0,
  );

  await repos.channels.use({ channelId: CHANNEL, connection: CONNECTION, setBy: USER, setAt: T0 });
  expect(
    await repos.channels.watchAll({
      channelId: CHANNEL,
      connection: CONNECTION,
      addedBy: USER,
      addedAt: T0,
    }),
  ).toBe(true);

  return { walkthroughId, alertId, leakId, watchId: watch.id, tokenHash: connection.tokenHash };
}

const walkthrough = (id: string): WalkthroughRecord =>
  walkthroughRecord(id, ['ok', 'not_shared'], { reportTs: REPORT_TS, messageTs: MESSAGE_TS });

/** Every read method of every tenant repository, asked with these ids (another team's, maybe). */
async function reads(repos: Repos, ids: Seeded) {
  return {
    'connections.get': await repos.connections.get(CONNECTION),
    'connections.list': await repos.connections.list(),
    'connections.byTokenHash': await repos.connections.byTokenHash(ids.tokenHash),
    'connections.webhookSecrets': await repos.connections.webhookSecrets(CONNECTION),
    'connections.isCompromised': await repos.connections.isCompromised(CONNECTION),
    'leaks.get': await repos.leaks.get(ids.leakId),
    'leaks.forMessage': await repos.leaks.forMessage(CHANNEL, MESSAGE_TS),
    'leaks.warningFor': await repos.leaks.warningFor(CHANNEL, MESSAGE_TS),
    'leaks.warningsPostedAfter': await repos.leaks.warningsPostedAfter(CHANNEL, 0),
    'walkthroughs.get': await repos.walkthroughs.get(ids.walkthroughId),
    'walkthroughs.byParent': await repos.walkthroughs.byParent(CHANNEL, REPORT_TS),
    'walkthroughs.state': await repos.walkthroughs.state(ids.walkthroughId),
    'dedupe.seen': await repos.dedupe.seen(DEDUPE_KEY),
    'history.recent': await repos.history.recent(),
    'daily.since': await repos.daily.since([{ connection: CONNECTION, target: PAGE }], 0),
    'watches.inChannel': await repos.watches.inChannel(CHANNEL),
    'watches.countInChannel': await repos.watches.countInChannel(CHANNEL),
    'watches.counts': await repos.watches.counts(CHANNEL, USER),
    'watches.forConnection': await repos.watches.forConnection(CONNECTION),
    'watches.byIds': await repos.watches.byIds(CONNECTION, [ids.watchId]),
    'watches.connections': await repos.watches.connections(),
    'alerts.get': await repos.alerts.get(ids.alertId),
    'alerts.open': await repos.alerts.open(CONNECTION),
    'health.get': await repos.health.get(CONNECTION),
    'inventory.all': await repos.inventory.all(CONNECTION),
    'inventory.get': await repos.inventory.get(CONNECTION, ITEM),
    'inventory.count': await repos.inventory.count(CONNECTION),
    'channels.connectionOf': await repos.channels.connectionOf(CHANNEL),
    'channels.watchingAll': await repos.channels.watchingAll(CONNECTION),
    'channels.watchAllIn': await repos.channels.watchAllIn(CHANNEL),
    'channels.watchAllConnections': await repos.channels.watchAllConnections(),
    'openWork.openAlerts': await repos.openWork.openAlerts(),
    'openWork.openWalkthroughPlaces': await repos.openWork.openWalkthroughPlaces(),
    'openWork.walkthrough': await repos.openWork.walkthrough(ids.walkthroughId),
  };
}

/** Nothing found: undefined, false, 0, [], an empty map, or an object of such (counts, secrets). */
function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (value instanceof Map) return value.size === 0;
  if (typeof value === 'object') return Object.values(value).every(isEmpty);
  return false;
}

/** Every row of `team` in every tenant table, as stored (the raw truth, beside the methods). */
async function dump(store: Store, team: string): Promise<Record<string, unknown[]>> {
  const rows: Record<string, unknown[]> = {};
  for (const table of TENANT_TABLES) {
    const found = await store.database.all(`SELECT * FROM ${table} WHERE team_id = ?`, [team]);
    rows[table] = found.map((row) => JSON.stringify(row)).sort();
  }
  return rows;
}

const count = async (store: Store, table: string, team: string) =>
  (
    await store.database.get<{ n: number }>(
      `SELECT COUNT(*) AS n FROM ${table} WHERE team_id = ?`,
      [team],
    )
  )?.n;

describe.each(DIALECTS)('%s', (dialect) => {
  const fresh = storeFor(dialect);
  let store: Store;
  let t1: Repos;
  let t2: Repos;

  beforeEach(async () => {
    store = await fresh();
    t1 = store.forTeam('T1');
    t2 = store.forTeam('T2');
  });

  describe('reads', () => {
    it("every read method of every tenant repository sees its team's rows only", async () => {
      const ids = await seed(t1, 'aaaa');
      const mine = await reads(t1, ids);
      const theirs = await reads(t2, ids);
      const single = await reads(store, ids);
      for (const [method, value] of Object.entries(mine)) {
        // The seed reaches every method (else its emptiness elsewhere would prove nothing)…
        expect([method, isEmpty(value)]).toEqual([method, false]);
      }
      for (const [method, value] of Object.entries(theirs)) {
        // …and another team, or the single-workspace team '', finds none of it.
        expect([method, isEmpty(value)]).toEqual([method, true]);
        expect([method, isEmpty(single[method as keyof typeof single])]).toEqual([method, true]);
      }
      expect(theirs['watches.counts']).toEqual({ channel: 0, user: 0, workspace: 0 });
    });

    it('the same names live in both teams independently', async () => {
      const one = await seed(t1, 'aaaa');
      const before = await reads(t1, one);
      const two = await seed(t2, 'bbbb');
      // T2's seed (every insert and upsert under the same names) changed nothing of T1's.
      expect(await reads(t1, one)).toEqual(before);
      const other = await reads(t2, two);
      expect(other['connections.get']?.tokenCiphertext).toBe('sealed:bbbb');
      expect(before['connections.get']?.tokenCiphertext).toBe('sealed:aaaa');
      expect(other['connections.webhookSecrets']).toMatchObject({ pending: 'pending:bbbb' });
      expect(other['watches.inChannel'].map((w) => w.title)).toEqual(['Page bbbb']);
      expect(other['inventory.get']?.item.title).toBe('Item bbbb');
      expect(other['leaks.warningFor']?.ts).toBe('1700000001.bbbb');
      expect(other['history.recent'].map((h) => h.requestId)).toEqual(['req-bbbb']);
      // Each team's strip counts its own check only.
      for (const each of [before, other]) {
        expect(each['daily.since'].get(`${CONNECTION}:${PAGE}`)).toEqual([
          { day: DAY, ok: 0, lost: 1, unsure: 0, streak: 1, longest: 1 },
        ]);
        expect(each['watches.counts']).toEqual({ channel: 1, user: 1, workspace: 1 });
      }
      expect(two.watchId).not.toBe(one.watchId);

      // Done once per team: the same key claimed again is a retry in its own team only.
      expect(await t1.dedupe.claim(DEDUPE_KEY, T0)).toBe(false);
      expect(await t2.dedupe.claim(DEDUPE_KEY, T0)).toBe(false);
      expect(await store.dedupe.claim(DEDUPE_KEY, T0)).toBe(true);
      expect(await t1.dedupe.claimOnceWithin('cmd', MINUTE, T0)).toBe(true);
      expect(await t2.dedupe.claimOnceWithin('cmd', MINUTE, T0)).toBe(true);
      expect(await t2.dedupe.claimOnceWithin('cmd', MINUTE, T0 + 1)).toBe(false);
      // A redelivered event (same message, same token) is news in the other team only.
      const again = {
        id: 'l-again',
        channelId: CHANNEL,
        messageTs: MESSAGE_TS,
        tokenHash: one.tokenHash,
        fingerprint: 'x',
        createdAt: T0,
      };
      expect(await t1.leaks.record(again)).toBe(false);
      expect(await t2.leaks.record(again)).toBe(true);
      expect(await t1.watches.add(newWatch(1))).toBe(false);
      expect(
        await t1.channels.watchAll({
          channelId: CHANNEL,
          connection: CONNECTION,
          addedBy: OTHER_USER,
          addedAt: T0,
        }),
      ).toBe(false);

      // Removing in T2 leaves T1's.
      expect(await t2.connections.remove(CONNECTION)).toBe(true);
      expect((await t2.watches.remove(CHANNEL, PAGE))?.id).toBe(two.watchId);
      expect(await t2.inventory.forgetConnection(CONNECTION)).toBe(1);
      await t2.channels.forgetConnection(CONNECTION);
      await t2.health.forget(CONNECTION);
      expect(await t1.connections.get(CONNECTION)).toEqual(before['connections.get']);
      expect(await t1.watches.inChannel(CHANNEL)).toEqual(before['watches.inChannel']);
      expect(await t1.inventory.count(CONNECTION)).toBe(1);
      expect(await t1.channels.watchAllIn(CHANNEL)).toEqual(before['channels.watchAllIn']);
      expect(await t1.health.get(CONNECTION)).toEqual(before['health.get']);
    });
  });

  describe("writes with another team's ids and names", () => {
    it("change nothing of T1's, and report not found", async () => {
      const ids = await seed(t1, 'aaaa');
      const before = await dump(store, 'T1');
      const [watch] = await t1.watches.inChannel(CHANNEL);
      const state = await t1.walkthroughs.state(ids.walkthroughId);
      if (!watch || !state) throw new Error('seeded rows expected');

      await t2.connections.markCompromised(CONNECTION, undefined);
      await t2.connections.saveIdentity(CONNECTION, {
        integrationName: 'Evil',
        workspaceName: 'X',
      });
      expect(await t2.connections.remove(CONNECTION)).toBe(false);
      expect(await t2.connections.saveWebhookPending(CONNECTION, 'evil', T0)).toBe(false);
      expect(await t2.connections.promoteWebhookPending(CONNECTION)).toBe(false);
      expect(await t2.connections.promoteWebhookPending(CONNECTION, 'pending:aaaa')).toBe(false);
      await t2.connections.resealWebhookSecrets(CONNECTION, { current: 'evil', pending: 'evil' });

      await t2.walkthroughs.moved(ids.walkthroughId, { messageTs: '9.9' });
      await t2.walkthroughs.moved(ids.walkthroughId, { reportTs: '9.9' });
      await t2.walkthroughs.saveState({ ...state, status: 'resolved' }, T0 + HOUR);

      await t2.dedupe.prune(0, T0 + 365 * 24 * HOUR);

      expect(await t2.watches.remove(CHANNEL, PAGE)).toBeUndefined();
      expect(await t2.watches.forgetConnection(CONNECTION)).toBe(0);
      await t2.watches.saveStatuses([
        {
          id: ids.watchId,
          status: { state: 'ok', since: T0 + HOUR },
          checkedAt: T0 + HOUR,
          lastKind: 'ok',
        },
      ]);

      expect(await t2.alerts.update(ids.alertId, { status: 'resolved', resolvedAt: T0 })).toBe(
        undefined,
      );
      expect(await t2.alerts.acknowledge(ids.alertId, OTHER_USER, T0)).toBe(false);

      await t2.health.forget(CONNECTION);

      await t2.inventory.saveStatuses(CONNECTION, [
        { id: ITEM, status: { state: 'failing', since: T0, kind: 'not_shared' } },
      ]);
      expect(await t2.inventory.remove(CONNECTION, [ITEM])).toBe(0);
      expect(await t2.inventory.forgetConnection(CONNECTION)).toBe(0);

      expect(await t2.channels.unwatchAll(CHANNEL, CONNECTION)).toBeUndefined();
      await t2.channels.forgetConnection(CONNECTION);

      // Generated ids are unique across teams: T2 cannot take T1's. (By message: SqliteError is
      // not an Error of this file's realm when test files share a worker.)
      const duplicate = expect.stringMatching(/UNIQUE|duplicate key/);
      await expect(
        t2.walkthroughs.create(walkthrough(ids.walkthroughId), T0),
      ).rejects.toHaveProperty('message', duplicate);
      await expect(t2.alerts.create(alert([watch], { id: ids.alertId }))).rejects.toHaveProperty(
        'message',
        duplicate,
      );

      expect(await dump(store, 'T1')).toEqual(before);
      expect(Object.values(await dump(store, 'T2')).flat()).toEqual([]);
      // T1's own calls still work (the rows really were there to change).
      expect(await t1.alerts.acknowledge(ids.alertId, USER, T0)).toBe(true);
      expect(await t1.connections.remove(CONNECTION)).toBe(true);
    });

    it('a transaction keeps its team', async () => {
      const seen = await t1.transaction(async (tx) => {
        await tx.dedupe.claim('in-tx', T0);
        await tx.channels.use({ channelId: CHANNEL, connection: 'sync', setBy: USER, setAt: T0 });
        return tx.team;
      });
      expect(seen).toBe('T1');
      expect(await t1.dedupe.seen('in-tx')).toBe(true);
      expect(await t2.dedupe.seen('in-tx')).toBe(false);
      expect(await store.dedupe.seen('in-tx')).toBe(false);
      expect((await t1.channels.connectionOf(CHANNEL))?.connection).toBe('sync');
      expect(await store.transaction(async (tx) => tx.team)).toBe('');
    });
  });

  describe('Store.forTeam', () => {
    it("is cached per team, '' is the store itself, leases and budget are shared", () => {
      expect(store.team).toBe('');
      expect(store.forTeam('')).toBe(store);
      expect(store.forTeam('T1')).toBe(t1);
      expect(t1.team).toBe('T1');
      expect(t1).not.toBe(t2);
      expect(t1.leases).toBe(store.leases);
      expect(t2.budget).toBe(store.budget);
    });
  });

  describe('forgetTeam', () => {
    it("deletes every row of the team in every tenant table and its installation, nothing else's", async () => {
      await seed(t1, 'aaaa');
      await seed(t2, 'bbbb');
      await seed(store, 'cccc');
      for (const team of ['T1', 'T2']) {
        await store.installations.save({ teamId: team, ciphertext: `sealed:${team}` }, T0);
      }
      const kept = { T2: await dump(store, 'T2'), '': await dump(store, '') };
      let rows = 1; // T1's installation
      for (const table of TENANT_TABLES) {
        const n = (await count(store, table, 'T1')) ?? 0;
        // The seed reaches every table, so every table's deletion is tested.
        expect([table, n > 0]).toEqual([table, true]);
        rows += n;
      }

      expect(await t1.forgetTeam()).toBe(rows);

      for (const table of await teamTables(store)) {
        expect([table, await count(store, table, 'T1')]).toEqual([table, 0]);
      }
      expect(await store.installations.get('T1')).toBeUndefined();
      expect(await store.installations.teams()).toEqual(['T2']);
      expect(await dump(store, 'T2')).toEqual(kept.T2);
      expect(await dump(store, '')).toEqual(kept['']);
      expect(await t1.forgetTeam()).toBe(0);
    });

    it('covers every table with a team_id column (a new tenant table must be added)', async () => {
      expect(await teamTables(store)).toEqual([...TENANT_TABLES, 'installations'].sort());
    });
  });

  describe('Store.monitored', () => {
    it('lists the (team, connection) pairs with watches or watch all, across teams', async () => {
      expect(await store.monitored()).toEqual([]);
      await t2.watches.add(newWatch(1, { connection: 'sync' }));
      await t2.watches.add(newWatch(2, { connection: 'sync' }));
      await t2.channels.watchAll({
        channelId: CHANNEL,
        connection: 'sync',
        addedBy: USER,
        addedAt: T0,
      });
      await t1.channels.watchAll({
        channelId: CHANNEL,
        connection: 'marketing',
        addedBy: USER,
        addedAt: T0,
      });
      await t1.watches.add(newWatch(1));
      await store.watches.add(newWatch(1));
      // A channel's chosen connection is not monitored by itself.
      await t1.channels.use({ channelId: 'C2', connection: 'other', setBy: USER, setAt: T0 });
      expect(await store.monitored()).toEqual([
        { team: '', connection: 'default' },
        { team: 'T1', connection: 'default' },
        { team: 'T1', connection: 'marketing' },
        { team: 'T2', connection: 'sync' },
      ]);
      // Each team's own lists stay its own.
      expect(await t1.watches.connections()).toEqual(['default']);
      expect(await t1.channels.watchAllConnections()).toEqual(['marketing']);
    });
  });

  describe('installations', () => {
    it('round-trip, upsert keeping installed_at, delete, all, teams', async () => {
      expect(await store.installations.get('T1')).toBeUndefined();
      expect(await store.installations.all()).toEqual([]);
      await store.installations.save(
        { teamId: 'T1', enterpriseId: 'E1', ciphertext: 'sealed:one' },
        T0,
      );
      await store.installations.save({ teamId: 'T0', ciphertext: 'sealed:zero' }, T0 + MINUTE);
      expect(await store.installations.get('T1')).toEqual({
        teamId: 'T1',
        enterpriseId: 'E1',
        ciphertext: 'sealed:one',
        installedAt: T0,
        updatedAt: T0,
      });
      // NULL comes back as an absent enterprise.
      expect(await store.installations.get('T0')).toEqual({
        teamId: 'T0',
        ciphertext: 'sealed:zero',
        installedAt: T0 + MINUTE,
        updatedAt: T0 + MINUTE,
      });

      // Installed again (a new bot token): the ciphertext and updated_at change, installed_at not.
      await store.installations.save({ teamId: 'T1', ciphertext: 'sealed:two' }, T0 + HOUR);
      expect(await store.installations.get('T1')).toEqual({
        teamId: 'T1',
        ciphertext: 'sealed:two',
        installedAt: T0,
        updatedAt: T0 + HOUR,
      });
      expect((await store.installations.all()).map((row) => row.teamId)).toEqual(['T0', 'T1']);
      expect(await store.installations.teams()).toEqual(['T0', 'T1']);

      expect(await store.installations.delete('T1')).toBe(true);
      expect(await store.installations.delete('T1')).toBe(false);
      expect(await store.installations.get('T1')).toBeUndefined();
      expect(await store.installations.teams()).toEqual(['T0']);
    });
  });
});

/** The tables of the schema that have a team_id column, by name. */
async function teamTables(store: Store): Promise<string[]> {
  const rows =
    store.dialect === 'sqlite'
      ? await store.database.all<{ name: string }>(
          `SELECT m.name AS name FROM sqlite_master m, pragma_table_info(m.name) p
           WHERE m.type = 'table' AND p.name = 'team_id'`,
        )
      : await store.database.all<{ name: string }>(
          `SELECT table_name AS name FROM information_schema.columns
           WHERE table_schema = current_schema() AND column_name = 'team_id'`,
        );
  return rows.map((row) => row.name).sort();
}

// ---- the migration to teams ------------------------------------------------------------------

/** How many migrations each engine had before teams (SQLite's 11th, PostgreSQL's 3rd, added them). */
const BEFORE_TEAMS: Record<TestDialect, number> = { sqlite: 10, postgres: 2 };

const OLD: Seeded = {
  walkthroughId: 'wold0000000000001',
  alertId: 'aold0000000000001',
  leakId: 'lold0000000000002',
  watchId: 1,
  tokenHash: 'hash-old',
};

/**
 * Rows as the schema before teams held them (one in every table, three watches of which the last
 * was removed, two tokens of one message seen in the order B, A), by plain SQL with `?`.
 */
function oldRows(): [string, unknown[]][] {
  const record = walkthrough(OLD.walkthroughId);
  const { details } = alert([]);
  const watchRow = (n: number): [string, unknown[]] => [
    `INSERT INTO watches (channel_id, connection, resource_id, resource_type, title, url,
       added_by, added_at, state, state_since, kind, request_id, last_checked_at, last_kind)
     VALUES (?, 'default', ?, 'page', ?, NULL, ?, ?, 'failing', ?, 'not_shared', 'req-w', ?, 'not_shared')`,
    [CHANNEL, pageId(n), `Old page ${n}`, USER, T0, T0, T0],
  ];
  const leakRow = (id: string, token: string): [string, unknown[]] => [
    `INSERT INTO leaks (id, channel_id, message_ts, token_hash, fingerprint, connection,
       reported_by, created_at) VALUES (?, ?, ?, ?, '…old', 'default', ?, ?)`,
    [id, CHANNEL, MESSAGE_TS, token, USER, T0],
  ];
  return [
    [
      `INSERT INTO connections (name, source, token_ciphertext, token_fingerprint, token_hash,
         updated_by, updated_at, env_token_hash, compromised_at, integration_name, workspace_name,
         webhook_token_ciphertext, webhook_pending_ciphertext, webhook_pending_at)
       VALUES ('default', 'slack', 'sealed:old', '…old', ?, ?, ?, NULL, ?, 'Old Sync', 'Old Acme',
         'current:old', NULL, NULL)`,
      [OLD.tokenHash, USER, T0, T0],
    ],
    [
      `INSERT INTO check_history (checked_at, connection, target, target_type, category,
         diagnosis_kind, http_status, request_id, duration_ms, channel_id, user_id)
       VALUES (?, 'default', ?, 'page', 'access', 'not_shared', 404, 'req-old', 100, ?, ?)`,
      [T0, PAGE, CHANNEL, USER],
    ],
    [
      `INSERT INTO walkthroughs (id, channel_id, report_ts, message_ts, status, state_json,
         report_json, created_at, updated_at) VALUES (?, ?, ?, ?, 'open', ?, ?, ?, ?)`,
      [
        OLD.walkthroughId,
        CHANNEL,
        REPORT_TS,
        MESSAGE_TS,
        JSON.stringify({ version: STATE_VERSION, ...record.state }),
        JSON.stringify(record.report),
        T0,
        T0,
      ],
    ],
    ['INSERT INTO processed_actions (key, processed_at) VALUES (?, ?)', [DEDUPE_KEY, T0]],
    [
      `INSERT INTO alerts (id, channel_id, posted_channel, ts, connection, scope, kind, status,
         opened_at, failing_since, details_json)
       VALUES (?, ?, ?, ?, 'default', 'resources', 'not_shared', 'open', ?, ?, ?)`,
      [OLD.alertId, CHANNEL, CHANNEL, REPORT_TS, T0, T0, JSON.stringify(details)],
    ],
    watchRow(1),
    watchRow(2),
    watchRow(3),
    ['DELETE FROM watches WHERE resource_id = ?', [pageId(3)]],
    [
      `INSERT INTO connection_health (connection, state, since, kind, request_id,
         unreachable_since, notice_posted, last_sweep_at)
       VALUES ('default', 'failing', ?, 'token_invalid', 'req-h', NULL, 1, ?)`,
      [T0, T0],
    ],
    leakRow(OLD.leakId, OLD.tokenHash),
    leakRow('lold0000000000001', 'hash-other'),
    [
      `INSERT INTO leak_warnings (channel_id, message_ts, warning_ts, posted_at)
       VALUES (?, ?, '1700000001.0001', ?)`,
      [CHANNEL, MESSAGE_TS, T0],
    ],
    [
      `INSERT INTO inventory (connection, item_id, type, title, url, parent_id, in_trash, state,
         state_since, kind, request_id, last_listed_at)
       VALUES ('default', ?, 'page', 'Old item', NULL, NULL, 0, 'ok', ?, NULL, NULL, ?)`,
      [ITEM, T0, T0],
    ],
    [
      `INSERT INTO channel_connections (channel_id, connection, set_by, set_at)
       VALUES (?, 'default', ?, ?)`,
      [CHANNEL, USER, T0],
    ],
    [
      `INSERT INTO watch_all (channel_id, connection, added_by, added_at)
       VALUES (?, 'default', ?, ?)`,
      [CHANNEL, USER, T0],
    ],
    [
      `INSERT INTO check_days (connection, target, day, ok, lost, unsure, streak, longest)
       VALUES ('default', ?, ?, 0, 1, 0, 1, 1)`,
      [PAGE, DAY],
    ],
    ["INSERT INTO leases (name, holder, expires_at) VALUES ('sweep:default', 'r1', ?)", [T0]],
    ['INSERT INTO notion_budget (key, slot, started_at) VALUES (?, 0, ?)', [OLD.tokenHash, T0]],
  ];
}

/** Every table's row count (SQL that both engines and both handles answer). */
async function tableCounts(
  query: (text: string) => Promise<{ n: number | string }[]>,
  tables: string[],
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    counts[table] = Number((await query(`SELECT COUNT(*) AS n FROM ${table}`))[0]?.n);
  }
  return counts;
}

const OLD_TABLES = [...TENANT_TABLES, 'leases', 'notion_budget'];

/** A database at the schema before teams, holding oldRows(); returns how to open it migrated. */
async function databaseBeforeTeams(
  dialect: TestDialect,
  dir: string,
): Promise<{ counts: Record<string, number>; open(): Promise<Store>; drop(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const file = path.join(dir, 'before-teams.db');
    const raw = new Database(file);
    MIGRATIONS.slice(0, BEFORE_TEAMS.sqlite).forEach((migration) => {
      if (typeof migration === 'string') raw.exec(migration);
      else migration(raw);
    });
    raw.pragma(`user_version = ${BEFORE_TEAMS.sqlite}`);
    for (const [text, values] of oldRows()) raw.prepare(text).run(...values);
    const counts = await tableCounts(
      async (text) => raw.prepare(text).all() as { n: number }[],
      OLD_TABLES,
    );
    raw.close();
    return { counts, open: async () => new Store(file), drop: async () => {} };
  }
  const database = await createDatabase();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
    );
    for (let version = 1; version <= BEFORE_TEAMS.postgres; version++) {
      await client.query(POSTGRES_MIGRATIONS[version - 1] as string);
      await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
        version,
        T0,
      ]);
    }
    for (const [text, values] of oldRows()) await client.query(toPostgres(text).text, values);
    const counts = await tableCounts(
      async (text) => (await client.query<{ n: string }>(text)).rows,
      OLD_TABLES,
    );
    return {
      counts,
      open: () => openStore({ dialect: 'postgres', url: database.url }),
      drop: () => database.drop(),
    };
  } finally {
    await client.end();
  }
}

describe.each(DIALECTS)('%s: a database from before teams', (dialect) => {
  let dir: string;
  const opened: Store[] = [];
  const drops: (() => Promise<void>)[] = [];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notion-check-teams-'));
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    for (const drop of drops.splice(0)) await drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("keeps every row, under team '': readable there, not through another team", async () => {
    const before = await databaseBeforeTeams(dialect, dir);
    drops.push(before.drop);
    const store = await before.open();
    opened.push(store);

    expect(
      await tableCounts((text) => store.database.all<{ n: number }>(text), OLD_TABLES),
    ).toEqual(before.counts);
    for (const table of TENANT_TABLES) {
      expect([table, before.counts[table]]).not.toEqual([table, 0]);
      expect([table, await count(store, table, '')]).toEqual([table, before.counts[table]]);
    }
    const mine = await reads(store, OLD);
    for (const [method, value] of Object.entries(mine)) {
      expect([method, isEmpty(value)]).toEqual([method, false]);
    }
    const theirs = await reads(store.forTeam('T2'), OLD);
    for (const [method, value] of Object.entries(theirs)) {
      expect([method, isEmpty(value)]).toEqual([method, true]);
    }
    expect(mine['connections.get']).toMatchObject({
      tokenCiphertext: 'sealed:old',
      integrationName: 'Old Sync',
    });
    expect(mine['connections.webhookSecrets']).toEqual({ current: 'current:old' });
    expect(mine['watches.inChannel'].map((w) => [w.id, w.title])).toEqual([
      [1, 'Old page 1'],
      [2, 'Old page 2'],
    ]);
    // The tokens of a message are still listed in the order they were seen.
    expect(mine['leaks.forMessage'].map((leak) => leak.id)).toEqual([
      OLD.leakId,
      'lold0000000000001',
    ]);
    expect(mine['health.get']?.reachability.noticePosted).toBe(true);
    expect(mine['daily.since'].get(`${CONNECTION}:${PAGE}`)).toEqual([
      { day: DAY, ok: 0, lost: 1, unsure: 0, streak: 1, longest: 1 },
    ]);
    expect(await store.monitored()).toEqual([{ team: '', connection: 'default' }]);

    // A removed watch's id never comes back: the next one is 4, not 3.
    expect(await store.watches.add(newWatch(5))).toBe(true);
    expect((await store.watches.forConnection(CONNECTION)).map((w) => w.id)).toEqual([1, 2, 4]);

    // The old keys are the '' team's now: upserts update them, claims see them.
    expect(await store.dedupe.claim(DEDUPE_KEY, T0)).toBe(false);
    expect(await store.watches.add(newWatch(1))).toBe(false);
    await store.channels.use({ channelId: CHANNEL, connection: 'sync', setBy: USER, setAt: T0 });
    expect(await count(store, 'channel_connections', '')).toBe(1);
    // Another team starts empty, with the same names free.
    expect(await store.forTeam('T2').dedupe.claim(DEDUPE_KEY, T0)).toBe(true);
    expect(await store.forTeam('T2').watches.add(newWatch(1))).toBe(true);
  });
});

describe('sqlite: every shipped schema version migrates to teams', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notion-check-teams-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(Array.from({ length: BEFORE_TEAMS.sqlite + 1 }, (_, version) => version))(
    'from user_version %i',
    async (version) => {
      const file = path.join(dir, `v${version}.db`);
      const raw = new Database(file);
      MIGRATIONS.slice(0, version).forEach((migration) => {
        if (typeof migration === 'string') raw.exec(migration);
        else migration(raw);
      });
      raw.pragma(`user_version = ${version}`);
      raw.close();
      const store = new Store(file);
      try {
        expect(await teamTables(store)).toEqual([...TENANT_TABLES, 'installations'].sort());
        const ids = await seed(store.forTeam('T1'), 'aaaa');
        expect(isEmpty(await reads(store, ids))).toBe(true);
      } finally {
        await store.close();
      }
    },
  );

  it("the daily backfill on today's schema rolls each team's history into its own days", async () => {
    const store = new Store(':memory:');
    try {
      const check = (team: string, minute: number, category: string) => [
        team,
        T0 + minute * MINUTE,
        category,
      ];
      const insert = (store.database as SqliteDatabase).db.handle.prepare(
        `INSERT INTO check_history (team_id, checked_at, connection, target, target_type,
           category, diagnosis_kind, duration_ms) VALUES (?, ?, 'default', ?, 'page', ?, 'x', 1)`,
      );
      for (const [team, at, category] of [
        check('T1', 1, 'access'),
        check('T1', 2, 'access'),
        check('T2', 1, 'ok'),
      ]) {
        insert.run(team, at, PAGE, category);
      }
      backfillCheckDays((store.database as SqliteDatabase).db.handle);
      const strip = async (repos: Repos) =>
        (await repos.daily.since([{ connection: CONNECTION, target: PAGE }], 0)).get(
          `${CONNECTION}:${PAGE}`,
        );
      expect(await strip(store.forTeam('T1'))).toEqual([
        { day: DAY, ok: 0, lost: 2, unsure: 0, streak: 2, longest: 2 },
      ]);
      expect(await strip(store.forTeam('T2'))).toEqual([
        { day: DAY, ok: 1, lost: 0, unsure: 0, streak: 0, longest: 0 },
      ]);
      expect(await strip(store)).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it("the 0.1 fixture (test/fixtures/legacy) keeps its rows under team ''", async () => {
    const fixture = loadLegacyFixture();
    const file = path.join(dir, 'v0.1.db');
    fs.copyFileSync(LEGACY_DB, file);
    const raw = new Database(file, { readonly: true });
    const tables = fixture.database.tables;
    const counts = await tableCounts(
      async (text) => raw.prepare(text).all() as { n: number }[],
      tables,
    );
    raw.close();
    const store = new Store(file);
    try {
      expect(await tableCounts((text) => store.database.all<{ n: number }>(text), tables)).toEqual(
        counts,
      );
      for (const table of tables)
        expect([table, await count(store, table, '')]).toEqual([table, counts[table]]);
      const other = store.forTeam('T2');
      const { notShared } = fixture.walkthroughs;
      expect((await store.walkthroughs.get(notShared.id))?.channelId).toBe(notShared.channelId);
      expect(await other.walkthroughs.get(notShared.id)).toBeUndefined();
      expect((await store.alerts.get(fixture.alert.id))?.status).toBe(fixture.alert.status);
      expect(await other.alerts.get(fixture.alert.id)).toBeUndefined();
      expect(await store.connections.get(fixture.connection.name)).toMatchObject({
        source: fixture.connection.source,
        tokenFingerprint: fixture.connection.tokenFingerprint,
      });
      expect(await other.connections.list()).toEqual([]);
      expect((await store.watches.inChannel(fixture.watch.channelId)).map((w) => w.id)).toContain(
        fixture.watch.id,
      );
      expect(await other.watches.inChannel(fixture.watch.channelId)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
