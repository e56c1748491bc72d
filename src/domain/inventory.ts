/**
 * An integration's inventory for "watch all" (PRODUCT.md, "Watching everything an integration
 * can see"): what a sweep's listing (Notion search) and direct checks mean, how confirmed losses
 * group into roots, and what "watch all" counts. Pure; monitor/inventory.ts does the I/O.
 *
 * Listing (missingFromListing: which known items get a direct request)
 *   listing  | known item is...                   | direct check?
 *   ---------+------------------------------------+---------------------------------------------
 *   complete | listed, not in trash               | no (listing again is an ok outcome)
 *   complete | not listed, or listed as in trash  | yes (absence is a hint, never a verdict)
 *   partial  | anything                           | no (a listing cut short says nothing)
 *   toConfirm, what a sweep uses: a partial listing still earns direct requests for what it
 *   did not show, at most MAX_UNLISTED_CHECKS of them (suspect and failing first): never "lost"
 *   from absence, never thousands of requests either.
 *
 * Direct check (verdictOf, then recordCheck through watch.ts nextWatchStatus)
 *   answer                                  | verdict   | status outcome
 *   ----------------------------------------+-----------+-------------------------------------
 *   200, not in trash (kind ok)             | shared    | ok (search just missed it)
 *   200 in trash (kind in_trash)            | trash     | access: confirmed by the next sweep
 *   404 / 403 (not_shared, restricted)      | lost      | access: confirmed by the next sweep
 *   token_missing / token_invalid / leaked  | none      | unchanged (the connection's own
 *                                           |           |   status tells; no per-item flood)
 *   transient, input, unexpected            | none      | unchanged (Notion's trouble)
 *
 * Loss roots (lossRoots; call once for the lost set and once for the trash set)
 *   - An item's root is its highest lost ancestor along an unbroken chain of lost parents;
 *     an item whose parent is not lost (still shared, unknown, or none) is a root itself.
 *   - `inside` counts the lost items below a root, the root NOT included, so a root stands for
 *     `inside + 1` items: "42 pages: *Roadmap* and 41 pages inside it" is inside = 41.
 *   - A data source whose parent database is lost too folds into it: it is neither counted nor
 *     an example (a database and its data sources count once). Items below it still count.
 *   - A cycle of lost items in a corrupt tree has no highest ancestor: its smallest id is the
 *     root. Every item is walked once (memoised), so the cost is linear in the lost set.
 *   - Examples: up to `examples` (default 5) items inside, shallowest first, then title, id.
 *   - Roots are ordered by `inside` (largest first), then title, then id.
 *
 * Summary (summarise): at most `max` roots shown; the rest only as numbers (moreRoots,
 * morePages), never words. countVisible: items in trash don't count, and a database and its
 * data sources count once (the data sources of one database count once between them even when
 * search did not list the database itself: it never does under Notion-Version 2025-09-03).
 */
import type { Diagnosis } from './diagnosis';
import {
  type CheckOutcome,
  confirmedByEvent,
  type Decision,
  nextWatchStatus,
  type WatchStatus,
} from './watch';

export type InventoryItemType = 'page' | 'database' | 'data_source';

export interface InventoryItem {
  id: string;
  type: InventoryItemType;
  title: string;
  url?: string;
  /** The parent page, database or data source; undefined at the workspace top level. */
  parentId?: string;
  inTrash: boolean;
}

/** What is kept per item between sweeps. */
export interface InventoryEntry {
  item: InventoryItem;
  /** The confirmation rule of watches: suspect on the first loss, failing (alert) on the next. */
  status: WatchStatus;
  /** When a listing last returned the item. */
  lastListedAt: number;
}

/** The items known before this sweep that the listing did not return (or returned as in trash). */
export function missingFromListing(
  known: readonly InventoryItem[],
  listed: readonly InventoryItem[],
  complete: boolean,
): InventoryItem[] {
  if (!complete) return [];
  const visible = new Set(listed.filter((item) => !item.inTrash).map((item) => item.id));
  const seen = new Set<string>();
  const missing: InventoryItem[] = [];
  for (const item of known) {
    if (visible.has(item.id) || seen.has(item.id)) continue;
    seen.add(item.id);
    missing.push(item);
  }
  return missing;
}

export type Verdict = 'shared' | 'lost' | 'trash';

/** What a direct request for one item says; undefined means no verdict (leave it alone). */
export function verdictOf(check: Pick<Diagnosis, 'kind' | 'category'>): Verdict | undefined {
  if (check.kind === 'ok') return 'shared';
  if (check.kind === 'in_trash') return 'trash';
  if (check.kind === 'not_shared' || check.kind === 'restricted') return 'lost';
  return undefined;
}

