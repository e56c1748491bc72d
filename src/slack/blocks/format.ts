/** Small formatting helpers shared by every message builder. */
import { escapeMrkdwn } from './mrkdwn';

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

/** `` `id1`, `id2` `` — at most `max` of them (Notion support asks for these), escaped. */
export function codeList(values: string[], max = values.length): string {
  return values
    .slice(0, max)
    .map((value) => `\`${escapeMrkdwn(value)}\``)
    .join(', ');
}

export const mention = (userId: string | undefined): string => `<@${userId}>`;
