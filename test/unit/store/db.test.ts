/**
 * SQLite only: the file handle (src/store/db.ts) and its async wrapper (src/store/sqlite.ts) on
 * a temporary file. The handle creates its folder, sets WAL, NORMAL sync, foreign keys and a
 * busy timeout, runs each of SQLite's migrations once (PRAGMA user_version counts them) and
 * reports its health; SqliteDatabase.transaction() is BEGIN IMMEDIATE (the write lock before
 * the first write) and nests as savepoints. What both engines share (placeholders, commit and
 * rollback, a failing savepoint, serialized read-modify-writes) is in engines.test.ts; the
 * PostgreSQL schema's migration is tested there too.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Db, orNull, orUndefined } from '../../../src/store/db';
import { upgradeWalkthroughState } from '../../../src/store/legacy';
import { MIGRATIONS, STATE_VERSION } from '../../../src/store/migrations';
import type { Sql } from '../../../src/store/sql';
import { SqliteDatabase } from '../../../src/store/sqlite';
import { Store } from '../../../src/store/store';
import { CHANNEL, newWatch, T0 } from '../../support/fixtures';

let dir: string;
let file: string;
const opened: { close(): void }[] = [];

/** Opens a handle that afterEach closes. */
function open<T extends { close(): void }>(handle: T): T {
  opened.push(handle);
  return handle;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notion-check-db-'));
  file = path.join(dir, 'data', 'nested', 'notion-check.db');
});

