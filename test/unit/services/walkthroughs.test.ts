/**
 * WalkthroughService (src/services/walkthroughs.ts) against a real in-memory Store: what the
 * thread shows (Notices posted and updated), what the database keeps, and the refusals a
 * click can get.
 */
import { randomBytes } from 'node:crypto';
import type { CheckRun } from '../../../src/domain/check';
import { diagnosisOf } from '../../../src/domain/diagnosis';
import type { Walkthrough } from '../../../src/domain/walkthrough';
import { tokenFingerprint, tokenHash } from '../../../src/security/tokens';
import { Connections } from '../../../src/services/connections';
import { WalkthroughService } from '../../../src/services/walkthroughs';
import { Store } from '../../../src/store/store';
import { FakeClock, RecordingMessenger, ScriptedChecks } from '../../support/fakes';
import {
  CHANNEL,
  checkRun,
  fakeToken,
  MINUTE,
  OTHER_USER,
  pageUrl,
  runWith,
  T0,
  USER,
} from '../../support/fixtures';

const REPORT_TS = '1699999999.000001';
const ANCHOR = { channel: CHANNEL, ts: REPORT_TS, userId: USER };
/** Where a click on the walkthrough message comes from: RecordingMessenger's first post. */
const AT = { channel: CHANNEL, messageTs: '1700000000.000101' };
const ENV_TOKEN = fakeToken('envt');

function setup() {
  const store = new Store(':memory:');
  const config = {
    notion: { defaultToken: ENV_TOKEN, apiUrl: 'http://notion.invalid' },
    encryptionKey: randomBytes(32),
    previousEncryptionKey: undefined,
  };
  const connections = new Connections(store, config);
  const checks = new ScriptedChecks();
  const clock = new FakeClock();
  const messenger = new RecordingMessenger();
  const service = new WalkthroughService({
    store,
    connections,
    checks: checks.service,
    now: clock.now,
  });
  /** Starts a walkthrough for `run` in the report's thread and forgets the post. */
  const started = async (
    run: CheckRun = runWith(['not_shared']),
    parent?: 'report' | 'alert',
  ): Promise<Walkthrough> => {
    const walkthrough = await service.start(run, { ...ANCHOR, parent }, messenger);
    if (!walkthrough) throw new Error('expected a walkthrough');
    messenger.clear();
    return walkthrough;
  };
  return { store, connections, checks, clock, messenger, service, started };
}

describe('WalkthroughService.start', () => {
  it('posts one walkthrough notice in the report thread and stores it with that message', async () => {
    const { store, messenger, service } = setup();

    const walkthrough = await service.start(runWith(['ok', 'not_shared']), ANCHOR, messenger);

    expect(walkthrough).toMatchObject({
      status: 'open',
      kind: 'not_shared',
      startedBy: USER,
      startedAt: T0,
      targets: [pageUrl(2)],
    });
    expect(walkthrough?.steps.map((step) => step.id)).toEqual([
      'verify_sharing',
      're_add_integration',
      'test_connection',
      'check_workspace_permissions',
    ]);
    expect(messenger.calls).toEqual([
      {
        op: 'post',
        channel: CHANNEL,
        threadTs: REPORT_TS,
        ts: '1700000000.000101',
        notice: { type: 'walkthrough', walkthrough },
      },
    ]);
    const stored = await store.walkthroughs.byParent(CHANNEL, REPORT_TS);
    expect(stored).toMatchObject({
      id: walkthrough?.id,
      messageTs: '1700000000.000101',
      // As stored (JSON): fields left undefined are simply absent.
      state: JSON.parse(JSON.stringify(walkthrough)),
      report: { userId: USER, parent: 'report' },
    });
  });

  it.each([
    ['everything works', runWith(['ok', 'ok'])],
    ['only Notion trouble', runWith(['notion_unavailable'])],
  ])('returns undefined and posts nothing when %s', async (_, run) => {
    const { store, messenger, service } = setup();

    await expect(service.start(run, ANCHOR, messenger)).resolves.toBeUndefined();

    expect(messenger.calls).toEqual([]);
    expect(await store.walkthroughs.byParent(CHANNEL, REPORT_TS)).toBeUndefined();
  });
});

