import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { SlackCall } from '../fakes/fakeSlack';
import { SLACK_IDS } from '../fakes/fakeSlack';
import { assertBlockKitLimits } from '../support/blockKitLimits';
import { buttons, findButton, messageText } from '../support/blocks';
import { expectInOrder } from '../support/expectInOrder';
import { fakeNotionToken, Harness } from '../support/harness';
import { sendBlockAction, sendViewSubmission } from '../support/slackRequest';

const ROADMAP = '1a2b3c4d5e6f4a5b8c9d0e1f2a3b4c5d';
const SPECS = '2b3c4d5e6f7a4b5c9d0e1f2a3b4c5d6e';
const CHANNEL = SLACK_IDS.channelId;
const ADMIN = SLACK_IDS.adminUserId;
const USER = SLACK_IDS.userId;

let h: Harness;
const newToken = fakeNotionToken('rotated');

/** The walkthrough message: posted in the report's thread, with the walkthrough buttons. */
async function walkthroughPost(): Promise<{ call: SlackCall; ts: string; reportTs: string }> {
  const call = await h.slack.waitFor(
    'chat.postMessage',
    (c) => Boolean(c.body.thread_ts) && buttons(c.body.blocks).length > 0,
    15_000,
  );
  return { call, ts: String(call.response?.ts), reportTs: String(call.body.thread_ts) };
}

/** The walkthrough as the channel sees it now: the latest update of its message. */
function current(ts: string): SlackCall['body'] {
  const updates = h.slack.callsTo('chat.update').filter((c) => c.body.ts === ts && !c.error);
  const last = updates.at(-1);
  if (last) return last.body;
  const post = h.slack.callsTo('chat.postMessage').find((c) => c.response?.ts === ts);
  if (!post) throw new Error(`no message ${ts}`);
  return post.body;
}

