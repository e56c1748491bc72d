/**
 * The check history (src/store/history.ts, HistoryRepo) through a real Store, on SQLite and on
 * PostgreSQL: every result recorded, the latest first; and the daily roll-up (check_days)
 * written in the same transaction — both or neither, whether the roll-up, the history or the
 * caller's own transaction fails — and never losing a count when checks finish together.
 */
import { DAY_MS } from '../../../src/domain/home';
import type { CheckHistoryEntry } from '../../../src/store/history';
import type { Store } from '../../../src/store/store';
import { CHANNEL, pageId, T0, USER } from '../../support/fixtures';
import { DIALECTS, storeFor } from '../../support/stores';

const PAGE = pageId(1);

function entry(overrides: Partial<CheckHistoryEntry> = {}): CheckHistoryEntry {
  return {
    checkedAt: T0,
    connection: 'default',
    target: PAGE,
    targetType: 'page',
    category: 'access',
    diagnosisKind: 'not_shared',
    httpStatus: 404,
    requestId: 'req-404',
    durationMs: 321,
    channelId: CHANNEL,
    userId: USER,
    ...overrides,
  };
}

/** A token check as the monitor records it: no status, request, channel or user. */
const bare = (overrides: Partial<CheckHistoryEntry> = {}): CheckHistoryEntry => ({
  checkedAt: T0,
  connection: 'default',
  target: 'token',
  targetType: 'token',
  category: 'ok',
  diagnosisKind: 'ok',
  durationMs: 12,
  ...overrides,
});

const DAY = Math.floor(T0 / DAY_MS);

describe.each(DIALECTS)('%s', (dialect) => {
  const fresh = storeFor(dialect);
  let store: Store;

  beforeEach(async () => {
    store = await fresh();
  });

  const rollUp = async (target = PAGE, connection = 'default') =>
    (await store.daily.since([{ connection, target }], 0)).get(`${connection}:${target}`) ?? [];

  describe('record and recent', () => {
    it('records every field of each result', async () => {
      const full = entry();
      await store.history.record([full]);
      expect(await store.history.recent()).toEqual([full]);
    });

    it('a result without status, request id, channel or user keeps them absent', async () => {
      await store.history.record([bare()]);
      const [stored] = await store.history.recent();
      expect(stored).toMatchObject(bare());
      // recent() gives SQL NULL as null here (no mapping): absent either way, never a value.
      for (const key of ['httpStatus', 'requestId', 'channelId', 'userId'] as const) {
        expect(stored?.[key] ?? undefined).toBeUndefined();
      }
    });

    it('recent: the latest recorded first, at most `limit` (50 by default)', async () => {
      await store.history.record(
        Array.from({ length: 60 }, (_, i) => entry({ checkedAt: T0 + i, target: pageId(i) })),
      );
      // Recorded later, though checked earlier: recorded order wins.
      await store.history.record([entry({ checkedAt: T0 - 1, target: 'late' })]);
      const latest = await store.history.recent();
      expect(latest).toHaveLength(50);
      expect(latest.slice(0, 3).map((e) => e.target)).toEqual(['late', pageId(59), pageId(58)]);
      expect((await store.history.recent(2)).map((e) => e.target)).toEqual(['late', pageId(59)]);
      expect(latest[0]?.checkedAt).toBe(T0 - 1);
      expect(typeof latest[0]?.durationMs).toBe('number');
    });

    it('recording nothing changes nothing', async () => {
      await store.history.record([]);
      expect(await store.history.recent()).toEqual([]);
      expect(await rollUp()).toEqual([]);
    });
  });

  describe('the daily roll-up, in the same transaction', () => {
    it('is written with the history', async () => {
      await store.history.record([
        entry(),
        entry({ checkedAt: T0 + 1 }),
        bare(),
        entry({ category: 'transient', diagnosisKind: 'timeout', checkedAt: T0 + 2 }),
      ]);
      expect(await rollUp()).toEqual([
        { day: DAY, ok: 0, lost: 2, unsure: 1, streak: 2, longest: 2 },
      ]);
      expect(await rollUp('token')).toEqual([
        { day: DAY, ok: 1, lost: 0, unsure: 0, streak: 0, longest: 0 },
      ]);
    });

    it('the roll-up failing undoes the history rows of the same record', async () => {
      await store.history.record([entry()]);
      const add = store.daily.add.bind(store.daily);
      const spy = jest.spyOn(store.daily, 'add').mockImplementationOnce(async (entries, sql) => {
        await add(entries, sql); // its rows written, in the record's transaction…
        throw new Error('disk full'); // …then it fails
      });
      try {
        await expect(
          store.history.record([entry({ checkedAt: T0 + 1 }), bare({ checkedAt: T0 + 1 })]),
        ).rejects.toThrow('disk full');
      } finally {
        spy.mockRestore();
      }
      expect((await store.history.recent()).map((e) => e.checkedAt)).toEqual([T0]);
      expect(await rollUp()).toEqual([
        { day: DAY, ok: 0, lost: 1, unsure: 0, streak: 1, longest: 1 },
      ]);
      expect(await rollUp('token')).toEqual([]);
    });

    it('a history row failing (a missing category) records none of the record', async () => {
      const broken = {
        ...entry({ checkedAt: T0 + 2 }),
        category: null,
      } as unknown as CheckHistoryEntry;
      // By message: SqliteError is not an Error of this file's realm when files share a worker.
      await expect(store.history.record([entry(), bare(), broken])).rejects.toHaveProperty(
        'message',
        expect.stringMatching(/not[ -]null/i),
      );
      expect(await store.history.recent()).toEqual([]);
      expect(await rollUp()).toEqual([]);
      expect(await rollUp('token')).toEqual([]);
    });

    it('inside the caller’s transaction, both are undone when it fails', async () => {
      await expect(
        store.transaction(async (tx) => {
          await tx.history.record([entry()]);
          expect(await tx.history.recent()).toHaveLength(1);
          throw new Error('the caller failed later');
        }),
      ).rejects.toThrow('the caller failed later');
      expect(await store.history.recent()).toEqual([]);
      expect(await rollUp()).toEqual([]);
    });

    it('checks finishing together never lose a count, nor the run', async () => {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => store.history.record([entry({ checkedAt: T0 + i })])),
      );
      expect(await rollUp()).toEqual([
        { day: DAY, ok: 0, lost: 10, unsure: 0, streak: 10, longest: 10 },
      ]);
      expect(await store.history.recent()).toHaveLength(10);
    });
  });
});