describe('WalkthroughService.step', () => {
  it('Done on the current step: ok, stored, and the walkthrough message redrawn', async () => {
    const { store, clock, messenger, service, started } = setup();
    const { id } = await started();
    clock.advance(MINUTE);

    const outcome = await service.step(
      id,
      'done',
      'verify_sharing',
      OTHER_USER,
      'k1',
      messenger,
      AT,
    );

    expect(outcome.ok).toBe(true);
    const state = await store.walkthroughs.state(id);
    expect(state?.steps[0]).toEqual({
      id: 'verify_sharing',
      status: 'done',
      by: OTHER_USER,
      at: T0 + MINUTE,
    });
    expect(messenger.calls).toEqual([
      {
        op: 'update',
        channel: CHANNEL,
        ts: '1700000000.000101',
        notice: { type: 'walkthrough', walkthrough: state },
      },
    ]);
  });

  it('Skip marks the step skipped and the next one becomes current', async () => {
    const { store, messenger, service, started } = setup();
    const { id } = await started();

    const outcome = await service.step(id, 'skip', 'verify_sharing', USER, 'k1', messenger, AT);

    expect(outcome).toMatchObject({ ok: true });
    expect((await store.walkthroughs.state(id))?.steps.map((step) => step.status)).toEqual([
      'skipped',
      'pending',
      'pending',
      'pending',
    ]);
    expect(messenger.summary()).toEqual(['update:walkthrough']);
  });

  it('the same action key twice: the second is a duplicate and nothing is posted', async () => {
    const { store, messenger, service, started } = setup();
    const { id } = await started();
    await service.step(id, 'done', 'verify_sharing', USER, 'same-key', messenger, AT);
    const after = await store.walkthroughs.state(id);
    messenger.clear();

    // Even for what would otherwise be a valid click (the now-current step).
    const outcome = await service.step(
      id,
      'done',
      're_add_integration',
      USER,
      'same-key',
      messenger,
      AT,
    );

    expect(outcome).toEqual({ ok: false, reason: 'duplicate' });
    expect(messenger.calls).toEqual([]);
    expect(await store.walkthroughs.state(id)).toEqual(after);
  });

  it('a click on a step that is not the current one is stale', async () => {
    const { store, messenger, service, started } = setup();
    const { id } = await started();
    await service.step(id, 'done', 'verify_sharing', USER, 'k1', messenger, AT);
    const after = await store.walkthroughs.state(id);
    messenger.clear();

    const again = await service.step(id, 'done', 'verify_sharing', USER, 'k2', messenger, AT);
    const ahead = await service.step(id, 'skip', 'test_connection', USER, 'k3', messenger, AT);

    expect(again).toEqual({ ok: false, reason: 'stale_button' });
    expect(ahead).toEqual({ ok: false, reason: 'stale_button' });
    expect(messenger.calls).toEqual([]);
    expect(await store.walkthroughs.state(id)).toEqual(after);
  });

  it('an unknown walkthrough id is not_found', async () => {
    const { messenger, service } = setup();

    const outcome = await service.step(
      'w0000000000000000',
      'done',
      'verify_sharing',
      USER,
      'k1',
      messenger,
      AT,
    );

    expect(outcome).toEqual({ ok: false, reason: 'not_found', what: 'walkthrough' });
    expect(messenger.calls).toEqual([]);
  });
});

describe('WalkthroughService.escalate', () => {
  it('posts an escalation in the thread, then redraws the walkthrough as escalated', async () => {
    const { store, messenger, service, started } = setup();
    const { id } = await started(runWith(['ok', 'not_shared']));

    const outcome = await service.escalate(id, OTHER_USER, 'esc-1', messenger, AT);

    expect(outcome).toMatchObject({ ok: true, walkthrough: { status: 'escalated' } });
    const state = await store.walkthroughs.state(id);
    expect(state).toMatchObject({ status: 'escalated', escalatedBy: OTHER_USER });
    expect(messenger.calls).toEqual([
      {
        op: 'post',
        channel: CHANNEL,
        threadTs: REPORT_TS,
        ts: expect.any(String),
        notice: {
          type: 'escalation',
          walkthrough: state,
          by: OTHER_USER,
          checked: ['token', pageUrl(1), pageUrl(2)],
        },
      },
      {
        op: 'update',
        channel: CHANNEL,
        ts: '1700000000.000101',
        notice: { type: 'walkthrough', walkthrough: state },
      },
    ]);
  });

  it('a second escalation is refused with who escalated first, and posts nothing', async () => {
    const { messenger, service, started } = setup();
    const { id } = await started();
    await service.escalate(id, OTHER_USER, 'esc-1', messenger, AT);
    messenger.clear();

    const outcome = await service.escalate(id, USER, 'esc-2', messenger, AT);

    expect(outcome).toEqual({ ok: false, reason: 'already_escalated', by: OTHER_USER });
    expect(messenger.calls).toEqual([]);
  });

  it('an unknown walkthrough id is not_found', async () => {
    const { messenger, service } = setup();

    const outcome = await service.escalate('w0000000000000000', USER, 'esc-1', messenger, AT);

    expect(outcome).toEqual({ ok: false, reason: 'not_found', what: 'walkthrough' });
    expect(messenger.calls).toEqual([]);
  });
});

