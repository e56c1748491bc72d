/**
 * LeakService (src/services/leaks.ts): Notion tokens pasted in Slack. One warning under the
 * message however many tokens it holds (an edit adding tokens updates it), at most
 * LEAK_WARNING_RATE per channel; when a token is one we hold, the connection marked compromised
 * and the channels that rely on it told; Start fix walks the rotation.
 */
import { createLogger } from '../../../src/logger';
import { tokenFingerprint, tokenHash } from '../../../src/security/tokens';
import { Connections } from '../../../src/services/connections';
import { LEAK_WARNING_RATE, LeakService, type PostedMessage } from '../../../src/services/leaks';
import { WalkthroughService } from '../../../src/services/walkthroughs';
import { Store } from '../../../src/store/store';
import { FakeClock, RecordingMessenger, ScriptedChecks } from '../../support/fakes';
import { CHANNEL, fakeToken, MINUTE, newWatch, T0, USER } from '../../support/fixtures';
import { LogCapture } from '../../support/harness';

const OURS = fakeToken('ours');
const STRANGER = fakeToken('strg');
const OTHER_CHANNEL = 'C0OTHER001';
const THIRD_CHANNEL = 'C0THIRD001';
const MESSAGE_TS = '1699999999.000050';

async function setup(options: { alertChannel?: string } = {}) {
  const logs = new LogCapture();
  const store = new Store(':memory:');
  const connections = new Connections(store, {
    notion: { defaultToken: OURS, apiUrl: 'http://notion.invalid' },
    encryptionKey: undefined,
    previousEncryptionKey: undefined,
  });
  await connections.syncEnvToken(T0); // the default connection now holds OURS (its hash, not itself)
  const clock = new FakeClock();
  const messenger = new RecordingMessenger();
  const walkthroughs = new WalkthroughService({
    store,
    connections,
    checks: new ScriptedChecks().service,
    now: clock.now,
  });
  const service = new LeakService({
    store,
    walkthroughs,
    logger: createLogger('info', logs),
    alertChannel: options.alertChannel,
    now: clock.now,
  });
  return { store, clock, messenger, walkthroughs, service, logs };
}

const message = (text: string, overrides: Partial<PostedMessage> = {}): PostedMessage => ({
  channel: CHANNEL,
  ts: MESSAGE_TS,
  user: USER,
  text,
  ...overrides,
});

