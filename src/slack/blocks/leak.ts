import type { KnownBlock } from '@slack/types';
import { ACTIONS } from './actions';
import { actions, button } from './buttons';
import { context, escapeMrkdwn, section } from './mrkdwn';

function startFixActions(leakId: string): KnownBlock {
  return actions('leak_actions', [button('Start fix', ACTIONS.leakStartFix, leakId, 'primary')]);
}

/** The thread warning under a message that holds a Notion token. Never repeats the token. */
export function buildLeakWarningBlocks(
  leakId: string,
  fingerprint: string,
  connection: string | undefined,
): KnownBlock[] {
  const ours = connection
    ? ` It is the token notion-check uses for the \`${escapeMrkdwn(connection)}\` connection, which is now marked compromised.`
    : '';
  return [
    section(
      `:rotating_light: *This message contains a Notion token* (${fingerprint}). Anyone who can read this conversation can read every page shared with that integration.${ours}`,
    ),
    section(
      '*Do this now:* delete the message, then regenerate the token at notion.so/my-integrations and give the new one to notion-check with `/notion-check token` (a private form).',
    ),
    startFixActions(leakId),
    context('Deleting the message is not enough: the token may already have been seen or copied.'),
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
