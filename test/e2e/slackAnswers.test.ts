import type { SlackCall } from '../fakes/fakeSlack';
import { SLACK_IDS } from '../fakes/fakeSlack';
import { assertBlockKitLimits } from '../support/blockKitLimits';
import { buttons, messageText } from '../support/blocks';
import { Harness } from '../support/harness';
import { pressButton } from '../support/slackRequest';

const ROADMAP = '1a2b3c4d5e6f4a5b8c9d0e1f2a3b4c5d';
const SPECS = '2b3c4d5e6f7a4b5c9d0e1f2a3b4c5d6e';
const CHANNEL = SLACK_IDS.channelId;

let h: Harness;

async function command(text: string) {
  await h.command(text, { channelId: CHANNEL });
}

async function watch(...ids: string[]) {
  await command(`watch ${ids.join(' ')}`);
  await h.slack.waitForResponse((post) => JSON.stringify(post.body).includes('watch list'), 15_000);
}

function posted(fragment: string, also: (call: SlackCall) => boolean = () => true) {
  return h.slack.waitFor(
    'chat.postMessage',
    (call) => !call.error && messageText(call.body).includes(fragment) && also(call),
    15_000,
  );
}

beforeEach(async () => {
  h = await new Harness({ env: { CHECK_INTERVAL: '1s' } }).start();
  h.notion.addPage({ id: ROADMAP, title: 'Roadmap', sharedWith: [h.notionToken] });
  h.notion.addPage({ id: SPECS, title: 'Specs', sharedWith: [h.notionToken] });
});

afterEach(async () => {
  await h.stop();
  for (const call of h.slack.calls) {
    if (['chat.postMessage', 'chat.update'].includes(call.method)) assertBlockKitLimits(call.body);
  }
});

test('a deleted alert message still gets its recovery: posted again, the recovery in its new thread', async () => {
  await watch(ROADMAP);
  h.notion.unshare(ROADMAP, h.notionToken);
  const alert = await posted('Notion access lost');
  const oldTs = String(alert.response?.ts);
  h.slack.deleteMessage(CHANNEL, oldTs);

  h.notion.share(ROADMAP, h.notionToken);
  const refused = await h.slack.waitFor('chat.update', (c) => c.body.ts === oldTs, 15_000);
  expect(refused.error).toBe('message_not_found');
  const again = await posted('Notion access restored', (c) => c.body.thread_ts === undefined);
  expect(again.body.channel).toBe(CHANNEL);
  const newTs = String(again.response?.ts);
  const recovery = await posted('Access restored after', (c) => c.body.thread_ts === newTs);
  expect(recovery.body.channel).toBe(CHANNEL);
  // Nothing went to the deleted message's thread, and the new ts is what the alert remembers.
  expect(
    h.slack.callsTo('chat.postMessage').filter((c) => c.body.thread_ts === oldTs),
  ).toHaveLength(0);
  await eventually(async () =>
    expect((await h.bot?.services.store.alerts.get(messageAlertId(alert)))?.ts).toBe(newTs),
  );
});

test('an alert that can no longer be edited: Acknowledge posts it again, and its buttons work there', async () => {
  await watch(ROADMAP);
  h.notion.unshare(ROADMAP, h.notionToken);
  const alert = await posted('Notion access lost');
  const oldTs = String(alert.response?.ts);
  h.slack.failWhen('chat.update', (body) => (body.ts === oldTs ? 'edit_window_closed' : undefined));

  await pressButton(h, alert, 'Acknowledge', { userId: SLACK_IDS.adminUserId });
  const again = await posted('<@U0ADMIN> is on it', (c) => c.body.thread_ts === undefined);
  const newTs = String(again.response?.ts);
  await posted(':eyes: <@U0ADMIN> is on it.', (c) => c.body.thread_ts === newTs);

  // The new message is the alert now: Snooze on it redraws it in place.
  await pressButton(h, again, 'Snooze');
  const snoozed = await h.slack.waitFor('chat.update', (c) => c.body.ts === newTs && !c.error);
  expect(messageText(snoozed.body)).toContain('snoozed by <@U0USER>');
});

test("a walkthrough message that can't be updated: the next step is posted in the report's thread", async () => {
  h.notion.unshare(SPECS, h.notionToken);
  await command(SPECS);
  const walkthrough = await h.slack.waitFor(
    'chat.postMessage',
    (c) => Boolean(c.body.thread_ts) && buttons(c.body.blocks).length > 0,
    15_000,
  );
  const oldTs = String(walkthrough.response?.ts);
  const reportTs = String(walkthrough.body.thread_ts);
  h.slack.failWhen('chat.update', (body) =>
    body.ts === oldTs ? 'cant_update_message' : undefined,
  );

  await pressButton(h, walkthrough, 'Done');
  const redrawn = await posted('done by <@U0USER>', (c) => c.body.thread_ts === reportTs);
  expect(buttons(redrawn.body.blocks).length).toBeGreaterThan(0);
  // The new message is the walkthrough now (recorded once Slack answered the post).
  await eventually(async () =>
    expect((await h.bot?.services.store.walkthroughs.byParent(CHANNEL, reportTs))?.messageTs).toBe(
      redrawn.response?.ts,
    ),
  );
});

test("a person's answer does not wait behind a background Retry-After", async () => {
  await watch(ROADMAP, SPECS);
  h.notion.unshare(ROADMAP, h.notionToken);
  const alert = await posted('Notion access lost');

  // The monitor's next alert is answered "ratelimited, retry in 10 s": its client pauses.
  h.slack.failNext('chat.postMessage', 'ratelimited', { headers: { 'Retry-After': '10' } });
  h.notion.unshare(SPECS, h.notionToken);
  const limited = await h.slack.waitFor(
    'chat.postMessage',
    (c) => c.error === 'ratelimited',
    15_000,
  );
  expect(messageText(limited.body)).toContain('Specs');

  // Meanwhile a person acknowledges the first alert: redrawn at once, not in 10 s.
  const clicked = Date.now();
  await pressButton(h, alert, 'Acknowledge', { userId: SLACK_IDS.adminUserId });
  const acknowledged = await h.slack.waitFor(
    'chat.update',
    (c) => messageText(c.body).includes('<@U0ADMIN> is on it'),
    5_000,
  );
  expect(acknowledged.at - clicked).toBeLessThan(3_000);
  // The background post was still waiting out its Retry-After when the person was answered.
  const retried = h.slack
    .callsTo('chat.postMessage')
    .filter((c) => !c.error && messageText(c.body).includes('Specs'));
  expect(retried).toHaveLength(0);
  // …and it is not lost: it goes out once the 10 s are over.
  await posted('Specs', () => true);
}, 30_000);

/** Retries an assertion about the app's state until it holds (or 5 s pass). */
async function eventually(assertion: () => void | Promise<void>): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** The alert behind a posted alert message: its buttons carry the alert id. */
function messageAlertId(call: SlackCall): string {
  const [first] = buttons(call.body.blocks);
  const value = String(first?.value ?? '');
  return value.split(':')[0] ?? value;
}
