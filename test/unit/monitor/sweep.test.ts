/**
 * The monitor's sweep (src/monitor/sweep.ts) against a real in-memory Store, a scripted check
 * and a recording Notifier: what a watching channel is told, sweep after sweep.
 */
import { REMINDER_EVERY_MS } from '../../../src/domain/alert';
import { type CheckRun, uncheckedResources } from '../../../src/domain/check';
import { type DiagnosisKind, diagnosisOf } from '../../../src/domain/diagnosis';
import { Sweep } from '../../../src/monitor/sweep';
import type { CheckRequest } from '../../../src/services/checks';
import { Store } from '../../../src/store/store';
import { FakeClock, RecordingNotifier, ScriptedChecks } from '../../support/fakes';
import {
  CHANNEL,
  checkRun,
  failedTokenRun,
  HOUR,
  MINUTE,
  newWatch,
  pageId,
  resource,
  T0,
  USER,
} from '../../support/fixtures';

const INTERVAL = 15 * MINUTE;
const OTHER_CHANNEL = 'C0OTHER001';

/** The sweep's check: page `index` answers `kinds[index]`, every other page is fine. */
function pages(kinds: Record<number, DiagnosisKind> = {}) {
  return (request: CheckRequest): CheckRun =>
    checkRun({
      resources: request.targets.map((target) => {
        const index = Number.parseInt(target, 16);
        const kind = kinds[index] ?? 'ok';
        const detail = kind === 'ok' ? {} : { requestId: `req-${index}` };
        return resource(index, diagnosisOf(kind, detail), { input: target });
      }),
    });
}

/** The sweep's check when the token fails: every page left unchecked, as CheckService does. */
function tokenFails(kind: DiagnosisKind) {
  return (request: CheckRequest): CheckRun => {
    const failed = failedTokenRun(kind, 'req-token');
    return { ...failed, resources: uncheckedResources(request.targets, failed.token.diagnosis) };
  };
}

function setup(options: { alertChannel?: string } = {}) {
  const store = new Store(':memory:');
  const checks = new ScriptedChecks();
  const clock = new FakeClock();
  const notifier = new RecordingNotifier();
  const sweep = new Sweep({
    store,
    checks: checks.service,
    notifier,
    alertChannel: options.alertChannel,
    now: clock.now,
  });
  /** Runs one sweep of the default connection `afterMs` after the previous one. */
  const sweepWith = async (
    answer: CheckRun | ((request: CheckRequest) => CheckRun),
    afterMs = INTERVAL,
  ) => {
    clock.advance(afterMs);
    checks.answer(answer);
    await sweep.run('default');
  };
  const watchOf = async (index: number) =>
    (await store.watches.forConnection('default')).find(
      (watch) => watch.resourceId === pageId(index),
    );
  return { store, checks, clock, notifier, sweep, sweepWith, watchOf };
}

/** Two watched pages in CHANNEL, page 1 lost: the second sweep confirms and opens the alert. */
async function withOpenAlert(options: { alertChannel?: string } = {}) {
  const context = setup(options);
  await context.store.watches.add(newWatch(1));
  await context.store.watches.add(newWatch(2));
  await context.sweepWith(pages({ 1: 'not_shared' }));
  await context.sweepWith(pages({ 1: 'not_shared' }));
  const [open] = await context.store.alerts.open('default');
  if (!open) throw new Error('expected an open alert');
  context.notifier.clear();
  return { ...context, open };
}

