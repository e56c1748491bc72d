/**
 * The daily roll-up of check results (src/store/daily.ts, table check_days): filled where the
 * history is recorded, one row per connection, target and UTC day, with the run of lost-access
 * answers carried from day to day — on SQLite and on PostgreSQL; and, on SQLite only,
 * backfilled by migration 9 from the history a 0.2 database already holds, exactly as recording
 * it would have (PostgreSQL starts at today's schema: there is no older data to backfill).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { type CheckDay, DAY_MS, dayState } from '../../../src/domain/home';
import type { CheckHistoryEntry } from '../../../src/store/history';
import { MIGRATIONS } from '../../../src/store/migrations';
import { Store } from '../../../src/store/store';
import { DIALECTS, storeFor } from '../../support/stores';
import { restartableStoreFor } from './restartable';

const PAGE = '1a2b3c4d5e6f4a5b8c9d0e1f2a3b4c5d';
const DASHED = '1a2b3c4d-5e6f-4a5b-8c9d-0e1f2a3b4c5d';
const OTHER = '2b3c4d5e6f7a4b5c9d0e1f2a3b4c5d6e';
/** Midnight UTC of day 19,700 (2023-12-09). */
const DAY = 19_700;

function entry(
  day: number,
  minute: number,
  category: 'ok' | 'access' | 'transient',
  overrides: Partial<CheckHistoryEntry> = {},
): CheckHistoryEntry {
  return {
    checkedAt: day * DAY_MS + minute * 60_000,
    connection: 'default',
    target: PAGE,
    targetType: 'page',
    category,
    diagnosisKind: category === 'ok' ? 'ok' : category === 'access' ? 'not_shared' : 'timeout',
    durationMs: 100,
    ...overrides,
  };
}

const days = async (
  store: Store,
  target = PAGE,
  connection = 'default',
  from = 0,
): Promise<CheckDay[]> =>
  (await store.daily.since([{ connection, target }], from)).get(`${connection}:${target}`) ?? [];

describe.each(DIALECTS)('%s: recording fills the roll-up', (dialect) => {
  const fresh = storeFor(dialect);
  let store: Store;

  beforeEach(async () => {
    store = await fresh();
  });

  it('one row per target and UTC day, with the day’s counts and run', async () => {
    await store.history.record([
      entry(DAY, 10, 'ok'),
      entry(DAY, 20, 'access'),
      entry(DAY, 30, 'transient'),
      entry(DAY, 40, 'access'),
      entry(DAY, 60 * 24 - 1, 'ok'),
    ]);
    await store.history.record([entry(DAY + 1, 0, 'access')]);
    expect(await days(store)).toEqual([
      { day: DAY, ok: 2, lost: 2, unsure: 1, streak: 0, longest: 2 },
      { day: DAY + 1, ok: 0, lost: 1, unsure: 0, streak: 1, longest: 1 },
    ]);
    expect((await days(store)).map(dayState)).toEqual(['failing', 'suspect']);
  });

  it('the run carries into the next day: a failure at midnight confirms one at 23:59', async () => {
    await store.history.record([entry(DAY, 60 * 24 - 1, 'access')]);
    await store.history.record([entry(DAY + 1, 1, 'access')]);
    expect((await days(store)).map(dayState)).toEqual(['suspect', 'failing']);
  });

  it('the run carries across days with no check in between', async () => {
    await store.history.record([entry(DAY - 3, 5, 'access')]);
    await store.history.record([entry(DAY, 5, 'access')]);
    expect((await days(store)).map((each) => [each.day - DAY, each.streak])).toEqual([
      [-3, 1],
      [0, 2],
    ]);
  });

  it('one id with or without dashes is one target; targets and connections stay apart', async () => {
    await store.history.record([
      entry(DAY, 1, 'access'),
      entry(DAY, 2, 'access', { target: DASHED }),
      entry(DAY, 3, 'access', { target: OTHER }),
      entry(DAY, 4, 'ok', { connection: 'sync' }),
      entry(DAY, 5, 'ok', { target: 'token', targetType: 'token' }),
    ]);
    expect((await days(store)).map(dayState)).toEqual(['failing']);
    expect(await days(store, DASHED)).toEqual([]); // asked by its stored key only through stripKey
    expect((await days(store, OTHER)).map(dayState)).toEqual(['suspect']);
    expect((await days(store, PAGE, 'sync')).map(dayState)).toEqual(['ok']);
    const both = await store.daily.since(
      [
        { connection: 'default', target: DASHED },
        { connection: 'default', target: 'token' },
      ],
      0,
    );
    expect([...both.keys()].sort()).toEqual([`default:${PAGE}`, 'default:token']);
  });

  it('since(): only the days asked for, only the targets asked for, oldest first', async () => {
    await store.history.record([
      entry(DAY, 1, 'ok'),
      entry(DAY - 20, 1, 'ok'),
      entry(DAY - 5, 1, 'ok'),
      entry(DAY, 2, 'ok', { target: OTHER }),
      entry(DAY, 3, 'ok', { connection: 'sync' }),
    ]);
    expect((await days(store, PAGE, 'default', DAY - 13)).map((each) => each.day)).toEqual([
      DAY - 5,
      DAY,
    ]);
    // A pair is a connection *and* a target: PAGE of `sync` and OTHER of `default` only.
    const crossed = await store.daily.since(
      [
        { connection: 'sync', target: PAGE },
        { connection: 'default', target: OTHER },
      ],
      0,
    );
    expect([...crossed.keys()].sort()).toEqual([`default:${OTHER}`, `sync:${PAGE}`]);
    expect((await store.daily.since([], 0)).size).toBe(0);
  });

  it('a failed record leaves neither the history nor the roll-up behind', async () => {
    await store.history.record([entry(DAY, 1, 'access')]);
    const broken = { ...entry(DAY, 3, 'access'), category: null } as unknown as CheckHistoryEntry;
    // By message: SqliteError is not an Error of this file's realm when files share a worker.
    await expect(store.history.record([entry(DAY, 2, 'access'), broken])).rejects.toHaveProperty(
      'message',
      expect.stringMatching(/not[ -]null/i),
    );
    expect(await days(store)).toEqual([
      { day: DAY, ok: 0, lost: 1, unsure: 0, streak: 1, longest: 1 },
    ]);
    expect(await store.history.recent()).toHaveLength(1);
  });

  describe('a restart (the database opened again)', () => {
    const stores = restartableStoreFor(dialect, 'daily');

    it('keeps it, and recording goes on from the stored run', async () => {
      const first = await stores.fresh();
      await first.history.record([entry(DAY, 1, 'access'), entry(DAY, 2, 'access')]);
      const reopened = await stores.restart();
      expect((await days(reopened)).map(dayState)).toEqual(['failing']);
      await reopened.history.record([entry(DAY + 1, 1, 'access')]);
      expect((await days(reopened)).map((each) => each.streak)).toEqual([2, 3]);
    });
  });
});

