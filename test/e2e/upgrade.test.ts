/**
 * Upgrade: a walkthrough and an alert created by the previous version's database still work.
 * Each test starts the app on a copy of test/fixtures/legacy/v0.1.db — written by notion-check
 * 0.1.0 through its real code paths (see make.fixture.ts and v0.1.json) — and clicks the buttons
 * of the messages that version posted: only ids and message ts's from the old rows, nothing the
 * current version produced itself.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { SlackCall } from '../fakes/fakeSlack';
import { SLACK_IDS } from '../fakes/fakeSlack';
import { LEGACY_DB, loadLegacyFixture } from '../fixtures/legacy/fixture';
import { assertBlockKitLimits } from '../support/blockKitLimits';
import { buttons, messageText } from '../support/blocks';
import { fakeNotionToken, Harness } from '../support/harness';
import { sendBlockAction } from '../support/slackRequest';

const fixture = loadLegacyFixture();
const { notShared, tokenInvalid } = fixture.walkthroughs;
const alert = fixture.alert;
const USER = SLACK_IDS.userId;
const ADMIN = SLACK_IDS.adminUserId;

let h: Harness;

/** Presses a button of an old message: Slack sends back its action_id and value as posted. */
async function press(input: {
  actionId: string;
  value: string;
  channelId: string;
  messageTs: string;
  threadTs?: string;
  userId?: string;
}): Promise<string> {
  const id = `press-${randomBytes(4).toString('hex')}`;
  const response = await sendBlockAction(h.appUrl, h.signingSecret, {
    ...input,
    userId: input.userId ?? USER,
    responseUrl: h.slack.responseUrl(id),
  });
  expect(response.status).toBe(200);
  return id;
}

/** The first update of an old message (by its stored ts) that contains `fragment`. */
function updateOf(channel: string, ts: string, fragment: string): Promise<SlackCall> {
  return h.slack.waitFor(
    'chat.update',
    (call) =>
      !call.error &&
      call.body.channel === channel &&
      call.body.ts === ts &&
      messageText(call.body).includes(fragment),
    15_000,
  );
}

/** A reply posted in the thread of an old message. */
function replyIn(channel: string, ts: string, fragment: string): Promise<SlackCall> {
  return h.slack.waitFor(
    'chat.postMessage',
    (call) =>
      !call.error &&
      call.body.channel === channel &&
      call.body.thread_ts === ts &&
      messageText(call.body).includes(fragment),
    15_000,
  );
}

beforeEach(async () => {
  h = await new Harness({
    env: { CHECK_INTERVAL: '1s' },
    beforeAppStart: (harness) => {
      // The fakes hold what they held when the fixture was made, before the app opens it.
      fs.copyFileSync(LEGACY_DB, harness.databasePath);
      for (const page of fixture.notion.pages) {
        harness.notion.addPage({
          id: page.id,
          title: page.title,
          sharedWith: page.shared ? [harness.notionToken] : [],
        });
      }
      // Slack still holds the messages the old version posted: they can be updated.
      for (const w of [notShared, tokenInvalid]) {
        harness.slack.rememberMessage(w.channelId, w.reportTs);
        harness.slack.rememberMessage(w.channelId, w.messageTs, w.reportTs);
      }
      harness.slack.rememberMessage(alert.postedChannel ?? alert.channelId, alert.ts);
    },
  }).start();
  // The old rows name the default connection by NOTION_TOKEN: the harness's is that same token.
  const [integration] = fixture.notion.integrations;
  expect(h.notionToken).toBe(fakeNotionToken(integration?.tokenSeed ?? ''));
});

afterEach(async () => {
  await h.stop();
  for (const call of h.slack.calls) {
    if (['chat.postMessage', 'chat.update'].includes(call.method)) assertBlockKitLimits(call.body);
  }
});

test('the fixture is what these tests expect of it', () => {
  expect(fixture.madeAt.commit).toBe('e7deefb');
  expect(notShared).toMatchObject({ kind: 'not_shared', currentStep: 're_add_integration' });
  expect(tokenInvalid).toMatchObject({ kind: 'token_invalid', currentStep: 'check_integration' });
  expect(alert).toMatchObject({ status: 'open', scope: 'resources', kind: 'not_shared' });
});

