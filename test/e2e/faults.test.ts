/**
 * Faults around the app: Slack's Web API rate limiting, failing or refusing the report; Notion
 * holding, resetting, garbling or replacing its answers; the database going away. The user
 * always hears back, transient trouble is never called an access problem, nothing crashes.
 */

import { checkDeadlineMs } from '../../src/notion/pacing';
import { SECRET_PATTERN } from '../../src/security/tokens';
import type { NotionFault } from '../fakes/fakeNotion';
import type { SlackCall } from '../fakes/fakeSlack';
import { assertBlockKitLimits } from '../support/blockKitLimits';
import { messageText } from '../support/blocks';
import { Harness } from '../support/harness';
import { sendSlashCommand } from '../support/slackRequest';

const PAGE = '1a2b3c4d5e6f4a5b8c9d0e1f2a3b4c5d';
const CHANNEL = 'C0CHANNEL';
/** Slack's limit for acknowledging a request. */
const ACK_LIMIT_MS = 3_000;

let h: Harness;
let commandCount = 0;

/** Sends the command and checks Slack's requirement: a 200 within 3 seconds. */
async function runCommand(commandText: string, channelId = CHANNEL) {
  commandCount += 1;
  const responseId = `fault-${commandCount}`;
  const result = await sendSlashCommand(h.appUrl, h.signingSecret, {
    text: commandText,
    channelId,
    responseUrl: h.slack.responseUrl(responseId),
  });
  expect(result.status).toBe(200);
  expect(result.elapsedMs).toBeLessThan(ACK_LIMIT_MS);
  return { result, responseId };
}

/** The first report posted successfully (not in a thread). */
async function report(timeoutMs = 15_000): Promise<SlackCall> {
  const call = await h.slack.waitFor(
    'chat.postMessage',
    (c) => !c.body.thread_ts && !c.error,
    timeoutMs,
  );
  assertBlockKitLimits(call.body);
  return call;
}

/** Everything the app said in Slack: messages, ephemeral answers and response_url posts. */
function everythingSaid(): string {
  return JSON.stringify([
    h.slack.calls.map(({ body: { token: _auth, ...content } }) => content),
    h.slack.responses.map((post) => post.body),
  ]);
}

/** Waits until the command's work after the ack is finished: nothing more will be posted. */
async function settled(): Promise<void> {
  expect(await h.bot?.services.inflight.drain(30_000)).toBe(true);
}

