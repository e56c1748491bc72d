/**
 * AlertService (src/services/alerts.ts): the alert buttons against a real in-memory Store,
 * what the notifier is asked to redraw or reply, and each refusal.
 */
import { type Alert, SNOOZE_MS } from '../../../src/domain/alert';
import { diagnosisOf } from '../../../src/domain/diagnosis';
import { AlertService } from '../../../src/services/alerts';
import { Connections } from '../../../src/services/connections';
import { WalkthroughService } from '../../../src/services/walkthroughs';
import { Store } from '../../../src/store/store';
import {
  FakeClock,
  RecordingMessenger,
  RecordingNotifier,
  ScriptedChecks,
} from '../../support/fakes';
import {
  alert,
  CHANNEL,
  checkRun,
  newWatch,
  OTHER_USER,
  pageId,
  pageUrl,
  resource,
  T0,
  USER,
} from '../../support/fixtures';

const ALERT_TS = '1700000000.000100';
/** Where a click on the alert's own message comes from (its posted channel and ts). */
const AT = { channel: CHANNEL, messageTs: ALERT_TS };

async function setup(overrides: Partial<Alert> = {}) {
  const store = new Store(':memory:');
  const config = {
    notion: { defaultToken: undefined, apiUrl: 'http://notion.invalid' },
    encryptionKey: undefined,
    previousEncryptionKey: undefined,
  };
  const checks = new ScriptedChecks();
  const clock = new FakeClock();
  const notifier = new RecordingNotifier();
  const messenger = new RecordingMessenger();
  const walkthroughs = new WalkthroughService({
    store,
    connections: new Connections(store, config),
    checks: checks.service,
    now: clock.now,
  });
  const service = new AlertService({
    store,
    checks: checks.service,
    walkthroughs,
    notifier,
    now: clock.now,
  });
  await store.watches.add(newWatch(1));
  await store.watches.add(newWatch(2));
  const watches = await store.watches.inChannel(CHANNEL);
  const stored = alert(watches, { ts: ALERT_TS, ...overrides });
  await store.alerts.create(stored);
  return {
    store,
    checks,
    clock,
    notifier,
    messenger,
    walkthroughs,
    service,
    watches,
    id: stored.id,
  };
}

/** A run where the alert's pages answer with these diagnoses (inputs as the alert asks). */
function runFor(...kinds: Parameters<typeof diagnosisOf>[0][]) {
  return checkRun({
    resources: kinds.map((kind, index) =>
      resource(index + 1, diagnosisOf(kind), { input: pageId(index + 1) }),
    ),
  });
}

describe('AlertService.acknowledge', () => {
  it('records who took it, redraws the alert and says so in its thread', async () => {
    const { store, clock, notifier, service, watches, id } = await setup();
    clock.advance(60_000);

    const outcome = await service.acknowledge(id, USER, AT);

    expect(outcome).toEqual({ ok: true });
    expect(await store.alerts.get(id)).toMatchObject({
      acknowledgedBy: USER,
      acknowledgedAt: T0 + 60_000,
    });
    expect(notifier.summary()).toEqual(['updateAlert', 'replyToAlert:alert_acknowledged']);
    const [update, reply] = notifier.calls;
    expect(update).toMatchObject({ alert: { id, acknowledgedBy: USER }, watches });
    expect(reply).toMatchObject({
      alert: { id },
      notice: { type: 'alert_acknowledged', by: USER },
    });
  });

  it('only once: a second person is told who acknowledged it, and nothing is posted', async () => {
    const { store, notifier, service, id } = await setup();
    await service.acknowledge(id, USER, AT);
    notifier.clear();

    const outcome = await service.acknowledge(id, OTHER_USER, AT);

    expect(outcome).toEqual({ ok: false, reason: 'already_acknowledged', by: USER });
    expect(notifier.calls).toEqual([]);
    expect((await store.alerts.get(id))?.acknowledgedBy).toBe(USER);
  });
});