test('an old walkthrough: Done moves it to the next step; Test connection resolves it and redraws the old report', async () => {
  const where = {
    channelId: notShared.channelId,
    messageTs: notShared.messageTs,
    threadTs: notShared.reportTs,
  };
  // The step the old version already ticked stays ticked: its Done button is stale.
  const stale = await press({
    ...where,
    actionId: 'walkthrough_done',
    value: `${notShared.id}:verify_sharing`,
  });
  const refusal = await h.slack.waitForResponse((post) => post.id === stale, 15_000);
  expect(refusal.body.response_type).toBe('ephemeral');
  expect(JSON.stringify(refusal.body)).toContain('not the current step');

  await press({
    ...where,
    actionId: 'walkthrough_done',
    value: `${notShared.id}:${notShared.currentStep}`,
    userId: ADMIN,
  });
  const next = await updateOf(notShared.channelId, notShared.messageTs, 'done by <@U0ADMIN>');
  const shown = messageText(next.body);
  // Progress made with the old version, the click made now, and the step that comes next.
  expect(shown).toMatch(/~1\. Verify page sharing settings~ — done by <@U0USER>/);
  expect(shown).toMatch(/~2\. Re-add the integration to the page~ — done by <@U0ADMIN>/);
  expect(shown).toContain(':arrow_right: *3. Test the API connection*');
  expect(shown).toContain(`Started by <@${notShared.startedBy}>`);
  const test = buttons(next.body.blocks).find((b) => b.text.text === 'Test connection');
  expect(test).toMatchObject({ action_id: 'walkthrough_test', value: notShared.id });

  // Shared in Notion → Test connection → resolved, and the old report redrawn as resolved.
  h.notion.share(notShared.pageId, h.notionToken);
  await press({ ...where, actionId: 'walkthrough_test', value: notShared.id, userId: ADMIN });
  await replyIn(notShared.channelId, notShared.reportTs, 'Resolved by <@U0ADMIN>');
  const resolved = await updateOf(notShared.channelId, notShared.messageTs, 'Resolved');
  expect(buttons(resolved.body.blocks)).toHaveLength(0);
  const report = await updateOf(notShared.channelId, notShared.reportTs, 'Resolved by <@U0ADMIN>');
  const redrawn = messageText(report.body);
  expect(redrawn).toContain('Notion access check');
  expect(redrawn).toContain('Roadmap');
  // Who ran the original check comes from the old report row.
  expect(redrawn).toContain(`Checked by <@${notShared.startedBy}>`);
  expect(String(report.body.text)).toContain('resolved');
});

test('an old token-invalid walkthrough: Escalate posts the summary and redraws it', async () => {
  await press({
    actionId: 'walkthrough_escalate',
    value: tokenInvalid.id,
    channelId: tokenInvalid.channelId,
    messageTs: tokenInvalid.messageTs,
    threadTs: tokenInvalid.reportTs,
  });
  const summary = messageText(
    (await replyIn(tokenInvalid.channelId, tokenInvalid.reportTs, 'Escalation summary')).body,
  );
  expect(summary).toContain('The integration token is invalid');
  expect(summary).toContain(fixture.connection.tokenFingerprint);
  // What was checked comes from the old report row; the request id from the old state.
  expect(summary).toContain(`\`${tokenInvalid.pageId}\``);
  for (const requestId of tokenInvalid.requestIds) expect(summary).toContain(`\`${requestId}\``);

  const escalated = await updateOf(
    tokenInvalid.channelId,
    tokenInvalid.messageTs,
    'Escalated by <@U0USER>',
  );
  expect(messageText(escalated.body)).toContain(':arrow_right: *1. Check integration status*');
  expect(buttons(escalated.body.blocks).map((b) => b.text.text)).not.toContain('Escalate');
  expect(buttons(escalated.body.blocks).find((b) => b.text.text === 'Done')?.value).toBe(
    `${tokenInvalid.id}:${tokenInvalid.currentStep}`,
  );
});

test('an old alert: Acknowledge updates it and says so in its thread; access back → recovery in its thread', async () => {
  const channel = alert.postedChannel;
  await press({
    actionId: 'alert_acknowledge',
    value: alert.id,
    channelId: channel,
    messageTs: alert.ts,
    userId: ADMIN,
  });
  const acknowledged = await updateOf(channel, alert.ts, '<@U0ADMIN> is on it');
  const shown = messageText(acknowledged.body);
  expect(shown).toContain('Notion access lost');
  expect(shown).toContain(alert.title);
  expect(shown).toContain('Specs');
  for (const requestId of alert.requestIds) expect(shown).toContain(requestId);
  expect(buttons(acknowledged.body.blocks).map((b) => b.text.text)).not.toContain('Acknowledge');
  await replyIn(channel, alert.ts, ':eyes: <@U0ADMIN> is on it.');

  // Shared again: the next sweep finds the old watch back and closes the old alert.
  h.notion.share(alert.pageId, h.notionToken);
  const recovery = await replyIn(channel, alert.ts, ':large_green_circle: Access restored');
  expect(messageText(recovery.body)).toContain('Access restored after');
  const restored = await updateOf(channel, alert.ts, 'Notion access restored');
  expect(buttons(restored.body.blocks)).toHaveLength(0);
  // The old alert was the one resolved: no new alert was opened for the same page.
  const newAlerts = h.slack
    .callsTo('chat.postMessage')
    .filter(
      (call) => !call.body.thread_ts && messageText(call.body).includes('Notion access lost'),
    );
  expect(newAlerts).toHaveLength(0);
});

test('an old alert: Start fix opens a walkthrough for its page in its thread', async () => {
  await press({
    actionId: 'alert_start_fix',
    value: alert.id,
    channelId: alert.postedChannel,
    messageTs: alert.ts,
  });
  const walkthrough = await replyIn(alert.postedChannel, alert.ts, 'Verify page sharing settings');
  // The page to fix comes from the old alert's list of watches, named as the alert knew it
  // (Notion can't name it any more: 404): its link carries the page id.
  expect(messageText(walkthrough.body)).toMatch(
    new RegExp(`<https://www\\.notion\\.so/[^|>]*${alert.pageId}\\|[^>]+>`),
  );
  expect(buttons(walkthrough.body.blocks).map((b) => b.text.text)).toContain('Done');
});
