/** What the listeners answer directly (acks, whispers, modal errors): the words, here. */
import type { Watch } from '../../domain/watch';
import { COPY } from './copy';
import { mention, noun, plural } from './format';
import { capText, escapeMrkdwn } from './mrkdwn';

export const REPLIES = {
  alreadyOnIt: ':hourglass_flowing_sand: Already on it: the answer to that command is on its way.',
  commandFailed:
    ':warning: Something went wrong on our side while checking. Nothing was changed; please try again in a minute.',
  buttonFailed: COPY.somethingWrong,
  snoozed: 'Snoozed: no reminders for 24 hours. The alert stays open.',
  /** The database did not answer (PostgreSQL down or restarting): nothing was done. */
  databaseDown:
    ":hourglass: notion-check can't reach its database right now, so nothing was done. Please try again in a minute.",
  /** A button whose value or message we cannot read; `again` adds how to start over. */
  buttonInvalid: (again: boolean) =>
    again ? `${COPY.buttonInvalid} ${COPY.runAgain}` : COPY.buttonInvalid,
} as const;

/** The ack of a check: what is being checked, and roughly how long it takes. */
export function checkingProgress(targets: number): string {
  const what = targets
    ? `the token and ${targets} ${noun(targets, 'page')} or ${noun(targets, 'database')}`
    : 'the Notion token';
  // About three requests a second: warn when the answer takes more than a few seconds.
  const slow = targets > 15 ? ` (about ${Math.ceil(targets / 3)} s)` : '';
  return `:mag: Checking ${what}${slow}…`;
}

export function watchingProgress(targets: number): string {
  return `:mag: Checking ${plural(targets, 'page')} before watching…`;
}

/** The answer to `unwatch`, in the channel: a message of its own (text only, no blocks). */
export function stoppedWatching(
  userId: string,
  watch: Watch,
): { response_type: 'in_channel'; text: string } {
  const text = `${mention(userId)} stopped watching ${escapeMrkdwn(watch.title ?? watch.resourceId)}.`;
  return capText({ response_type: 'in_channel', text });
}

/** The bot may not post in this conversation: the report goes to the user alone. */
export function cannotPostHint(code: string | undefined): string {
  return `:wave: I can't post in this conversation (${code}). Invite me with \`/invite @notion-check\` to share reports here; until then only you see them.`;
}

export function reportRefused(code: string | undefined, summary: string): string {
  return `:warning: I couldn't post the report: Slack refused it (${code}). That is a bug on our side and it was logged. In short: ${summary}.`;
}

/** Who may change tokens, for the person who may not. */
export function notAdmin(adminUserIds: string[] | undefined): string {
  const who = adminUserIds
    ? `the people listed in ADMIN_USER_IDS (${adminUserIds.map(mention).join(', ')})`
    : 'workspace admins and owners';
  return `:lock: Only ${who} can change Notion tokens. Ask one of them to run \`/notion-check token\` or press *Update token*.`;
}

/** Errors shown under the token form's input. */
export const TOKEN_FORM_ERRORS = {
  outOfDate: 'This form is out of date. Close it and open it again.',
  savingDisabled: 'Saving tokens is disabled: ENCRYPTION_KEY is not set.',
  failed: 'Something went wrong on our side; nothing was saved. Try again.',
} as const;
