import type { DiagnosisKind } from '../domain/diagnosis';
import type { InventoryEntry, InventoryItem, InventoryItemType } from '../domain/inventory';
import type { WatchState, WatchStatus } from '../domain/watch';
import { type Dialect, inList, jsonList, orNull, orUndefined, type Sql } from './sql';

interface InventoryRow {
  itemId: string;
  type: InventoryItemType;
  title: string;
  url: string | null;
  parentId: string | null;
  inTrash: 0 | 1;
  state: WatchState;
  stateSince: number;
  kind: DiagnosisKind | null;
  requestId: string | null;
  lastListedAt: number;
}

const COLUMNS = `item_id AS "itemId", type, title, url, parent_id AS "parentId",
  in_trash AS "inTrash", state, state_since AS "stateSince", kind, request_id AS "requestId",
  last_listed_at AS "lastListedAt"`;

/**
 * Listed items upserted many per statement (one round trip per chunk, not per item: a listing
 * of 10,000 items took seconds on PostgreSQL row by row): the chunk is one JSON parameter, an
 * array of [itemId, type, title, url, parentId, inTrash] arrays, read by each dialect's JSON.
 */
const LISTED_ROWS: Record<Dialect, string> = {
  sqlite: `SELECT @team, @connection, json_extract(value, '$[0]'), json_extract(value, '$[1]'),
      json_extract(value, '$[2]'), json_extract(value, '$[3]'), json_extract(value, '$[4]'),
      json_extract(value, '$[5]'), 'ok', @at, @at
    FROM json_each(@rows) WHERE true`,
  postgres: `SELECT @team::text, @connection::text, r->>0, r->>1, r->>2, r->>3, r->>4, (r->>5)::integer, 'ok',
      @at::bigint, @at::bigint
    FROM json_array_elements(@rows::json) AS r`,
};

const upsertListed = (dialect: Dialect) => `INSERT INTO inventory (team_id, connection, item_id,
    type, title, url, parent_id, in_trash, state, state_since, last_listed_at)
  ${LISTED_ROWS[dialect]}
  ON CONFLICT (team_id, connection, item_id) DO UPDATE SET type = excluded.type,
    title = excluded.title, url = excluded.url, parent_id = excluded.parent_id,
    in_trash = excluded.in_trash, last_listed_at = excluded.last_listed_at`;

/** Items per upsert statement. */
const LISTED_CHUNK = 500;

const SAVE_STATUS = `UPDATE inventory SET state = @state, state_since = @since, kind = @kind,
    request_id = @requestId
  WHERE team_id = @team AND connection = @connection AND item_id = @id`;

function toEntry(row: InventoryRow): InventoryEntry {
  return {
    item: {
      id: row.itemId,
      type: row.type,
      title: row.title,
      url: orUndefined(row.url),
      parentId: orUndefined(row.parentId),
      inTrash: row.inTrash === 1,
    },
    status: {
      state: row.state,
      since: row.stateSince,
      kind: orUndefined(row.kind),
      requestId: orUndefined(row.requestId),
    },
    lastListedAt: row.lastListedAt,
  };
}

const listedRow = (item: InventoryItem) => [
  item.id,
  item.type,
  item.title,
  orNull(item.url),
  orNull(item.parentId),
  item.inTrash ? 1 : 0,
];

const statusColumns = (status: WatchStatus) => ({
  state: status.state,
  since: status.since,
  kind: orNull(status.kind),
  requestId: orNull(status.requestId),
});

/**
 * A team's connections' inventories for "watch all": each listed item and its status between
 * sweeps.
 */
export class InventoryRepo {
  constructor(
    private readonly sql: Sql,
    private readonly team: string,
  ) {}

  /**
   * Records what a listing returned, in one transaction. A new item starts ok since `at`; a
   * known one gets its type, title, url, parent and trash flag and `lastListedAt`, and keeps its
   * status (clearing a suspicion is the domain's decision: recordListed, then saveStatuses).
   */
  async upsertListed(
    connection: string,
    items: readonly InventoryItem[],
    at: number,
  ): Promise<void> {
    const statement = upsertListed(this.sql.dialect);
    await this.sql.transaction(async (tx) => {
      for (let start = 0; start < items.length; start += LISTED_CHUNK) {
        const rows = items.slice(start, start + LISTED_CHUNK).map(listedRow);
        await tx.run(statement, { team: this.team, connection, at, rows: JSON.stringify(rows) });
      }
    });
  }

  async all(connection: string): Promise<InventoryEntry[]> {
    const rows = await this.sql.all<InventoryRow>(
      `SELECT ${COLUMNS} FROM inventory WHERE team_id = ? AND connection = ? ORDER BY item_id`,
      [this.team, connection],
    );
    return rows.map(toEntry);
  }

  async get(connection: string, id: string): Promise<InventoryEntry | undefined> {
    const row = await this.sql.get<InventoryRow>(
      `SELECT ${COLUMNS} FROM inventory WHERE team_id = ? AND connection = ? AND item_id = ?`,
      [this.team, connection, id],
    );
    return row && toEntry(row);
  }

  /** Saves the outcome of one sweep for these items at once (unknown ids are ignored). */
  async saveStatuses(
    connection: string,
    updates: readonly { id: string; status: WatchStatus }[],
  ): Promise<void> {
    await this.sql.transaction(async (tx) => {
      for (const { id, status } of updates) {
        await tx.run(SAVE_STATUS, { team: this.team, connection, id, ...statusColumns(status) });
      }
    });
  }

  /** Forgets these items of the connection; returns how many were there. */
  async remove(connection: string, ids: readonly string[]): Promise<number> {
    return this.sql.run(
      `DELETE FROM inventory WHERE team_id = ? AND connection = ?
         AND item_id IN (${inList(this.sql.dialect, 'text')})`,
      [this.team, connection, jsonList(ids)],
    );
  }

  /** The connection was removed: its whole inventory goes with it. */
  async forgetConnection(connection: string): Promise<number> {
    return this.sql.run('DELETE FROM inventory WHERE team_id = ? AND connection = ?', [
      this.team,
      connection,
    ]);
  }

  async count(connection: string): Promise<number> {
    const row = await this.sql.get<{ n: number }>(
      'SELECT COUNT(*) AS n FROM inventory WHERE team_id = ? AND connection = ?',
      [this.team, connection],
    );
    return row?.n ?? 0;
  }
}