describe('a lost page', () => {
  it('is alerted once, when the next sweep confirms it', async () => {
    const { store, notifier, sweepWith, watchOf } = setup();
    await store.watches.add(newWatch(1));
    await store.watches.add(newWatch(2));

    await sweepWith(pages({ 1: 'not_shared' }));
    expect(notifier.calls).toEqual([]);
    expect((await watchOf(1))?.status).toMatchObject({ state: 'suspect', since: T0 + INTERVAL });

    await sweepWith(pages({ 1: 'not_shared' }));
    expect(notifier.summary()).toEqual(['postAlert']);
    const [posted] = notifier.ofOp('postAlert');
    expect(posted?.alert).toMatchObject({
      channelId: CHANNEL,
      connection: 'default',
      scope: 'resources',
      kind: 'not_shared',
      status: 'open',
      failingSince: T0 + INTERVAL,
      details: { watches: [{ resourceId: pageId(1) }], requestIds: ['req-1'] },
    });
    expect(posted?.watches.map((watch) => watch.resourceId)).toEqual([pageId(1)]);
    const [stored] = await store.alerts.open('default');
    expect(stored).toMatchObject({ postedChannel: CHANNEL, ts: '1700000001.000101' });

    await sweepWith(pages({ 1: 'not_shared' }));
    expect(notifier.ofOp('postAlert')).toHaveLength(1);
    expect(await store.alerts.open('default')).toHaveLength(1);
  });

  it('a sweep where Notion is in trouble in between changes nothing', async () => {
    const { store, notifier, sweepWith, watchOf } = setup();
    await store.watches.add(newWatch(1));
    await sweepWith(pages({ 1: 'not_shared' }));
    const suspect = (await watchOf(1))?.status;

    await sweepWith(pages({ 1: 'notion_unavailable' }));
    expect((await watchOf(1))?.status).toEqual(suspect);
    expect(notifier.calls).toEqual([]);
    expect(await store.alerts.open('default')).toEqual([]);

    await sweepWith(pages({ 1: 'not_shared' }));
    expect(notifier.summary()).toEqual(['postAlert']);
    expect((await store.alerts.open('default'))[0]?.failingSince).toBe(T0 + INTERVAL);
  });

  it('one failing sweep followed by a good one bothers nobody', async () => {
    const { store, notifier, sweepWith, watchOf } = setup();
    await store.watches.add(newWatch(1));

    await sweepWith(pages({ 1: 'not_shared' }));
    await sweepWith(pages());

    expect((await watchOf(1))?.status.state).toBe('ok');
    expect(notifier.calls).toEqual([]);
  });

  it('two pages lost in one sweep share one alert', async () => {
    const { store, notifier, sweepWith } = setup();
    await store.watches.add(newWatch(1));
    await store.watches.add(newWatch(2));

    await sweepWith(pages({ 1: 'not_shared', 2: 'not_shared' }));
    await sweepWith(pages({ 1: 'not_shared', 2: 'not_shared' }));

    expect(notifier.summary()).toEqual(['postAlert']);
    expect(notifier.ofOp('postAlert')[0]?.watches).toHaveLength(2);
  });

  it('recovers: resolved, the alert redrawn, then an alert_recovered reply in its thread', async () => {
    const { store, notifier, sweepWith, clock, open } = await withOpenAlert();

    await sweepWith(pages());

    expect(notifier.summary()).toEqual(['updateAlert', 'replyToAlert:alert_recovered']);
    const [update, reply] = notifier.calls;
    expect(reply).toMatchObject({
      alert: { id: open.id },
      notice: { type: 'alert_recovered', afterMs: clock.now() - open.failingSince },
    });
    expect(update).toMatchObject({ alert: { id: open.id, status: 'resolved' } });
    expect(await store.alerts.get(open.id)).toMatchObject({
      status: 'resolved',
      resolvedAt: clock.now(),
    });
    expect(await store.alerts.open('default')).toEqual([]);
  });

  it('with two pages lost, one coming back only redraws the alert', async () => {
    const { store, notifier, sweepWith } = setup();
    await store.watches.add(newWatch(1));
    await store.watches.add(newWatch(2));
    await sweepWith(pages({ 1: 'not_shared', 2: 'not_shared' }));
    await sweepWith(pages({ 1: 'not_shared', 2: 'not_shared' }));
    notifier.clear();

    await sweepWith(pages({ 2: 'not_shared' }));

    expect(notifier.summary()).toEqual(['updateAlert']);
    expect(await store.alerts.open('default')).toHaveLength(1);
  });

  it('opened while Slack was down: stored, and posted by the next sweep', async () => {
    const { store, notifier, sweepWith } = setup();
    await store.watches.add(newWatch(1));
    await sweepWith(pages({ 1: 'not_shared' }));
    notifier.unavailable = true;
    await sweepWith(pages({ 1: 'not_shared' }));
    expect(await store.alerts.open('default')).toMatchObject([{ ts: undefined }]);
    notifier.unavailable = false;
    notifier.clear();

    await sweepWith(pages({ 1: 'not_shared' }));

    expect(notifier.summary()).toEqual(['postAlert']);
    expect(await store.alerts.open('default')).toMatchObject([{ ts: '1700000001.000101' }]);
  });
});

