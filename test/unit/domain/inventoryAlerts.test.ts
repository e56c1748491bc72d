/**
 * Alerts of "watch all" (src/domain/inventoryAlerts.ts) and the alert rules that know about
 * watch-all channels (src/domain/alert.ts isUnwatched, tokenLossAlerts; src/domain/watch.ts
 * confirmedByEvent).
 */
import {
  type Alert,
  isUnwatched,
  openAlert,
  openAlertChore,
  tokenLossAlerts,
} from '../../../src/domain/alert';
import type { InventoryEntry, InventoryItem, InventoryLoss } from '../../../src/domain/inventory';
import {
  inventoryAlertProgress,
  inventoryLossAlerts,
  MAX_ALERT_REQUEST_IDS,
  MAX_ALERT_ROOTS,
} from '../../../src/domain/inventoryAlerts';
import { confirmedByEvent, type WatchStatus } from '../../../src/domain/watch';
import { CHANNEL, T0, watch } from '../../support/fixtures';

const OTHER = 'C0OTHER001';
const FACTS = { connection: 'default', integrationName: 'Acme Sync', fingerprint: '…abcd' };

const item = (id: string, parentId?: string, title = `T ${id}`): InventoryItem => ({
  id,
  type: 'page',
  title,
  url: `https://www.notion.so/${id}`,
  parentId,
  inTrash: false,
});
const failing = (kind = 'not_shared' as const, n = 0): WatchStatus => ({
  state: 'failing',
  since: T0 + n,
  kind,
  requestId: `req-${n}`,
});
const entry = (it: InventoryItem, status: WatchStatus = failing()): InventoryEntry => ({
  item: it,
  status,
  lastListedAt: T0,
});
const loss = (e: InventoryEntry): InventoryLoss => ({ entry: e, status: e.status });

/** Roadmap with 40 pages inside (8 children × 4 grandchildren), next to a shared Handbook. */
function roadmap() {
  const items = [
    item('company'),
    item('roadmap', 'company', 'Roadmap'),
    item('handbook', 'company'),
  ];
  for (let c = 0; c < 8; c++) {
    items.push(item(`c${c}`, 'roadmap'));
    for (let g = 0; g < 4; g++) items.push(item(`c${c}g${g}`, `c${c}`));
  }
  const lostIds = new Set(
    items.map((i) => i.id).filter((id) => id !== 'company' && id !== 'handbook'),
  );
  const known = items.map((i, n) =>
    entry(i, lostIds.has(i.id) ? failing('not_shared', n) : { state: 'ok', since: T0 }),
  );
  const lost = known.filter((e) => lostIds.has(e.item.id)).map(loss);
  return { known, lost };
}

describe('inventoryLossAlerts', () => {
  it('one alert per channel watching all, naming the root and the 40 pages inside it', () => {
    const { known, lost } = roadmap();
    const alerts = inventoryLossAlerts({ lost, trashed: [] }, known, [CHANNEL, OTHER], FACTS);
    expect(alerts.map((a) => a.channelId)).toEqual([CHANNEL, OTHER]);
    const [first] = alerts;
    expect(first).toMatchObject({
      connection: 'default',
      scope: 'inventory',
      kind: 'not_shared',
      failingSince: T0 + 1,
      details: {
        watches: [],
        integrationName: 'Acme Sync',
        fingerprint: '…abcd',
        moreRoots: 0,
        morePages: 0,
      },
    });
    expect(first?.details.roots).toHaveLength(1);
    expect(first?.details.roots?.[0]).toMatchObject({
      id: 'roadmap',
      title: 'Roadmap',
      url: 'https://www.notion.so/roadmap',
      type: 'page',
      inside: 40,
    });
    expect(first?.details.roots?.[0]?.examples.length).toBeGreaterThan(0);
    expect(first?.details.items).toHaveLength(41);
    expect(first?.details.requestIds).toHaveLength(MAX_ALERT_REQUEST_IDS);
  });

  it('trash and 404s are two alerts; nothing lost is no alert', () => {
    const known = [entry(item('a')), entry(item('b'), failing('in_trash' as never))];
    const alerts = inventoryLossAlerts(
      { lost: [loss(known[0] as InventoryEntry)], trashed: [loss(known[1] as InventoryEntry)] },
      known,
      [CHANNEL],
      FACTS,
      { trashedBy: 'Ada' },
    );
    expect(alerts.map((a) => a.kind)).toEqual(['not_shared', 'in_trash']);
    expect(alerts[0]?.details.trashedBy).toBeUndefined();
    expect(alerts[1]?.details.trashedBy).toBe('Ada');
    expect(inventoryLossAlerts({ lost: [], trashed: [] }, known, [CHANNEL], FACTS)).toEqual([]);
    expect(
      inventoryLossAlerts(
        { lost: [loss(known[0] as InventoryEntry)], trashed: [] },
        known,
        [],
        FACTS,
      ),
    ).toEqual([]);
  });

  it('many roots: at most MAX_ALERT_ROOTS named, the rest counted; every item kept', () => {
    const known = Array.from({ length: 25 }, (_, n) => entry(item(`p${n}`)));
    const [alert] = inventoryLossAlerts(
      { lost: known.map(loss), trashed: [] },
      known,
      [CHANNEL],
      FACTS,
    );
    expect(alert?.details.roots).toHaveLength(MAX_ALERT_ROOTS);
    expect(alert?.details.moreRoots).toBe(25 - MAX_ALERT_ROOTS);
    expect(alert?.details.morePages).toBe(25 - MAX_ALERT_ROOTS);
    expect(alert?.details.items).toHaveLength(25);
  });
});

