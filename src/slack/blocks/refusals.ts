/** Why nothing happened, in words for the person who pressed the button or typed the command. */
import type { Refusal } from '../../domain/outcome';
import { mention } from './format';
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

/** The words for a refusal; undefined for a duplicate delivery, which nobody is told about. */
export function refusalText(refusal: Refusal): string | undefined {
  switch (refusal.reason) {
    case 'duplicate':
      return undefined;
    case 'not_found':
      return NOT_FOUND[refusal.what];
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
      return `This channel watches ${refusal.watched} pages; with ${refusal.adding} more it would pass the limit of ${refusal.limit}. Remove some with \`/notion-check unwatch <link>\` first, or watch them from another channel.`;
    case 'token_shape':
      return 'That is not a Notion token: it starts with ntn_ followed by 46 letters and digits (older ones: secret_ and 43). Copy it again with the Copy button at notion.so/my-integrations.';
    case 'token_refused':
      return 'Notion refused this token (401 unauthorized): it was revoked, regenerated again, or its integration deleted. Copy the current one from notion.so/my-integrations.';
  }
}
