/**
 * Everything the bot tells people, as data. Services and the monitor hand a Notice to a
 * Messenger or Notifier (services/ports.ts); the Slack edge renders it into words and blocks
 * (slack/blocks/notice.ts). Nothing here is text a person reads.
 */
import type { Alert } from './alert';
import type { CheckRun, IntegrationInfo } from './check';
import type { Diagnosis } from './diagnosis';
import type { ProblemSnapshot } from './problems';
import type { Walkthrough } from './walkthrough';
import type { Watch } from './watch';

export type Notice =
  /** A check report; `resolution` once a walkthrough in its thread fixed it. */
  | { type: 'report'; run: CheckRun; userId: string; resolution?: { by: string; tookMs: number } }
  /** The one walkthrough message in a thread, redrawn after every change. */
  | { type: 'walkthrough'; walkthrough: Walkthrough }
  | { type: 'escalation'; walkthrough: Walkthrough; by: string; checked: string[] }
  | { type: 'retest_inconclusive'; by: string; diagnosis: Diagnosis }
  | { type: 'retest_resolved'; by: string; tookMs: number }
  | { type: 'retest_still_failing'; by: string; problem?: ProblemSnapshot }
  | {
      type: 'token_updated';
      by: string;
      fingerprint: string;
      integration: IntegrationInfo;
      /** The connection whose token it is (named in the message when given). */
      connection?: string;
    }
  /**
   * The one warning under a message holding Notion tokens: a fingerprint per distinct token
   * (all of them; the edge shows a few), the connections whose token is among them, and the
   * leak that Start fix walks (one of ours when there is one).
   */
  | { type: 'leak_warning'; leakId: string; fingerprints: string[]; connections: string[] }
  | {
      type: 'compromised';
      leakId: string;
      connection: string;
      fingerprint: string;
      channelId: string;
    }
  /** An alert; `rerouted` when it could not go to its own channel. */
  | { type: 'alert'; alert: Alert; watches: Watch[]; rerouted?: { from: string; error?: string } }
  | { type: 'alert_acknowledged'; by: string }
  | { type: 'alert_recovered'; afterMs: number }
  | { type: 'alert_reminder'; failingForMs: number }
  | { type: 'notion_unreachable'; connection: string; forMs: number }
  | { type: 'notion_back'; connection: string };

export type NoticeType = Notice['type'];