describe('LeakService.handleMessage', () => {
  it('posts one warning for every distinct token of a message, in its thread', async () => {
    const { store, messenger, service } = await setup();
    const text = `try ${STRANGER} or ${fakeToken('zzzz')}, I mean ${STRANGER}`;

    const result = await service.handleMessage(message(text), messenger);

    expect(result).toEqual({ tokens: 2, fresh: 2, warning: 'posted' });
    expect(messenger.calls).toEqual([
      {
        op: 'post',
        channel: CHANNEL,
        threadTs: MESSAGE_TS,
        ts: expect.any(String),
        notice: {
          type: 'leak_warning',
          leakId: expect.stringMatching(/^l[0-9a-f]{16}$/),
          fingerprints: [tokenFingerprint(STRANGER), '…zzzz'],
          connections: [],
        },
      },
    ]);
    // Still one leak row per token.
    expect(
      (await store.leaks.forMessage(CHANNEL, MESSAGE_TS)).map((leak) => leak.fingerprint),
    ).toEqual([tokenFingerprint(STRANGER), '…zzzz']);
  });

  it('a message holding 150 distinct tokens gets exactly one warning with one Start fix', async () => {
    const { store, messenger, service } = await setup();
    const tokens = Array.from({ length: 150 }, (_, i) => fakeToken(String(i).padStart(4, '0')));

    const result = await service.handleMessage(message(tokens.join(' ')), messenger);

    expect(result).toEqual({ tokens: 150, fresh: 150, warning: 'posted' });
    expect(messenger.summary()).toEqual(['post:leak_warning']);
    const [warning] = messenger.notices('leak_warning');
    expect(warning?.fingerprints).toHaveLength(150);
    expect(await store.leaks.forMessage(CHANNEL, MESSAGE_TS)).toHaveLength(150);
    expect((await store.leaks.get(warning?.leakId ?? ''))?.fingerprint).toBe('…0000');
    expect((await store.leaks.warningFor(CHANNEL, MESSAGE_TS))?.ts).toBe(messenger.calls[0]?.ts);
  });

  it('a message in a thread is answered in that thread', async () => {
    const { messenger, service } = await setup();

    await service.handleMessage(message(STRANGER, { threadTs: '1699999990.000001' }), messenger);

    expect(messenger.calls[0]?.threadTs).toBe('1699999990.000001');
  });

  it('says nothing about a message without a token', async () => {
    const { messenger, service } = await setup();

    const result = await service.handleMessage(message('ntn_ is how tokens start'), messenger);

    expect(result).toEqual({ tokens: 0, fresh: 0, warning: 'none' });
    expect(messenger.calls).toEqual([]);
  });

  it('the same message delivered twice is warned about once', async () => {
    const { messenger, service } = await setup();
    await service.handleMessage(message(STRANGER), messenger);
    messenger.clear();

    const result = await service.handleMessage(message(STRANGER), messenger);

    expect(result).toEqual({ tokens: 1, fresh: 0, warning: 'none' });
    expect(messenger.calls).toEqual([]);
  });

  it('a token we hold: the connection is compromised and the watching channels are told', async () => {
    const { store, clock, messenger, service } = await setup();
    await store.watches.add(newWatch(1)); // in CHANNEL, where the token is pasted
    await store.watches.add(newWatch(2, { channelId: OTHER_CHANNEL }));
    await store.watches.add(newWatch(3, { channelId: OTHER_CHANNEL }));
    await store.watches.add(newWatch(4, { channelId: THIRD_CHANNEL }));
    await store.watches.add(newWatch(5, { channelId: 'C0ELSEWHERE', connection: 'sync-2' }));
    clock.advance(1_000);

    const result = await service.handleMessage(message(`here: ${OURS}`), messenger);

    expect(result.warning).toBe('posted');
    expect(await store.connections.isCompromised('default')).toBe(true);
    const [warning, ...told] = messenger.calls;
    expect(warning).toMatchObject({
      channel: CHANNEL,
      threadTs: MESSAGE_TS,
      notice: { type: 'leak_warning', connections: ['default'], fingerprints: ['…ours'] },
    });
    if (warning?.notice.type !== 'leak_warning') throw new Error('expected the warning first');
    expect(told.map((call) => call.channel).sort()).toEqual([OTHER_CHANNEL, THIRD_CHANNEL]);
    for (const call of told) {
      expect(call).toMatchObject({ op: 'post', threadTs: undefined });
      expect(call.notice).toEqual({
        type: 'compromised',
        leakId: warning.notice.leakId,
        connection: 'default',
        fingerprint: '…ours',
        channelId: CHANNEL,
      });
    }
  });

  it('with ALERT_CHANNEL set, the compromise is told there only', async () => {
    const { messenger, store, service } = await setup({ alertChannel: 'C0ALERTS01' });
    await store.watches.add(newWatch(2, { channelId: OTHER_CHANNEL }));

    await service.handleMessage(message(OURS), messenger);

    expect(messenger.calls.map((call) => [call.channel, call.notice.type])).toEqual([
      [CHANNEL, 'leak_warning'],
      ['C0ALERTS01', 'compromised'],
    ]);
  });

  it('a token we do not hold marks nothing compromised', async () => {
    const { store, messenger, service } = await setup();
    await store.watches.add(newWatch(2, { channelId: OTHER_CHANNEL }));

    await service.handleMessage(message(STRANGER), messenger);

    expect(await store.connections.isCompromised('default')).toBe(false);
    expect(messenger.summary()).toEqual(['post:leak_warning']);
  });
});

