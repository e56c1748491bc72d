import type { KnownBlock } from '@slack/types';
import type { CheckRun, ResourceCheck } from '../../domain/check';
import type { Watch, WatchState } from '../../domain/watch';
import { mention, noun, plural, slackDate } from './format';
import type { EphemeralMessage } from './help';
import {
  capText,
  context,
  escapeMrkdwn,
  mrkdwnLink,
  sections,
  sectionsWithin,
  truncate,
} from './mrkdwn';
import { diagnosisTitle, resourceLabel, statusEmoji } from './resource';

const STATE_EMOJI: Record<WatchState, string> = {
  ok: ':white_check_mark:',
  suspect: ':hourglass_flowing_sand:',
  failing: ':x:',
};

function checkedLine(resource: ResourceCheck): string {
  return `${statusEmoji(resource.diagnosis)} ${resourceLabel(resource)} — ${diagnosisTitle(resource.diagnosis)}`;
}

/** The answer to `watch`: what is now watched, in which state, and what could not be. */
export function watchResultMessage(
  result: { run: CheckRun; added: ResourceCheck[]; existing: ResourceCheck[] },
  userId: string,
): { response_type: 'in_channel'; text: string; blocks: KnownBlock[] } {
  const { run, added, existing } = result;
  const skipped = run.resources.filter((r) => !added.includes(r) && !existing.includes(r));
  const lines = [
    added.length
      ? `:eyes: ${mention(userId)} added ${plural(added.length, 'page')} to this channel's watch list:`
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
  if (run.token.diagnosis.kind !== 'ok') {
    notes.push(`Token: ${diagnosisTitle(run.token.diagnosis)}`);
  }
  return capText({
    response_type: 'in_channel',
    text: `Watching ${added.length} new ${noun(added.length, 'page')}`,
    blocks: [...sectionsWithin(lines, 45), context(...notes)],
  });
}

/** How a watch is named in any message: its title, or its id until Notion told us one. */
export function watchName(watch: Watch, max = 80): string {
  return escapeMrkdwn(truncate(watch.title ?? watch.resourceId, max));
}

/** `list`: every watch of the channel with its state, last check and failing-since. */
export function watchListMessage(watches: Watch[]): EphemeralMessage {
  if (watches.length === 0) {
    return capText({
      response_type: 'ephemeral',
      text: 'This channel watches nothing yet.',
      blocks: sections([
        'This channel watches nothing yet. Add pages with `/notion-check watch <link or ID> …`.',
      ]),
    });
  }
  const lines = watches.map((watch) => {
    const link = mrkdwnLink(watch.url, watchName(watch));
    const checked = watch.lastCheckedAt
      ? `checked ${slackDate(watch.lastCheckedAt)}`
      : 'not checked yet';
    const { state, since } = watch.status;
    const failing = state === 'failing' ? ` · failing since ${slackDate(since)}` : '';
    return `${STATE_EMOJI[state]} ${link} · ${checked}${failing} · added by ${mention(watch.addedBy)}`;
  });
  return capText({
    response_type: 'ephemeral',
    text: `This channel watches ${plural(watches.length, 'page')}`,
    blocks: [
      ...sectionsWithin([`*Watched in this channel (${watches.length}):*`, ...lines], 48),
      context('Remove one with `/notion-check unwatch <link or ID>`.'),
    ],
  });
}