afterEach(() => {
  for (const handle of opened.splice(0)) handle.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const userVersion = (db: Db) => db.handle.pragma('user_version', { simple: true });
const tables = (db: Db) =>
  (
    db.handle
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all() as { name: string }[]
  )
    .map((row) => row.name)
    .sort();

/** A scratch table for the transaction tests. */
function withScratch(db: Db): Db {
  db.handle.exec('CREATE TABLE scratch (n INTEGER NOT NULL)');
  return db;
}
const insert = (db: Db, n: number) => db.prepare('INSERT INTO scratch (n) VALUES (?)').run(n);
const numbers = (db: Db) =>
  (db.prepare('SELECT n FROM scratch ORDER BY n').all() as { n: number }[]).map((row) => row.n);

describe('opening', () => {
  it('creates the folders of the file, WAL, NORMAL sync, foreign keys on', () => {
    expect(fs.existsSync(path.dirname(file))).toBe(false);
    const db = open(new Db(file));
    expect(fs.existsSync(file)).toBe(true);
    expect(db.handle.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.handle.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(db.handle.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.handle.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('runs every migration: user_version is their count, every table exists', () => {
    const db = open(new Db(file));
    expect(userVersion(db)).toBe(MIGRATIONS.length);
    expect(tables(db)).toEqual([
      'alerts',
      'channel_connections',
      'check_days',
      'check_history',
      'connection_health',
      'connections',
      'installations',
      'inventory',
      'leak_warnings',
      'leaks',
      'leases',
      'notion_budget',
      'processed_actions',
      'walkthroughs',
      'watch_all',
      'watches',
    ]);
  });

  it('works in memory too (no folder to create)', () => {
    const db = open(new Db(':memory:'));
    expect(userVersion(db)).toBe(MIGRATIONS.length);
    expect(db.isHealthy()).toBe(true);
  });
});

describe('migrations', () => {
  it('are idempotent: reopening runs none again (an ALTER TABLE twice would throw)', () => {
    const first = open(new Db(file));
    const created = tables(first);
    first.close();
    const again = open(new Db(file));
    expect(userVersion(again)).toBe(MIGRATIONS.length);
    again.close();
    const third = open(new Db(file));
    expect(userVersion(third)).toBe(MIGRATIONS.length);
    expect(tables(third)).toEqual(created);
  });

  it('reopening a Store twice runs no migration again and loses nothing', async () => {
    let store = new Store(file);
    for (const index of [1, 2]) expect(await store.watches.add(newWatch(index))).toBe(true);
    await store.close();
    store = new Store(file);
    await store.close();
    store = new Store(file);
    try {
      expect(await store.watches.countInChannel(CHANNEL)).toBe(2);
      expect(await store.isHealthy()).toBe(true);
      expect(
        await store.database.get('SELECT 1 AS ok FROM pragma_user_version WHERE user_version = ?', [
          MIGRATIONS.length,
        ]),
      ).toEqual({ ok: 1 });
    } finally {
      await store.close();
    }
  });

  it('a database left by 0.1 (user_version 4) runs only the new ones, rewriting its walkthroughs once', () => {
    // The schema exactly as 0.1 left it: the first four migrations, by hand.
    const legacyFile = path.join(dir, 'legacy.db');
    const raw = new Database(legacyFile);
    MIGRATIONS.slice(0, 4).forEach((migration) => {
      if (typeof migration !== 'string') throw new Error('the first four migrations are SQL');
      raw.exec(migration);
    });
    raw.pragma('user_version = 4');
    const state = {
      id: 'w0123456789abcdef',
      status: 'open',
      kind: 'in_trash',
      steps: [{ id: 'restore_from_trash', status: 'pending' }],
      problems: [
        {
          kind: 'in_trash',
          title: "In Notion's trash (deleted)",
          affected: [
            '<https://www.notion.so/acme/Old-0123456789abcdef0123456789abcdef|Old &amp; gone> (page)',
          ],
          requestIds: [],
          context: { resourceTitle: 'Old & gone', resourceUrl: 'https://www.notion.so/x' },
        },
      ],
      fixed: [],
      targets: ['https://www.notion.so/acme/Old-0123456789abcdef0123456789abcdef'],
      context: {},
      startedBy: 'U0ALICE01',
      startedAt: T0,
    };
    raw
      .prepare(
        `INSERT INTO walkthroughs (id, channel_id, report_ts, message_ts, status, state_json,
           report_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(state.id, CHANNEL, '1.1', '1.2', 'open', JSON.stringify(state), '{}', T0, T0);
    raw.close();

    const db = open(new Db(legacyFile));
    expect(userVersion(db)).toBe(MIGRATIONS.length);
    const read = () =>
      JSON.parse(
        (db.prepare('SELECT state_json AS json FROM walkthroughs').get() as { json: string }).json,
      );
    const rewritten = read();
    expect(rewritten).toEqual(
      JSON.parse(
        JSON.stringify({
          version: STATE_VERSION,
          ...upgradeWalkthroughState(JSON.parse(JSON.stringify(state))),
        }),
      ),
    );
    expect(rewritten.problems[0].affected[0]).toMatchObject({ title: 'Old & gone', type: 'page' });
    db.close();

    // Reopened: the rewrite does not run again.
    const again = open(new Db(legacyFile));
    expect(
      JSON.parse(
        (again.prepare('SELECT state_json AS json FROM walkthroughs').get() as { json: string })
          .json,
      ),
    ).toEqual(rewritten);
  });
});

describe('Db.transaction() (what the migrations run in)', () => {
  it('commits its work, or nothing of it when it throws', () => {
    const db = open(withScratch(new Db(file)));
    const result = db.transaction(() => {
      insert(db, 1);
      insert(db, 2);
      return 'done';
    });
    expect(result).toBe('done');
    expect(() =>
      db.transaction(() => {
        insert(db, 3);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(numbers(db)).toEqual([1, 2]);
  });
});

/**
 * Db.immediate() is gone: SqliteDatabase.transaction() (what Store.transaction runs on SQLite)
 * is BEGIN IMMEDIATE around async work. Its commit, its rollback on a throw, a failing nested
 * savepoint and serialized read-modify-writes are tested on both engines in engines.test.ts;
 * here, what only SQLite's handle shows.
 */
describe('SqliteDatabase.transaction()', () => {
  const scratch = () => new SqliteDatabase(open(withScratch(new Db(file))));
  const insertIn = (sql: Sql, n: number | null) =>
    sql.run('INSERT INTO scratch (n) VALUES (?)', [n]);

  it('takes the write lock before the first write (BEGIN IMMEDIATE)', async () => {
    const database = scratch();
    const other = open(new Database(file, { timeout: 0 }));
    const otherWrite = () => other.prepare('INSERT INTO scratch (n) VALUES (99)').run();

    // A plain deferred transaction that has not written yet leaves the file to other writers…
    database.db.transaction(() => {
      expect(otherWrite).not.toThrow();
    });
    // …BEGIN IMMEDIATE does not: another process's click waits instead of failing midway.
    await database.transaction(async () => {
      expect(database.db.handle.inTransaction).toBe(true);
      expect(otherWrite).toThrow(/busy|locked/i);
    });
    expect(numbers(database.db)).toEqual([99]);
    // Once it ended, the other writer gets the file again.
    expect(otherWrite).not.toThrow();
  });

  it('returns its result, and leaves the handle out of a transaction after a throw', async () => {
    const database = scratch();
    expect(
      await database.transaction(async (tx) => {
        await insertIn(tx, 1);
        return 42;
      }),
    ).toBe(42);
    await expect(
      database.transaction(async (tx) => {
        await insertIn(tx, 2);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(database.db.handle.inTransaction).toBe(false);
    // A failing statement (not only a throw of the work) rolls back too. (By message: SqliteError
    // is not an Error of this file's realm when test files share a worker.)
    await expect(
      database.transaction(async (tx) => {
        await insertIn(tx, 3);
        await insertIn(tx, null);
      }),
    ).rejects.toHaveProperty('message', expect.stringMatching(/NOT NULL/));
    expect(database.db.handle.inTransaction).toBe(false);
    expect(numbers(database.db)).toEqual([1]);
    // The next one begins normally.
    await database.transaction((tx) => insertIn(tx, 4));
    expect(numbers(database.db)).toEqual([1, 4]);
  });

  it('nested: a savepoint that succeeds is part of the outer work; the outer goes on after one fails', async () => {
    const database = scratch();
    await database.transaction(async (tx) => {
      await insertIn(tx, 1);
      const inner = await tx.transaction(async (nested) => {
        await insertIn(nested, 2);
        return 'inner';
      });
      expect(inner).toBe('inner');
      await expect(
        tx.transaction(async (nested) => {
          await insertIn(nested, 3);
          throw new Error('inner failure');
        }),
      ).rejects.toThrow('inner failure');
      expect(database.db.handle.inTransaction).toBe(true);
      await insertIn(tx, 4);
    });
    expect(numbers(database.db)).toEqual([1, 2, 4]);
  });

  it('a failing outer transaction takes its nested work with it', async () => {
    const database = scratch();
    await expect(
      database.transaction(async (tx) => {
        await tx.transaction((nested) => insertIn(nested, 1));
        throw new Error('outer failure');
      }),
    ).rejects.toThrow('outer failure');
    expect(numbers(database.db)).toEqual([]);
  });

  it('close() waits for the open transaction to end', async () => {
    const database = scratch();
    let release: () => void = () => {};
    const pending = database.transaction(async (tx) => {
      await insertIn(tx, 1);
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    await Promise.resolve();
    const closed = database.close();
    release();
    await pending;
    await closed;
    expect(database.db.handle.open).toBe(false);
    expect(await database.isHealthy()).toBe(false);
  });
});

describe('statements and health', () => {
  it('prepares each SQL text once', () => {
    const db = open(new Db(file));
    expect(db.prepare('SELECT 1')).toBe(db.prepare('SELECT 1'));
    expect(db.prepare('SELECT 1')).not.toBe(db.prepare('SELECT 2'));
  });

  it('is healthy while open, not once closed; closing twice is harmless', () => {
    const db = open(new Db(file));
    expect(db.isHealthy()).toBe(true);
    db.close();
    expect(db.isHealthy()).toBe(false);
    expect(() => db.close()).not.toThrow();
  });

  it('orUndefined / orNull map SQL NULL to an absent value and back', () => {
    expect(orUndefined(null)).toBeUndefined();
    expect(orUndefined(0)).toBe(0);
    expect(orUndefined('')).toBe('');
    expect(orNull(undefined)).toBeNull();
    expect(orNull(0)).toBe(0);
    expect(orNull('x')).toBe('x');
  });
});