describe('LeakService.handleMessage: edits (message_changed)', () => {
  it('an edit adding a token updates the first warning with the new totals, posts nothing', async () => {
    const { store, messenger, service } = await setup();
    await service.handleMessage(message(`a ${STRANGER}`), messenger);
    const warningTs = messenger.calls[0]?.ts;
    messenger.clear();

    const result = await service.handleMessage(
      message(`a ${STRANGER} and b ${fakeToken('new1')}`),
      messenger,
    );

    expect(result).toEqual({ tokens: 2, fresh: 1, warning: 'updated' });
    expect(messenger.calls).toEqual([
      {
        op: 'update',
        channel: CHANNEL,
        ts: warningTs,
        notice: {
          type: 'leak_warning',
          leakId: expect.any(String),
          fingerprints: [tokenFingerprint(STRANGER), '…new1'],
          connections: [],
        },
      },
    ]);
    expect(await store.leaks.forMessage(CHANNEL, MESSAGE_TS)).toHaveLength(2);
  });

  it('an edit with no new token changes nothing, even one that drops a token', async () => {
    const { messenger, service } = await setup();
    await service.handleMessage(message(`${STRANGER} ${fakeToken('zzzz')}`), messenger);
    messenger.clear();

    const same = await service.handleMessage(message(`fixed typo: ${STRANGER}`), messenger);
    const none = await service.handleMessage(message('deleted them'), messenger);

    expect([same.warning, none.warning]).toEqual(['none', 'none']);
    expect(messenger.calls).toEqual([]);
  });

  it('an edit adding our token: the warning names the connection, Start fix walks its rotation', async () => {
    const { store, messenger, service } = await setup();
    await store.watches.add(newWatch(2, { channelId: OTHER_CHANNEL }));
    await service.handleMessage(message(STRANGER), messenger);
    messenger.clear();

    await service.handleMessage(message(`${STRANGER} ${OURS}`), messenger);

    expect(messenger.summary()).toEqual(['update:leak_warning', 'post:compromised']);
    const [warning] = messenger.notices('leak_warning');
    expect(warning).toMatchObject({ fingerprints: ['…strg', '…ours'], connections: ['default'] });
    expect((await store.leaks.get(warning?.leakId ?? ''))?.connection).toBe('default');
    expect(await store.connections.isCompromised('default')).toBe(true);
  });

  it('the message and its edit handled at once still make one warning, then an update', async () => {
    const { messenger, service } = await setup();

    await Promise.all([
      service.handleMessage(message(STRANGER), messenger),
      service.handleMessage(message(`${STRANGER} ${fakeToken('new1')}`), messenger),
    ]);

    expect(messenger.summary()).toEqual(['post:leak_warning', 'update:leak_warning']);
    expect(messenger.calls[1]?.ts).toBe(messenger.calls[0]?.ts);
  });

  it('a warning that could not be posted is logged, and our connection is still compromised', async () => {
    const { store, messenger, service, logs } = await setup();
    await store.watches.add(newWatch(2, { channelId: OTHER_CHANNEL }));
    const post = messenger.post.bind(messenger);
    messenger.post = async (channel, notice, threadTs) => {
      if (notice.type === 'leak_warning') throw new Error('not_in_channel');
      return post(channel, notice, threadTs);
    };

    const result = await service.handleMessage(message(OURS), messenger);

    expect(result.warning).toBe('failed');
    expect(await store.connections.isCompromised('default')).toBe(true);
    expect(messenger.summary()).toEqual(['post:compromised']);
    expect(logs.text()).toContain('could not post the leak warning');
  });
});

