/**
 * toPostedMessage (src/listeners/events/message.ts): every place text hides in a message event
 * — body, attachments, files, blocks — for plain, /me, thread_broadcast, file_share, other bots'
 * and edited messages; never our own bot's; anything unreadable skipped, never a crash.
 */
import { blockTexts, toPostedMessage } from '../../../../src/listeners/events/message';
import { findNotionTokens } from '../../../../src/services/leaks';
import { CHANNEL, fakeToken, USER } from '../../../support/fixtures';

const SELF = { botId: 'B0SELF', botUserId: 'U0SELF' };
const TOKEN = fakeToken('leak');
const TS = '1700000100.000100';

function event(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'message', channel: CHANNEL, user: USER, ts: TS, text: '', ...fields };
}

/** The lines collected from an event (undefined when the event is skipped). */
const texts = (value: unknown) => toPostedMessage(value, SELF)?.text.split('\n');

describe('toPostedMessage: which messages are read', () => {
  it.each<[string, Record<string, unknown>]>([
    ['a plain message', {}],
    ['a /me message', { subtype: 'me_message' }],
    ['a reply also sent to the channel', { subtype: 'thread_broadcast', thread_ts: '1.1' }],
    ['a file share', { subtype: 'file_share' }],
    ['another bot', { subtype: 'bot_message', bot_id: 'B0OTHER', user: undefined }],
    ['another app posting as its bot user', { bot_id: 'B0OTHER', user: 'U0OTHERBOT' }],
  ])('%s', (_label, fields) => {
    const message = toPostedMessage(event({ text: `x ${TOKEN}`, ...fields }), SELF);
    expect(message).toMatchObject({ channel: CHANNEL, ts: TS, text: `x ${TOKEN}` });
  });

  it('keeps where to answer and who wrote it', () => {
    expect(toPostedMessage(event({ thread_ts: '1.1', text: 'hi' }), SELF)).toEqual({
      channel: CHANNEL,
      ts: TS,
      threadTs: '1.1',
      user: USER,
      text: 'hi',
    });
  });

  it('an edit: the new message, with the same rules', () => {
    const edited = {
      type: 'message',
      subtype: 'message_changed',
      channel: CHANNEL,
      hidden: true,
      ts: '1700000999.000001', // the edit event's own ts: not the message's
      message: { type: 'message', user: USER, ts: TS, thread_ts: '1.1', text: `now ${TOKEN}` },
      previous_message: { type: 'message', user: USER, ts: TS, text: 'before' },
    };
    expect(toPostedMessage(edited, SELF)).toEqual({
      channel: CHANNEL,
      ts: TS,
      threadTs: '1.1',
      user: USER,
      text: `now ${TOKEN}`,
    });
    const byOtherBot = { ...edited, message: { ...edited.message, bot_id: 'B0OTHER' } };
    expect(toPostedMessage(byOtherBot, SELF)?.text).toBe(`now ${TOKEN}`);
  });

  it.each<[string, unknown]>([
    ['our bot, by bot_id', event({ subtype: 'bot_message', bot_id: SELF.botId, user: undefined })],
    ['our bot user', event({ bot_id: SELF.botId, user: SELF.botUserId })],
    ['our bot user without bot_id', event({ user: SELF.botUserId })],
    [
      'an edit of our own message',
      {
        type: 'message',
        subtype: 'message_changed',
        channel: CHANNEL,
        message: { ts: TS, bot_id: SELF.botId, user: SELF.botUserId, text: TOKEN },
      },
    ],
    ['a deletion', event({ subtype: 'message_deleted', deleted_ts: TS })],
    ['a join', event({ subtype: 'channel_join' })],
    ['a replies notice', event({ subtype: 'message_replied' })],
    [
      'an edit whose new message is a join',
      {
        type: 'message',
        subtype: 'message_changed',
        channel: CHANNEL,
        message: { ts: TS, subtype: 'channel_join', text: TOKEN },
      },
    ],
    ['an edit without its message', { type: 'message', subtype: 'message_changed', channel: 'C1' }],
    ['no channel', { type: 'message', ts: TS, text: TOKEN }],
    ['no ts', { type: 'message', channel: CHANNEL, text: TOKEN }],
    ['not a message', { type: 'reaction_added', channel: CHANNEL, ts: TS }],
    ['null', null],
    ['a string', 'message'],
  ])('skips %s', (_label, value) => {
    expect(toPostedMessage(value, SELF)).toBeUndefined();
  });

  it('without knowing our own ids, reads every bot', () => {
    const bot = event({ subtype: 'bot_message', bot_id: SELF.botId, text: TOKEN });
    expect(toPostedMessage(bot, {})?.text).toBe(TOKEN);
  });
});

