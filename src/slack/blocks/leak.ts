import type { KnownBlock } from '@slack/types';
import { ACTIONS } from './actions';
import { actions, button } from './buttons';
import { context, escapeMrkdwn, section } from './mrkdwn';

function startFixActions(leakId: string): KnownBlock {
  return actions('leak_actions', [button('Start fix', ACTIONS.leakStartFix, leakId, 'primary')]);
}

/** A warning shows this many fingerprints (and connections) at most, then "and N more". */
export const LEAK_WARNING_SHOWN = 5;

/** `a`, `a and b`, `a, b and c`; past `max`: `a, b, c, d, e and 145 more`. */
function listAtMost(items: string[], max = LEAK_WARNING_SHOWN): string {
  if (items.length <= max) {
    return items.length <= 1
      ? (items[0] ?? '')
      : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
  }
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

function oursSentence(tokens: number, connections: string[]): string {
  const names = connections.map((name) => `\`${escapeMrkdwn(name)}\``);
  if (names.length === 0) return '';
  if (tokens === 1) {
    return ` It is the token notion-check uses for the ${names[0]} connection, which is now marked compromised.`;
  }
  if (names.length === 1) {
    return ` One of them is the token notion-check uses for the ${names[0]} connection, which is now marked compromised.`;
  }
  return ` Among them are the tokens notion-check uses for the ${listAtMost(names)} connections, which are now marked compromised.`;
}

/** The fallback text of the warning. */
export function leakWarningText(tokens: number): string {
  return tokens === 1
    ? 'This message contains a Notion token: regenerate it now.'
    : `This message contains ${tokens} Notion tokens: regenerate them now.`;
}

/**
 * The one thread warning under a message that holds Notion tokens: how many, a few
 * fingerprints, one Start fix button. Never repeats a token.
 */
export function buildLeakWarningBlocks(
  leakId: string,
  fingerprints: string[],
  connections: string[],
): KnownBlock[] {
  const tokens = fingerprints.length;
  const ours = oursSentence(tokens, connections);
  const headline =
    tokens === 1
      ? `:rotating_light: *This message contains a Notion token* (${fingerprints[0]}). Anyone who can read this conversation can read every page shared with that integration.${ours}`
      : `:rotating_light: *This message contains ${tokens} Notion tokens* (${listAtMost(fingerprints)}). Anyone who can read this conversation can read every page shared with those integrations.${ours}`;
  const todo =
    tokens === 1
      ? '*Do this now:* delete the message, then regenerate the token at notion.so/my-integrations and give the new one to notion-check with `/notion-check token` (a private form).'
      : '*Do this now:* delete the message, then regenerate each token at notion.so/my-integrations and give the new ones to notion-check with `/notion-check token` (a private form).';
  return [
    section(headline),
    section(todo),
    startFixActions(leakId),
    context(
      `Deleting the message is not enough: ${tokens === 1 ? 'the token' : 'the tokens'} may already have been seen or copied.`,
    ),
  ];
}

export function buildCompromisedNoticeBlocks(
  leakId: string,
  connection: string,
  fingerprint: string,
  channelId: string,
): KnownBlock[] {
  return [
    section(
      `:rotating_light: *Connection \`${escapeMrkdwn(connection)}\` is compromised*: its token (${fingerprint}) was posted in <#${channelId}>. Regenerate it now; until then anyone who saw it can read your Notion data.`,
    ),
    startFixActions(leakId),
  ];
}
