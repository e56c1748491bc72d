/**
 * The Sql interface on both engines (src/store/sqlite.ts, src/store/postgres.ts): placeholders,
 * changed-row counts, numbers, transactions that commit, roll back, nest, and never interleave a
 * read-modify-write with another, on one handle or two (two replicas).
 */
import { openStore } from '../../../src/store/open';
import { type PostgresDatabase, toPostgres } from '../../../src/store/postgres';
import { POSTGRES_MIGRATIONS } from '../../../src/store/postgresMigrations';
import type { Database } from '../../../src/store/sql';
import { createDatabase } from '../../support/postgres/databases';
import { DIALECTS, storeFor } from '../../support/stores';

describe('toPostgres', () => {
  it('numbers ? in order and gives each @name one number, leaving quoted text alone', () => {
    expect(toPostgres("SELECT a FROM t WHERE b = ? AND c = '?' AND d = ?").text).toBe(
      "SELECT a FROM t WHERE b = $1 AND c = '?' AND d = $2",
    );
    const named = toPostgres('UPDATE t SET a = @a, "@b" = 1 WHERE a <= @now - @a');
    expect(named.text).toBe('UPDATE t SET a = $1, "@b" = 1 WHERE a <= $2 - $1');
    expect(named.names).toEqual(['a', 'now']);
    expect(toPostgres('SELECT ?::json').text).toBe('SELECT $1::json');
  });

  it('refuses SQL that mixes the two styles', () => {
    expect(() => toPostgres('SELECT ? WHERE a = @a')).toThrow('mixes');
  });
});

/** One read-modify-write: reads the counter row, writes it back one higher. */
const increment = (on: Database) =>
  on.transaction(async (tx) => {
    const row = await tx.get<{ n: number }>(
      'SELECT processed_at AS n FROM processed_actions WHERE key = ?',
      ['n'],
    );
    await tx.run('UPDATE processed_actions SET processed_at = ? WHERE key = ?', [
      (row?.n ?? 0) + 1,
      'n',
    ]);
  });

