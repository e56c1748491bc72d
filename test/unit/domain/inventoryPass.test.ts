/**
 * One sweep's pass over a "watch all" inventory (src/domain/inventory.ts): which items get a
 * direct request (toConfirm), what listing and checks do to each status (passOver), what a
 * webhook re-check covers (subtreeOf), and the count (countVisible) for search's real shape.
 */
import { type DiagnosisKind, diagnosisOf } from '../../../src/domain/diagnosis';
import {
  countVisible,
  type InventoryEntry,
  type InventoryItem,
  type InventoryItemType,
  idKey,
  MAX_UNLISTED_CHECKS,
  passOver,
  subtreeOf,
  toConfirm,
} from '../../../src/domain/inventory';
import { type CheckOutcome, outcomeOf, type WatchState } from '../../../src/domain/watch';
import { T0 } from '../../support/fixtures';

const item = (
  id: string,
  parentId?: string,
  type: InventoryItemType = 'page',
  inTrash = false,
): InventoryItem => ({ id, type, title: `T ${id}`, parentId, inTrash });

const entry = (
  it: InventoryItem,
  state: WatchState = 'ok',
  lastListedAt = T0,
  kind?: DiagnosisKind,
): InventoryEntry => ({ item: it, status: { state, since: T0, kind }, lastListedAt });

const answer = (kind: DiagnosisKind, at = T0 + 1): CheckOutcome =>
  outcomeOf(diagnosisOf(kind, kind === 'ok' ? {} : { requestId: `req-${kind}` }), at);

describe('idKey', () => {
  it('ids with and without dashes, in any case, are one key', () => {
    expect(idKey('1A2B3C4D-5E6F-4A5B-8C9D-0E1F2A3B4C5D')).toBe(
      idKey('1a2b3c4d5e6f4a5b8c9d0e1f2a3b4c5d'),
    );
  });
});

describe('toConfirm', () => {
  const known = [entry(item('a')), entry(item('b')), entry(item('c'))];

  it('a complete listing: every known item it did not show, or showed in trash', () => {
    const listed = [item('a'), item('c', undefined, 'page', true)];
    expect(toConfirm(known, listed, true).map((i) => i.id)).toEqual(['b', 'c']);
  });

  it('an incomplete listing still earns direct requests for what it did not show', () => {
    expect(toConfirm(known, [item('a')], false).map((i) => i.id)).toEqual(['b', 'c']);
  });

  it('…at most a budget of them: suspect and failing first, then the longest unlisted', () => {
    const many = [
      entry(item('old'), 'ok', T0 - 10),
      entry(item('recent'), 'ok', T0),
      entry(item('lost'), 'failing', T0),
      entry(item('doubt'), 'suspect', T0),
    ];
    expect(toConfirm(many, [], false, 3).map((i) => i.id)).toEqual(['lost', 'doubt', 'old']);
    expect(toConfirm(many, [], true, 1)).toHaveLength(4); // complete: no budget
    expect(MAX_UNLISTED_CHECKS).toBeGreaterThan(0);
  });
});