describe('a failing token', () => {
  it('opens one connection alert per watching channel, once, and resolves them all', async () => {
    const { store, notifier, sweepWith, watchOf } = setup();
    await store.watches.add(newWatch(1));
    await store.watches.add(newWatch(2));
    await store.watches.add(newWatch(3, { channelId: OTHER_CHANNEL }));

    await sweepWith(tokenFails('token_invalid'));
    expect(notifier.calls).toEqual([]);
    await sweepWith(tokenFails('token_invalid'));
    await sweepWith(tokenFails('token_invalid'));

    const posted = notifier.ofOp('postAlert');
    expect(posted.map(({ alert }) => [alert.channelId, alert.scope, alert.kind])).toEqual([
      [CHANNEL, 'connection', 'token_invalid'],
      [OTHER_CHANNEL, 'connection', 'token_invalid'],
    ]);
    expect(posted.map(({ watches }) => watches.length)).toEqual([2, 1]);
    expect(posted[0]?.alert.details.requestIds).toEqual(['req-token']);
    // The pages' own states wait for the token: no page alerts besides the connection's.
    expect((await watchOf(1))?.status.state).toBe('ok');
    notifier.clear();

    await sweepWith(pages());

    expect(notifier.summary()).toEqual([
      'updateAlert',
      'replyToAlert:alert_recovered',
      'updateAlert',
      'replyToAlert:alert_recovered',
    ]);
    expect(await store.alerts.open('default')).toEqual([]);
  });
});

describe('an open alert between sweeps', () => {
  it('is closed once all its pages are unwatched, without saying access is back', async () => {
    const { store, notifier, sweepWith, open } = await withOpenAlert();
    await store.watches.remove(CHANNEL, pageId(1)); // page 2 is still watched: the sweep runs

    await sweepWith(pages());

    expect(notifier.summary()).toEqual(['updateAlert']);
    expect(notifier.ofOp('updateAlert')[0]).toMatchObject({
      alert: { id: open.id, status: 'resolved', details: { closedBecause: 'unwatched' } },
      watches: [],
    });
    expect((await store.alerts.get(open.id))?.status).toBe('resolved');
  });

  it('is reminded about 24 h after it opened, then not again right away', async () => {
    const { store, notifier, sweepWith, clock, open } = await withOpenAlert();

    await sweepWith(pages({ 1: 'not_shared' }), REMINDER_EVERY_MS - 1);
    expect(notifier.calls).toEqual([]);

    await sweepWith(pages({ 1: 'not_shared' }), 1);
    expect(notifier.calls).toMatchObject([
      {
        op: 'replyToAlert',
        alert: { id: open.id },
        notice: { type: 'alert_reminder', failingForMs: clock.now() - open.failingSince },
      },
    ]);
    expect((await store.alerts.get(open.id))?.lastReminderAt).toBe(clock.now());

    await sweepWith(pages({ 1: 'not_shared' }));
    expect(notifier.calls).toHaveLength(1);
  });

  it('is not reminded once someone acknowledged it', async () => {
    const { store, notifier, sweepWith, clock, open } = await withOpenAlert();
    await store.alerts.acknowledge(open.id, USER, clock.now());

    await sweepWith(pages({ 1: 'not_shared' }), REMINDER_EVERY_MS);
    await sweepWith(pages({ 1: 'not_shared' }), REMINDER_EVERY_MS);

    expect(notifier.calls).toEqual([]);
  });
});

describe('Notion unreachable', () => {
  it('is told once after an hour of failed sweeps, and once when it answers again', async () => {
    const { store, notifier, sweepWith } = setup({ alertChannel: 'C0ALERTS01' });
    await store.watches.add(newWatch(1));
    const down = failedTokenRun('notion_unavailable');

    await sweepWith(down);
    for (let sweeps = 0; sweeps < 4; sweeps++) await sweepWith(down);
    await sweepWith(down, 2 * HOUR);

    expect(notifier.calls).toMatchObject([
      {
        op: 'postNotice',
        channels: ['C0ALERTS01'],
        notice: { type: 'notion_unreachable', connection: 'default', forMs: 4 * INTERVAL },
      },
    ]);
    notifier.clear();

    await sweepWith(pages());

    expect(notifier.calls).toMatchObject([
      { op: 'postNotice', channels: ['C0ALERTS01'], notice: { type: 'notion_back' } },
    ]);
    expect(await store.alerts.open('default')).toEqual([]);
  });
});
