/**
 * An integration's inventory for "watch all" (PRODUCT.md, "Watching everything an integration
 * can see"): what a sweep's listing (Notion search) and direct checks mean, how confirmed losses
 * group into roots, and what "watch all" counts. Pure; nothing here is wired into the app yet.
 *
 * Listing (missingFromListing: which known items get a direct request)
 *   listing  | known item is...                   | direct check?
 *   ---------+------------------------------------+---------------------------------------------
 *   complete | listed, not in trash               | no (listing again is an ok outcome)
 *   complete | not listed, or listed as in trash  | yes (absence is a hint, never a verdict)
 *   partial  | anything                           | no (a listing cut short says nothing)
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
 * data sources count once.
 */
import type { Diagnosis } from './diagnosis';
import { type CheckOutcome, type Decision, nextWatchStatus, type WatchStatus } from './watch';

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
  let count = 0;
  for (const item of visible.values()) {
    const parent = item.parentId === undefined ? undefined : visible.get(item.parentId);
    if (item.type === 'data_source' && parent?.type === 'database') continue;
    count++;
  }
  return count;
}
