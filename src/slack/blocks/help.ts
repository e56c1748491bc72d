import { MAX_TARGETS } from '../../domain/check';
import { EXAMPLE_URL } from './copy';
import type { EphemeralMessage } from './ephemeral';
import { capText, context, escapeMrkdwn, section } from './mrkdwn';

export type { EphemeralMessage } from './ephemeral';

/** What can be wrong with a `/notion-check` command (the parser finds it, this file says it). */
export type UsageProblem =
  | { problem: 'token_pasted' }
  | { problem: 'too_many_targets'; count: number }
  | { problem: 'takes_nothing'; command: 'list' | 'connections' }
  | { problem: 'watch_needs_target' }
  | { problem: 'unwatch_takes_one' }
  | { problem: 'token_takes_name' }
  | { problem: 'needs_connection_name'; command: 'use' | 'disconnect' | 'webhook' }
  | { problem: 'bad_connection_name'; name: string }
  | { problem: 'connection_flag_needs_name' }
  | { problem: 'connection_flag_twice' }
  | { problem: 'connection_flag_not_here'; command: string }
  | { problem: 'unknown_command'; word: string }
  | { problem: 'incomplete_payload' };

const USAGE = [
  '*`/notion-check`* — check the Notion token and everything this channel watches',
  `*\`/notion-check <link or ID> …\`* — check up to ${MAX_TARGETS} pages or databases, e.g. \`/notion-check ${EXAMPLE_URL}\``,
  '*`/notion-check watch <link or ID> …`* · *`unwatch <link or ID>`* · *`list`* — what this channel monitors',
  '*`/notion-check watch all`* · *`unwatch all`* — watch every page and database the integration can see',
  '*`/notion-check connections`* — every Notion integration the bot knows, and whether it works',
  '*`/notion-check use <connection>`* — the connection this channel uses (until set: `default`)',
  '*`--connection <name>`* or *`-c <name>`* — another connection for one check, `watch`, `unwatch` or `list`',
  '*`/notion-check token [connection]`* — set or rotate a Notion token in a private form; a new name adds a connection (admins only)',
  '*`/notion-check disconnect <connection>`* · *`webhook <connection>`* — remove a connection; set up Notion webhooks (admins only)',
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
    case 'takes_nothing':
      return `\`${usage.command}\` takes no arguments.`;
    case 'watch_needs_target':
      return '`watch` needs at least one Notion link or ID.';
    case 'unwatch_takes_one':
      return '`unwatch` takes exactly one Notion link or ID.';
    case 'token_takes_name':
      return '`token` takes an optional connection name (letters, digits, - and _). Never paste a token here: the command opens a private form.';
    case 'needs_connection_name':
      return `\`${usage.command}\` takes one connection name, e.g. \`/notion-check ${usage.command} sync\`. \`/notion-check connections\` lists them.`;
    case 'bad_connection_name':
      return `\`${escapeMrkdwn(usage.name.slice(0, 40))}\` is not a connection name: use up to 32 letters, digits, - and _, starting with a letter or digit.`;
    case 'connection_flag_needs_name':
      return '`--connection` (or `-c`) needs a connection name after it, e.g. `-c sync`.';
    case 'connection_flag_twice':
      return 'Name one connection per command (`--connection` or `-c` once).';
    case 'connection_flag_not_here':
      return `\`${escapeMrkdwn(usage.command)}\` doesn't take \`--connection\`: it works on a check, \`watch\`, \`unwatch\` and \`list\`.`;
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
