/**
 * What services and the monitor need from Slack, in their own terms: they hand over a Notice
 * (domain/notice.ts) and never build text. slack/messenger.ts and slack/notify.ts implement
 * these; unit tests use fakes.
 */
import type { Alert } from '../domain/alert';
import type { Notice } from '../domain/notice';
import type { Watch } from '../domain/watch';

export interface Messenger {
  /** Posts a message (in a thread when `threadTs` is given); returns the new message's ts. */
  post(channel: string, notice: Notice, threadTs?: string): Promise<string>;
  /**
   * Redraws a message. When Slack can't update it any more (deleted, too old), posts the notice
   * afresh (in `threadTs`'s thread when given) and returns the new ts; otherwise returns `ts`.
   */
  update(channel: string, ts: string, notice: Notice, threadTs?: string): Promise<string>;
  ephemeral(channel: string, user: string, notice: Notice, threadTs?: string): Promise<void>;
}

/** How alerts reach a channel: with a fallback to ALERT_CHANNEL, never silently dropped. */
export interface Notifier {
  /** Posts the alert; undefined when no channel took it (the next sweep tries again). */
  postAlert(alert: Alert, watches: Watch[]): Promise<{ channel: string; ts: string } | undefined>;
  /**
   * Redraws the alert. When its message was deleted or can't be edited, posts it again and
   * records the new ts (so read the alert again before replying in its thread).
   */
  updateAlert(alert: Alert, watches: Watch[]): Promise<void>;
  /** A reply in the alert's thread (acknowledged, recovered, reminder). */
  replyToAlert(alert: Alert, notice: Notice): Promise<void>;
  /** A notice that concerns a connection, not one alert (Notion unreachable / back). */
  postNotice(channels: string[], notice: Notice): Promise<void>;
}