describe('inventoryAlertProgress', () => {
  function opened() {
    const { known, lost } = roadmap();
    const [input] = inventoryLossAlerts({ lost, trashed: [] }, known, [CHANNEL], FACTS);
    if (!input) throw new Error('expected an alert');
    return { known, alert: openAlert(input, 'alert-1', T0) };
  }
  const back = (known: InventoryEntry[], ids: (id: string) => boolean) =>
    known.map((e) =>
      ids(e.item.id) ? { ...e, status: { state: 'ok' as const, since: T0 + 9 } } : e,
    );

  it('nothing came back: nothing to do', () => {
    const { known, alert } = opened();
    expect(inventoryAlertProgress(alert, known, new Set())).toEqual({ action: 'none' });
  });

  it('some came back: redrawn with the roots of what is still lost', () => {
    const { known, alert } = opened();
    const now = back(known, (id) => id.startsWith('c0'));
    const next = inventoryAlertProgress(alert, now, new Set(['c0', 'c0g0']));
    expect(next.action).toBe('redraw');
    if (next.action !== 'redraw') return;
    expect(next.details.roots?.[0]).toMatchObject({ id: 'roadmap', inside: 35 });
    expect(next.details.items).toHaveLength(41); // recovery still waits for all of them
  });

  it('all back, or no longer in the inventory: resolved', () => {
    const { known, alert } = opened();
    expect(
      inventoryAlertProgress(
        alert,
        back(known, () => true),
        new Set(['roadmap']),
      ),
    ).toEqual({
      action: 'resolve',
    });
    const forgotten = known.filter((e) => e.status.state !== 'failing');
    expect(inventoryAlertProgress(alert, forgotten, new Set())).toEqual({ action: 'resolve' });
  });
});

describe('watch-all channels in the alert rules', () => {
  const base = (scope: Alert['scope'], watches = [watch(1)]): Alert =>
    openAlert(
      {
        connection: 'default',
        channelId: CHANNEL,
        scope,
        kind: 'not_shared',
        failingSince: T0,
        details: {
          watches: watches.map((w) => ({ id: w.id, title: 't', resourceId: w.resourceId })),
          requestIds: [],
        },
      },
      'a1',
      T0,
    );

  it.each([
    ['resources', [], true, true],
    ['resources', [watch(1)], false, false],
    ['connection', [], true, false],
    ['connection', [], false, true],
    ['connection', [watch(1)], false, false],
    ['inventory', [], true, false],
    ['inventory', [], false, true],
  ] as const)(
    '%s alert, %j still watched, subscribed %s → unwatched %s',
    (scope, members, subscribed, expected) => {
      expect(isUnwatched(base(scope, []), [...members], subscribed)).toBe(expected);
    },
  );

  it('openAlertChore keeps an inventory alert of a subscribed channel', () => {
    const alert = { ...base('inventory', []), ts: '1.2', postedChannel: CHANNEL };
    expect(openAlertChore(alert, [], T0, true)).toBe('none');
    expect(openAlertChore(alert, [], T0, false)).toBe('close_unwatched');
  });

  it('a failing token alerts the channels that watch all as well, each once', () => {
    const status = failing('token_invalid' as never);
    const alerts = tokenLossAlerts([watch(1)], status, { connection: 'default' }, [CHANNEL, OTHER]);
    expect(alerts.map((a) => [a.channelId, a.details.watches.length])).toEqual([
      [CHANNEL, 1],
      [OTHER, 0],
    ]);
  });

  it('confirmedByEvent: a webhook plus a check alert at once; the rest as the sweep does', () => {
    const ok: WatchStatus = { state: 'ok', since: T0 };
    const lost = { category: 'access' as const, kind: 'not_shared' as const, at: T0 + 1 };
    expect(confirmedByEvent(ok, lost)).toMatchObject({
      status: { state: 'failing', since: T0 + 1 },
      decision: 'alert',
    });
    const transient = { category: 'transient' as const, kind: 'rate_limited' as const, at: T0 + 1 };
    expect(confirmedByEvent(ok, transient)).toEqual({ status: ok, decision: 'none' });
    const back = { category: 'ok' as const, kind: 'ok' as const, at: T0 + 2 };
    expect(confirmedByEvent(failing(), back).decision).toBe('recovered');
    expect(confirmedByEvent(failing(), lost).decision).toBe('none');
  });
});
