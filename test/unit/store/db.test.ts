/**
 * The SQLite handle (src/store/db.ts) on a temporary file: it creates its folder, sets WAL and
 * foreign keys, runs each migration once (PRAGMA user_version counts them), groups writes in
 * transactions (immediate(): BEGIN IMMEDIATE, or a savepoint inside another transaction), and
 * reports its health.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Db, orNull, orUndefined } from '../../../src/store/db';
import { upgradeWalkthroughState } from '../../../src/store/legacy';
import { MIGRATIONS, STATE_VERSION } from '../../../src/store/migrations';
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
      'inventory',
      'leak_warnings',
      'leaks',
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
    open(new Db(file)).close();
    const again = open(new Db(file));
    expect(userVersion(again)).toBe(MIGRATIONS.length);
    again.close();
    const third = open(new Db(file));
    expect(userVersion(third)).toBe(MIGRATIONS.length);
    expect(tables(third)).toHaveLength(13);
  });

  it('reopening a Store twice runs no migration again and loses nothing', () => {
    let store = open(new Store(file));
    for (const index of [1, 2]) expect(store.watches.add(newWatch(index))).toBe(true);
    store.close();
    store = open(new Store(file));
    store.close();
    store = open(new Store(file));
    expect(store.watches.countInChannel(CHANNEL)).toBe(2);
    expect(store.isHealthy()).toBe(true);
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

describe('transactions', () => {
  it('transaction() commits its work, or nothing of it when it throws', () => {
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

  it('immediate() takes the write lock before the first write', () => {
    const db = open(withScratch(new Db(file)));
    const other = open(new Database(file, { timeout: 0 }));
    const otherWrite = () => other.prepare('INSERT INTO scratch (n) VALUES (99)').run();

    // A plain transaction that has not written yet leaves the file to other writers…
    db.transaction(() => {
      expect(otherWrite).not.toThrow();
    });
    // …BEGIN IMMEDIATE does not: a second click waits instead of failing midway.
    db.immediate(() => {
      expect(db.handle.inTransaction).toBe(true);
      expect(otherWrite).toThrow(/busy|locked/i);
    });
    expect(numbers(db)).toEqual([99]);
  });

  it('immediate() returns its result, and rolls back when it throws', () => {
    const db = open(withScratch(new Db(file)));
    const result = db.immediate(() => {
      insert(db, 1);
      return 42;
    });
    expect(result).toBe(42);
    expect(() =>
      db.immediate(() => {
        insert(db, 2);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(numbers(db)).toEqual([1]);
    expect(db.handle.inTransaction).toBe(false);
  });

  it('immediate() inside a transaction nests as a savepoint instead of failing', () => {
    const db = open(withScratch(new Db(file)));
    db.transaction(() => {
      insert(db, 1);
      // Nested and successful: part of the outer transaction.
      const inner = db.immediate(() => {
        insert(db, 2);
        return 'inner';
      });
      expect(inner).toBe('inner');
      // Nested and failing: only the savepoint is rolled back, the outer work goes on.
      expect(() =>
        db.immediate(() => {
          insert(db, 3);
          throw new Error('inner failure');
        }),
      ).toThrow('inner failure');
      expect(db.handle.inTransaction).toBe(true);
      insert(db, 4);
    });
    expect(numbers(db)).toEqual([1, 2, 4]);
  });

  it('a failing outer transaction takes its nested immediate() work with it', () => {
    const db = open(withScratch(new Db(file)));
    expect(() =>
      db.transaction(() => {
        db.immediate(() => insert(db, 1));
        throw new Error('outer failure');
      }),
    ).toThrow('outer failure');
    expect(numbers(db)).toEqual([]);
  });

  it('Store.immediate groups repository calls the same way', () => {
    const store = open(new Store(file));
    expect(() =>
      store.immediate(() => {
        store.watches.add(newWatch(1));
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.watches.countInChannel(CHANNEL)).toBe(0);
    store.immediate(() => store.watches.add(newWatch(1)));
    expect(store.watches.countInChannel(CHANNEL)).toBe(1);
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
