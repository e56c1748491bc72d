import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { SlackCall } from '../fakes/fakeSlack';
import { SLACK_IDS } from '../fakes/fakeSlack';
import { messageText } from '../support/blocks';
import { fakeNotionToken, Harness } from '../support/harness';
import {
  pressButton,
  sendEvent,
  sendSlashCommand,
  sendViewSubmission,
} from '../support/slackRequest';

const ROADMAP = '1a2b3c4d5e6f4a5b8c9d0e1f2a3b4c5d';
const CHANNEL = SLACK_IDS.channelId;
const OTHER_CHANNEL = 'C0OTHER';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let h: Harness;

function everythingSentToSlack(): string {
  return JSON.stringify([
    h.slack.calls.map(({ body: { token: _auth, ...content } }) => content),
    h.slack.responses.map((post) => post.body),
  ]);
}

function message(textValue: string, ts: string, channel = CHANNEL) {
  return {
    type: 'message',
    channel,
    user: SLACK_IDS.userId,
    text: textValue,
    ts,
    channel_type: 'channel',
  };
}

/** A leak warning, for one token ("a Notion token") or many ("150 Notion tokens"). */
const isWarning = (call: SlackCall) =>
  /This message contains (?:a Notion token|\d+ Notion tokens)/.test(messageText(call.body));

async function warnings(): Promise<SlackCall[]> {
  await sleep(300);
  return h.slack.callsTo('chat.postMessage').filter(isWarning);
}

/** Slack's event for an edit: the new message inside, the edit's own ts outside. */
function edited(newMessage: Record<string, unknown>, editTs: string, channel = CHANNEL) {
  return {
    type: 'message',
    subtype: 'message_changed',
    hidden: true,
    channel,
    ts: editTs,
    event_ts: editTs,
    channel_type: 'channel',
    message: { type: 'message', user: SLACK_IDS.userId, ...newMessage },
    previous_message: { type: 'message', user: SLACK_IDS.userId, ts: newMessage.ts, text: '' },
  };
}

afterEach(async () => {
  await h.stop();
});

