/** Small formatting helpers shared by every message builder. */
import { CONNECTION_NAME } from '../../domain/connection';
import { escapeMrkdwn, truncate } from './mrkdwn';

/** `plural(1, 'page')` → `1 page`; `plural(3, 'page')` → `3 pages`; `plural(2, 'is', 'are')`. */
export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

/** The word alone: `noun(1, 'page')` → `page`, `noun(2, 'page')` → `pages`. */
export function noun(count: number, word: string, many = `${word}s`): string {
  return count === 1 ? word : many;
}

/** "850 ms", "3.2 s", "12 min", "2 h 14 min": how long something took or has lasted. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.round(ms / 60_000);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Slack renders this in each reader's time zone. */
export function slackDate(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return `<!date^${seconds}^{date_short_pretty} at {time}|${new Date(ms).toISOString()}>`;
}

/** `14:05` in each reader's own time zone (Slack renders it); UTC in the fallback text. */
export function slackTime(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return `<!date^${seconds}^{time}|${new Date(ms).toISOString().slice(11, 16)} UTC>`;
}

/** `` `id1`, `id2` `` — at most `max` of them (Notion support asks for these), escaped. */
export function codeList(values: string[], max = values.length): string {
  return values
    .slice(0, max)
    .map((value) => `\`${escapeMrkdwn(value)}\``)
    .join(', ');
}

export const mention = (userId: string | undefined): string => `<@${userId}>`;

/** `1284` → `1,284`: every count a person reads past a thousand. */
export function thousands(count: number): string {
  return count.toLocaleString('en-US');
}

/** Like plural(), with thousands separators: `counted(1284, 'page')` → `1,284 pages`. */
export function counted(count: number, word: string, many = `${word}s`): string {
  return `${thousands(count)} ${noun(count, word, many)}`;
}

/** Integration names are short in Notion; a longer one (or a hostile one) is cut here. */
const NAME_MAX = 100;

/**
 * `` `sync_` ``: a connection name as code, exactly as it is typed in commands (after `before`,
 * e.g. the command that takes it). A valid name (CONNECTION_NAME) holds nothing mrkdwn reads
 * inside a code span, and escaping would swap a trailing `_` for a look-alike that can't be
 * copied back into a command.
 */
export function connectionCode(name: string, before = ''): string {
  return `\`${before}${CONNECTION_NAME.test(name) ? name : escapeMrkdwn(truncate(name, NAME_MAX))}\``;
}

/**
 * How a message names who lost or sees something: the integration in bold when Notion told us
 * its name (`*Acme Sync*`), else the connection (``connection `sync` ``). Escaped.
 */
export function integrationLabel(connection: string, integrationName?: string): string {
  return integrationName
    ? `*${escapeMrkdwn(truncate(integrationName, NAME_MAX))}*`
    : `connection ${connectionCode(connection)}`;
}

/** The line naming a connection and its integration: "Connection `sync` · integration *Acme Sync*". */
export function connectionLine(connection: string, integrationName?: string): string {
  const integration = integrationName
    ? ` · integration *${escapeMrkdwn(truncate(integrationName, NAME_MAX))}*`
    : '';
  return `Connection ${connectionCode(connection)}${integration}`;
}