describe('WalkthroughService.retest', () => {
  it('re-checks only what failed, as the person who pressed the button', async () => {
    const { checks, messenger, service, started } = setup();
    const { id } = await started(runWith(['ok', 'not_shared', 'in_trash']));
    checks.answer(runWith(['ok', 'ok', 'ok']));

    await service.retest(id, OTHER_USER, 'rt-1', messenger, AT);

    expect(checks.requests).toEqual([
      {
        connection: 'default',
        targets: [pageUrl(2), pageUrl(3)],
        channelId: CHANNEL,
        userId: OTHER_USER,
      },
    ]);
  });

  it('passing: a retest_resolved reply, the walkthrough redrawn, the report redrawn resolved', async () => {
    const { store, checks, clock, messenger, service, started } = setup();
    const { id } = await started(runWith(['ok', 'not_shared']));
    clock.advance(5 * MINUTE);
    checks.answer(runWith(['ok', 'ok']));

    const outcome = await service.retest(id, OTHER_USER, 'rt-1', messenger, AT);

    expect(outcome).toMatchObject({ ok: true, walkthrough: { status: 'resolved' } });
    const state = await store.walkthroughs.state(id);
    expect(state).toMatchObject({ status: 'resolved', resolvedBy: OTHER_USER });
    expect(messenger.summary()).toEqual([
      'post:retest_resolved',
      'update:walkthrough',
      'update:report',
    ]);
    const [reply, redraw, report] = messenger.calls;
    expect(reply).toMatchObject({
      channel: CHANNEL,
      threadTs: REPORT_TS,
      notice: { type: 'retest_resolved', by: OTHER_USER, tookMs: 5 * MINUTE },
    });
    expect(redraw).toMatchObject({ ts: '1700000000.000101', notice: { walkthrough: state } });
    expect(report).toMatchObject({
      op: 'update',
      channel: CHANNEL,
      ts: REPORT_TS,
      notice: {
        type: 'report',
        userId: USER,
        resolution: { by: OTHER_USER, tookMs: 5 * MINUTE },
      },
    });
    if (report?.notice.type !== 'report') throw new Error('expected the report');
    expect(report.notice.run.resources.map((resource) => resource.diagnosis.kind)).toEqual([
      'ok',
      'ok',
    ]);
  });

  it('passing in an alert thread: the alert itself is not redrawn as a report', async () => {
    const { checks, messenger, service, started } = setup();
    const { id } = await started(runWith(['not_shared']), 'alert');
    checks.answer(runWith(['ok']));

    const outcome = await service.retest(id, USER, 'rt-1', messenger, AT);

    expect(outcome.ok).toBe(true);
    expect(messenger.summary()).toEqual(['post:retest_resolved', 'update:walkthrough']);
    expect(messenger.calls.some((call) => call.ts === REPORT_TS)).toBe(false);
  });

  it('Notion trouble during the re-test: retest_inconclusive, and the walkthrough unchanged', async () => {
    const { store, checks, messenger, service, started } = setup();
    const { id } = await started();
    const before = await store.walkthroughs.state(id);
    checks.answer(runWith(['rate_limited']));

    const outcome = await service.retest(id, OTHER_USER, 'rt-1', messenger, AT);

    expect(outcome).toEqual({
      ok: false,
      reason: 'inconclusive',
      during: 'test',
      diagnosis: diagnosisOf('rate_limited', { requestId: 'req-1' }),
    });
    expect(messenger.calls).toEqual([
      {
        op: 'post',
        channel: CHANNEL,
        threadTs: REPORT_TS,
        ts: expect.any(String),
        notice: {
          type: 'retest_inconclusive',
          by: OTHER_USER,
          diagnosis: diagnosisOf('rate_limited', { requestId: 'req-1' }),
        },
      },
    ]);
    expect(await store.walkthroughs.state(id)).toEqual(before);
  });

  it('another access problem: retest_still_failing, and the walkthrough moves to its steps', async () => {
    const { store, checks, messenger, service, started } = setup();
    const { id } = await started();
    await service.step(id, 'done', 'verify_sharing', USER, 'k1', messenger, AT);
    messenger.clear();
    checks.answer(runWith(['in_trash']));

    const outcome = await service.retest(id, OTHER_USER, 'rt-1', messenger, AT);

    expect(outcome).toMatchObject({ ok: true, walkthrough: { status: 'open', kind: 'in_trash' } });
    const state = await store.walkthroughs.state(id);
    expect(state?.steps).toEqual([
      { id: 'restore_from_trash', status: 'pending' },
      { id: 'test_connection', status: 'pending' },
    ]);
    expect(state?.earlierSteps).toMatchObject([{ id: 'verify_sharing', status: 'done' }]);
    expect(messenger.summary()).toEqual(['update:walkthrough', 'post:retest_still_failing']);
    expect(messenger.calls[1]).toMatchObject({
      threadTs: REPORT_TS,
      notice: { by: OTHER_USER, problem: { kind: 'in_trash' } },
    });
  });

  it('the same problem again keeps the progress made', async () => {
    const { store, checks, messenger, service, started } = setup();
    const { id } = await started();
    await service.step(id, 'done', 'verify_sharing', USER, 'k1', messenger, AT);
    checks.answer(runWith(['not_shared']));

    await service.retest(id, USER, 'rt-1', messenger, AT);

    expect((await store.walkthroughs.state(id))?.steps[0]).toMatchObject({ status: 'done' });
  });

  it('a re-test while another one of the same walkthrough runs is busy', async () => {
    const { checks, messenger, service, started } = setup();
    const { id } = await started();
    const running = checks.hold();

    const first = service.retest(id, USER, 'rt-1', messenger, AT);
    const second = await service.retest(id, OTHER_USER, 'rt-2', messenger, AT);
    running.release(runWith(['ok']));

    expect(second).toEqual({ ok: false, reason: 'busy', what: 'test' });
    await expect(first).resolves.toMatchObject({ ok: true });
    expect(checks.requests).toHaveLength(1);
    expect(messenger.notices('retest_resolved')).toHaveLength(1);
  });

  it('the same action key twice runs the check once', async () => {
    const { checks, messenger, service, started } = setup();
    const { id } = await started();
    checks.answer(runWith(['not_shared']));
    await service.retest(id, USER, 'rt-1', messenger, AT);
    messenger.clear();

    const again = await service.retest(id, USER, 'rt-1', messenger, AT);

    expect(again).toEqual({ ok: false, reason: 'duplicate' });
    expect(checks.requests).toHaveLength(1);
    expect(messenger.calls).toEqual([]);
  });

  it('a resolved walkthrough is not re-tested; an unknown one is not_found', async () => {
    const { checks, messenger, service, started } = setup();
    const { id } = await started();
    checks.answer(runWith(['ok']));
    await service.retest(id, USER, 'rt-1', messenger, AT);
    messenger.clear();

    const resolved = await service.retest(id, USER, 'rt-2', messenger, AT);
    const unknown = await service.retest('w0000000000000000', USER, 'rt-3', messenger, AT);

    expect(resolved).toEqual({ ok: false, reason: 'already_resolved', what: 'walkthrough' });
    expect(unknown).toEqual({ ok: false, reason: 'not_found', what: 'walkthrough' });
    expect(checks.requests).toHaveLength(1);
    expect(messenger.calls).toEqual([]);
  });
});

