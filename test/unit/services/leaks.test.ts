/**
 * LeakService (src/services/leaks.ts): Notion tokens pasted in Slack. A warning under the
 * message per token; when the token is one we hold, the connection marked compromised and the
 * channels that rely on it told; Start fix walks the rotation.
 */
import { createLogger } from '../../../src/logger';
import { tokenFingerprint, tokenHash } from '../../../src/security/tokens';
import { Connections } from '../../../src/services/connections';
import { LeakService, type PostedMessage } from '../../../src/services/leaks';
import { WalkthroughService } from '../../../src/services/walkthroughs';
import { Store } from '../../../src/store/store';
import { FakeClock, RecordingMessenger, ScriptedChecks } from '../../support/fakes';
import { CHANNEL, fakeToken, newWatch, T0, USER } from '../../support/fixtures';

const OURS = fakeToken('ours');
const STRANGER = fakeToken('strg');
const OTHER_CHANNEL = 'C0OTHER001';
const THIRD_CHANNEL = 'C0THIRD001';
const MESSAGE_TS = '1699999999.000050';

function setup(options: { alertChannel?: string } = {}) {
  const store = new Store(':memory:');
  const connections = new Connections(store, {
    notion: { defaultToken: OURS, apiUrl: 'http://notion.invalid' },
    encryptionKey: undefined,
    previousEncryptionKey: undefined,
  });
  connections.syncEnvToken(T0); // the default connection now holds OURS (its hash, not itself)
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
    logger: createLogger('silent'),
    alertChannel: options.alertChannel,
    now: clock.now,
  });
  return { store, clock, messenger, walkthroughs, service };
}

const message = (text: string, overrides: Partial<PostedMessage> = {}): PostedMessage => ({
  channel: CHANNEL,
  ts: MESSAGE_TS,
  user: USER,
  text,
  ...overrides,
});

describe('LeakService.handleMessage', () => {
  it('posts one warning per distinct token, in the thread of the message', async () => {
    const { messenger, service } = setup();
    const text = `try ${STRANGER} or ${fakeToken('zzzz')}, I mean ${STRANGER}`;

    const warned = await service.handleMessage(message(text), messenger);

    expect(warned).toBe(2);
    expect(messenger.calls).toMatchObject([
      {
        op: 'post',
        channel: CHANNEL,
        threadTs: MESSAGE_TS,
        notice: {
          type: 'leak_warning',
          fingerprint: tokenFingerprint(STRANGER),
          connection: undefined,
        },
      },
      {
        op: 'post',
        channel: CHANNEL,
        threadTs: MESSAGE_TS,
        notice: { type: 'leak_warning', fingerprint: '…zzzz' },
      },
    ]);
  });

  it('a message in a thread is answered in that thread', async () => {
    const { messenger, service } = setup();

    await service.handleMessage(message(STRANGER, { threadTs: '1699999990.000001' }), messenger);

    expect(messenger.calls[0]?.threadTs).toBe('1699999990.000001');
  });

  it('says nothing about a message without a token', async () => {
    const { messenger, service } = setup();

    const warned = await service.handleMessage(message('ntn_ is how tokens start'), messenger);

    expect(warned).toBe(0);
    expect(messenger.calls).toEqual([]);
  });

  it('the same message delivered twice is warned about once', async () => {
    const { messenger, service } = setup();
    await service.handleMessage(message(STRANGER), messenger);
    messenger.clear();

    const warned = await service.handleMessage(message(STRANGER), messenger);

    expect(warned).toBe(0);
    expect(messenger.calls).toEqual([]);
  });

  it('a token we hold: the connection is compromised and the watching channels are told', async () => {
    const { store, clock, messenger, service } = setup();
    store.watches.add(newWatch(1)); // in CHANNEL, where the token is pasted
    store.watches.add(newWatch(2, { channelId: OTHER_CHANNEL }));
    store.watches.add(newWatch(3, { channelId: OTHER_CHANNEL }));
    store.watches.add(newWatch(4, { channelId: THIRD_CHANNEL }));
    store.watches.add(newWatch(5, { channelId: 'C0ELSEWHERE', connection: 'sync-2' }));
    clock.advance(1_000);

    const warned = await service.handleMessage(message(`here: ${OURS}`), messenger);

    expect(warned).toBe(1);
    expect(store.connections.isCompromised('default')).toBe(true);
    const [warning, ...told] = messenger.calls;
    expect(warning).toMatchObject({
      channel: CHANNEL,
      threadTs: MESSAGE_TS,
      notice: { type: 'leak_warning', connection: 'default', fingerprint: '…ours' },
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
    const { messenger, store, service } = setup({ alertChannel: 'C0ALERTS01' });
    store.watches.add(newWatch(2, { channelId: OTHER_CHANNEL }));

    await service.handleMessage(message(OURS), messenger);

    expect(messenger.calls.map((call) => [call.channel, call.notice.type])).toEqual([
      [CHANNEL, 'leak_warning'],
      ['C0ALERTS01', 'compromised'],
    ]);
  });

  it('a token we do not hold marks nothing compromised', async () => {
    const { store, messenger, service } = setup();
    store.watches.add(newWatch(2, { channelId: OTHER_CHANNEL }));

    await service.handleMessage(message(STRANGER), messenger);

    expect(store.connections.isCompromised('default')).toBe(false);
    expect(messenger.summary()).toEqual(['post:leak_warning']);
  });
});

describe('LeakService.startFix', () => {
  /** A warned-about leak of OURS, and the anchor of its warning message. */
  async function leaked() {
    const context = setup();
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
    expect(store.walkthroughs.byParent(CHANNEL, anchor.ts)?.report).toMatchObject({
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
