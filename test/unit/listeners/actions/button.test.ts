/**
 * clickedAt (src/listeners/actions/button.ts): where a click happened, read from Slack's
 * block_actions payload the way Slack sends it, for a message and for an ephemeral one.
 */
import { type ButtonArgs, clickedAt } from '../../../../src/listeners/actions/button';

const CHANNEL = 'C0CHANNEL';
const TS = '1700000000.000101';

const click = (body: Record<string, unknown>) => ({ body }) as unknown as ButtonArgs;

describe('clickedAt', () => {
  it('a message in a channel: channel.id / container.channel_id and message.ts / container.message_ts', () => {
    const where = clickedAt(
      click({
        channel: { id: CHANNEL, name: 'general' },
        container: { type: 'message', channel_id: CHANNEL, message_ts: TS, is_ephemeral: false },
        message: { type: 'message', ts: TS, thread_ts: '1699999999.000001' },
      }),
    );

    expect(where).toEqual({ channel: CHANNEL, messageTs: TS });
  });

  it('an ephemeral message: Slack sends no `message`, the container still says where', () => {
    const where = clickedAt(
      click({
        channel: { id: CHANNEL, name: 'general' },
        container: { type: 'message', channel_id: CHANNEL, message_ts: TS, is_ephemeral: true },
      }),
    );

    expect(where).toEqual({ channel: CHANNEL, messageTs: TS });
  });

  it('values that disagree, or none at all, say nowhere', () => {
    expect(
      clickedAt(
        click({
          channel: { id: 'C0OTHER', name: 'other' },
          container: { type: 'message', channel_id: CHANNEL, message_ts: TS },
          message: { type: 'message', ts: '1700000000.000999' },
        }),
      ),
    ).toEqual({ channel: undefined, messageTs: undefined });
    expect(clickedAt(click({ container: { type: 'view', view_id: 'V1' } }))).toEqual({
      channel: undefined,
      messageTs: undefined,
    });
    expect(clickedAt(click({ container: 'garbage' }))).toEqual({
      channel: undefined,
      messageTs: undefined,
    });
  });
});