describe('AlertService.snooze', () => {
  it('snoozes for SNOOZE_MS and redraws the alert', async () => {
    const { store, notifier, service, watches, id } = await setup();

    const outcome = await service.snooze(id, USER, AT);

    expect(outcome).toEqual({ ok: true });
    expect(await store.alerts.get(id)).toMatchObject({
      snoozedBy: USER,
      snoozedUntil: T0 + SNOOZE_MS,
    });
    expect(notifier.summary()).toEqual(['updateAlert']);
    expect(notifier.calls[0]).toMatchObject({ alert: { snoozedBy: USER }, watches });
  });

  it('refuses while snoozed, and allows it again once the snooze is over', async () => {
    const { store, clock, notifier, service, id } = await setup();
    await service.snooze(id, USER, AT);
    notifier.clear();

    clock.advance(SNOOZE_MS - 1);
    const during = await service.snooze(id, OTHER_USER, AT);
    expect(during).toEqual({ ok: false, reason: 'already_snoozed', by: USER });
    expect(notifier.calls).toEqual([]);

    clock.advance(1);
    const after = await service.snooze(id, OTHER_USER, AT);
    expect(after).toEqual({ ok: true });
    expect(await store.alerts.get(id)).toMatchObject({
      snoozedBy: OTHER_USER,
      snoozedUntil: T0 + 2 * SNOOZE_MS,
    });
  });
});

describe('AlertService.startFix', () => {
  it('checks the alert pages again and walks the fix in the alert thread', async () => {
    const { store, checks, messenger, service, id } = await setup();
    checks.answer(runFor('not_shared', 'ok'));

    const outcome = await service.startFix(id, OTHER_USER, messenger, AT);

    expect(outcome).toEqual({ ok: true });
    expect(checks.requests).toEqual([
      {
        connection: 'default',
        targets: [pageId(1), pageId(2)],
        channelId: CHANNEL,
        userId: OTHER_USER,
      },
    ]);
    expect(messenger.calls).toMatchObject([
      {
        op: 'post',
        channel: CHANNEL,
        threadTs: ALERT_TS,
        notice: { type: 'walkthrough', walkthrough: { kind: 'not_shared', startedBy: OTHER_USER } },
      },
    ]);
    expect((await store.walkthroughs.byParent(CHANNEL, ALERT_TS))?.report.parent).toBe('alert');
  });

  it('names the lost page as the alert knew it: Notion no longer tells its title', async () => {
    const { checks, messenger, service, id } = await setup();
    // Page 1 answers 404 (no title, no link), as a page the integration lost does.
    const run = runFor('not_shared');
    expect(run.resources[0]?.title).toBeUndefined();
    checks.answer(run);
    await service.startFix(id, USER, messenger, AT);
    const [post] = messenger.calls;
    expect(JSON.stringify(post)).toContain('Roadmap page 1');
    expect(JSON.stringify(post)).toContain(pageUrl(1, 'Roadmap-page'));
  });

  it('an alert not posted yet has no thread to walk it in', async () => {
    const { checks, messenger, service, id } = await setup({
      ts: undefined,
      postedChannel: undefined,
    });

    const outcome = await service.startFix(id, USER, messenger, AT);

    expect(outcome).toEqual({ ok: false, reason: 'not_posted_yet' });
    expect(checks.requests).toEqual([]);
    expect(messenger.calls).toEqual([]);
  });

  it('is busy when a walkthrough already lives in the alert thread', async () => {
    const { checks, messenger, service, id } = await setup();
    checks.answer(runFor('not_shared'));
    await service.startFix(id, USER, messenger, AT);
    messenger.clear();

    const outcome = await service.startFix(id, OTHER_USER, messenger, AT);

    expect(outcome).toEqual({ ok: false, reason: 'busy', what: 'alert_walkthrough' });
    expect(checks.requests).toHaveLength(1);
    expect(messenger.calls).toEqual([]);
  });

  it('is busy while another Start fix of the same alert is checking', async () => {
    const { checks, messenger, service, id } = await setup();
    const running = checks.hold();

    const first = service.startFix(id, USER, messenger, AT);
    const second = await service.startFix(id, OTHER_USER, messenger, AT);
    running.release(runFor('not_shared'));

    expect(second).toEqual({ ok: false, reason: 'busy', what: 'alert_walkthrough' });
    await expect(first).resolves.toEqual({ ok: true });
    expect(messenger.summary()).toEqual(['post:walkthrough']);
  });

  it('says access is back when the check finds nothing wrong, and posts nothing', async () => {
    const { store, checks, messenger, service, id } = await setup();
    checks.answer(runFor('ok', 'ok'));

    const outcome = await service.startFix(id, USER, messenger, AT);

    expect(outcome).toEqual({ ok: false, reason: 'accessible_again' });
    expect(messenger.calls).toEqual([]);
    expect(await store.walkthroughs.byParent(CHANNEL, ALERT_TS)).toBeUndefined();
  });

  it('is inconclusive when Notion could not answer, and posts nothing', async () => {
    const { store, checks, messenger, service, id } = await setup();
    checks.answer(runFor('notion_unavailable', 'ok'));

    const outcome = await service.startFix(id, USER, messenger, AT);

    expect(outcome).toEqual({
      ok: false,
      reason: 'inconclusive',
      diagnosis: diagnosisOf('notion_unavailable'),
      during: 'fix',
    });
    expect(messenger.calls).toEqual([]);
    expect(await store.walkthroughs.byParent(CHANNEL, ALERT_TS)).toBeUndefined();
  });
});

