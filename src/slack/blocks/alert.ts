import type { Button, KnownBlock } from '@slack/types';
import type { Alert, Watch } from '../../store/monitorRepo';
import { formatDuration } from '../../time';
import { context, escapeMrkdwn, mrkdwnLink, sections } from './text';

export const ALERT_ACTIONS = {
  startFix: 'alert_start_fix',
  acknowledge: 'alert_acknowledge',
  snooze: 'alert_snooze',
} as const;

/** Slack renders this in each reader's time zone. */
export function slackDate(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return `<!date^${seconds}^{date_short_pretty} at {time}|${new Date(ms).toISOString()}>`;
}

function button(text: string, actionId: string, value: string, primary = false): Button {
  return {
    type: 'button',
    text: { type: 'plain_text', text, emoji: true },
    action_id: actionId,
    value,
    ...(primary ? { style: 'primary' as const } : {}),
  };
}

const MAX_LISTED = 30;

function watchLines(alert: Alert, watches: Watch[]): string[] {
  const state = new Map(watches.map((watch) => [watch.id, watch.state]));
  const listed = alert.details.watches.slice(0, MAX_LISTED).map((watch) => {
    const name = escapeMrkdwn(watch.title);
    const link = mrkdwnLink(watch.url, name);
    const restored = alert.status === 'resolved' || state.get(watch.id) === 'ok';
    return `${restored ? ':white_check_mark:' : ':x:'} ${link}`;
  });
  const more = alert.details.watches.length - listed.length;
  return more > 0 ? [...listed, `…and ${more} more`] : listed;
}

export function alertText(alert: Alert): string {
  const title = escapeMrkdwn(alert.details.title);
  if (alert.status === 'resolved' && alert.details.closedBecause === 'unwatched') {
    return `Alert closed, pages no longer watched: ${title}`;
  }
  return alert.status === 'resolved'
    ? `Notion access restored: ${title}`
    : `Notion access lost: ${title}`;
}

/** The alert message: what was lost, since when, why; who is on it; the buttons. */
export function buildAlertBlocks(alert: Alert, watches: Watch[], now: number): KnownBlock[] {
  const count = alert.details.watches.length;
  const what =
    alert.scope === 'connection'
      ? `the token of connection \`${escapeMrkdwn(alert.connection)}\`${alert.details.fingerprint ? ` (${alert.details.fingerprint})` : ''} — ${count} watched page${count === 1 ? '' : 's'} affected`
      : `${count} watched page${count === 1 ? '' : 's'}`;

  if (alert.status === 'resolved' && alert.details.closedBecause === 'unwatched') {
    return [
      ...sections([`:white_circle: *Alert closed*: ${what} no longer watched in this channel.`]),
      context(`Was: ${escapeMrkdwn(alert.details.title)} · since ${slackDate(alert.failingSince)}`),
    ];
  }
  if (alert.status === 'resolved') {
    const took = formatDuration((alert.resolvedAt ?? now) - alert.failingSince);
    return [
      ...sections([
        `:large_green_circle: *Notion access restored* after ${took}: ${what}.`,
        ...watchLines(alert, watches),
      ]),
      context(`Was: ${escapeMrkdwn(alert.details.title)} · since ${slackDate(alert.failingSince)}`),
    ];
  }

  const notes = [
    `Failing since ${slackDate(alert.failingSince)} (${formatDuration(now - alert.failingSince)})`,
  ];
  if (alert.details.requestIds.length) {
    notes.push(
      `Notion request IDs: ${alert.details.requestIds
        .slice(0, 5)
        .map((id) => `\`${id}\``)
        .join(', ')}`,
    );
  }
  const status: string[] = [];
  if (alert.acknowledgedBy) {
    status.push(
      `:eyes: <@${alert.acknowledgedBy}> is on it (since ${slackDate(alert.acknowledgedAt ?? now)})`,
    );
  }
  const snoozed = alert.snoozedUntil !== null && alert.snoozedUntil > now;
  if (snoozed && alert.snoozedUntil !== null) {
    status.push(
      `:zzz: Reminders snoozed by <@${alert.snoozedBy}> until ${slackDate(alert.snoozedUntil)}`,
    );
  }
  const buttons = [button('Start fix', ALERT_ACTIONS.startFix, alert.id, true)];
  if (!alert.acknowledgedBy)
    buttons.push(button('Acknowledge', ALERT_ACTIONS.acknowledge, alert.id));
  if (!snoozed) buttons.push(button('Snooze 24 h', ALERT_ACTIONS.snooze, alert.id));
  return [
    ...sections([
      `:rotating_light: *Notion access lost*: ${what}.`,
      `*Why:* ${escapeMrkdwn(alert.details.title)}`,
      ...watchLines(alert, watches),
      ...status,
    ]),
    { type: 'actions', block_id: 'alert_actions', elements: buttons },
    context(...notes),
  ];
}