describe('passOver', () => {
  it('a listed item clears a suspicion; a failing one that is listed again has recovered', () => {
    const known = [entry(item('a'), 'suspect'), entry(item('b'), 'failing'), entry(item('c'))];
    const pass = passOver(known, { items: [item('a'), item('b'), item('c')] }, new Map(), T0 + 5);
    expect(pass.statuses).toEqual([
      { id: 'a', status: { state: 'ok', since: T0 + 5 } },
      { id: 'b', status: { state: 'ok', since: T0 + 5 } },
    ]);
    expect(pass.recovered).toEqual(['b']);
    expect(pass.lost).toEqual([]);
    expect(pass.listed.map((i) => i.id)).toEqual(['a', 'b', 'c']);
  });

  it('a loss needs two checks: suspect first, then a confirmed loss; trash apart', () => {
    const known = [entry(item('gone')), entry(item('bin'))];
    const checks = new Map([
      ['gone', answer('not_shared')],
      ['bin', answer('in_trash')],
    ]);
    const first = passOver(known, { items: [] }, checks, T0 + 1);
    expect(first.lost).toEqual([]);
    expect(first.statuses.map((s) => s.status.state)).toEqual(['suspect', 'suspect']);

    const after = known.map((e, i) => ({ ...e, status: first.statuses[i]?.status ?? e.status }));
    const second = passOver(after, { items: [] }, checks, T0 + 2);
    expect(second.lost.map((l) => l.entry.item.id)).toEqual(['gone']);
    expect(second.trashed.map((l) => l.entry.item.id)).toEqual(['bin']);
    expect(second.lost[0]?.status).toMatchObject({ state: 'failing', since: T0 + 1 });
  });

  it('a transient or token answer changes nothing; a 200 (search just missed it) is ok', () => {
    const known = [entry(item('a'), 'suspect'), entry(item('b'), 'suspect'), entry(item('c'))];
    const checks = new Map([
      ['a', answer('rate_limited')],
      ['b', answer('token_invalid')],
      ['c', answer('ok')],
    ]);
    const pass = passOver(known, { items: [] }, checks, T0 + 1);
    expect(pass.statuses).toEqual([]);
    expect(pass.lost).toEqual([]);
  });

  it('new items appear silently; a new one already in trash is not kept', () => {
    const pass = passOver(
      [],
      { items: [item('new'), item('binned', undefined, 'page', true)] },
      new Map(),
      T0,
    );
    expect(pass.listed.map((i) => i.id)).toEqual(['new']);
    expect(pass.statuses).toEqual([]);
  });

  it('a known item listed in trash is not cleared by the listing: its direct check decides', () => {
    const known = [entry(item('a'))];
    const pass = passOver(
      known,
      { items: [item('a', undefined, 'page', true)] },
      new Map([['a', answer('in_trash')]]),
      T0 + 1,
    );
    expect(pass.listed).toEqual([item('a', undefined, 'page', true)]);
    expect(pass.statuses[0]?.status).toMatchObject({ state: 'suspect', kind: 'in_trash' });
  });

  it('confirmed (a webhook event was the first signal): a loss alerts at once', () => {
    const known = [entry(item('a')), entry(item('b'), 'failing')];
    const checks = new Map([
      ['a', answer('not_shared')],
      ['b', answer('ok')],
    ]);
    const pass = passOver(known, undefined, checks, T0 + 1, { confirmed: true });
    expect(pass.lost.map((l) => l.entry.item.id)).toEqual(['a']);
    expect(pass.lost[0]?.status).toMatchObject({ state: 'failing', since: T0 + 1 });
    expect(pass.recovered).toEqual(['b']);
    // A transient answer never counts, event or not.
    const calm = passOver(known, undefined, new Map([['a', answer('notion_unavailable')]]), T0, {
      confirmed: true,
    });
    expect(calm.statuses).toEqual([]);
  });

  it('listed ids match stored ones whatever their dashes; the stored id is kept', () => {
    const stored = '1a2b3c4d-5e6f-4a5b-8c9d-0e1f2a3b4c5d';
    const pass = passOver(
      [entry(item(stored), 'suspect')],
      { items: [item('1a2b3c4d5e6f4a5b8c9d0e1f2a3b4c5d')] },
      new Map(),
      T0 + 1,
    );
    expect(pass.listed.map((i) => i.id)).toEqual([stored]);
    expect(pass.statuses.map((s) => s.id)).toEqual([stored]);
  });
});

describe('subtreeOf', () => {
  const known = [
    item('root'),
    item('child', 'root'),
    item('grandchild', 'child'),
    item('other'),
    item('ds1', 'db', 'data_source'),
    item('ds2', 'db', 'data_source'),
    item('row', 'ds1'),
    item('loop-a', 'loop-b'),
    item('loop-b', 'loop-a'),
  ].map((i) => entry(i));
  const ids = (items: InventoryItem[]) => items.map((i) => i.id).sort();

  it('an item and everything inventoried inside it', () => {
    expect(ids(subtreeOf(known, ['root']))).toEqual(['child', 'grandchild', 'root']);
  });

  it('a database search never lists: its data sources and their rows', () => {
    expect(ids(subtreeOf(known, ['db']))).toEqual(['ds1', 'ds2', 'row']);
  });

  it('unknown ids give nothing; a cycle in a corrupt tree ends', () => {
    expect(subtreeOf(known, ['nope'])).toEqual([]);
    expect(ids(subtreeOf(known, ['loop-a']))).toEqual(['loop-a', 'loop-b']);
  });
});

describe('countVisible, with what search really lists (data sources, never databases)', () => {
  it('the data sources of one database count once between them', () => {
    const items = [
      item('ds1', 'db', 'data_source'),
      item('ds2', 'db', 'data_source'),
      item('ds3', 'db2', 'data_source'),
      item('page'),
    ];
    expect(countVisible(items)).toBe(3);
  });
});
