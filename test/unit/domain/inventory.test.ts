/**
 * The inventory rules of "watch all" (src/domain/inventory.ts; the full table is at its top):
 * which known items a sweep checks directly, what a direct check says, how confirmed losses
 * group into roots, how a large loss is summarised, and what "watch all" counts.
 */

import { type DiagnosisKind, diagnosisOf } from '../../../src/domain/diagnosis';
import {
  countVisible,
  type InventoryEntry,
  type InventoryItem,
  type InventoryItemType,
  type LossRoot,
  lossRoots,
  missingFromListing,
  recordCheck,
  recordListed,
  summarise,
  treeOf,
  verdictOf,
} from '../../../src/domain/inventory';
import { outcomeOf } from '../../../src/domain/watch';

const item = (
  id: string,
  parentId?: string,
  type: InventoryItemType = 'page',
  inTrash = false,
): InventoryItem => ({ id, type, title: `T ${id}`, parentId, inTrash });

/** Builds lossRoots' arguments from items and the ids confirmed lost. */
function rootsOf(items: InventoryItem[], lost: string[], examples?: number): LossRoot[] {
  const { parents, titles, types } = treeOf(items);
  return lossRoots(new Set(lost), parents, titles, types, examples);
}

/** A page `id` with `n` descendants: children c0.., each with grandchildren, 4 levels deep. */
function subtree(id: string, n: number, parentId?: string): InventoryItem[] {
  const items = [item(id, parentId)];
  for (let k = 0; k < n; k++) {
    // k's parent: the root for the first 4, then an earlier descendant (a tree, not a chain).
    const parent = k < 4 ? id : `${id}-${Math.floor((k - 4) / 4)}`;
    items.push(item(`${id}-${k}`, parent));
  }
  return items;
}

describe('missingFromListing', () => {
  const known = [item('a'), item('b'), item('c')];

  it('returns only the known items the listing left out, in known order', () => {
    expect(missingFromListing(known, [item('b')], true).map((i) => i.id)).toEqual(['a', 'c']);
  });

  it('checks nothing when the listing was cut short: absence proves nothing', () => {
    expect(missingFromListing(known, [item('b')], false)).toEqual([]);
  });

  it('checks an item listed as in trash (the direct check confirms it)', () => {
    const listed = [item('a'), item('b', undefined, 'page', true), item('c')];
    expect(missingFromListing(known, listed, true).map((i) => i.id)).toEqual(['b']);
  });

  it('ignores new items and duplicate known ones', () => {
    const twice = [item('a'), item('a'), item('b')];
    expect(missingFromListing(twice, [item('z')], true).map((i) => i.id)).toEqual(['a', 'b']);
  });
});

describe('verdictOf', () => {
  const cases: [DiagnosisKind, string | undefined][] = [
    ['ok', 'shared'],
    ['not_shared', 'lost'],
    ['restricted', 'lost'],
    ['in_trash', 'trash'],
    ['token_invalid', undefined],
    ['token_missing', undefined],
    ['token_leaked', undefined],
    ['rate_limited', undefined],
    ['notion_unavailable', undefined],
    ['timeout', undefined],
    ['network', undefined],
    ['bad_response', undefined],
    ['invalid_input', undefined],
    ['unexpected', undefined],
  ];
  it.each(cases)('%s → %s', (kind, verdict) => {
    expect(verdictOf(diagnosisOf(kind))).toBe(verdict);
  });
});

describe('recordCheck / recordListed (the confirmation rule of watches)', () => {
  const entry: InventoryEntry = {
    item: item('a'),
    status: { state: 'ok', since: 0 },
    lastListedAt: 0,
  };
  const check = (kind: DiagnosisKind, at: number) => outcomeOf(diagnosisOf(kind), at);

  it('alerts only when a second sweep confirms the loss', () => {
    const first = recordCheck(entry, check('not_shared', 10));
    expect(first.decision).toBe('none');
    expect(first.entry.status.state).toBe('suspect');
    const second = recordCheck(first.entry, check('not_shared', 20));
    expect(second.decision).toBe('alert');
    expect(second.entry.status).toMatchObject({ state: 'failing', since: 10, kind: 'not_shared' });
  });

  it('a transient answer or a token problem leaves the state alone', () => {
    const suspect = recordCheck(entry, check('not_shared', 10)).entry;
    for (const kind of ['timeout', 'rate_limited', 'token_invalid'] as const) {
      expect(recordCheck(suspect, check(kind, 20))).toEqual({ entry: suspect, decision: 'none' });
    }
  });

  it('trash is kept as trash on the item', () => {
    const first = recordCheck(entry, check('in_trash', 10)).entry;
    const second = recordCheck(first, check('in_trash', 20));
    expect(second.decision).toBe('alert');
    expect(second.entry.item.inTrash).toBe(true);
    expect(second.entry.status.kind).toBe('in_trash');
  });

  it('200 means search missed it: a suspicion clears quietly', () => {
    const suspect = recordCheck(entry, check('not_shared', 10)).entry;
    const back = recordCheck(suspect, check('ok', 20));
    expect(back.decision).toBe('none');
    expect(back.entry.status).toEqual({ state: 'ok', since: 20 });
  });

  it('listed again after a confirmed loss → recovered, lastListedAt moves', () => {
    const failing = recordCheck(
      recordCheck(entry, check('not_shared', 10)).entry,
      check('not_shared', 20),
    ).entry;
    const listed = recordListed(failing, item('a'), 30);
    expect(listed.decision).toBe('recovered');
    expect(listed.entry.lastListedAt).toBe(30);
    expect(listed.entry.status.state).toBe('ok');
  });
});