describe('LeakService.handleMessage: rate limit per channel', () => {
  const { warnings, windowMs } = LEAK_WARNING_RATE;
  const ts = (index: number) => `1699999999.${String(index).padStart(6, '0')}`;

  it(`is ${warnings} new warnings per channel per ${windowMs / MINUTE} minutes`, () => {
    expect(LEAK_WARNING_RATE).toEqual({ warnings: 5, windowMs: 10 * MINUTE });
  });

  it('past the limit: no thread warning (logged once), but ours still compromised and told', async () => {
    const { store, clock, messenger, service, logs } = await setup();
    await store.watches.add(newWatch(2, { channelId: OTHER_CHANNEL }));
    for (let i = 1; i <= warnings; i++) {
      clock.advance(1_000);
      const result = await service.handleMessage(
        message(fakeToken(`s${i}00`), { ts: ts(i) }),
        messenger,
      );
      expect(result.warning).toBe('posted');
    }
    messenger.clear();

    const skipped = await service.handleMessage(
      message(fakeToken('over'), { ts: ts(10) }),
      messenger,
    );
    const ours = await service.handleMessage(message(OURS, { ts: ts(11) }), messenger);

    expect([skipped.warning, ours.warning]).toEqual(['rate_limited', 'rate_limited']);
    expect(messenger.summary()).toEqual(['post:compromised']);
    expect(messenger.calls[0]?.channel).toBe(OTHER_CHANNEL);
    expect(await store.connections.isCompromised('default')).toBe(true);
    expect(await store.leaks.forMessage(CHANNEL, ts(10))).toHaveLength(1); // the row is still kept
    const logged = logs.lines.filter((line) => line.includes('too many leak warnings'));
    expect(logged).toHaveLength(1);
    expect(logs.text()).not.toContain(OURS);
  });

  it('other channels are not limited, edits of warned messages still update, and the window slides', async () => {
    const { clock, messenger, service } = await setup();
    for (let i = 1; i <= warnings + 1; i++) {
      await service.handleMessage(message(fakeToken(`s${i}00`), { ts: ts(i) }), messenger);
    }
    expect(messenger.summary()).toHaveLength(warnings);
    messenger.clear();

    const elsewhere = await service.handleMessage(
      message(fakeToken('else'), { channel: OTHER_CHANNEL }),
      messenger,
    );
    const edit = await service.handleMessage(
      message(`${fakeToken('s100')} ${fakeToken('edit')}`, { ts: ts(1) }),
      messenger,
    );
    clock.advance(windowMs);
    const later = await service.handleMessage(
      message(fakeToken('late'), { ts: ts(20) }),
      messenger,
    );

    expect([elsewhere.warning, edit.warning, later.warning]).toEqual([
      'posted',
      'updated',
      'posted',
    ]);
  });
});

describe('LeakService.startFix', () => {
  /** A warned-about leak of OURS, and the anchor of its warning message. */
  async function leaked() {
    const context = await setup();
    await context.service.handleMessage(message(OURS), context.messenger);
    const [warning] = context.messenger.notices('leak_warning');
    const warningTs = context.messenger.calls[0]?.ts;
    if (!warning || !warningTs) throw new Error('expected a warning');
    context.messenger.clear();
    return {
      ...context,
      leakId: warning.leakId,
      anchor: { channel: CHANNEL, ts: warningTs, userId: USER },
    };
  }

  it('walks the rotation of the leaked token in the thread of the button', async () => {
    const { store, messenger, service, leakId, anchor } = await leaked();

    const outcome = await service.startFix(leakId, anchor, messenger);

    expect(outcome).toEqual({ ok: true });
    expect(messenger.calls).toMatchObject([
      {
        op: 'post',
        channel: CHANNEL,
        threadTs: anchor.ts,
        notice: {
          type: 'walkthrough',
          walkthrough: { kind: 'token_leaked', leakedTokenHash: tokenHash(OURS) },
        },
      },
    ]);
    expect((await store.walkthroughs.byParent(CHANNEL, anchor.ts))?.report).toMatchObject({
      parent: 'alert',
      run: { connection: 'default' },
    });
  });

  it('is busy when that thread already has a walkthrough', async () => {
    const { messenger, service, leakId, anchor } = await leaked();
    await service.startFix(leakId, anchor, messenger);
    messenger.clear();

    const outcome = await service.startFix(leakId, { ...anchor, userId: 'U0BOB0002' }, messenger);

    expect(outcome).toEqual({ ok: false, reason: 'busy', what: 'thread_walkthrough' });
    expect(messenger.calls).toEqual([]);
  });

  it('an unknown leak is not_found', async () => {
    const { messenger, service, anchor } = await leaked();

    const outcome = await service.startFix('l0000000000000000', anchor, messenger);

    expect(outcome).toEqual({ ok: false, reason: 'not_found', what: 'leak' });
    expect(messenger.calls).toEqual([]);
  });
});
