/** `/notion-check connections`, `use` and `disconnect`: every word about connections. */
import type { KnownBlock } from '@slack/types';
import type { ConnectionOverview, DisconnectSummary } from '../../domain/connection';
import { ACTIONS } from './actions';
import { actions, button } from './buttons';
import type { EphemeralMessage } from './ephemeral';
import { connectionCode, thousands as count, mention, noun, plural } from './format';
import { capText, context, escapeMrkdwn, section } from './mrkdwn';
import { diagnosisText, statusEmoji } from './resource';

/** `` `sync` (*Acme Sync*) ``: how every message names a connection and its integration. */
export function connectionLabel(name: string, integrationName?: string): string {
  const code = connectionCode(name);
  return integrationName ? `${code} (*${escapeMrkdwn(integrationName)}*)` : code;
}

function overviewLine(item: ConnectionOverview): string {
  const label = connectionLabel(item.name, item.integrationName);
  const where = item.workspaceName ? ` in workspace *${escapeMrkdwn(item.workspaceName)}*` : '';
  const token = item.fingerprint ? `token ${item.fingerprint}` : 'no token';
  const source = item.source === 'env' ? ' from NOTION_TOKEN' : '';
  const status =
    item.diagnosis.kind === 'token_missing'
      ? `no token yet: an admin can set one with ${connectionCode(item.name, '/notion-check token ')}`
      : item.diagnosis.kind === 'ok'
        ? 'works'
        : diagnosisText(item.diagnosis);
  const emoji = item.compromised ? ':rotating_light:' : statusEmoji(item.diagnosis);
  const leaked = item.compromised
    ? ' — *compromised*: it was posted in Slack, regenerate it and set it again'
    : '';
  const here = item.usedHere ? ' · _this channel’s connection_' : '';
  const all = item.watchingAllHere ? ' · this channel watches everything it can see' : '';
  const webhook =
    item.webhook === 'verified'
      ? ' · Notion webhooks on'
      : item.webhook === 'pending'
        ? ' · webhook verification token received, not yet confirmed'
        : '';
  return [
    `${emoji} ${label}${where} — ${token}${source} — ${status}${leaked}`,
    `${plural(item.watches.here, 'watch', 'watches')} in this channel, ${count(item.watches.total)} in all${here}${all}${webhook}`,
  ].join('\n');
}

/** One section per connection, within the 50 blocks of a message (with the header and notes). */
const MAX_OVERVIEW_LINES = 45;

/** Every connection and its status now, privately. */
export function connectionsMessage(items: ConnectionOverview[]): EphemeralMessage {
  const broken = items.filter((item) => item.compromised || item.diagnosis.category !== 'ok');
  const text =
    broken.length === 0
      ? `${plural(items.length, 'Notion connection')}, all working`
      : `${plural(items.length, 'Notion connection')}, ${broken.length} with a problem`;
  return capText({
    response_type: 'ephemeral',
    text,
    blocks: [
      section(`*Notion connections* (${items.length})`),
      ...items.slice(0, MAX_OVERVIEW_LINES).map((item) => section(overviewLine(item))),
      ...(items.length > MAX_OVERVIEW_LINES
        ? [context(`…and ${items.length - MAX_OVERVIEW_LINES} more, not shown.`)]
        : []),
      context(
        'Pick this channel’s with `/notion-check use <name>`, or one command’s with `-c <name>`. Admins add one with `/notion-check token <name>`.',
      ),
    ],
  });
}

/** `use <name>`: in the channel, so everyone knows what a bare `/notion-check` checks now. */
export function connectionUsedMessage(
  name: string,
  integrationName: string | undefined,
  userId: string,
) {
  return {
    response_type: 'in_channel' as const,
    text: `This channel now uses the Notion connection ${name}`,
    blocks: [
      section(
        `${mention(userId)} set this channel’s Notion connection to ${connectionLabel(name, integrationName)}: \`/notion-check\`, \`watch\`, \`unwatch\` and \`list\` use it unless a command names another with \`-c <name>\`.`,
      ),
    ],
  };
}

function removalScope(summary: DisconnectSummary): string {
  const parts = [
    'its token',
    `${plural(summary.watches, 'watch', 'watches')} in ${plural(summary.channels, 'channel')}`,
    `its inventory of ${count(summary.inventory)} ${noun(summary.inventory, 'item')}`,
  ];
  return parts.join(', ');
}

/** Asks the admin, privately, to confirm with the Remove button. */
export function disconnectConfirmation(summary: DisconnectSummary): EphemeralMessage {
  const label = connectionLabel(summary.name, summary.integrationName);
  const token = summary.fingerprint ? ` (token ${summary.fingerprint})` : '';
  const alerts =
    summary.openAlerts > 0
      ? ` Its ${plural(summary.openAlerts, 'open alert')} will close as “connection removed”.`
      : '';
  const blocks: KnownBlock[] = [
    section(
      `:warning: Remove the connection ${label}${token}? This deletes ${removalScope(summary)}.${alerts} It can’t be undone; the integration itself stays in Notion.`,
    ),
    actions('connection_remove', [
      button(`Remove ${summary.name}`, ACTIONS.connectionRemove, summary.name, 'danger'),
    ]),
  ];
  return capText({
    response_type: 'ephemeral',
    text: `Remove the connection ${summary.name}?`,
    blocks,
  });
}

/** After Remove: replaces the confirmation. */
export function disconnectedMessage(summary: DisconnectSummary, userId: string): EphemeralMessage {
  const alerts =
    summary.openAlerts > 0 ? ` ${plural(summary.openAlerts, 'open alert')} closed.` : '';
  return capText({
    response_type: 'ephemeral',
    text: `Removed the connection ${summary.name}`,
    blocks: [
      section(
        `:white_check_mark: ${mention(userId)} removed the connection ${connectionLabel(summary.name, summary.integrationName)}: ${removalScope(summary)}.${alerts} Channels that used it now use \`default\`.`,
      ),
    ],
  });
}