describe('a leaked-token walkthrough', () => {
  const leak = {
    connection: 'default',
    fingerprint: tokenFingerprint(ENV_TOKEN),
    tokenHash: tokenHash(ENV_TOKEN),
  };

  it('walks the rotation and keeps failing while the connection still uses the leaked token', async () => {
    const { store, checks, messenger, service } = setup();
    const walkthrough = await service.startForLeak(leak, ANCHOR, messenger);
    expect(walkthrough).toMatchObject({ kind: 'token_leaked', leakedTokenHash: leak.tokenHash });
    expect(walkthrough.steps.map((step) => step.id)).toEqual([
      'regenerate_token',
      'clear_cache',
      'test_connection',
    ]);
    expect(messenger.calls).toMatchObject([
      { op: 'post', threadTs: REPORT_TS, notice: { type: 'walkthrough' } },
    ]);
    messenger.clear();
    // The token itself works: Notion answers, but it is the one that was posted.
    checks.answer(checkRun());

    const outcome = await service.retest(walkthrough.id, USER, 'rt-1', messenger, AT);

    expect(outcome).toMatchObject({
      ok: true,
      walkthrough: { status: 'open', kind: 'token_leaked' },
    });
    expect((await store.walkthroughs.state(walkthrough.id))?.status).toBe('open');
    expect(messenger.summary()).toEqual(['update:walkthrough', 'post:retest_still_failing']);
    expect(messenger.notices('retest_still_failing')[0]?.problem?.kind).toBe('token_leaked');
  });

  it('passes once a new token is saved, without redrawing the warning as a report', async () => {
    const { store, connections, checks, messenger, service } = setup();
    const walkthrough = await service.startForLeak(leak, ANCHOR, messenger);
    messenger.clear();
    await connections.saveFromSlack('default', fakeToken('new1'), USER);
    checks.answer(checkRun({ fingerprint: '…new1' }));

    await service.tokenUpdated(walkthrough.id, USER, { tokenFingerprint: '…new1' }, messenger);

    const state = await store.walkthroughs.state(walkthrough.id);
    expect(state).toMatchObject({ status: 'resolved', context: { tokenFingerprint: '…new1' } });
    expect(state?.steps[0]).toMatchObject({ id: 'regenerate_token', status: 'done', by: USER });
    expect(messenger.summary()).toEqual([
      'update:walkthrough',
      'post:retest_resolved',
      'update:walkthrough',
    ]);
  });
});

