import type { DiagnosisKind } from '../domain/diagnosis';
import type { InventoryEntry, InventoryItem, InventoryItemType } from '../domain/inventory';
import type { WatchState, WatchStatus } from '../domain/watch';
import { type Db, orNull, orUndefined } from './db';

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

const COLUMNS = `item_id AS itemId, type, title, url, parent_id AS parentId, in_trash AS inTrash,
  state, state_since AS stateSince, kind, request_id AS requestId,
  last_listed_at AS lastListedAt`;

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

const itemColumns = (item: InventoryItem) => ({
  itemId: item.id,
  type: item.type,
  title: item.title,
  url: orNull(item.url),
  parentId: orNull(item.parentId),
  inTrash: item.inTrash ? 1 : 0,
});

const statusColumns = (status: WatchStatus) => ({
  state: status.state,
  since: status.since,
  kind: orNull(status.kind),
  requestId: orNull(status.requestId),
});

/** A connection's inventory for "watch all": each listed item and its status between sweeps. */
export class InventoryRepo {
  constructor(private readonly db: Db) {}

  /**
   * Records what a listing returned, in one transaction. A new item starts ok since `at`; a
   * known one gets its type, title, url, parent and trash flag and `lastListedAt`, and keeps its
   * status (clearing a suspicion is the domain's decision: recordListed, then saveStatuses).
   */
  upsertListed(connection: string, items: readonly InventoryItem[], at: number): void {
    const upsert = this.db.prepare(
      `INSERT INTO inventory (connection, item_id, type, title, url, parent_id, in_trash, state,
         state_since, last_listed_at)
       VALUES (@connection, @itemId, @type, @title, @url, @parentId, @inTrash, 'ok', @at, @at)
       ON CONFLICT (connection, item_id) DO UPDATE SET type = excluded.type,
         title = excluded.title, url = excluded.url, parent_id = excluded.parent_id,
         in_trash = excluded.in_trash, last_listed_at = excluded.last_listed_at`,
    );
    this.db.transaction(() => {
      for (const item of items) upsert.run({ connection, at, ...itemColumns(item) });
    });
  }

  all(connection: string): InventoryEntry[] {
    const rows = this.db
      .prepare(`SELECT ${COLUMNS} FROM inventory WHERE connection = ? ORDER BY item_id`)
      .all(connection) as InventoryRow[];
    return rows.map(toEntry);
  }

  get(connection: string, id: string): InventoryEntry | undefined {
    const row = this.db
      .prepare(`SELECT ${COLUMNS} FROM inventory WHERE connection = ? AND item_id = ?`)
      .get(connection, id) as InventoryRow | undefined;
    return row && toEntry(row);
  }

  /** Saves the outcome of one sweep for these items at once (unknown ids are ignored). */
  saveStatuses(connection: string, updates: readonly { id: string; status: WatchStatus }[]): void {
    const update = this.db.prepare(
      `UPDATE inventory SET state = @state, state_since = @since, kind = @kind,
         request_id = @requestId
       WHERE connection = @connection AND item_id = @id`,
    );
    this.db.transaction(() => {
      for (const { id, status } of updates) {
        update.run({ connection, id, ...statusColumns(status) });
      }
    });
  }

  /** Forgets these items of the connection; returns how many were there. */
  remove(connection: string, ids: readonly string[]): number {
    return this.db
      .prepare(
        'DELETE FROM inventory WHERE connection = ? AND item_id IN (SELECT value FROM json_each(?))',
      )
      .run(connection, JSON.stringify(ids)).changes;
  }

  /** The connection was removed: its whole inventory goes with it. */
  forgetConnection(connection: string): number {
    return this.db.prepare('DELETE FROM inventory WHERE connection = ?').run(connection).changes;
  }

  count(connection: string): number {
    const row = this.db
      .prepare('SELECT COUNT(*) AS n FROM inventory WHERE connection = ?')
      .get(connection) as { n: number };
    return row.n;
  }
}