describe('leaked tokens', () => {
  beforeEach(async () => {
    h = await new Harness({ env: { ENCRYPTION_KEY: randomBytes(32).toString('base64') } }).start();
    h.notion.addPage({ id: ROADMAP, title: 'Roadmap', sharedWith: [h.notionToken] });
  });

  test('our token pasted in a channel → warning in its thread, connection compromised, rotation required', async () => {
    // The connection is watched from another channel: that channel is alerted too.
    await sendSlashCommand(h.appUrl, h.signingSecret, {
      text: `watch ${ROADMAP}`,
      channelId: OTHER_CHANNEL,
      responseUrl: h.slack.responseUrl('watch'),
    });
    await h.slack.waitForResponse((post) => post.id === 'watch', 15_000);

    const result = await sendEvent(
      h.appUrl,
      h.signingSecret,
      message(`here you go: ${h.notionToken} thanks`, '1700000100.000100'),
      { eventId: 'Ev0LEAK1' },
    );
    expect(result.status).toBe(200);
    const warning = await h.slack.waitFor('chat.postMessage', (c) =>
      messageText(c.body).includes('This message contains a Notion token'),
    );
    expect(warning.body.channel).toBe(CHANNEL);
    expect(warning.body.thread_ts).toBe('1700000100.000100');
    expect(messageText(warning.body)).toContain(`…${h.notionToken.slice(-4)}`);
    expect(messageText(warning.body)).toContain(
      '`default` connection, which is now marked compromised',
    );
    const alert = await h.slack.waitFor(
      'chat.postMessage',
      (c) => c.body.channel === OTHER_CHANNEL && messageText(c.body).includes('is compromised'),
    );
    expect(messageText(alert.body)).toContain(`<#${CHANNEL}>`);
    expect(everythingSentToSlack()).not.toContain(h.notionToken);

    // The report now says so.
    await sendSlashCommand(h.appUrl, h.signingSecret, {
      text: ROADMAP,
      channelId: CHANNEL,
      responseUrl: h.slack.responseUrl('check'),
    });
    const report = await h.slack.waitFor('chat.postMessage', (c) =>
      messageText(c.body).includes('Notion access check'),
    );
    expect(messageText(report.body)).toContain('*compromised*');

    // Start fix → the rotation walkthrough; a test with the same token does not resolve it.
    await pressButton(h, warning, 'Start fix', { threadTs: '1700000100.000100' });
    const walkthrough = await h.slack.waitFor(
      'chat.postMessage',
      (c) =>
        c.body.thread_ts === '1700000100.000100' &&
        messageText(c.body).includes('Regenerate the API token'),
    );
    expect(messageText(walkthrough.body)).toContain('posted in Slack');
    await pressButton(h, walkthrough, 'Test connection');
    await h.slack.waitFor('chat.postMessage', (c) => messageText(c.body).includes('still failing'));

    // An admin rotates the token through the modal → re-test passes → resolved, mark cleared.
    const fresh = fakeNotionToken('rotated');
    h.notion.addIntegration({ token: fresh, name: 'Zapier Sync', workspaceName: 'Acme' });
    await pressButton(h, walkthrough, 'Update token', { userId: SLACK_IDS.adminUserId });
    const modal = await h.slack.waitFor('views.open');
    const view = modal.body.view as { private_metadata: string; callback_id: string };
    const saved = await sendViewSubmission(h.appUrl, h.signingSecret, {
      callbackId: view.callback_id,
      privateMetadata: view.private_metadata,
      values: { token_input: { token_value: fresh } },
    });
    expect(saved.json).toMatchObject({ response_action: 'clear' });
    await h.slack.waitFor('chat.postMessage', (c) =>
      messageText(c.body).includes('Resolved by <@U0ADMIN>'),
    );
    expect(await h.bot?.services.store.connections.isCompromised('default')).toBe(false);
  });

  test('a retried event delivery (same event_id) is handled once', async () => {
    const event = message(`oops ${h.notionToken}`, '1700000200.000100');
    const first = await sendEvent(h.appUrl, h.signingSecret, event, { eventId: 'Ev0RETRY' });
    const retry = await sendEvent(h.appUrl, h.signingSecret, event, {
      eventId: 'Ev0RETRY',
      retryNum: 1,
    });
    expect([first.status, retry.status]).toEqual([200, 200]);
    expect(await warnings()).toHaveLength(1);
    // Dropped at the door, before any listener ran.
    expect(h.logs.text()).toContain('duplicate event delivery ignored');
    // …and the key survives a restart.
    await h.stopApp();
    await h.startApp();
    await sendEvent(h.appUrl, h.signingSecret, event, { eventId: 'Ev0RETRY', retryNum: 2 });
    expect(await warnings()).toHaveLength(1);
  });

  test("a token that isn't ours still gets a warning, and nothing is marked compromised", async () => {
    const stranger = `secret_${'Q'.repeat(43)}`;
    h.extraSecrets.push(stranger);
    await sendEvent(h.appUrl, h.signingSecret, message(`try ${stranger}`, '1700000300.000100'), {
      eventId: 'Ev0OTHER',
    });
    const [warning] = await warnings();
    expect(warning && messageText(warning.body)).toContain('…QQQQ');
    expect(warning && messageText(warning.body)).not.toContain('compromised');
    expect(await h.bot?.services.store.connections.isCompromised('default')).toBe(false);
    expect(everythingSentToSlack()).not.toContain(stranger);
  });

  test("ordinary messages and our own bot's messages are left alone", async () => {
    await sendEvent(h.appUrl, h.signingSecret, message('ntn_ is how tokens start', '1.1'), {
      eventId: 'Ev0PLAIN',
    });
    await sendEvent(
      h.appUrl,
      h.signingSecret,
      {
        ...message(`bot says ${h.notionToken}`, '1.2'),
        subtype: 'bot_message',
        bot_id: SLACK_IDS.botId,
      },
      { eventId: 'Ev0BOT' },
    );
    expect(await warnings()).toHaveLength(0);
  });

  test('one message holding 150 tokens → exactly one warning; an edit adding one updates it', async () => {
    const tokens = Array.from({ length: 150 }, (_, i) => fakeNotionToken(`many${i}`));
    h.extraSecrets.push(...tokens);
    const ts = '1700000400.000100';
    await sendEvent(h.appUrl, h.signingSecret, message(tokens.join('\n'), ts), {
      eventId: 'Ev0MANY',
    });
    const warning = await h.slack.waitFor('chat.postMessage', isWarning);
    expect(await warnings()).toHaveLength(1);
    expect(warning.body.thread_ts).toBe(ts);
    expect(messageText(warning.body)).toContain('This message contains 150 Notion tokens');
    expect(messageText(warning.body)).toContain('and 145 more');
    expect(messageText(warning.body).match(/Start fix/g)).toHaveLength(1);
    expect(await h.bot?.services.store.leaks.forMessage(CHANNEL, ts)).toHaveLength(150);

    // The edit adds one token: the same warning is redrawn, nothing new is posted.
    const more = fakeNotionToken('oneMore');
    h.extraSecrets.push(more);
    const text = `${tokens.join('\n')}\n${more}`;
    await sendEvent(h.appUrl, h.signingSecret, edited({ text, ts }, '1700000401.000100'), {
      eventId: 'Ev0MANYEDIT',
    });
    const update = await h.slack.waitFor('chat.update', isWarning);
    expect(update.body).toMatchObject({ channel: CHANNEL, ts: warning.response?.ts });
    expect(messageText(update.body)).toContain('This message contains 151 Notion tokens');
    expect(await warnings()).toHaveLength(1);

    // An edit that adds no token changes nothing.
    await sendEvent(
      h.appUrl,
      h.signingSecret,
      edited({ text: `typo fixed ${text}`, ts }, '1700000402.000100'),
      { eventId: 'Ev0MANYEDIT2' },
    );
    await sleep(300);
    expect(h.slack.callsTo('chat.update')).toHaveLength(1);
    expect(await warnings()).toHaveLength(1);
    expect(everythingSentToSlack()).not.toContain(more);
  });

  describe('finds tokens wherever a message holds them', () => {
    const stranger = fakeNotionToken('strgr');
    const cases: [string, Record<string, unknown>][] = [
      ['glued to text before and after', { text: `key=abc${stranger}_prod` }],
      ['in a /me message', { subtype: 'me_message', text: `pastes ${stranger}` }],
      [
        'in a message from another bot',
        { subtype: 'bot_message', bot_id: 'B0OTHERBOT', user: undefined, text: stranger },
      ],
      [
        'in an attachment field',
        { text: '', attachments: [{ fallback: 'x', fields: [{ title: 't', value: stranger }] }] },
      ],
      [
        'in a file name',
        { subtype: 'file_share', text: '', files: [{ id: 'F1', name: `${stranger}.env` }] },
      ],
      [
        'in rich_text blocks only',
        {
          text: undefined,
          blocks: [
            {
              type: 'rich_text',
              elements: [
                {
                  type: 'rich_text_list',
                  elements: [
                    { type: 'rich_text_section', elements: [{ type: 'text', text: stranger }] },
                  ],
                },
              ],
            },
          ],
        },
      ],
    ];

    test.each(cases)('%s', async (_label, fields) => {
      h.extraSecrets.push(stranger);
      await sendEvent(
        h.appUrl,
        h.signingSecret,
        { ...message('', '1700000500.000100'), ...fields },
        { eventId: 'Ev0WHERE' },
      );
      const warning = await h.slack.waitFor('chat.postMessage', isWarning);
      expect(warning.body.thread_ts).toBe('1700000500.000100');
      expect(messageText(warning.body)).toContain(`…${stranger.slice(-4)}`);
      expect(await warnings()).toHaveLength(1);
      expect(everythingSentToSlack()).not.toContain(stranger);
    });
  });

  test("our own bot's messages and edits are not scanned", async () => {
    const ours = { user: SLACK_IDS.botUserId, bot_id: SLACK_IDS.botId };
    // An edit of our own message: Bolt's self filter does not see it, our own check does.
    await sendEvent(
      h.appUrl,
      h.signingSecret,
      edited({ ...ours, text: `echo ${h.notionToken}`, ts: '1.3' }, '1.4'),
      { eventId: 'Ev0SELFEDIT' },
    );
    await sendEvent(
      h.appUrl,
      h.signingSecret,
      { ...message(`echo ${h.notionToken}`, '1.5'), ...ours },
      { eventId: 'Ev0SELF' },
    );
    expect(await warnings()).toHaveLength(0);
    expect(await h.bot?.services.store.connections.isCompromised('default')).toBe(false);
  });

  test('a 43-character base64 word, or a token body with more letters after it, is no token', async () => {
    const base64 = 'Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Njc4OTBhYmNkZWY';
    expect(base64).toHaveLength(43);
    await sendEvent(
      h.appUrl,
      h.signingSecret,
      message(`sha: ${base64} and ${h.notionToken}x glued on the right`, '1.6'),
      { eventId: 'Ev0BASE64' },
    );
    expect(await warnings()).toHaveLength(0);
    expect(await h.bot?.services.store.connections.isCompromised('default')).toBe(false);
  });

  test('at most 5 new warnings per channel per 10 minutes; our token is still marked compromised', async () => {
    for (let i = 1; i <= 6; i++) {
      const token = fakeNotionToken(`flood${i}`);
      h.extraSecrets.push(token);
      await sendEvent(h.appUrl, h.signingSecret, message(token, `1700000600.00010${i}`), {
        eventId: `Ev0FLOOD${i}`,
      });
    }
    await sendEvent(h.appUrl, h.signingSecret, message(h.notionToken, '1700000600.000107'), {
      eventId: 'Ev0FLOOD7',
    });
    await sleep(300);
    expect(await warnings()).toHaveLength(5);
    expect(await h.bot?.services.store.connections.isCompromised('default')).toBe(true);
    expect(h.logs.lines.filter((line) => line.includes('too many leak warnings'))).toHaveLength(1);
  });
});