describe('refusals for every button', () => {
  it('a resolved alert: already_resolved, nothing changes, nobody is told', async () => {
    const { store, checks, notifier, messenger, service, id } = await setup({
      status: 'resolved',
      resolvedAt: T0,
    });

    const outcomes = [
      await service.acknowledge(id, USER, AT),
      await service.snooze(id, USER, AT),
      await service.startFix(id, USER, messenger, AT),
    ];

    for (const outcome of outcomes) {
      expect(outcome).toEqual({ ok: false, reason: 'already_resolved', what: 'alert' });
    }
    expect(await store.alerts.get(id)).toMatchObject({
      acknowledgedBy: undefined,
      snoozedBy: undefined,
    });
    expect(notifier.calls).toEqual([]);
    expect(messenger.calls).toEqual([]);
    expect(checks.requests).toEqual([]);
  });

  it('an unknown alert: not_found', async () => {
    const { notifier, messenger, service } = await setup();
    const unknown = 'a0000000000000000';

    const outcomes = [
      await service.acknowledge(unknown, USER, AT),
      await service.snooze(unknown, USER, AT),
      await service.startFix(unknown, USER, messenger, AT),
    ];

    for (const outcome of outcomes) {
      expect(outcome).toEqual({ ok: false, reason: 'not_found', what: 'alert' });
    }
    expect(notifier.calls).toEqual([]);
    expect(messenger.calls).toEqual([]);
  });
});

describe('a click from anywhere but the alert message', () => {
  const elsewhere = [
    ['another channel', { channel: 'C0ELSEWHERE', messageTs: ALERT_TS }],
    ['another message in its channel', { channel: CHANNEL, messageTs: '1700000000.000999' }],
    ['no message ts', { channel: CHANNEL }],
    ['no channel', { messageTs: ALERT_TS }],
  ] as const;

  it.each(elsewhere)('%s: wrong_place for every button, and nothing changes', async (_, where) => {
    const { store, checks, notifier, messenger, service, id } = await setup();
    const before = await store.alerts.get(id);

    const outcomes = [
      await service.acknowledge(id, USER, where),
      await service.snooze(id, USER, where),
      await service.startFix(id, USER, messenger, where),
    ];

    for (const outcome of outcomes) {
      expect(outcome).toEqual({ ok: false, reason: 'wrong_place', what: 'alert' });
    }
    expect(await store.alerts.get(id)).toEqual(before);
    expect(notifier.calls).toEqual([]);
    expect(messenger.calls).toEqual([]);
    expect(checks.requests).toEqual([]);
  });

  it('an alert posted to ALERT_CHANNEL answers clicks there, not in its watch channel', async () => {
    const { store, notifier, service, id } = await setup({ postedChannel: 'C0ALERTS' });

    const inWatchChannel = await service.acknowledge(id, USER, AT);
    const inAlertChannel = await service.acknowledge(id, USER, {
      channel: 'C0ALERTS',
      messageTs: ALERT_TS,
    });

    expect(inWatchChannel).toEqual({ ok: false, reason: 'wrong_place', what: 'alert' });
    expect(inAlertChannel).toEqual({ ok: true });
    expect((await store.alerts.get(id))?.acknowledgedBy).toBe(USER);
    expect(notifier.summary()).toEqual(['updateAlert', 'replyToAlert:alert_acknowledged']);
  });

  it('a resolved alert clicked elsewhere is still just wrong_place', async () => {
    const { service, id } = await setup({ status: 'resolved', resolvedAt: T0 });

    const outcome = await service.snooze(id, USER, { channel: 'C0ELSEWHERE', messageTs: ALERT_TS });

    expect(outcome).toEqual({ ok: false, reason: 'wrong_place', what: 'alert' });
  });

  it('an alert not posted yet has no message to click: not_posted_yet, nothing changes', async () => {
    const { store, notifier, service, id } = await setup({
      ts: undefined,
      postedChannel: undefined,
    });

    const outcomes = [await service.acknowledge(id, USER, AT), await service.snooze(id, USER, AT)];

    for (const outcome of outcomes)
      expect(outcome).toEqual({ ok: false, reason: 'not_posted_yet' });
    expect(await store.alerts.get(id)).toMatchObject({
      acknowledgedBy: undefined,
      snoozedBy: undefined,
    });
    expect(notifier.calls).toEqual([]);
  });
});