describe('sqlite only: migration 9 backfills it from the history already there', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notion-check-daily-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A database as 0.2 left it: migrations 1–8, then `entries` in its check_history. */
  function databaseAtVersion8(file: string, entries: CheckHistoryEntry[]): void {
    const raw = new Database(file);
    MIGRATIONS.slice(0, 8).forEach((migration) => {
      if (typeof migration === 'string') raw.exec(migration);
      else migration(raw);
    });
    raw.pragma('user_version = 8');
    const insert = raw.prepare(
      `INSERT INTO check_history (checked_at, connection, target, target_type, category,
         diagnosis_kind, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const each of entries) {
      insert.run(
        each.checkedAt,
        each.connection,
        each.target,
        each.targetType,
        each.category,
        each.diagnosisKind,
        each.durationMs,
      );
    }
    raw.close();
  }

  const HISTORY = [
    // Older than 30 days before the newest row: never on a strip, not backfilled.
    entry(DAY - 40, 5, 'access'),
    entry(DAY - 2, 5, 'ok'),
    entry(DAY - 2, 6, 'access'),
    entry(DAY - 1, 5, 'access', { target: DASHED }),
    entry(DAY - 1, 6, 'transient'),
    entry(DAY, 5, 'ok'),
    entry(DAY, 6, 'access', { target: OTHER }),
    entry(DAY, 7, 'ok', { connection: 'sync', target: 'token', targetType: 'token' }),
  ];

  it('fills check_days exactly as recording the same results would have', async () => {
    const file = path.join(dir, 'upgraded.db');
    databaseAtVersion8(file, HISTORY);
    const upgraded = new Store(file);
    const recorded = new Store(path.join(dir, 'recorded.db'));
    try {
      await recorded.history.record(HISTORY.slice(1));
      const all = [
        { connection: 'default', target: PAGE },
        { connection: 'default', target: OTHER },
        { connection: 'sync', target: 'token' },
      ];
      expect(await upgraded.daily.since(all, 0)).toEqual(await recorded.daily.since(all, 0));
      expect((await days(upgraded)).map((each) => [each.day - DAY, dayState(each)])).toEqual([
        [-2, 'suspect'],
        [-1, 'failing'],
        [0, 'ok'],
      ]);
      // Recording goes on from the backfilled run.
      await upgraded.history.record([entry(DAY + 1, 1, 'access'), entry(DAY + 1, 2, 'access')]);
      expect(dayState((await days(upgraded)).at(-1))).toBe('failing');
    } finally {
      await upgraded.close();
      await recorded.close();
    }
  });

  it('an empty history backfills nothing', async () => {
    const file = path.join(dir, 'empty.db');
    databaseAtVersion8(file, []);
    const store = new Store(file);
    try {
      expect((await store.daily.since([{ connection: 'default', target: PAGE }], 0)).size).toBe(0);
    } finally {
      await store.close();
    }
  });
});