export interface InventoryTransition {
  entry: InventoryEntry;
  decision: Decision;
}

/** The listing returned the item: proof it is shared (a suspicion or a loss clears). */
export function recordListed(
  entry: InventoryEntry,
  item: InventoryItem,
  at: number,
): InventoryTransition {
  const next = nextWatchStatus(entry.status, { category: 'ok', kind: 'ok', at });
  return { entry: { item, status: next.status, lastListedAt: at }, decision: next.decision };
}

/** A direct check of an item missing from the listing. */
export function recordCheck(entry: InventoryEntry, check: CheckOutcome): InventoryTransition {
  const verdict = verdictOf(check);
  if (verdict === undefined) return { entry, decision: 'none' };
  const next = nextWatchStatus(entry.status, check);
  const item = { ...entry.item, inTrash: verdict === 'trash' };
  return { entry: { ...entry, item, status: next.status }, decision: next.decision };
}

/** The stored parent tree, titles and types of a set of items, as lossRoots takes them. */
export function treeOf(items: readonly InventoryItem[]): {
  parents: Map<string, string | undefined>;
  titles: Map<string, string>;
  types: Map<string, InventoryItemType>;
} {
  const parents = new Map<string, string | undefined>();
  const titles = new Map<string, string>();
  const types = new Map<string, InventoryItemType>();
  for (const item of items) {
    parents.set(item.id, item.parentId);
    titles.set(item.id, item.title);
    types.set(item.id, item.type);
  }
  return { parents, titles, types };
}

export interface LossRef {
  id: string;
  title?: string;
  type?: InventoryItemType;
}

export interface LossRoot {
  root: LossRef;
  /** Lost items below the root, the root not included. */
  inside: number;
  /** A few of them, shallowest first. */
  examples: LossRef[];
}

export const LOSS_EXAMPLES = 5;

/** Confirmed losses grouped by their highest lost ancestor (see the table at the top). */
export function lossRoots(
  lost: ReadonlySet<string>,
  tree: ReadonlyMap<string, string | undefined>,
  titles: ReadonlyMap<string, string>,
  types: ReadonlyMap<string, InventoryItemType>,
  examples: number = LOSS_EXAMPLES,
): LossRoot[] {
  const rootOf = new Map<string, string>();
  const depthOf = new Map<string, number>();
  const settle = (node: string, root: string, depth: number): void => {
    rootOf.set(node, root);
    depthOf.set(node, depth);
  };

  for (const start of lost) {
    if (rootOf.has(start)) continue;
    // Walk up through lost parents; path[k + 1] is the parent of path[k].
    const path: string[] = [];
    const onPath = new Map<string, number>();
    let current = start;
    for (;;) {
      const root = rootOf.get(current);
      if (root !== undefined) {
        // Joins a walk already made: everything below hangs off `current`.
        const anchor = depthOf.get(current) ?? 0;
        for (let k = 0; k < path.length; k++) {
          settle(path[k] as string, root, anchor + path.length - k);
        }
        break;
      }
      const at = onPath.get(current);
      if (at !== undefined) {
        // A cycle: path[at..] loops. Its smallest id is the root; depths count down from it.
        const cycle = path.slice(at);
        let top = current;
        for (const id of cycle) if (id < top) top = id;
        const r = path.indexOf(top);
        const size = cycle.length;
        for (let k = at; k < path.length; k++) {
          settle(path[k] as string, top, (((r - k) % size) + size) % size);
        }
        const entry = depthOf.get(current) ?? 0;
        for (let k = 0; k < at; k++) settle(path[k] as string, top, entry + at - k);
        break;
      }
      onPath.set(current, path.length);
      path.push(current);
      const parent = tree.get(current);
      if (parent === undefined || !lost.has(parent)) {
        for (let k = 0; k < path.length; k++)
          settle(path[k] as string, current, path.length - 1 - k);
        break;
      }
      current = parent;
    }
  }

  const ref = (id: string): LossRef => {
    const title = titles.get(id);
    const type = types.get(id);
    return { id, ...(title !== undefined && { title }), ...(type !== undefined && { type }) };
  };
  const folded = (id: string): boolean => {
    if (types.get(id) !== 'data_source') return false;
    const parent = tree.get(id);
    return parent !== undefined && lost.has(parent) && types.get(parent) === 'database';
  };

  const members = new Map<string, string[]>();
  for (const id of lost) {
    const root = rootOf.get(id) as string;
    if (!members.has(root)) members.set(root, []);
    if (id !== root && !folded(id)) members.get(root)?.push(id);
  }

  const byTitle = (a: string, b: string): number => {
    const ta = titles.get(a) ?? '';
    const tb = titles.get(b) ?? '';
    if (ta !== tb) return ta < tb ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  };
  const roots: LossRoot[] = [];
  for (const [root, inside] of members) {
    const shown = inside
      .slice()
      .sort((a, b) => (depthOf.get(a) ?? 0) - (depthOf.get(b) ?? 0) || byTitle(a, b))
      .slice(0, Math.max(0, Math.floor(examples)));
    roots.push({ root: ref(root), inside: inside.length, examples: shown.map(ref) });
  }
  return roots.sort((a, b) => b.inside - a.inside || byTitle(a.root.id, b.root.id));
}

