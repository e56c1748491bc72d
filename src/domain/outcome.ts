/**
 * What a use case came to. Services return an Outcome; the Slack edge turns a refusal into
 * words (slack/blocks/refusals.ts). `duplicate` is the one refusal nobody is told about: a
 * retried delivery of something already done.
 */
import type { Diagnosis } from './diagnosis';

export type Refusal =
  /** A retried delivery or a double click: already applied once. */
  | { reason: 'duplicate' }
  /** The walkthrough, alert or warning behind a button is not (any more) in the database. */
  | { reason: 'not_found'; what: 'walkthrough' | 'alert' | 'leak' }
  /** A click from another channel or message than the walkthrough's or alert's (place.ts). */
  | { reason: 'wrong_place'; what: 'walkthrough' | 'alert' }
  /** A Done/Skip on a step that is not the current one (an older checklist). */
  | { reason: 'stale_button' }
  | { reason: 'already_resolved'; what: 'walkthrough' | 'alert' }
  | { reason: 'already_escalated'; by?: string }
  | { reason: 'already_acknowledged'; by?: string }
  | { reason: 'already_snoozed'; by?: string }
  /** A test of this walkthrough, or a walkthrough in this thread, is already under way. */
  | { reason: 'busy'; what: 'test' | 'alert_walkthrough' | 'thread_walkthrough' }
  | { reason: 'not_posted_yet' }
  /** This person (or channel) already has this many checks waiting for Notion. */
  | { reason: 'too_many_checks'; scope: 'user' | 'channel'; waiting: number }
  /** Notion could not give a verdict (outage, rate limit, network): nothing changed. */
  | { reason: 'inconclusive'; diagnosis: Diagnosis; during: 'test' | 'fix' | 'token' }
  | { reason: 'accessible_again' }
  | { reason: 'not_watched' }
  | { reason: 'not_owner'; owner: string }
  /** Adding would pass a cap: the channel's, the person's (all channels) or the workspace's. */
  | {
      reason: 'watch_limit';
      scope: 'channel' | 'user' | 'workspace';
      watched: number;
      adding: number;
      limit: number;
    }
  | { reason: 'token_shape' }
  | { reason: 'token_refused' }
  /** A connection name nobody set up: the command did nothing; here are the known ones. */
  | { reason: 'unknown_connection'; name: string; known: string[] }
  /** Only admins may do this (change tokens, remove a connection, see webhook secrets). */
  | { reason: 'not_admin'; action: 'disconnect' | 'webhook' }
  /** `default` comes from NOTION_TOKEN: it is removed in .env, not from Slack. */
  | { reason: 'env_connection'; name: string }
  /** `unwatch all` in a channel that does not watch everything of that connection. */
  | { reason: 'not_watching_all'; connection: string }
  /** `watch all` could not list what the integration sees (token broken, Notion down). */
  | { reason: 'listing_failed'; connection: string; diagnosis: Diagnosis }
  /** Webhooks need PUBLIC_URL (the address Notion sends them to) and HTTP mode. */
  | { reason: 'webhooks_unavailable'; why: 'no_public_url' | 'socket_mode' };

export type RefusalReason = Refusal['reason'];

export type Outcome<T extends object = object> = ({ ok: true } & T) | ({ ok: false } & Refusal);

export const refuse = <R extends Refusal>(refusal: R): { ok: false } & R => ({
  ok: false,
  ...refusal,
});
