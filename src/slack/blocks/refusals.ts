/** Why nothing happened, in words for the person who pressed the button or typed the command. */
import type { Refusal } from '../../domain/outcome';
import { thousands as count, mention, noun, plural } from './format';
import { escapeMrkdwn } from './mrkdwn';
import { REPLIES } from './replies';
import { diagnosisTitle } from './resource';

const NOT_FOUND = {
  walkthrough: 'I no longer know this walkthrough. Run `/notion-check` again to start a new one.',
  alert: 'I no longer know this alert.',
  leak: 'I no longer know this warning.',
} as const;

const BUSY = {
  test: 'A test is already running for this walkthrough.',
  alert_walkthrough: 'A fix walkthrough is already running in this alert’s thread.',
  thread_walkthrough: 'A fix walkthrough is already running in this thread.',
} as const;

type WatchLimit = Extract<Refusal, { reason: 'watch_limit' }>;
const UNWATCH = '`/notion-check unwatch <link>`';

/** Which cap, and the numbers: the channel's, the person's (across channels), the workspace's. */
const WATCH_LIMIT: Record<WatchLimit['scope'], (refusal: WatchLimit) => string> = {
  channel: ({ watched, adding, limit }) =>
    `This channel watches ${watched} pages; with ${adding} more it would pass the limit of ${limit}. Remove some with ${UNWATCH} first, or watch them from another channel.`,
  user: ({ watched, adding, limit }) =>
    `You have added ${count(watched)} ${noun(watched, 'watch', 'watches')} across all channels; with ${count(adding)} more you would pass the limit of ${count(limit)} per person. Remove some of yours with ${UNWATCH} first.`,
  workspace: ({ watched, adding, limit }) =>
    `This workspace has ${count(watched)} ${noun(watched, 'watch', 'watches')} in all; with ${count(adding)} more it would pass the limit of ${count(limit)} for the whole workspace. Remove some with ${UNWATCH} first.`,
};

/** The words for a refusal; undefined for a duplicate delivery, which nobody is told about. */
export function refusalText(refusal: Refusal): string | undefined {
  switch (refusal.reason) {
    case 'duplicate':
      return undefined;
    case 'not_found':
      return NOT_FOUND[refusal.what];
    case 'wrong_place':
      // The same words as any button we cannot read: nothing to learn from another channel's.
      return REPLIES.buttonInvalid(refusal.what === 'walkthrough');
    case 'stale_button':
      return 'That is not the current step any more: it was already done or skipped, or the steps changed after a test. Use the buttons on the latest checklist.';
    case 'already_resolved':
      return refusal.what === 'walkthrough'
        ? 'This walkthrough is already resolved.'
        : 'Access is already restored: this alert is closed.';
    case 'already_escalated':
      return `Already escalated by ${mention(refusal.by)}.`;
    case 'already_acknowledged':
      return `${mention(refusal.by)} already acknowledged this alert.`;
    case 'already_snoozed':
      return `Already snoozed by ${mention(refusal.by)}.`;
    case 'busy':
      return BUSY[refusal.what];
    case 'too_many_checks':
      return `:hourglass_flowing_sand: Busy: ${plural(refusal.waiting, 'check')} ${refusal.scope === 'user' ? 'of yours' : 'in this channel'} ${noun(refusal.waiting, 'is', 'are')} still waiting for Notion. Try again when ${noun(refusal.waiting, 'it is', 'they are')} done.`;
    case 'not_posted_yet':
      return 'This alert was not posted yet; try again in a moment.';
    case 'inconclusive': {
      const title = diagnosisTitle(refusal.diagnosis);
      if (refusal.during === 'fix') return `Could not check right now: ${title}.`;
      if (refusal.during === 'token') {
        return `Could not verify the token with Notion: ${title}. Nothing was saved; try again in a minute.`;
      }
      return title;
    }
    case 'accessible_again':
      return 'Those pages are accessible again: the alert turns green at the next scheduled check.';
    case 'not_watched':
      return "This channel doesn't watch that page. `/notion-check list` shows what it watches.";
    case 'not_owner':
      return `${mention(refusal.owner)} added this watch: only they or an admin can remove it.`;
    case 'watch_limit':
      return WATCH_LIMIT[refusal.scope](refusal);
    case 'token_shape':
      return 'That is not a Notion token: it starts with ntn_ followed by 46 letters and digits (older ones: secret_ and 43). Copy it again with the Copy button at notion.so/my-integrations.';
    case 'token_refused':
      return 'Notion refused this token (401 unauthorized): it was revoked, regenerated again, or its integration deleted. Copy the current one from notion.so/my-integrations.';
    case 'unknown_connection':
      return refusal.known.length
        ? `There is no connection named \`${escapeMrkdwn(refusal.name)}\`. Known ${noun(refusal.known.length, 'connection')}: ${refusal.known.map((name) => `\`${name}\``).join(', ')}. An admin can add one with \`/notion-check token <name>\`.`
        : `There is no connection named \`${escapeMrkdwn(refusal.name)}\`, and none is set up yet. An admin can add one with \`/notion-check token <name>\`.`;
    case 'not_admin':
      return refusal.action === 'disconnect'
        ? 'Only admins can remove a connection (ADMIN_USER_IDS, or workspace admins and owners when that is unset).'
        : 'Only admins can see a connection’s webhook set-up: its verification token signs deliveries (ADMIN_USER_IDS, or workspace admins and owners when that is unset).';
    case 'env_connection':
      return `\`${escapeMrkdwn(refusal.name)}\` comes from NOTION_TOKEN in the bot’s environment: remove it there and restart the bot. Its watches stay until then.`;
    case 'not_watching_all':
      return `This channel doesn’t watch everything of \`${escapeMrkdwn(refusal.connection)}\`. \`/notion-check list\` shows what it watches.`;
    case 'listing_failed':
      return `Could not list what \`${escapeMrkdwn(refusal.connection)}\` can see: ${diagnosisTitle(refusal.diagnosis)}. Nothing was added; run \`/notion-check -c ${escapeMrkdwn(refusal.connection)}\` to see why, and try again.`;
    case 'webhooks_unavailable':
      return refusal.why === 'no_public_url'
        ? 'Notion webhooks need the bot’s public https address: set PUBLIC_URL (for example https://notion-check.example.com) and restart the bot.'
        : 'Notion webhooks need HTTP mode (a public https URL); this bot runs in Socket Mode (SLACK_APP_TOKEN is set). Sweeps still catch every loss within CHECK_INTERVAL.';
  }
}