describe.each(DIALECTS)('%s', (dialect) => {
  const fresh = storeFor(dialect);
  let db: Database;

  beforeEach(async () => {
    db = (await fresh()).database;
    await db.run('DELETE FROM processed_actions');
  });

  const keys = async (on = db) =>
    (await on.all<{ key: string }>('SELECT key FROM processed_actions ORDER BY key')).map(
      (row) => row.key,
    );

  it('binds positional and named values, counts changed rows, returns numbers', async () => {
    expect(
      await db.run('INSERT INTO processed_actions (key, processed_at) VALUES (?, ?)', ['a', 1]),
    ).toBe(1);
    expect(
      await db.run(
        'INSERT INTO processed_actions (key, processed_at) VALUES (@key, @at) ON CONFLICT DO NOTHING',
        { key: 'a', at: 2 },
      ),
    ).toBe(0);
    const row = await db.get<{ n: number; at: number }>(
      'SELECT COUNT(*) AS n, MAX(processed_at) AS "at" FROM processed_actions',
    );
    expect(row).toEqual({ n: 1, at: 1 });
    expect(typeof row?.n).toBe('number');
    expect(await db.get('SELECT key FROM processed_actions WHERE key = ?', ['zz'])).toBeUndefined();
  });

  it('keeps a millisecond timestamp exact (BIGINT as a number)', async () => {
    const at = 1_790_000_000_123;
    await db.run('INSERT INTO processed_actions (key, processed_at) VALUES (?, ?)', ['t', at]);
    expect(
      await db.get('SELECT processed_at AS "at" FROM processed_actions WHERE key = ?', ['t']),
    ).toEqual({ at });
  });

  it('commits a transaction, and rolls all of it back when its work throws', async () => {
    await db.transaction(async (tx) => {
      await tx.run('INSERT INTO processed_actions (key, processed_at) VALUES (?, ?)', ['kept', 1]);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.run('INSERT INTO processed_actions (key, processed_at) VALUES (?, ?)', [
          'gone',
          1,
        ]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await keys()).toEqual(['kept']);
  });

  it('a nested transaction is a savepoint: its failure undoes only its part', async () => {
    await db.transaction(async (tx) => {
      await tx.run('INSERT INTO processed_actions (key, processed_at) VALUES (?, ?)', ['outer', 1]);
      await tx
        .transaction(async (inner) => {
          await inner.run('INSERT INTO processed_actions (key, processed_at) VALUES (?, ?)', [
            'inner',
            1,
          ]);
          throw new Error('inner fails');
        })
        .catch(() => {});
    });
    expect(await keys()).toEqual(['outer']);
  });

  it('read-modify-write transactions started together never lose an update', async () => {
    await db.run('INSERT INTO processed_actions (key, processed_at) VALUES (?, ?)', ['n', 0]);

    await Promise.all(Array.from({ length: 20 }, () => increment(db)));
    expect(
      await db.get('SELECT processed_at AS n FROM processed_actions WHERE key = ?', ['n']),
    ).toEqual({ n: 20 });
  });

  it('a statement from outside an open transaction sees only what it committed', async () => {
    let inside: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      inside = resolve;
    });
    let release: () => void = () => {};
    const open = db.transaction(async (tx) => {
      await tx.run('INSERT INTO processed_actions (key, processed_at) VALUES (?, ?)', ['tx', 1]);
      inside();
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    await held;
    const outside = keys();
    release();
    await open;
    // SQLite: the outside read waited for the commit. PostgreSQL: it read committed data only
    // (before or after the commit, never a half-done transaction).
    expect([[], ['tx']]).toContainEqual(await outside);
    expect(await keys()).toEqual(['tx']);
  });
});

describe('postgres: two handles on one database (two replicas)', () => {
  const fresh = storeFor('postgres');

  it('serializes read-modify-write transactions across pools', async () => {
    const first = (await fresh()).database as PostgresDatabase;
    const url = (first.pool.options as { connectionString: string }).connectionString;
    const second = await openStore({ dialect: 'postgres', url });
    try {
      await first.run('INSERT INTO processed_actions (key, processed_at) VALUES (?, ?)', ['n', 0]);
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => increment(i % 2 ? first : second.database)),
      );
      expect(
        await first.get('SELECT processed_at AS n FROM processed_actions WHERE key = ?', ['n']),
      ).toEqual({ n: 20 });
    } finally {
      await second.close();
    }
  });

  it('migrates a new database once when two replicas start on it together', async () => {
    const database = await createDatabase();
    try {
      const [a, b] = await Promise.all([
        openStore({ dialect: 'postgres', url: database.url }),
        openStore({ dialect: 'postgres', url: database.url }),
      ]);
      // Each migration applied once (a second run would have failed or added rows).
      expect(
        await a.database.all('SELECT version FROM schema_migrations ORDER BY version'),
      ).toEqual(POSTGRES_MIGRATIONS.map((_, index) => ({ version: index + 1 })));
      expect(await b.watches.connections()).toEqual([]);
      await Promise.all([a.close(), b.close()]);
    } finally {
      await database.drop();
    }
  });
});

describe('one schema on both engines', () => {
  const sqlite = storeFor('sqlite');
  const postgres = storeFor('postgres');

  it('has the same tables and columns (SQLite migrations vs PostgreSQL migrations)', async () => {
    const lite = (await sqlite()).database;
    const pg = (await postgres()).database;
    const liteColumns = await lite.all<{ name: string; column: string }>(
      `SELECT m.name AS name, p.name AS "column" FROM sqlite_master m, pragma_table_info(m.name) p
       WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY 1, 2`,
    );
    const pgColumns = await pg.all<{ name: string; column: string }>(
      `SELECT table_name AS name, column_name AS "column" FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name <> 'schema_migrations'
         AND NOT (table_name = 'leaks' AND column_name = 'seen')
       ORDER BY 1, 2`,
    );
    const names = (rows: { name: string; column: string }[]) =>
      rows.map((row) => `${row.name}.${row.column}`).sort();
    expect(names(pgColumns)).toEqual(names(liteColumns));
  });
});
