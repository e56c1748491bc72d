import { MAX_TARGETS } from '../../domain/check';
import { EXAMPLE_URL } from './copy';
import type { EphemeralMessage } from './ephemeral';
import { capText, context, escapeMrkdwn, section } from './mrkdwn';

export type { EphemeralMessage } from './ephemeral';

/** What can be wrong with a `/notion-check` command (the parser finds it, this file says it). */
export type UsageProblem =
  | { problem: 'token_pasted' }
  | { problem: 'too_many_targets'; count: number }
  | { problem: 'list_takes_nothing' }
  | { problem: 'watch_needs_target' }
  | { problem: 'unwatch_takes_one' }
  | { problem: 'token_takes_name' }
  | { problem: 'unknown_command'; word: string }
  | { problem: 'incomplete_payload' };

const USAGE = [
  '*`/notion-check`* — check the Notion token and everything this channel watches',
  `*\`/notion-check <link or ID> …\`* — check up to ${MAX_TARGETS} pages or databases, e.g. \`/notion-check ${EXAMPLE_URL}\``,
  '*`/notion-check watch <link or ID> …`* · *`unwatch <link or ID>`* · *`list`* — what this channel monitors',
  '*`/notion-check token [connection]`* — set or rotate a Notion token in a private form (admins only)',
  '*`/notion-check help`* — this message',
].join('\n');

export function helpMessage(): EphemeralMessage {
  return capText({
    response_type: 'ephemeral',
    text: 'How to use /notion-check',
    blocks: [
      section(USAGE),
      context(
        'Share a page with the integration first: open it in Notion → ••• → Connections → add your integration.',
      ),
    ],
  });
}

/** What was wrong with a command, in one sentence (mrkdwn: what they typed is escaped). */
export function usageProblemText(usage: UsageProblem): string {
  switch (usage.problem) {
    case 'token_pasted':
      return 'That looks like a token. Never paste tokens in Slack: anyone in this channel could read your Notion data with it. Regenerate it at notion.so/my-integrations, then use `/notion-check token` (a private form).';
    case 'too_many_targets':
      return `That is ${usage.count} pages or databases; I check at most ${MAX_TARGETS} at a time. Split them over several commands.`;
    case 'list_takes_nothing':
      return '`list` takes no arguments.';
    case 'watch_needs_target':
      return '`watch` needs at least one Notion link or ID.';
    case 'unwatch_takes_one':
      return '`unwatch` takes exactly one Notion link or ID.';
    case 'token_takes_name':
      return '`token` takes an optional connection name (letters, digits, - and _). Never paste a token here: the command opens a private form.';
    case 'unknown_command':
      return `I don't know the command \`${escapeMrkdwn(usage.word)}\`.`;
    case 'incomplete_payload':
      return 'Slack sent an incomplete command; please try again.';
  }
}

export function usageMessage(usage: UsageProblem): EphemeralMessage {
  const problem = usageProblemText(usage);
  return capText({
    response_type: 'ephemeral',
    text: `${problem} Type /notion-check help for usage.`,
    blocks: [section(`:grey_question: ${problem}`), section(USAGE)],
  });
}
