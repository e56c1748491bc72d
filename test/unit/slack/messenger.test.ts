/**
 * SlackMessenger is the one way a Notice reaches Slack (post, update, whisper; SlackNotifier
 * speaks through it too): whatever a notice holds, the `text` it sends fits Slack's 40,000
 * characters, and the blocks stay within Block Kit's limits.
 */
import type { WebClient } from '@slack/web-api';
import type { CheckRun, ResourceCheck } from '../../../src/domain/check';
import { diagnosisOf } from '../../../src/domain/diagnosis';
import type { Notice, NoticeType } from '../../../src/domain/notice';
import { problemsOf } from '../../../src/domain/problems';
import { startWalkthrough, type Walkthrough } from '../../../src/domain/walkthrough';
import { LIMITS } from '../../../src/slack/blocks/mrkdwn';
import { SlackMessenger } from '../../../src/slack/messenger';
import { assertBlockKitLimits } from '../../support/blockKitLimits';
import {
  alert,
  CHANNEL,
  checkRun,
  INTEGRATION,
  LEAK_ID,
  pageId,
  T0,
  USER,
  WALKTHROUGH_ID,
  watch,
} from '../../support/fixtures';

type Sent = { method: string; body: { text: string; blocks?: unknown[] } };

/** A WebClient that records what it is asked to send. */
function recordingClient(): { client: WebClient; sent: Sent[] } {
  const sent: Sent[] = [];
  const record = (method: string) => async (body: Sent['body']) => {
    sent.push({ method, body });
    return { ok: true, ts: '1700000000.000200' };
  };
  const client = {
    chat: {
      postMessage: record('chat.postMessage'),
      update: record('chat.update'),
      postEphemeral: record('chat.postEphemeral'),
    },
  } as unknown as WebClient;
  return { client, sent };
}

// ---- huge inputs: 20 inputs of 4,000 characters, 200 watches with 2,000-character titles ----

const long = (n: number, unit = '&') => unit.repeat(n);

/** In the trash: Notion answered, so the title and link are known and listed as affected. */
function hugeResource(index: number): ResourceCheck {
  return {
    input: `https://www.notion.so/${long(4_000 - 60, 'a')}-${pageId(index)}`,
    id: pageId(index),
    type: 'page',
    title: long(4_000),
    url: `https://www.notion.so/${long(3_000, 'b')}-${pageId(index)}`,
    inTrash: true,
    diagnosis: diagnosisOf('in_trash', { requestId: long(200, '`') }),
  };
}

const HUGE_NAME = long(4_000);
const integration = { ...INTEGRATION, name: HUGE_NAME, workspaceName: HUGE_NAME };
const hugeRun: CheckRun = checkRun({
  connection: HUGE_NAME,
  integration,
  token: { integration, diagnosis: diagnosisOf('ok') },
  resources: Array.from({ length: 20 }, (_, i) => hugeResource(i + 1)),
});
const problem = problemsOf(hugeRun).problems[0];
const walkthrough: Walkthrough = startWalkthrough({
  id: WALKTHROUGH_ID,
  ...problemsOf(hugeRun),
  context: problem?.context ?? {},
  by: USER,
  at: T0,
});
const watches = Array.from({ length: 200 }, (_, i) => watch(i + 1, { title: long(2_000) }));

/** One huge example of every notice type; a new type fails to compile here. */
const HUGE: { [T in NoticeType]: Extract<Notice, { type: T }> } = {
  report: { type: 'report', run: hugeRun, userId: USER },
  walkthrough: { type: 'walkthrough', walkthrough },
  escalation: {
    type: 'escalation',
    walkthrough,
    by: USER,
    checked: hugeRun.resources.map((r) => r.input),
  },
  retest_inconclusive: {
    type: 'retest_inconclusive',
    by: USER,
    diagnosis: diagnosisOf('network', { message: long(40_000) }),
  },
  retest_resolved: { type: 'retest_resolved', by: USER, tookMs: 1 },
  retest_still_failing: { type: 'retest_still_failing', by: USER, problem },
  token_updated: { type: 'token_updated', by: USER, fingerprint: '…abcd', integration },
  leak_warning: {
    type: 'leak_warning',
    leakId: LEAK_ID,
    fingerprints: Array.from({ length: 5_000 }, (_, i) => `…${i}`),
    connections: Array.from({ length: 200 }, () => HUGE_NAME),
  },
  compromised: {
    type: 'compromised',
    leakId: LEAK_ID,
    connection: long(50_000),
    fingerprint: '…abcd',
    channelId: CHANNEL,
  },
  alert: {
    type: 'alert',
    alert: alert(watches, { connection: HUGE_NAME }),
    watches,
    rerouted: { from: 'C0OTHER01', error: long(40_000, 'x') },
  },
  alert_acknowledged: { type: 'alert_acknowledged', by: USER },
  alert_recovered: { type: 'alert_recovered', afterMs: 1 },
  alert_reminder: { type: 'alert_reminder', failingForMs: 1 },
  notion_unreachable: { type: 'notion_unreachable', connection: long(50_000), forMs: 1 },
  notion_back: { type: 'notion_back', connection: long(50_000) },
};