export interface LossSummary {
  shown: LossRoot[];
  /** Roots not shown. */
  moreRoots: number;
  /** Items in the roots not shown (each root and everything inside it). */
  morePages: number;
  totalRoots: number;
  /** Every lost item, the roots included: the "42" of "lost access to 42 pages". */
  totalPages: number;
}

/** At most `max` roots to show, the rest as numbers only. Roots keep lossRoots' order. */
export function summarise(roots: readonly LossRoot[], max: number): LossSummary {
  const limit = Math.max(0, Math.floor(max));
  const size = (root: LossRoot): number => root.inside + 1;
  const shown = roots.slice(0, limit);
  const hidden = roots.slice(limit);
  const morePages = hidden.reduce((sum, root) => sum + size(root), 0);
  return {
    shown,
    moreRoots: hidden.length,
    morePages,
    totalRoots: roots.length,
    totalPages: shown.reduce((sum, root) => sum + size(root), morePages),
  };
}

/** What "watch all" covers: not in trash; a database and its data sources count once. */
export function countVisible(items: readonly InventoryItem[]): number {
  const visible = new Map<string, InventoryItem>();
  for (const item of items) if (!item.inTrash) visible.set(item.id, item);
  // Search lists data sources, not their databases: the data sources of one database (its
  // parent) count once between them, whether the database itself was listed or not.
  const databases = new Set<string>();
  let count = 0;
  for (const item of visible.values()) {
    const parent = item.parentId === undefined ? undefined : visible.get(item.parentId);
    if (item.type === 'data_source' && parent?.type === 'database') continue;
    if (item.type === 'data_source' && item.parentId !== undefined) {
      if (databases.has(item.parentId)) continue;
      databases.add(item.parentId);
    }
    count++;
  }
  return count;
}

/** Notion ids with and without dashes, in any case, compare equal through this key. */
export function idKey(id: string): string {
  return id.replaceAll('-', '').toLowerCase();
}

/**
 * At most this many direct requests when the listing came back incomplete: the known items it
 * did not show are checked a slice at a time (those already suspect or failing first, then the
 * longest unlisted), so a broken search can never turn a sweep into thousands of requests.
 */
export const MAX_UNLISTED_CHECKS = 300;

/**
 * The known items a sweep asks Notion about directly. A complete listing: every item it did not
 * show (missingFromListing). An incomplete one: the same items, but never more than `budget`,
 * suspect and failing ones first (they need confirming, or their recovery seen), then the longest
 * unlisted. Either way absence only earns a direct request; the answer is the verdict.
 */
export function toConfirm(
  known: readonly InventoryEntry[],
  listed: readonly InventoryItem[],
  complete: boolean,
  budget: number = MAX_UNLISTED_CHECKS,
): InventoryItem[] {
  const items = missingFromListing(
    known.map((entry) => entry.item),
    listed,
    true,
  );
  if (complete) return items;
  const entryOf = new Map(known.map((entry) => [entry.item.id, entry]));
  const urgency = (item: InventoryItem) => (entryOf.get(item.id)?.status.state === 'ok' ? 1 : 0);
  const listedAt = (item: InventoryItem) => entryOf.get(item.id)?.lastListedAt ?? 0;
  return items
    .slice()
    .sort((a, b) => urgency(a) - urgency(b) || listedAt(a) - listedAt(b))
    .slice(0, Math.max(0, Math.floor(budget)));
}

/** A confirmed loss of one inventory item (its decision was 'alert'). */
export interface InventoryLoss {
  entry: InventoryEntry;
  status: WatchStatus;
}

