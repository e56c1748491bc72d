import type { KnownBlock } from '@slack/types';
import type { CheckRun, ResourceCheck } from '../../domain/check';
import type { WatchAllSummary } from '../../domain/inventory';
import type { Watch, WatchState } from '../../domain/watch';
import {
  connectionLine,
  integrationLabel,
  mention,
  noun,
  plural,
  slackDate,
  thousands,
} from './format';
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

/** A watch's state as every list shows it (`/notion-check list`, the Home tab). */
export const STATE_EMOJI: Record<WatchState, string> = {
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

/** A channel's "watch all" of one connection, as `list` shows it. */
export interface WatchListOptions {
  /** The connection whose watches these are (the channel's, or the one `-c` named). */
  connection?: { name: string; integrationName?: string };
  /** The channel's "watch all" subscriptions: one line each, with its count. */
  all?: WatchAllSummary[];
}

const UNWATCH_HINT = 'Remove one with `/notion-check unwatch <link or ID>`.';
const UNWATCH_ALL_HINT = 'Stop watching everything with `/notion-check unwatch all`.';

/** "Everything *Acme Sync* can see (`sync`): 1,284 pages and databases — added by <@U…>". */
function watchAllLine(line: WatchAllSummary): string {
  const who = integrationLabel(line.connection, line.integrationName);
  const which = line.integrationName ? ` (\`${escapeMrkdwn(truncate(line.connection, 40))}\`)` : '';
  const what =
    line.count === 1 ? '1 page or database' : `${thousands(line.count)} pages and databases`;
  return `:eyes: Everything ${who} can see${which}: ${what} — added by ${mention(line.addedBy)} · since ${slackDate(line.since)}`;
}

/** The plain fallback naming what "watch all" covers: integration names, else connections. */
function watchAllText(all: WatchAllSummary[], pages: number): string {
  const names = all.map((line) =>
    escapeMrkdwn(truncate(line.integrationName ?? `connection ${line.connection}`, 80)),
  );
  const last = names.pop();
  const who = names.length ? `${names.join(', ')} and ${last}` : last;
  const more = pages ? `, and ${plural(pages, 'page')}` : '';
  return `This channel watches everything ${who} can see${more}`;
}

/**
 * `list`: every watch of the channel with its state, last check and failing-since; each "watch
 * all" as one line with its count; the connection they belong to when the caller names it.
 */
export function watchListMessage(
  watches: Watch[],
  options: WatchListOptions = {},
): EphemeralMessage {
  const all = options.all ?? [];
  const named = options.connection
    ? [connectionLine(options.connection.name, options.connection.integrationName)]
    : [];
  if (watches.length === 0 && all.length === 0) {
    return capText({
      response_type: 'ephemeral',
      text: 'This channel watches nothing yet.',
      blocks: [
        ...sections([
          'This channel watches nothing yet. Add pages with `/notion-check watch <link or ID> …`, or everything an integration can see with `/notion-check watch all`.',
        ]),
        ...(named.length ? [context(...named)] : []),
      ],
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
  const listed = all.length
    ? [
        '*Watched in this channel:*',
        ...all.map(watchAllLine),
        ...(watches.length ? [`*Pages watched one by one (${watches.length}):*`, ...lines] : []),
      ]
    : [`*Watched in this channel (${watches.length}):*`, ...lines];
  const hints = [
    ...named,
    ...(watches.length ? [UNWATCH_HINT] : []),
    ...(all.length ? [UNWATCH_ALL_HINT] : []),
  ];
  return capText({
    response_type: 'ephemeral',
    text: all.length
      ? watchAllText(all, watches.length)
      : `This channel watches ${plural(watches.length, 'page')}`,
    blocks: [...sectionsWithin(listed, 48), context(...hints)],
  });
}
