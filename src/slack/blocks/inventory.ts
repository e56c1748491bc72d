/**
 * The words of "watch all" (PRODUCT.md, "Watching everything an integration can see"): the
 * answer to `watch all`, to `unwatch all`, and the ack while the integration's pages are listed.
 * The alerts of a loss are in alert.ts; the `list` line in watches.ts.
 */
import type { KnownBlock } from '@slack/types';
import type { WatchAllResult } from '../../domain/inventory';
import { connectionLine, integrationLabel, mention, thousands } from './format';
import { capText, context, escapeMrkdwn, sections, truncate } from './mrkdwn';

/** "1,284 pages and databases"; one is "1 page or database". */
function pagesAndDatabases(count: number): string {
  return count === 1 ? '1 page or database' : `${thousands(count)} pages and databases`;
}

/** The headline: how many, and whose. */
function watchingLine(result: WatchAllResult, who: string): string {
  if (result.already) {
    return `This channel already watches all pages and databases that ${who} can see (now ${thousands(result.count)}).`;
  }
  if (result.count === 0) {
    return `Watching everything ${who} can see. Nothing is shared with it yet: share pages with it in Notion (page → ••• → Connections) and the next sweeps add them.`;
  }
  if (result.count === 1) return `Watching the 1 page or database that ${who} can see.`;
  return `Watching all ${pagesAndDatabases(result.count)} that ${who} can see.`;
}

/** The answer to `watch all`, in the channel: how many, whose, who asked, and what happens next. */
export function watchAllResultMessage(
  result: WatchAllResult,
  userId: string,
): { response_type: 'in_channel'; text: string; blocks: KnownBlock[] } {
  const who = integrationLabel(result.connection, result.integrationName);
  const lines = [`:eyes: ${watchingLine(result, who)}`];
  if (!result.already) lines.push(`Set up by ${mention(userId)} for this channel.`);
  if (!result.complete) {
    lines.push(
      ":warning: Notion's search did not return everything this time, so the count may be short: the next sweeps keep adding what it missed.",
    );
  }
  const notes = [
    connectionLine(result.connection, result.integrationName),
    'Each sweep lists them again. If pages are lost (unshared, moved out of a shared page, or moved to trash), this channel gets one alert naming where it happened. Newly shared pages join silently.',
    'Stop with `/notion-check unwatch all`.',
  ];
  const plainWho = escapeMrkdwn(
    truncate(result.integrationName ?? `connection ${result.connection}`, 100),
  );
  const text = watchingLine(result, plainWho);
  return capText({
    response_type: 'in_channel',
    text,
    blocks: [...sections(lines), context(...notes)],
  });
}

/** The answer to `unwatch all`, in the channel (text only, like the answer to `unwatch`). */
export function stoppedWatchingAll(
  userId: string,
  connection: string,
  integrationName?: string,
): { response_type: 'in_channel'; text: string } {
  const who = integrationLabel(connection, integrationName);
  const which = integrationName
    ? ` (connection \`${escapeMrkdwn(truncate(connection, 40))}\`)`
    : '';
  const text = `${mention(userId)} stopped watching everything ${who} can see${which}. Pages this channel watches one by one stay watched.`;
  return capText({ response_type: 'in_channel', text });
}

/** The ack of `watch all` while the integration's pages are listed (many pages take a while). */
export function listingProgress(connection: string, integrationName?: string): string {
  return `:mag: Listing everything ${integrationLabel(connection, integrationName)} can see… (a large workspace takes a minute)`;
}
