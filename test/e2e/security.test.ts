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

async function warnings(): Promise<SlackCall[]> {
  await sleep(300);
  return h.slack
    .callsTo('chat.postMessage')
    .filter((call) => messageText(call.body).includes('This message contains a Notion token'));
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
    expect(h.bot?.services.store.connections.isCompromised('default')).toBe(false);
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
    expect(h.bot?.services.store.connections.isCompromised('default')).toBe(false);
    expect(everythingSentToSlack()).not.toContain(stranger);
  });

  test('ordinary messages and bot messages are left alone', async () => {
    await sendEvent(h.appUrl, h.signingSecret, message('ntn_ is how tokens start', '1.1'), {
      eventId: 'Ev0PLAIN',
    });
    await sendEvent(
      h.appUrl,
      h.signingSecret,
      { ...message(`bot says ${h.notionToken}`, '1.2'), subtype: 'bot_message', bot_id: 'B1' },
      { eventId: 'Ev0BOT' },
    );
    expect(await warnings()).toHaveLength(0);
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
  h.bot?.services.connections.saveFromSlack('default', saved, SLACK_IDS.adminUserId);
  const before = h.bot?.services.store.connections.get('default')?.tokenCiphertext;
  await h.stopApp();

  // Restart with the new key, the old one as previous: re-encrypted at start-up.
  Object.assign(h.options, { env: { ENCRYPTION_KEY: newKey, ENCRYPTION_KEY_PREVIOUS: oldKey } });
  await h.startApp();
  const after = h.bot?.services.store.connections.get('default')?.tokenCiphertext;
  expect(after).toBeDefined();
  expect(after).not.toBe(before);
  expect(h.logs.text()).toContain('re-encrypted saved tokens');
  await h.stopApp();

  // The old key can now be dropped: the saved token is still the one in use.
  Object.assign(h.options, { env: { ENCRYPTION_KEY: newKey } });
  await h.startApp();
  expect(h.bot?.services.connections.resolve('default').token).toBe(saved);
  const raw = fs.readFileSync(h.databasePath);
  expect(raw.includes(Buffer.from(saved))).toBe(false);
});