describe('lossRoots', () => {
  it('a parent with 40 descendants unshared → one root with 40 inside', () => {
    const items = subtree('roadmap', 40);
    const roots = rootsOf(
      items,
      items.map((i) => i.id),
    );
    expect(roots).toHaveLength(1);
    expect(roots[0]?.root).toEqual({ id: 'roadmap', title: 'T roadmap', type: 'page' });
    expect(roots[0]?.inside).toBe(40);
    // Five examples: the shallowest first (the root's 4 children), then by title as text.
    expect(roots[0]?.examples.map((e) => e.id)).toEqual([
      'roadmap-0',
      'roadmap-1',
      'roadmap-2',
      'roadmap-3',
      'roadmap-10',
    ]);
  });

  it('under a still-shared parent, the highest lost page is the root', () => {
    const items = [item('home'), ...subtree('roadmap', 10, 'home')];
    const lost = items.filter((i) => i.id !== 'home').map((i) => i.id);
    const roots = rootsOf(items, lost);
    expect(roots.map((r) => [r.root.id, r.inside])).toEqual([['roadmap', 10]]);
  });

  it('two separate subtrees → two roots, the larger first', () => {
    const items = [item('home'), ...subtree('a', 3, 'home'), ...subtree('b', 7, 'home')];
    const lost = items.filter((i) => i.id !== 'home').map((i) => i.id);
    expect(rootsOf(items, lost).map((r) => [r.root.id, r.inside])).toEqual([
      ['b', 7],
      ['a', 3],
    ]);
  });

  it('a lost child of a still-shared parent is its own root', () => {
    const items = [item('p'), item('c', 'p'), item('g', 'c'), item('other', 'p')];
    expect(rootsOf(items, ['c', 'g']).map((r) => [r.root.id, r.inside])).toEqual([['c', 1]]);
    // A still-shared page between two lost ones splits them.
    const chain = [item('a'), item('b', 'a'), item('c', 'b')];
    expect(rootsOf(chain, ['a', 'c']).map((r) => [r.root.id, r.inside])).toEqual([
      ['a', 0],
      ['c', 0],
    ]);
  });

  it('an item whose parent is unknown to the tree is a root', () => {
    expect(rootsOf([item('x', 'nowhere')], ['x'])).toEqual([
      { root: { id: 'x', title: 'T x', type: 'page' }, inside: 0, examples: [] },
    ]);
  });

  it('a database and its data source count once; rows below still count', () => {
    const items = [
      item('db', undefined, 'database'),
      item('ds', 'db', 'data_source'),
      item('row1', 'ds'),
      item('row2', 'ds'),
    ];
    const roots = rootsOf(items, ['db', 'ds', 'row1', 'row2']);
    expect(roots.map((r) => [r.root.id, r.inside])).toEqual([['db', 2]]);
    expect(roots[0]?.examples.map((e) => e.id)).toEqual(['row1', 'row2']);
    // A data source lost while its database is still shared stands alone.
    expect(rootsOf(items, ['ds']).map((r) => [r.root.id, r.inside])).toEqual([['ds', 0]]);
  });

  it('trash and lost are grouped separately (one call per verdict)', () => {
    const items = [item('home'), ...subtree('old', 2, 'home'), ...subtree('gone', 3, 'home')];
    const checks: Record<string, DiagnosisKind> = {
      old: 'in_trash',
      'old-0': 'in_trash',
      'old-1': 'in_trash',
      gone: 'not_shared',
      'gone-0': 'not_shared',
      'gone-1': 'not_shared',
      'gone-2': 'restricted',
      home: 'timeout',
    };
    const by = (verdict: string) =>
      Object.keys(checks).filter(
        (id) => verdictOf(diagnosisOf(checks[id] as DiagnosisKind)) === verdict,
      );
    expect(rootsOf(items, by('trash')).map((r) => [r.root.id, r.inside])).toEqual([['old', 2]]);
    expect(rootsOf(items, by('lost')).map((r) => [r.root.id, r.inside])).toEqual([['gone', 3]]);
  });

  it('a cycle in a corrupt tree ends: its smallest id is the root', () => {
    const items = [item('b', 'c'), item('c', 'd'), item('d', 'b'), item('leaf', 'c')];
    const roots = rootsOf(items, ['b', 'c', 'd', 'leaf']);
    expect(roots.map((r) => [r.root.id, r.inside])).toEqual([['b', 3]]);
    // Whatever the order the lost set is walked in.
    const reversed = rootsOf(items, ['leaf', 'd', 'c', 'b']);
    expect(reversed.map((r) => [r.root.id, r.inside])).toEqual([['b', 3]]);
    // A self-parent too.
    expect(rootsOf([item('s', 's')], ['s']).map((r) => [r.root.id, r.inside])).toEqual([['s', 0]]);
  });

  it('examples are capped, and can be turned off', () => {
    const items = subtree('r', 12);
    const all = items.map((i) => i.id);
    expect(rootsOf(items, all, 2)[0]?.examples).toHaveLength(2);
    expect(rootsOf(items, all, 0)[0]?.examples).toEqual([]);
  });

  it('10,000 items in 5-level trees: one walk each', () => {
    // 10 trees; each root has 9 children, each of those 9, ... (1 + 9 + 81 + 729 ≈ 1000 per tree
    // over 4 levels, the fifth level fills up to 1,000 each).
    const items: InventoryItem[] = [];
    for (let t = 0; t < 10; t++) {
      const level: string[][] = [[`t${t}`]];
      items.push(item(`t${t}`));
      let count = 1;
      for (let depth = 1; depth < 5 && count < 1000; depth++) {
        level[depth] = [];
        for (const parent of level[depth - 1] as string[]) {
          for (let k = 0; k < 9 && count < 1000; k++, count++) {
            const id = `${parent}.${k}`;
            level[depth]?.push(id);
            items.push(item(id, parent));
          }
        }
      }
    }
    expect(items).toHaveLength(10_000);
    const started = Date.now();
    const roots = rootsOf(
      items,
      items.map((i) => i.id),
    );
    const took = Date.now() - started;
    expect(roots).toHaveLength(10);
    expect(roots.every((r) => r.inside === 999 && r.examples.length === 5)).toBe(true);
    // No timing assertion; printed so a regression to quadratic is visible.
    process.stdout.write(`lossRoots over 10,000 items: ${took} ms\n`);
  });
});