async function waitForUpdates(ts: string, count: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (h.slack.callsTo('chat.update').filter((c) => c.body.ts === ts).length < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} updates of ${ts}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function click(
  ts: string,
  label: string,
  options: { userId?: string; actionTs?: string } = {},
) {
  const target = findButton(current(ts).blocks, label);
  const response = await sendBlockAction(h.appUrl, h.signingSecret, {
    actionId: target.action_id,
    value: target.value,
    userId: options.userId ?? USER,
    channelId: CHANNEL,
    messageTs: ts,
    responseUrl: h.slack.responseUrl(`click-${randomBytes(4).toString('hex')}`),
    actionTs: options.actionTs,
  });
  expect(response.status).toBe(200);
  return { response, target };
}

async function command(text: string, userId: string = USER) {
  return (await h.command(text, { userId, channelId: CHANNEL })).result;
}

async function waitForReply(reportTs: string, fragment: string): Promise<string> {
  const call = await h.slack.waitFor(
    'chat.postMessage',
    (c) => c.body.thread_ts === reportTs && messageText(c.body).includes(fragment),
    15_000,
  );
  return messageText(call.body);
}

/** The id Slack gave the view views.open opened. */
function viewId(viewCall: SlackCall): string | undefined {
  return (viewCall.response as { view?: { id?: string } } | undefined)?.view?.id;
}

/** Submits the form views.open opened, as Slack does: with that view's id and hash. */
async function submitToken(viewCall: SlackCall, token: string, userId: string = ADMIN) {
  const view = viewCall.body.view as { private_metadata: string; callback_id: string };
  const opened = (viewCall.response as { view?: { id?: string; hash?: string } } | undefined)?.view;
  return sendViewSubmission(h.appUrl, h.signingSecret, {
    callbackId: view.callback_id,
    privateMetadata: view.private_metadata,
    values: { token_input: { token_value: token } },
    userId,
    viewId: opened?.id,
    hash: opened?.hash,
  });
}

beforeEach(async () => {
  h = await new Harness({
    env: { ENCRYPTION_KEY: randomBytes(32).toString('base64') },
  }).start();
  h.notion.addIntegration({ token: newToken, name: 'Zapier Sync', workspaceName: 'Acme' });
  h.notion.addPage({ id: ROADMAP, title: 'Roadmap', sharedWith: [h.notionToken, newToken] });
  h.notion.addPage({ id: SPECS, title: 'Specs', sharedWith: [h.notionToken, newToken] });
});

afterEach(async () => {
  await h.stop();
  // Every message and modal the app sent respects Block Kit limits.
  for (const call of h.slack.calls) {
    if (
      ['chat.postMessage', 'chat.update', 'chat.postEphemeral', 'views.open'].includes(call.method)
    ) {
      assertBlockKitLimits(call.body);
    }
  }
  for (const post of h.slack.responses) {
    if (post.body.blocks) assertBlockKitLimits(post.body);
  }
  const everything = JSON.stringify([
    h.slack.calls.map((c) => c.body.blocks ?? c.body.view),
    h.logs.lines,
  ]);
  expect(everything).not.toContain(h.notionToken);
  expect(everything).not.toContain(newToken);
});

test('401 → steps 1, 3, 5, 6, 7; Done, Skip, Update token (bad refused, good saved), Test → resolved', async () => {
  h.notion.revoke(h.notionToken);
  await command(ROADMAP);
  const { ts, reportTs, call } = await walkthroughPost();
  expectInOrder(messageText(call.body), [
    '1. Check integration status',
    '2. Regenerate the API token',
    '3. Test the API connection',
    '4. Clear application cache',
    '5. Check workspace permissions',
  ]);

  await click(ts, 'Done');
  await waitForUpdates(ts, 1);
  expect(messageText(current(ts))).toMatch(/~1\. Check integration status~ — done by <@U0USER>/);
  expect(findButton(current(ts).blocks, 'Update token')).toBeDefined();

  // A non-admin pressing Update token is told why, and no modal opens.
  const refused = await click(ts, 'Update token');
  const whisper = await h.slack.waitForResponse((p) => JSON.stringify(p.body).includes('Only'));
  expect(whisper.body.response_type).toBe('ephemeral');
  expect(h.slack.callsTo('views.open')).toHaveLength(0);
  expect(refused.response.status).toBe(200);

  await click(ts, 'Update token', { userId: ADMIN });
  const modal = await h.slack.waitFor('views.open');
  expect(JSON.stringify(modal.body.view)).toContain('Never paste a token');

  const malformed = await submitToken(modal, 'ntn_short');
  expect(JSON.stringify(malformed.json)).toContain('not a Notion token');
  const revoked = await submitToken(modal, h.notionToken);
  expect(revoked.json).toMatchObject({ response_action: 'errors' });
  expect(JSON.stringify(revoked.json)).toContain('401');
  const accepted = await submitToken(modal, newToken);
  expect(accepted.json).toMatchObject({ response_action: 'clear' });

  const updated = await waitForReply(reportTs, 'Token updated by <@U0ADMIN>');
  expect(updated).toContain(`…${newToken.slice(-4)}`);
  expect(updated).toContain('Zapier Sync');
  // The automatic re-test passes with the new token: resolved, buttons gone.
  const resolved = await waitForReply(reportTs, 'Resolved by <@U0ADMIN>');
  expect(resolved).toMatch(/in \d+ ms|in [\d.]+ s/);
  await h.slack.waitFor(
    'chat.update',
    (c) => c.body.ts === ts && messageText(c.body).includes('Resolved'),
  );
  expect(buttons(current(ts).blocks)).toHaveLength(0);
  expect(messageText(current(ts))).toMatch(/~2\. Regenerate the API token~ — done by <@U0ADMIN>/);
});

test('Skip moves on, and a click on a resolved walkthrough is answered ephemerally', async () => {
  h.notion.unshare(ROADMAP, h.notionToken);
  await command(ROADMAP);
  const { ts, reportTs } = await walkthroughPost();
  const oldBlocks = current(ts).blocks;
  await click(ts, 'Skip');
  await waitForUpdates(ts, 1);
  expect(messageText(current(ts))).toMatch(
    /~1\. Verify page sharing settings~ — skipped by <@U0USER>/,
  );

  h.notion.share(ROADMAP, h.notionToken);
  await click(ts, 'Test connection');
  await waitForReply(reportTs, 'Resolved by <@U0USER>');

  // An old copy of the message still has the Done button: clicking it changes nothing.
  const stale = findButton(oldBlocks, 'Done');
  await sendBlockAction(h.appUrl, h.signingSecret, {
    actionId: stale.action_id,
    value: stale.value,
    messageTs: ts,
    responseUrl: h.slack.responseUrl('stale'),
  });
  const answer = await h.slack.waitForResponse((p) => p.id === 'stale');
  expect(answer.body).toMatchObject({ response_type: 'ephemeral' });
  expect(JSON.stringify(answer.body)).toContain('already resolved');
});

test('404 → steps 2, 4, 5, 7; page shared in Notion → Test → resolved, parent report updated', async () => {
  h.notion.unshare(ROADMAP, h.notionToken);
  await command(`${ROADMAP} ${SPECS}`);
  const { ts, reportTs, call } = await walkthroughPost();
  expectInOrder(messageText(call.body), [
    '1. Verify page sharing settings',
    '2. Re-add the integration to the page',
    '3. Test the API connection',
    '4. Check workspace permissions',
  ]);

  await click(ts, 'Test connection');
  await waitForReply(reportTs, 'still failing');
  await waitForUpdates(ts, 1);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const notionCallsBefore = h.notion.requests.length;

  h.notion.share(ROADMAP, h.notionToken);
  await click(ts, 'Test connection');
  await waitForReply(reportTs, 'Resolved by <@U0USER>');
  // Exactly the failing checks were re-run: the token and Roadmap, not Specs.
  const retested = h.notion.requests.slice(notionCallsBefore).map((r) => r.path);
  expect(retested.some((path) => path.includes(ROADMAP) || path.includes('1a2b3c4d-'))).toBe(true);
  expect(retested.some((path) => path.includes(SPECS) || path.includes('2b3c4d5e-'))).toBe(false);

  const report = await h.slack.waitFor(
    'chat.update',
    (c) => c.body.ts === reportTs && messageText(c.body).includes('Resolved'),
  );
  expect(messageText(report.body)).toContain('Roadmap');
});

test('a re-test that exposes a second diagnosis switches the steps', async () => {
  h.notion.revoke(h.notionToken);
  h.notion.unshare(ROADMAP, newToken);
  await command(ROADMAP);
  const { ts, reportTs } = await walkthroughPost();
  expect(messageText(current(ts))).toContain('token is invalid');

  await click(ts, 'Done');
  await waitForUpdates(ts, 1);
  await click(ts, 'Update token', { userId: ADMIN });
  const modal = await h.slack.waitFor('views.open');
  const saved = await submitToken(modal, newToken);
  expect(saved.json).toMatchObject({ response_action: 'clear' });

  await waitForReply(reportTs, 'still failing');
  await h.slack.waitFor(
    'chat.update',
    (c) => c.body.ts === ts && messageText(c.body).includes('Not shared with the integration'),
  );
  const now = messageText(current(ts));
  expect(now).toContain('1. Verify page sharing settings');
  expect(now).not.toContain('Regenerate the API token');
});

test('Escalate posts a summary with the Notion request ids, integration and steps done', async () => {
  h.notion.unshare(ROADMAP, h.notionToken);
  await command(ROADMAP);
  const { ts, reportTs } = await walkthroughPost();
  await click(ts, 'Done');
  await waitForUpdates(ts, 1);
  await click(ts, 'Escalate');
  const summary = await waitForReply(reportTs, 'Escalation summary');
  expect(summary).toContain('Zapier Sync');
  expect(summary).toContain('Acme');
  expect(summary).toContain('Verify page sharing settings (done)');
  expect(summary).toContain("app's provider");
  // The request id Notion gave the failing call is the one support will ask for.
  const failing = h.notion.requests.find((r) => r.status === 404);
  expect(failing?.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(summary).toContain(`\`${failing?.requestId}\``);
  // The walkthrough shows it was escalated and no longer offers to escalate again.
  await waitForUpdates(ts, 2);
  expect(messageText(current(ts))).toContain('Escalated by <@U0USER>');
  expect(buttons(current(ts).blocks).some((b) => b.text.text === 'Escalate')).toBe(false);
});

test('after a restart, a click on the old message still works', async () => {
  h.notion.unshare(ROADMAP, h.notionToken);
  await command(ROADMAP);
  const { ts } = await walkthroughPost();
  await h.stopApp();
  await h.startApp();
  await click(ts, 'Done');
  await waitForUpdates(ts, 1);
  expect(messageText(current(ts))).toMatch(
    /~1\. Verify page sharing settings~ — done by <@U0USER>/,
  );
});

test('the same click delivered twice changes state once', async () => {
  h.notion.unshare(ROADMAP, h.notionToken);
  await command(ROADMAP);
  const { ts } = await walkthroughPost();
  const blocks = current(ts).blocks;
  const done = findButton(blocks, 'Done');
  const deliver = (actionTs: string) =>
    sendBlockAction(h.appUrl, h.signingSecret, {
      actionId: done.action_id,
      value: done.value,
      messageTs: ts,
      responseUrl: h.slack.responseUrl(`dup-${actionTs}`),
      actionTs,
    });
  // A retried delivery (same action_ts) and a double click (new action_ts) on the same button.
  await Promise.all([deliver('1700000001.000001'), deliver('1700000001.000001')]);
  await deliver('1700000001.000002');
  await waitForUpdates(ts, 1);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(h.slack.callsTo('chat.update').filter((c) => c.body.ts === ts)).toHaveLength(1);
  const now = messageText(current(ts));
  expect(now).toMatch(/~1\. Verify page sharing settings~ — done/);
  expect(now).toContain(':arrow_right: *2. Re-add the integration to the page*');
});

test('a walkthrough button clicked from another channel or message: "not valid any more", nothing changes', async () => {
  h.notion.revoke(h.notionToken);
  await command(ROADMAP);
  const { ts, reportTs } = await walkthroughPost();
  // On the "Regenerate the API token" step, where the walkthrough has all five buttons.
  await click(ts, 'Done');
  await waitForUpdates(ts, 1);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const notionCallsBefore = h.notion.requests.length;
  const postsBefore = h.slack.callsTo('chat.postMessage').length;

  // Every button of the real walkthrough message, with its real value, sent from elsewhere:
  // another channel (same message ts), and the same channel but another message (the report).
  const elsewhere = [
    { channelId: 'C0ELSEWHERE', messageTs: ts },
    { channelId: CHANNEL, messageTs: reportTs },
  ];
  const labels = ['Done', 'Skip', 'Test connection', 'Update token', 'Escalate'];
  for (const where of elsewhere) {
    for (const label of labels) {
      const target = findButton(current(ts).blocks, label);
      const id = `elsewhere-${randomBytes(4).toString('hex')}`;
      const response = await sendBlockAction(h.appUrl, h.signingSecret, {
        actionId: target.action_id,
        value: target.value,
        userId: ADMIN,
        ...where,
        responseUrl: h.slack.responseUrl(id),
      });
      expect(response.status).toBe(200);
      const answer = await h.slack.waitForResponse((post) => post.id === id);
      expect(answer.body.response_type).toBe('ephemeral');
      expect(String(answer.body.text)).toBe(
        'This button is not valid any more. Run `/notion-check` again.',
      );
    }
  }

  await new Promise((resolve) => setTimeout(resolve, 300));
  // The walkthrough message was never redrawn, nothing was posted, no modal, no re-test.
  expect(h.slack.callsTo('chat.update').filter((c) => c.body.ts === ts)).toHaveLength(1);
  expect(h.slack.callsTo('chat.postMessage')).toHaveLength(postsBefore);
  expect(h.slack.callsTo('views.open')).toHaveLength(0);
  expect(h.notion.requests).toHaveLength(notionCallsBefore);
  const stored = await h.bot?.services.walkthroughs.get(
    findButton(current(ts).blocks, 'Test connection').value,
  );
  expect(stored?.state.steps.map((step) => step.status)).toEqual([
    'done',
    'pending',
    'pending',
    'pending',
    'pending',
  ]);
  expect(stored?.state.status).toBe('open');

  // The same button on the walkthrough message itself still works.
  await click(ts, 'Skip');
  await waitForUpdates(ts, 2);
  expect(messageText(current(ts))).toMatch(/~2\. Regenerate the API token~ — skipped/);
});

test('a replayed token form (same view id and hash) is refused, even after a restart: saved once', async () => {
  const second = fakeNotionToken('second');
  h.notion.addIntegration({ token: second, name: 'Zapier Sync', workspaceName: 'Acme' });
  await command('token', ADMIN);
  const first = await h.slack.waitFor('views.open');
  expect((await submitToken(first, newToken)).json).toMatchObject({ response_action: 'clear' });
  expect((await h.bot?.services.connections.resolve('default'))?.token).toBe(newToken);
  const verified = h.notion.requestsFor(newToken).length;

  // The same form again, at once (a captured request sent back): out of date, nothing saved.
  const again = await submitToken(first, newToken);
  expect(again.json).toMatchObject({ response_action: 'errors' });
  expect(JSON.stringify(again.json)).toContain('out of date');

  // Later an admin rotates the token with a new form; replaying the old one must not undo it.
  await command('token', ADMIN);
  const rotation = await h.slack.waitFor('views.open', (c) => viewId(c) !== viewId(first));
  expect(viewId(rotation)).toBeDefined();
  expect((await submitToken(rotation, second)).json).toMatchObject({ response_action: 'clear' });
  const replay = await submitToken(first, newToken);
  expect(replay.json).toMatchObject({ response_action: 'errors' });
  expect(JSON.stringify(replay.json)).toContain('out of date');
  expect((await h.bot?.services.connections.resolve('default'))?.token).toBe(second);

  // …and after a restart too: the claim is in the database.
  await h.stopApp();
  await h.startApp();
  const afterRestart = await submitToken(first, newToken);
  expect(afterRestart.json).toMatchObject({ response_action: 'errors' });
  expect(JSON.stringify(afterRestart.json)).toContain('out of date');
  expect((await h.bot?.services.connections.resolve('default'))?.token).toBe(second);

  // Each replay was refused before asking Notion; each form was saved (and confirmed) once.
  expect(h.notion.requestsFor(newToken)).toHaveLength(verified);
  expect(h.logs.lines.filter((line) => line.includes('token updated from Slack'))).toHaveLength(2);
  const confirmations = h.slack.callsTo('chat.postEphemeral').map((c) => messageText(c.body));
  for (const token of [newToken, second]) {
    expect(confirmations.filter((text) => text.includes(`…${token.slice(-4)}`))).toHaveLength(1);
  }
});

test('non-admins are refused on the command, the button and a crafted view submission', async () => {
  const commandReply = await command('token', USER);
  expect(commandReply.status).toBe(200);
  const whisper = await h.slack.waitForResponse((p) => JSON.stringify(p.body).includes('Only'));
  expect(whisper.body.response_type).toBe('ephemeral');
  expect(h.slack.callsTo('views.open')).toHaveLength(0);

  // An admin opens the modal; a regular user then submits a copy of it.
  await command('token', ADMIN);
  const modal = await h.slack.waitFor('views.open');
  const forged = await submitToken(modal, newToken, USER);
  expect(forged.json).toMatchObject({ response_action: 'errors' });
  expect(JSON.stringify(forged.json)).toContain('Only');
  expect(h.notion.requestsFor(newToken)).toHaveLength(0);

  // The admin's own submission is saved and confirmed to them alone.
  const saved = await submitToken(modal, newToken, ADMIN);
  expect(saved.json).toMatchObject({ response_action: 'clear' });
  const confirmation = await h.slack.waitFor('chat.postEphemeral', (c) => c.body.user === ADMIN);
  expect(messageText(confirmation.body)).toContain(`…${newToken.slice(-4)}`);
});

test('the SQLite file never holds a saved token in plain text', async () => {
  await command('token', ADMIN);
  const modal = await h.slack.waitFor('views.open');
  expect((await submitToken(modal, newToken)).json).toMatchObject({ response_action: 'clear' });
  await h.stopApp();
  const files = [h.databasePath, `${h.databasePath}-wal`].filter((file) => fs.existsSync(file));
  const raw = Buffer.concat(files.map((file) => fs.readFileSync(file)));
  expect(raw.length).toBeGreaterThan(0);
  expect(raw.includes(Buffer.from(newToken))).toBe(false);
  expect(raw.includes(Buffer.from(newToken.slice(4, 30)))).toBe(false);
  // …and the saved token is the one used after a restart.
  await h.startApp();
  h.notion.revoke(h.notionToken);
  await command(ROADMAP);
  const report = await h.slack.waitFor('chat.postMessage', (c) => !c.body.thread_ts);
  expect(messageText(report.body)).toContain(`…${newToken.slice(-4)} works`);
});

test('without ENCRYPTION_KEY the token modal explains that saving is disabled', async () => {
  await h.stop();
  h = await new Harness().start();
  await command('token', ADMIN);
  const modal = await h.slack.waitFor('views.open');
  const view = JSON.stringify(modal.body.view);
  expect(view).toContain('ENCRYPTION_KEY');
  expect(view).toContain('openssl rand -base64 32');
  expect((modal.body.view as { submit?: unknown }).submit).toBeUndefined();
});
