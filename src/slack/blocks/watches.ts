import type { KnownBlock } from '@slack/types';
import type { ResourceCheck } from '../../notion/check';
import type { WatchResult } from '../../services/watches';
import type { Watch } from '../../store/monitorRepo';
import { slackDate } from './alert';
import type { EphemeralMessage } from './help';
import { resourceLabel, statusEmoji } from './report';
import { context, escapeMrkdwn, mrkdwnLink, sections, sectionsWithin, truncate } from './text';

const STATE_EMOJI: Record<Watch['state'], string> = {
  ok: ':white_check_mark:',
  suspect: ':hourglass_flowing_sand:',
  failing: ':x:',
};

function checkedLine(resource: ResourceCheck): string {
  return `${statusEmoji(resource.diagnosis)} ${resourceLabel(resource)} — ${resource.diagnosis.title}`;
}

/** The answer to `watch`: what is now watched, in which state, and what could not be. */
export function watchResultMessage(
  result: Extract<WatchResult, { kind: 'checked' }>,
  userId: string,
): { response_type: 'in_channel'; text: string; blocks: KnownBlock[] } {
  const { run, added, existing } = result;
  const skipped = run.resources.filter((r) => !added.includes(r) && !existing.includes(r));
  const lines = [
    added.length
      ? `:eyes: <@${userId}> added ${added.length} page${added.length === 1 ? '' : 's'} to this channel's watch list:`
      : 'Nothing new to watch.',
    ...added.map(checkedLine),
    ...(existing.length ? ['Already watched:', ...existing.map(checkedLine)] : []),
    ...(skipped.length
      ? ['Not watched (not a Notion link or ID):', ...skipped.map(checkedLine)]
      : []),
  ];
  const notes = [
    'I re-check watched pages on a schedule and tell this channel once if access is lost.',
  ];
  if (run.token.diagnosis.kind !== 'ok') notes.push(`Token: ${run.token.diagnosis.title}`);
  return {
    response_type: 'in_channel',
    text: `Watching ${added.length} new page${added.length === 1 ? '' : 's'}`,
    blocks: [...sectionsWithin(lines, 45), context(...notes)],
  };
}

/** `list`: every watch of the channel with its state, last check and failing-since. */
export function watchListMessage(watches: Watch[]): EphemeralMessage {
  if (watches.length === 0) {
    return {
      response_type: 'ephemeral',
      text: 'This channel watches nothing yet.',
      blocks: sections([
        'This channel watches nothing yet. Add pages with `/notion-check watch <link or ID> …`.',
      ]),
    };
  }
  const lines = watches.map((watch) => {
    const name = escapeMrkdwn(truncate(watch.title ?? watch.resourceId, 80));
    const link = mrkdwnLink(watch.url, name);
    const checked = watch.lastCheckedAt
      ? `checked ${slackDate(watch.lastCheckedAt)}`
      : 'not checked yet';
    const failing =
      watch.state === 'failing' ? ` · failing since ${slackDate(watch.stateSince)}` : '';
    return `${STATE_EMOJI[watch.state]} ${link} · ${checked}${failing} · added by <@${watch.addedBy}>`;
  });
  return {
    response_type: 'ephemeral',
    text: `This channel watches ${watches.length} page${watches.length === 1 ? '' : 's'}`,
    blocks: [
      ...sectionsWithin([`*Watched in this channel (${watches.length}):*`, ...lines], 48),
      context('Remove one with `/notion-check unwatch <link or ID>`.'),
    ],
  };
}