describe('a click from anywhere but the walkthrough message', () => {
  const elsewhere = [
    ['another channel', { channel: 'C0ELSEWHERE', messageTs: AT.messageTs }],
    ['another message in its channel', { channel: CHANNEL, messageTs: REPORT_TS }],
    ['no message ts', { channel: CHANNEL }],
    ['no channel', { messageTs: AT.messageTs }],
  ] as const;

  it.each(elsewhere)('%s: wrong_place for every button, and nothing changes', async (_, where) => {
    const { store, checks, messenger, service, started } = setup();
    const { id } = await started();
    const before = await store.walkthroughs.get(id);

    const outcomes = [
      await service.step(id, 'done', 'verify_sharing', USER, 'k1', messenger, where),
      await service.step(id, 'skip', 'verify_sharing', USER, 'k2', messenger, where),
      await service.escalate(id, USER, 'esc-1', messenger, where),
      await service.retest(id, USER, 'rt-1', messenger, where),
      await service.at(id, where),
    ];

    for (const outcome of outcomes) {
      expect(outcome).toEqual({ ok: false, reason: 'wrong_place', what: 'walkthrough' });
    }
    expect(await store.walkthroughs.get(id)).toEqual(before);
    expect(messenger.calls).toEqual([]);
    expect(checks.requests).toEqual([]);
    // The refused click claimed nothing: the same click on the real message still counts.
    const real = await service.step(id, 'done', 'verify_sharing', USER, 'k1', messenger, AT);
    expect(real.ok).toBe(true);
  });

  it('a resolved walkthrough clicked elsewhere is still just wrong_place', async () => {
    const { checks, messenger, service, started } = setup();
    const { id } = await started();
    checks.answer(runWith(['ok']));
    await service.retest(id, USER, 'rt-1', messenger, AT);

    const outcome = await service.step(id, 'done', 'verify_sharing', USER, 'k1', messenger, {
      channel: 'C0ELSEWHERE',
      messageTs: AT.messageTs,
    });

    expect(outcome).toEqual({ ok: false, reason: 'wrong_place', what: 'walkthrough' });
  });

  it('on its own message: found', async () => {
    const { service, started } = setup();
    const { id } = await started();

    expect(await service.at(id, AT)).toMatchObject({ ok: true, walkthrough: { id } });
    expect(await service.at('w0000000000000000', AT)).toEqual({
      ok: false,
      reason: 'not_found',
      what: 'walkthrough',
    });
  });
});
