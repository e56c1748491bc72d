import type { KnownBlock } from '@slack/types';
import { type Alert, isSnoozed } from '../../domain/alert';
import type { Watch } from '../../domain/watch';
import { ACTIONS } from './actions';
import { actions, button } from './buttons';
import { COPY } from './copy';
import { codeList, formatDuration, mention, noun, plural, slackDate } from './format';
import { context, escapeMrkdwn, mrkdwnLink, section, sections } from './mrkdwn';
import { diagnosisTitle } from './resource';

const MAX_LISTED = 30;

function watchLines(alert: Alert, watches: Watch[]): string[] {
  const state = new Map(watches.map((watch) => [watch.id, watch.status.state]));
  const listed = alert.details.watches.slice(0, MAX_LISTED).map((watch) => {
    const link = mrkdwnLink(watch.url, escapeMrkdwn(watch.title));
    const restored = alert.status === 'resolved' || state.get(watch.id) === 'ok';
    return `${restored ? ':white_check_mark:' : ':x:'} ${link}`;
  });
  const more = alert.details.watches.length - listed.length;
  return more > 0 ? [...listed, `…and ${more} more`] : listed;
}

export function alertText(alert: Alert): string {
  const title = escapeMrkdwn(diagnosisTitle(alert));
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
  const title = escapeMrkdwn(diagnosisTitle(alert));
  const fingerprint = alert.details.fingerprint ? ` (${alert.details.fingerprint})` : '';
  const what =
    alert.scope === 'connection'
      ? `the token of connection \`${escapeMrkdwn(alert.connection)}\`${fingerprint} — ${count} watched ${noun(count, 'page')} affected`
      : plural(count, 'watched page');
  const was = context(`Was: ${title} · since ${slackDate(alert.failingSince)}`);

  if (alert.status === 'resolved' && alert.details.closedBecause === 'unwatched') {
    return [
      ...sections([`:white_circle: *Alert closed*: ${what} no longer watched in this channel.`]),
      was,
    ];
  }
  if (alert.status === 'resolved') {
    const took = formatDuration((alert.resolvedAt ?? now) - alert.failingSince);
    return [
      ...sections([
        `:large_green_circle: *Notion access restored* after ${took}: ${what}.`,
        ...watchLines(alert, watches),
      ]),
      was,
    ];
  }

  const notes = [
    `Failing since ${slackDate(alert.failingSince)} (${formatDuration(now - alert.failingSince)})`,
  ];
  if (alert.details.requestIds.length) {
    notes.push(`Notion request IDs: ${codeList(alert.details.requestIds, 5)}`);
  }
  const status: string[] = [];
  if (alert.acknowledgedBy) {
    status.push(
      `:eyes: ${mention(alert.acknowledgedBy)} is on it (since ${slackDate(alert.acknowledgedAt ?? now)})`,
    );
  }
  const snoozed = isSnoozed(alert, now);
  if (snoozed && alert.snoozedUntil !== undefined) {
    status.push(
      `:zzz: Reminders snoozed by ${mention(alert.snoozedBy)} until ${slackDate(alert.snoozedUntil)}`,
    );
  }
  const buttons = [button('Start fix', ACTIONS.alertStartFix, alert.id, 'primary')];
  if (!alert.acknowledgedBy) {
    buttons.push(button('Acknowledge', ACTIONS.alertAcknowledge, alert.id));
  }
  if (!snoozed) buttons.push(button('Snooze 24 h', ACTIONS.alertSnooze, alert.id));
  return [
    ...sections([
      `:rotating_light: *Notion access lost*: ${what}.`,
      `*Why:* ${title}`,
      ...watchLines(alert, watches),
      ...status,
    ]),
    actions('alert_actions', buttons),
    context(...notes),
  ];
}

/** The alert as posted; `rerouted` when it went to ALERT_CHANNEL instead of its own channel. */
export function buildAlert(
  alert: Alert,
  watches: Watch[],
  now: number,
  rerouted?: { from: string; error?: string },
) {
  const blocks = buildAlertBlocks(alert, watches, now);
  if (!rerouted) return { text: alertText(alert), blocks };
  const note = `:warning: I could not post this in <#${rerouted.from}> (${rerouted.error}): ${COPY.invite}.`;
  return { text: alertText(alert), blocks: [section(note), ...blocks].slice(0, 50) };
}