describe('SlackMessenger: every notice type leaves with its text within 40,000 characters', () => {
  it.each(Object.values(HUGE).map((notice) => [notice.type, notice] as const))(
    '%s (post, update, whisper)',
    async (_type, notice) => {
      const { client, sent } = recordingClient();
      const messenger = new SlackMessenger(client, () => T0);
      await messenger.post(CHANNEL, notice, '1700000000.000100');
      await messenger.update(CHANNEL, '1700000000.000100', notice);
      await messenger.ephemeral(CHANNEL, USER, notice);
      expect(sent.map((s) => s.method)).toEqual([
        'chat.postMessage',
        'chat.update',
        'chat.postEphemeral',
      ]);
      for (const { body } of sent) {
        expect(body.text.trim()).not.toBe('');
        expect(body.text.length).toBeLessThanOrEqual(LIMITS.messageText);
        assertBlockKitLimits(body);
      }
    },
  );

  it('the still-failing reply that reached 300,768 characters is within the limit', async () => {
    const { client, sent } = recordingClient();
    await new SlackMessenger(client).post(CHANNEL, HUGE.retest_still_failing);
    expect(sent[0]?.body.text.length).toBeLessThanOrEqual(LIMITS.messageText);
    expect(sent[0]?.body.text).toMatch(/^:x: Test by <@U0ALICE01>: still failing/);
  });

  it('a report posted as a built message is capped too', async () => {
    const { client, sent } = recordingClient();
    const text = long(100_000, 'x');
    await new SlackMessenger(client).postMessage(CHANNEL, { text, blocks: [] });
    expect(sent[0]?.body.text.length).toBeLessThanOrEqual(LIMITS.messageText);
  });
});

describe('SlackMessenger.update: a message Slack can no longer update is posted again', () => {
  /** A client whose chat.update fails with `updateError`, and whose thread posts fail with `threadError`. */
  function failingClient(updateError: string, threadError?: string) {
    const calls: { method: string; thread_ts?: string }[] = [];
    const platform = (error: string) =>
      Object.assign(new Error(`An API error occurred: ${error}`), {
        code: 'slack_webapi_platform_error',
        data: { ok: false, error },
      });
    const client = {
      chat: {
        update: async () => {
          calls.push({ method: 'chat.update' });
          throw platform(updateError);
        },
        postMessage: async (body: { thread_ts?: string }) => {
          calls.push({ method: 'chat.postMessage', thread_ts: body.thread_ts });
          if (body.thread_ts && threadError) throw platform(threadError);
          return { ok: true, ts: '1700000000.000900' };
        },
      },
    } as unknown as WebClient;
    return { client, calls };
  }
  const notice: Notice = { type: 'alert_recovered', afterMs: 1 };

  it.each(['message_not_found', 'cant_update_message', 'edit_window_closed'])(
    '%s → posted in the same thread, and the new ts returned',
    async (error) => {
      const { client, calls } = failingClient(error);
      const ts = await new SlackMessenger(client).update(CHANNEL, '1.1', notice, '1.0');
      expect(ts).toBe('1700000000.000900');
      expect(calls).toEqual([
        { method: 'chat.update' },
        { method: 'chat.postMessage', thread_ts: '1.0' },
      ]);
    },
  );

  it('the thread is gone too → posted in the channel', async () => {
    const { client, calls } = failingClient('message_not_found', 'thread_not_found');
    const ts = await new SlackMessenger(client).update(CHANNEL, '1.1', notice, '1.0');
    expect(ts).toBe('1700000000.000900');
    expect(calls.map((c) => c.thread_ts)).toEqual([undefined, '1.0', undefined]);
  });

  it('any other failure is not papered over', async () => {
    const { client, calls } = failingClient('ratelimited');
    await expect(new SlackMessenger(client).update(CHANNEL, '1.1', notice)).rejects.toThrow(
      'ratelimited',
    );
    expect(calls).toEqual([{ method: 'chat.update' }]);
  });
});
