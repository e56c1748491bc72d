import type { KnownBlock } from '@slack/types';
import { MAX_TARGETS } from '../../listeners/commands/parse';
import { EXAMPLE_URL } from './report';
import { context, escapeMrkdwn, section } from './text';

const USAGE = [
  '*`/notion-check`* — check the Notion token and everything this channel watches',
  `*\`/notion-check <link or ID> …\`* — check up to ${MAX_TARGETS} pages or databases, e.g. \`/notion-check ${EXAMPLE_URL}\``,
  '*`/notion-check watch <link or ID> …`* · *`unwatch <link or ID>`* · *`list`* — what this channel monitors',
  '*`/notion-check token [connection]`* — set or rotate a Notion token in a private form (admins only)',
  '*`/notion-check help`* — this message',
].join('\n');

export interface EphemeralMessage {
  response_type: 'ephemeral';
  text: string;
  blocks: KnownBlock[];
}

export function helpMessage(): EphemeralMessage {
  return {
    response_type: 'ephemeral',
    text: 'How to use /notion-check',
    blocks: [
      section(USAGE),
      context(
        'Share a page with the integration first: open it in Notion → ••• → Connections → add your integration.',
      ),
    ],
  };
}

export function usageMessage(problem: string): EphemeralMessage {
  return {
    response_type: 'ephemeral',
    text: `${problem} Type /notion-check help for usage.`,
    blocks: [section(`:grey_question: ${escapeMrkdwn(problem)}`), section(USAGE)],
  };
}

export function noticeMessage(text: string): EphemeralMessage {
  return { response_type: 'ephemeral', text, blocks: [section(text)] };
}