function logEntries(): Record<string, unknown>[] {
  return h.logs.lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

function errorLogs(): string[] {
  return logEntries()
    .filter((entry) => typeof entry.level === 'number' && entry.level >= 50)
    .map((entry) => JSON.stringify(entry));
}

function startHarness(options: ConstructorParameters<typeof Harness>[0] = {}) {
  return new Harness(options).start().then((harness) => {
    harness.notion.addPage({ id: PAGE, title: 'Roadmap', sharedWith: [harness.notionToken] });
    return harness;
  });
}

afterEach(async () => {
  if (!h) return;
  await h.stop();
  // Whatever failed, no secret reached a log line or anything sent to Slack.
  const said = everythingSaid();
  for (const secret of [h.notionToken, h.slack.botToken, h.signingSecret]) {
    expect(h.logs.text()).not.toContain(secret);
    expect(said).not.toContain(secret);
  }
  expect(h.logs.text().match(new RegExp(SECRET_PATTERN.source, 'g')) ?? []).toEqual([]);
});

describe('Slack Web API faults when posting the report', () => {
  beforeEach(async () => {
    h = await startHarness();
  });

  // Protects clientOptions.retryConfig and the Web API's rate-limit handling: a 429 with
  // Retry-After is waited out and the report still arrives.
  test('ratelimited once (429, Retry-After: 1) → retried, the report arrives', async () => {
    h.slack.failNext('chat.postMessage', 'ratelimited');
    await runCommand(PAGE);
    const posted = await report();
    expect(messageText(posted.body)).toContain('Roadmap');
    expect(messageText(posted.body)).toContain('all good');
    const attempts = h.slack.callsTo('chat.postMessage').filter((c) => !c.body.thread_ts);
    expect(attempts.map((c) => c.error ?? 'ok')).toEqual(['ratelimited', 'ok']);
    await settled();
    expect(h.slack.responses).toHaveLength(0);
  });

  // Protects clientOptions.retryConfig: a passing 5xx from Slack is retried.
  test('a 500 once → retried, the report arrives', async () => {
    h.slack.failNext('chat.postMessage', 'internal_error', { status: 500 });
    await runCommand(PAGE);
    const posted = await report();
    expect(messageText(posted.body)).toContain('Roadmap');
    const attempts = h.slack.callsTo('chat.postMessage').filter((c) => !c.body.thread_ts);
    expect(attempts.map((c) => c.error ?? 'ok')).toEqual(['internal_error', 'ok']);
    await settled();
    expect(h.slack.responses).toHaveLength(0);
  });

  // Protects the cannotPostHere fallback: in a channel the bot can't see, the user gets the
  // report privately with the /invite hint instead of nothing.
  test('channel_not_found → the report as an ephemeral response with the /invite hint', async () => {
    h.slack.setChannel({ id: 'G0PRIVATE', is_private: true, is_member: false });
    const { responseId } = await runCommand(PAGE, 'G0PRIVATE');
    const fallback = await h.slack.waitForResponse(
      (post) => post.id === responseId && JSON.stringify(post.body).includes('/invite'),
      15_000,
    );
    expect(fallback.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(fallback.body)).toContain('channel_not_found');
    expect(JSON.stringify(fallback.body)).toContain('Roadmap');
    assertBlockKitLimits(fallback.body);
    expect(h.slack.callsTo('chat.postMessage').map((c) => c.error)).toEqual(['channel_not_found']);
  });

  // Protects the command's failure path: when Slack refuses the report itself, the user is
  // told privately that it could not be posted (not left waiting), and the failure is logged
  // once, with the Slack error and no secret.
  test.each(['invalid_blocks', 'msg_too_long'])(
    '%s → the user is told via response_url that the report could not be posted',
    async (error) => {
      h.slack.failNext('chat.postMessage', error);
      const { responseId } = await runCommand(PAGE);
      const told = await h.slack.waitForResponse((post) => post.id === responseId, 15_000);
      expect(told.body.response_type).toBe('ephemeral');
      const message = JSON.stringify(told.body);
      expect(message).toMatch(/report/i);
      expect(message).toMatch(/(could not|couldn't|can't|cannot|unable to|failed to) (be )?post/i);
      await settled();
      const logged = errorLogs().filter((line) => line.includes(error));
      expect(logged.length).toBeGreaterThan(0);
      for (const line of logged) {
        expect(line).not.toContain(h.notionToken);
        expect(line).not.toContain(h.slack.botToken);
        expect(line).not.toContain(h.signingSecret);
      }
    },
  );
});

describe('Notion faults', () => {
  beforeEach(async () => {
    h = await startHarness();
  });

  const cases: [string, NotionFault, RegExp[]][] = [
    [
      'connection reset',
      { kind: 'reset' },
      [/Could not reach Notion \(network problem\)/, /connection reset/],
    ],
    ['invalid JSON with 200', { kind: 'invalidJson' }, [/unreadable answer/]],
    ['an HTML 502 page', { kind: 'html', status: 502 }, [/Notion is unavailable/]],
  ];
  const where: [string, string | undefined][] = [
    ['every request (the token check)', undefined],
    ['page requests only', '/v1/pages'],
  ];

  // Protects diagnoseError's transient kinds and PRODUCT.md's rule: an outage, a network
  // problem or a garbled answer is reported as such, never as "regenerate your token", and
  // starts no walkthrough.
  describe.each(where)('on %s', (_label, pathPrefix) => {
    test.each(cases)('%s → reported as such, no token advice', async (_name, fault, expected) => {
      h.notion.fault({ match: pathPrefix ? { pathPrefix } : undefined, fault });
      await runCommand(PAGE);
      const posted = messageText((await report()).body);
      for (const pattern of expected) expect(posted).toMatch(pattern);
      expect(posted).toContain('not an access problem');
      await settled();
      expect(everythingSaid()).not.toMatch(/regenerat|token is invalid/i);
      expect(h.slack.callsTo('chat.postMessage').filter((c) => c.body.thread_ts)).toHaveLength(0);
      if (pathPrefix) expect(posted).toContain(':white_check_mark:');
    });
  });

  // Protects the per-request timeout and the check deadline: Notion never answering still
  // gives a report, as a timeout, before the command's deadline.
  test('Notion holding every request → "did not answer in time" within the check deadline', async () => {
    h.notion.fault({ fault: { kind: 'hold' } });
    await runCommand(PAGE);
    const posted = messageText((await report(checkDeadlineMs(1) + 2_000)).body);
    expect(posted).toContain('did not answer in time');
    expect(posted).toContain('not an access problem');
    await settled();
    expect(everythingSaid()).not.toMatch(/regenerat|token is invalid/i);
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.body.thread_ts)).toHaveLength(0);
  }, 45_000);
});

describe('database unavailable', () => {
  beforeEach(async () => {
    h = await startHarness();
  });

  // Protects /healthz (503 when the store can't answer) and the commands' ack-first design:
  // with the database gone, every command is still acked in time, the failure is logged
  // clearly, and the process keeps serving.
  test.each([
    ['a check of the channel defaults', ''],
    ['list', 'list'],
    ['a check of a page', PAGE],
  ])('%s: /healthz 503, the command acked, a clear log line', async (_name, commandText) => {
    expect((await fetch(`${h.appUrl}/healthz`)).status).toBe(200);
    await h.bot?.store.close();
    expect((await fetch(`${h.appUrl}/healthz`)).status).toBe(503);

    const { result, responseId } = await runCommand(commandText);
    await settled();
    expect(errorLogs().some((line) => /database/i.test(line))).toBe(true);
    // The user heard back: in the ack, a response, or the report itself.
    const heard =
      /went wrong|Checking/.test(JSON.stringify(result.json)) ||
      h.slack.responses.some((post) => post.id === responseId) ||
      h.slack.callsTo('chat.postMessage').some((c) => !c.error);
    expect(heard).toBe(true);
    expect((await fetch(`${h.appUrl}/healthz`)).status).toBe(503);
  });

  // Protects CheckService.record's catch: check history is diagnostic only, so a dead
  // database must not cost the user their report.
  test('a check still posts its report when history cannot be recorded', async () => {
    await h.bot?.store.close();
    await runCommand(PAGE);
    expect(messageText((await report()).body)).toContain('Roadmap');
    await settled();
    expect(errorLogs().some((line) => line.includes('could not record check history'))).toBe(true);
  });
});