test('a double-submitted slash command yields one report', async () => {
  h = await new Harness().start();
  h.notion.addPage({ id: ROADMAP, title: 'Roadmap', sharedWith: [h.notionToken] });
  const send = (id: string) =>
    sendSlashCommand(h.appUrl, h.signingSecret, {
      text: ROADMAP,
      channelId: CHANNEL,
      responseUrl: h.slack.responseUrl(id),
    });
  const [a, b] = await Promise.all([send('a'), send('b')]);
  expect([a.status, b.status]).toEqual([200, 200]);
  expect(JSON.stringify([a.json, b.json])).toContain('Already on it');
  await h.slack.waitFor('chat.postMessage', (c) =>
    messageText(c.body).includes('Notion access check'),
  );
  await sleep(500);
  expect(
    h.slack
      .callsTo('chat.postMessage')
      .filter((c) => messageText(c.body).includes('Notion access check')),
  ).toHaveLength(1);
});

test('ENCRYPTION_KEY rotation: the previous key still decrypts, tokens are re-encrypted', async () => {
  const oldKey = randomBytes(32).toString('base64');
  const newKey = randomBytes(32).toString('hex');
  h = await new Harness({ env: { ENCRYPTION_KEY: oldKey } }).start();
  const saved = fakeNotionToken('saved');
  h.notion.addIntegration({ token: saved, name: 'Saved Sync', workspaceName: 'Acme' });
  await h.bot?.services.connections.saveFromSlack('default', saved, SLACK_IDS.adminUserId);
  const before = (await h.bot?.services.store.connections.get('default'))?.tokenCiphertext;
  await h.stopApp();

  // Restart with the new key, the old one as previous: re-encrypted at start-up.
  Object.assign(h.options, { env: { ENCRYPTION_KEY: newKey, ENCRYPTION_KEY_PREVIOUS: oldKey } });
  await h.startApp();
  const after = (await h.bot?.services.store.connections.get('default'))?.tokenCiphertext;
  expect(after).toBeDefined();
  expect(after).not.toBe(before);
  expect(h.logs.text()).toContain('re-encrypted saved tokens');
  await h.stopApp();

  // The old key can now be dropped: the saved token is still the one in use.
  Object.assign(h.options, { env: { ENCRYPTION_KEY: newKey } });
  await h.startApp();
  expect((await h.bot?.services.connections.resolve('default'))?.token).toBe(saved);
  const raw = fs.readFileSync(h.databasePath);
  expect(raw.includes(Buffer.from(saved))).toBe(false);
});