describe('toPostedMessage: every place text hides', () => {
  it('attachments: text, fallback, pretext, title, footer and every field value', () => {
    const attachments = [
      { text: 'a-text', fallback: 'a-fallback', pretext: 'a-pretext', title: 'a-title' },
      { footer: 'b-footer', fields: [{ title: 'ignored', value: 'b-field-1' }, { value: 'b-2' }] },
    ];
    expect(texts(event({ text: 'body', attachments }))).toEqual([
      'body',
      'a-text',
      'a-fallback',
      'a-pretext',
      'a-title',
      'b-footer',
      'b-field-1',
      'b-2',
    ]);
  });

  it('files: title and name', () => {
    const files = [{ id: 'F1', title: 'creds', name: `${TOKEN}.txt`, mimetype: 'text/plain' }];
    expect(texts(event({ subtype: 'file_share', files }))).toEqual(['creds', `${TOKEN}.txt`]);
  });

  it('rich_text blocks: every text element, however deeply nested', () => {
    const blocks = [
      {
        type: 'rich_text',
        block_id: 'b1',
        elements: [
          {
            type: 'rich_text_section',
            elements: [
              { type: 'text', text: 'hello ' },
              { type: 'text', text: 'bold', style: { bold: true } },
              { type: 'link', url: 'https://example.com/?k=1', text: 'a link' },
              { type: 'user', user_id: 'U1' },
            ],
          },
          {
            type: 'rich_text_list',
            style: 'bullet',
            elements: [
              { type: 'rich_text_section', elements: [{ type: 'text', text: 'item one' }] },
            ],
          },
          { type: 'rich_text_quote', elements: [{ type: 'text', text: 'quoted' }] },
          { type: 'rich_text_preformatted', elements: [{ type: 'text', text: TOKEN }] },
        ],
      },
    ];
    expect(texts(event({ text: undefined, blocks }))).toEqual([
      'hello ',
      'bold',
      'a link',
      'https://example.com/?k=1',
      'item one',
      'quoted',
      TOKEN,
    ]);
  });

  it("other apps' section and context blocks too", () => {
    const blocks = [
      { type: 'section', text: { type: 'mrkdwn', text: 'section words' } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'context words' }] },
    ];
    expect(texts(event({ blocks }))).toEqual(['section words', 'context words']);
  });

  it('a token split over two places is not glued into one', () => {
    const message = toPostedMessage(
      event({ text: TOKEN.slice(0, 20), attachments: [{ text: TOKEN.slice(20) }] }),
      SELF,
    );
    expect(findNotionTokens(message?.text ?? '')).toEqual([]);
  });

  it('each token-bearing place is found by detection', () => {
    const tokens = ['text', 'attc', 'fild', 'file', 'blck'].map((last4) => fakeToken(last4));
    const message = toPostedMessage(
      event({
        text: `(${tokens[0]})`,
        attachments: [{ fallback: `x${tokens[1]}_y`, fields: [{ value: tokens[2] }] }],
        files: [{ name: `${tokens[3]}.env` }],
        blocks: [{ type: 'rich_text', elements: [{ elements: [{ text: tokens[4] }] }] }],
      }),
      SELF,
    );
    expect(findNotionTokens(message?.text ?? '')).toEqual(tokens);
  });
});

describe('toPostedMessage: lenient parsing', () => {
  it('unreadable parts are skipped one by one, the rest is still read', () => {
    const message = toPostedMessage(
      event({
        text: 42,
        attachments: [null, 'junk', { text: 7, title: 'kept-title', fields: 'nope' }],
        files: { not: 'a list' },
        blocks: [null, 3, { elements: 'x' }, { type: 'rich_text', elements: [{ text: 'kept' }] }],
        unknown_field: { anything: true },
      }),
      SELF,
    );
    expect(message?.text.split('\n')).toEqual(['kept-title', 'kept']);
  });

  it('a message with nothing readable in it is read as empty text', () => {
    expect(toPostedMessage(event({ text: undefined }), SELF)?.text).toBe('');
  });

  it('blocks nested past any real depth are not followed (no unbounded recursion)', () => {
    let deep: unknown = { text: 'bottom' };
    for (let i = 0; i < 10_000; i++) deep = { elements: [deep] };
    expect(blockTexts(deep)).toEqual([]);
    expect(blockTexts({ elements: [{ elements: [{ text: 'shallow' }] }] })).toEqual(['shallow']);
  });
});
