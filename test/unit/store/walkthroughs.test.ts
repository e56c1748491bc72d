import {
  applyEvent,
  type Walkthrough,
  type WalkthroughRecord,
} from '../../../src/domain/walkthrough';
import { STATE_VERSION } from '../../../src/store/migrations';
import type { Store } from '../../../src/store/store';
import {
  CHANNEL,
  MINUTE,
  OTHER_USER,
  T0,
  USER,
  WALKTHROUGH_ID,
  walkthroughRecord,
} from '../../support/fixtures';
import { DIALECTS, storeFor } from '../../support/stores';
import { restartableStoreFor } from './restartable';

const REPORT_TS = '1700000000.000100';
const MESSAGE_TS = '1700000000.000200';

/** A walkthrough started from a check report, as WalkthroughService.persist stores it. */
const record = (
  overrides: Partial<WalkthroughRecord> = {},
  id = WALKTHROUGH_ID,
): WalkthroughRecord => walkthroughRecord(id, ['ok', 'not_shared', 'in_trash'], overrides);

/** The first pending step done, by `by`. */
function doneFirstStep(state: Walkthrough, by: string, at: number) {
  const step = state.steps.find((s) => s.status === 'pending');
  if (!step) throw new Error('a pending step expected');
  return applyEvent(state, { type: 'done', step: step.id, by, at });
}

describe.each(DIALECTS)('%s', (dialect) => {
  const fresh = storeFor(dialect);
  let store: Store;

  beforeEach(async () => {
    store = await fresh();
  });

  describe('walkthroughs', () => {
    it('create / get round-trip the place, the state and the parent report', async () => {
      const created = record();
      await store.walkthroughs.create(created, T0);
      // As JSON keeps it: undefined fields dropped (toEqual treats them as absent).
      expect(await store.walkthroughs.get(created.id)).toEqual(created);
      expect(await store.walkthroughs.get('w-unknown')).toBeUndefined();
    });

    it('a walkthrough not posted yet (no message ts) reads back without one', async () => {
      await store.walkthroughs.create(record({ messageTs: undefined }), T0);
      expect((await store.walkthroughs.get(WALKTHROUGH_ID))?.messageTs).toBeUndefined();
    });

    it('the state is stored with its shape version, and read without it', async () => {
      await store.walkthroughs.create(record(), T0);
      const row = await store.database.get<{ json: string }>(
        'SELECT state_json AS json FROM walkthroughs WHERE id = ?',
        [WALKTHROUGH_ID],
      );
      expect(JSON.parse(row?.json ?? '{}')).toMatchObject({ version: STATE_VERSION });
      expect(await store.walkthroughs.state(WALKTHROUGH_ID)).not.toHaveProperty('version');
      expect((await store.walkthroughs.get(WALKTHROUGH_ID))?.state).not.toHaveProperty('version');
    });

    it('byParent finds the walkthrough in a message’s thread, in that channel only', async () => {
      await store.walkthroughs.create(record(), T0);
      await store.walkthroughs.create(
        record({ channelId: 'C0OTHER', reportTs: REPORT_TS }, 'w-other-channel'),
        T0,
      );
      expect((await store.walkthroughs.byParent(CHANNEL, REPORT_TS))?.id).toBe(WALKTHROUGH_ID);
      expect((await store.walkthroughs.byParent('C0OTHER', REPORT_TS))?.id).toBe('w-other-channel');
      expect(await store.walkthroughs.byParent(CHANNEL, MESSAGE_TS)).toBeUndefined();
      expect(await store.walkthroughs.byParent('C0NONE', REPORT_TS)).toBeUndefined();
    });

    it('moved: a message or a report posted again is found at its new ts', async () => {
      await store.walkthroughs.create(record(), T0);
      await store.walkthroughs.moved(WALKTHROUGH_ID, { messageTs: '1700000000.000900' });
      expect(await store.walkthroughs.get(WALKTHROUGH_ID)).toMatchObject({
        messageTs: '1700000000.000900',
        reportTs: REPORT_TS,
      });
      await store.walkthroughs.moved(WALKTHROUGH_ID, { reportTs: '1700000000.000800' });
      expect(await store.walkthroughs.get(WALKTHROUGH_ID)).toMatchObject({
        messageTs: '1700000000.000900',
        reportTs: '1700000000.000800',
      });
      expect((await store.walkthroughs.byParent(CHANNEL, '1700000000.000800'))?.id).toBe(
        WALKTHROUGH_ID,
      );
      expect(await store.walkthroughs.byParent(CHANNEL, REPORT_TS)).toBeUndefined();
    });

    it('saveState replaces the state of that walkthrough only, and keeps its place', async () => {
      const created = record();
      await store.walkthroughs.create(created, T0);
      await store.walkthroughs.create(record({ reportTs: '2.2' }, 'w-other'), T0);
      const { walkthrough: next, changed } = doneFirstStep(created.state, OTHER_USER, T0 + MINUTE);
      expect(changed).toBe(true);
      await store.walkthroughs.saveState(next, T0 + MINUTE);
      expect(await store.walkthroughs.state(WALKTHROUGH_ID)).toEqual(next);
      expect(await store.walkthroughs.get(WALKTHROUGH_ID)).toEqual({ ...created, state: next });
      expect((await store.walkthroughs.state('w-other'))?.steps[0]?.status).toBe('pending');
      expect(await store.walkthroughs.state('w-unknown')).toBeUndefined();
    });

    it('two clicks on the same step at once: applied once, the other finds it done', async () => {
      await store.walkthroughs.create(record(), T0);
      const click = (by: string, at: number) =>
        store.transaction(async (tx) => {
          const state = await tx.walkthroughs.state(WALKTHROUGH_ID);
          if (!state) throw new Error('walkthrough expected');
          const step = state.steps[0];
          if (!step) throw new Error('a step expected');
          const transition = applyEvent(state, { type: 'done', step: step.id, by, at });
          if (transition.changed) await tx.walkthroughs.saveState(transition.walkthrough, at);
          return transition.changed;
        });
      const results = await Promise.all([click(USER, T0 + 1), click(OTHER_USER, T0 + 2)]);
      expect([...results].sort()).toEqual([false, true]);
      const winner = results[0] ? USER : OTHER_USER;
      const [first, second] = (await store.walkthroughs.state(WALKTHROUGH_ID))?.steps ?? [];
      expect(first).toMatchObject({ status: 'done', by: winner });
      expect(second?.status).toBe('pending');
    });
  });

  describe('a restart (the database opened again)', () => {
    const stores = restartableStoreFor(dialect, 'walkthroughs');

    it('keeps each walkthrough where it was, with its progress', async () => {
      const first = await stores.fresh();
      const created = record();
      await first.walkthroughs.create(created, T0);
      const { walkthrough: next } = doneFirstStep(created.state, USER, T0 + MINUTE);
      await first.walkthroughs.saveState(next, T0 + MINUTE);
      await first.walkthroughs.moved(WALKTHROUGH_ID, { messageTs: '1700000000.000900' });
      const before = await first.walkthroughs.get(WALKTHROUGH_ID);

      const reopened = await stores.restart();

      expect(await reopened.walkthroughs.get(WALKTHROUGH_ID)).toEqual(before);
      expect((await reopened.walkthroughs.byParent(CHANNEL, REPORT_TS))?.state).toEqual(next);
    });
  });
});
