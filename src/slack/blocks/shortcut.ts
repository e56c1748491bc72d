/** The message shortcut `Check Notion links`: its ids and the words it answers with. */
import { MAX_TARGETS } from '../../domain/check';
import { EXAMPLE_URL } from './copy';
import { type EphemeralMessage, ephemeral } from './ephemeral';
import { checkingProgress } from './replies';

/** As the manifest declares it (features.shortcuts): these strings must match it. */
export const CHECK_LINKS_SHORTCUT = {
  name: 'Check Notion links',
  callbackId: 'check_notion_links',
} as const;

/** Nothing to check: said to the person who used the shortcut, nobody else. */
export function noNotionLinks(): EphemeralMessage {
  return ephemeral(
    `:mag: I found no Notion links in this message. *${CHECK_LINKS_SHORTCUT.name}* checks links to Notion pages and databases, like ${EXAMPLE_URL}. To check one by its ID, use \`/notion-check <link or ID>\`.`,
  );
}

/** The shortcut was used on this message a moment ago: one report is on its way. */
export const SHORTCUT_ALREADY_ON_IT =
  ':hourglass_flowing_sand: Already on it: the report on that message is on its way.';

/**
 * What is being checked; when the message links more pages than one check takes, which ones
 * (the first MAX_TARGETS, in the order they appear).
 */
export function linksProgress(checked: number, linked: number): string {
  const progress = checkingProgress(checked);
  if (linked <= checked) return progress;
  return `${progress} This message links ${linked} Notion pages or databases; I check at most ${MAX_TARGETS} at a time, so the report covers the first ${checked}.`;
}