export interface InventoryPass {
  /** What to store with upsertListed: every listed item, except new ones already in trash. */
  listed: InventoryItem[];
  /** Every status that changed (saveStatuses). */
  statuses: { id: string; status: WatchStatus }[];
  /** Confirmed losses, 404/403 ('not_shared' alerts) and trash ('in_trash' alerts) apart. */
  lost: InventoryLoss[];
  trashed: InventoryLoss[];
  /** Items that were failing and work again. */
  recovered: string[];
}

/**
 * One pass over the inventory: a listing (or none, for a webhook's re-check) and the direct
 * checks made, keyed by the item's stored id. A listed item clears (recordListed); a checked one
 * moves through recordCheck, or, with `confirmed` (a webhook event was the first signal),
 * straight to failing on a loss. Items neither listed nor checked keep their state. New items
 * appear silently; one that is new and already in trash is not kept (it is nothing lost).
 */
export function passOver(
  known: readonly InventoryEntry[],
  listing: { items: readonly InventoryItem[] } | undefined,
  checks: ReadonlyMap<string, CheckOutcome>,
  at: number,
  options: { confirmed?: boolean } = {},
): InventoryPass {
  const byKey = new Map(known.map((entry) => [idKey(entry.item.id), entry]));
  const pass: InventoryPass = { listed: [], statuses: [], lost: [], trashed: [], recovered: [] };
  const listedKeys = new Set<string>();
  const take = (transition: InventoryTransition, before: InventoryEntry) => {
    const { entry, decision } = transition;
    const changed =
      entry.status.state !== before.status.state ||
      entry.status.since !== before.status.since ||
      entry.status.kind !== before.status.kind ||
      entry.status.requestId !== before.status.requestId;
    if (changed) pass.statuses.push({ id: before.item.id, status: entry.status });
    if (decision === 'recovered') pass.recovered.push(before.item.id);
    if (decision === 'alert') {
      const loss = { entry, status: entry.status };
      (entry.status.kind === 'in_trash' ? pass.trashed : pass.lost).push(loss);
    }
  };
  for (const item of listing?.items ?? []) {
    const key = idKey(item.id);
    if (listedKeys.has(key)) continue;
    listedKeys.add(key);
    const entry = byKey.get(key);
    if (!entry) {
      if (!item.inTrash) pass.listed.push(item);
      continue;
    }
    const stored = { ...item, id: entry.item.id };
    pass.listed.push(stored);
    // Listed in trash: a hint only; the direct check (toConfirm) decides.
    if (!item.inTrash && !checks.has(entry.item.id)) take(recordListed(entry, stored, at), entry);
  }
  for (const [id, check] of checks) {
    const entry = byKey.get(idKey(id));
    if (!entry) continue;
    if (options.confirmed) {
      const verdict = verdictOf(check);
      if (verdict === undefined) continue;
      const next = confirmedByEvent(entry.status, check);
      take({ entry: { ...entry, status: next.status }, decision: next.decision }, entry);
    } else {
      take(recordCheck(entry, check), entry);
    }
  }
  return pass;
}

/**
 * The inventoried items inside each of `ids` (through the stored parent tree), the items
 * themselves included when known: what a webhook's re-check asks Notion about.
 */
export function subtreeOf(
  known: readonly InventoryEntry[],
  ids: readonly string[],
): InventoryItem[] {
  const children = new Map<string, InventoryItem[]>();
  const byKey = new Map<string, InventoryItem>();
  for (const { item } of known) {
    byKey.set(idKey(item.id), item);
    if (item.parentId === undefined) continue;
    const parent = idKey(item.parentId);
    children.set(parent, [...(children.get(parent) ?? []), item]);
  }
  const found = new Map<string, InventoryItem>();
  const queue = ids.map(idKey);
  for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
    const item = byKey.get(key);
    if (item && found.has(key)) continue;
    if (item) found.set(key, item);
    for (const child of children.get(key) ?? []) {
      const childKey = idKey(child.id);
      if (!found.has(childKey)) queue.push(childKey);
    }
  }
  return [...found.values()];
}

/** The answer to `watch all`: how many, whose, and whether the listing was complete. */
export interface WatchAllResult {
  connection: string;
  integrationName?: string;
  /** Pages and databases the integration can see (trash not counted; a database once). */
  count: number;
  /** This channel watched everything of this connection before. */
  already: boolean;
  /** False when Notion's search did not return everything (incomplete, or cut short). */
  complete: boolean;
}

/** One "watch all" subscription of a channel, as `list` shows it. */
export interface WatchAllSummary {
  connection: string;
  integrationName?: string;
  /** Pages and databases in the inventory now (trash not counted). */
  count: number;
  since: number;
  addedBy: string;
}