describe('summarise', () => {
  const roots = rootsOf(
    [item('a'), item('a1', 'a'), item('b'), item('b1', 'b'), item('b2', 'b'), item('c'), item('d')],
    ['a', 'a1', 'b', 'b1', 'b2', 'c', 'd'],
  );

  it('shows at most max roots and counts the rest', () => {
    const summary = summarise(roots, 2);
    expect(summary.shown.map((r) => r.root.id)).toEqual(['b', 'a']);
    expect(summary).toMatchObject({ moreRoots: 2, morePages: 2, totalRoots: 4, totalPages: 7 });
  });

  it('everything fits → nothing more', () => {
    expect(summarise(roots, 10)).toMatchObject({ moreRoots: 0, morePages: 0, totalPages: 7 });
  });

  it('max 0 (or nonsense) shows nothing, counts everything', () => {
    expect(summarise(roots, 0)).toMatchObject({ shown: [], moreRoots: 4, morePages: 7 });
    expect(summarise(roots, -3).shown).toEqual([]);
    expect(summarise(roots, 1.9).shown).toHaveLength(1);
  });

  it('hundreds of roots, thousands of pages → a bounded message', () => {
    const many: LossRoot[] = Array.from({ length: 300 }, (_, k) => ({
      root: { id: `r${k}` },
      inside: 9,
      examples: [],
    }));
    const summary = summarise(many, 10);
    expect(summary.shown).toHaveLength(10);
    expect(summary).toMatchObject({ moreRoots: 290, morePages: 2900, totalPages: 3000 });
  });
});

describe('countVisible', () => {
  it('a database and its data sources count once; trash does not count', () => {
    const items = [
      item('p'),
      item('db', 'p', 'database'),
      item('ds1', 'db', 'data_source'),
      item('ds2', 'db', 'data_source'),
      item('row', 'ds1'),
      item('gone', 'p', 'page', true),
    ];
    expect(countVisible(items)).toBe(3); // p, db (with ds1, ds2), row
  });

  it('a data source whose database is not visible counts itself; duplicates once', () => {
    const items = [
      item('db', undefined, 'database', true),
      item('ds', 'db', 'data_source'),
      item('ds', 'db', 'data_source'),
    ];
    expect(countVisible(items)).toBe(1);
    expect(countVisible([])).toBe(0);
  });
});
