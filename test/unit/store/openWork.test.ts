/**
 * What is still open across the workspace (src/store/openWork.ts, OpenWorkRepo) through a real
 * Store, on SQLite and on PostgreSQL: the Home tab's lists. Every open alert of every
 * connection and channel, the oldest first, resolved ones left out; every open or escalated
 * walkthrough's place, the latest changed first, resolved ones left out; a walkthrough read
 * whole.
 */
import type { Alert } from '../../../src/domain/alert';
import { applyEvent, type WalkthroughRecord } from '../../../src/domain/walkthrough';
import type { Store } from '../../../src/store/store';
import {
  alert,
  CHANNEL,
  HOUR,
  MINUTE,
  OTHER_USER,
  T0,
  USER,
  walkthroughRecord,
  watch,
} from '../../support/fixtures';
import { DIALECTS, storeFor } from '../../support/stores';

const openAlert = (id: string, overrides: Partial<Alert> = {}): Alert =>
  alert([watch(1)], { id, ...overrides });

const walkthrough = (id: string, channelId = CHANNEL): WalkthroughRecord =>
  walkthroughRecord(id, ['not_shared'], {
    channelId,
    reportTs: `${id}.report`,
    messageTs: `${id}.message`,
  });

describe.each(DIALECTS)('%s', (dialect) => {
  const fresh = storeFor(dialect);
  let store: Store;

  beforeEach(async () => {
    store = await fresh();
  });

  describe('open alerts', () => {
    it('none when nothing is open', async () => {
      expect(await store.openWork.openAlerts()).toEqual([]);
    });

    it('every connection’s and channel’s open alerts, the oldest first, whole', async () => {
      const late = openAlert('a-late', { openedAt: T0 + 2 * HOUR });
      const early = openAlert('a-early', { openedAt: T0, connection: 'marketing' });
      const elsewhere = openAlert('a-elsewhere', {
        openedAt: T0 + HOUR,
        channelId: 'C0OTHER',
        scope: 'connection',
        kind: 'token_invalid',
      });
      for (const each of [late, early, elsewhere]) await store.alerts.create(each);
      expect(await store.openWork.openAlerts()).toEqual([early, elsewhere, late]);
    });

    it('opened at the same time: by id, so the list does not reshuffle', async () => {
      for (const id of ['a-3', 'a-1', 'a-2']) await store.alerts.create(openAlert(id));
      expect((await store.openWork.openAlerts()).map((a) => a.id)).toEqual(['a-1', 'a-2', 'a-3']);
    });

    it('a resolved alert leaves the list; an acknowledged or snoozed one stays', async () => {
      await store.alerts.create(openAlert('a-resolved'));
      await store.alerts.create(openAlert('a-acked', { openedAt: T0 + 1 }));
      await store.alerts.create(openAlert('a-snoozed', { openedAt: T0 + 2 }));
      await store.alerts.update('a-resolved', { status: 'resolved', resolvedAt: T0 + HOUR });
      await store.alerts.acknowledge('a-acked', USER, T0 + HOUR);
      await store.alerts.update('a-snoozed', {
        snoozedBy: OTHER_USER,
        snoozedUntil: T0 + 9 * HOUR,
      });
      const open = await store.openWork.openAlerts();
      expect(open.map((a) => a.id)).toEqual(['a-acked', 'a-snoozed']);
      expect(open[0]).toMatchObject({ acknowledgedBy: USER });
    });
  });

  describe('open walkthroughs', () => {
    it('open and escalated ones’ places, the latest changed first; resolved ones left out', async () => {
      await store.walkthroughs.create(walkthrough('w-old'), T0);
      await store.walkthroughs.create(walkthrough('w-other', 'C0OTHER'), T0 + MINUTE);
      await store.walkthroughs.create(walkthrough('w-escalated'), T0 + 2 * MINUTE);
      await store.walkthroughs.create(walkthrough('w-resolved'), T0 + 3 * MINUTE);

      const escalated = applyEvent(walkthrough('w-escalated').state, {
        type: 'escalate',
        by: OTHER_USER,
        at: T0 + HOUR,
      });
      expect(escalated.walkthrough.status).toBe('escalated');
      await store.walkthroughs.saveState(escalated.walkthrough, T0 + HOUR);
      const resolved = applyEvent(walkthrough('w-resolved').state, {
        type: 'retest',
        by: USER,
        at: T0 + HOUR,
        problems: [],
        targets: [],
        context: {},
      });
      expect(resolved.walkthrough.status).toBe('resolved');
      await store.walkthroughs.saveState(resolved.walkthrough, T0 + 2 * HOUR);

      expect(await store.openWork.openWalkthroughPlaces()).toEqual([
        { id: 'w-escalated', channelId: CHANNEL },
        { id: 'w-other', channelId: 'C0OTHER' },
        { id: 'w-old', channelId: CHANNEL },
      ]);
    });

    it('changed at the same time: by id', async () => {
      for (const id of ['w-3', 'w-1', 'w-2']) await store.walkthroughs.create(walkthrough(id), T0);
      expect((await store.openWork.openWalkthroughPlaces()).map((w) => w.id)).toEqual([
        'w-1',
        'w-2',
        'w-3',
      ]);
    });

    it('walkthrough(id) reads one whole; undefined when unknown', async () => {
      const created = walkthrough('w-1');
      await store.walkthroughs.create(created, T0);
      expect(await store.openWork.walkthrough('w-1')).toEqual(created);
      expect(await store.openWork.walkthrough('w-unknown')).toBeUndefined();
    });
  });

  it('inside a transaction, sees what it wrote', async () => {
    await store.transaction(async (tx) => {
      await tx.alerts.create(openAlert('a-1'));
      await tx.walkthroughs.create(walkthrough('w-1'), T0);
      expect((await tx.openWork.openAlerts()).map((a) => a.id)).toEqual(['a-1']);
      expect(await tx.openWork.openWalkthroughPlaces()).toEqual([
        { id: 'w-1', channelId: CHANNEL },
      ]);
    });
  });
});
