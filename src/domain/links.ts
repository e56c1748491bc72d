/**
 * The Notion links in a Slack message, wherever Slack put them: its `text` (escaped as
 * `<https://…>` or `<https://…|label>`, with `&amp;`, `&lt;` and `&gt;` for `&`, `<`, `>`),
 * its `blocks` (rich_text `link` elements, section mrkdwn) and its `attachments` (unfurls,
 * other apps' posts). Pure: which page a link points at is the caller's `idOf` (the Notion
 * SDK's extractNotionId), so one page linked twice counts once.
 *
 * @example
 *   notionLinksIn(
 *     { text: 'See <https://www.notion.so/acme/Roadmap-1a2b…5d|the roadmap> and https://notion.so/help' },
 *     extractNotionId,
 *   ) // → ['https://www.notion.so/acme/Roadmap-1a2b…5d'] (the help page names no page id)
 */

/** notion.so, notion.site (public pages), notion.com, and their subdomains (www., acme.). */
const NOTION_HOST = /^(?:[a-z0-9-]+\.)*notion\.(?:so|site|com)$/i;

/** `<url>` or `<url|label>`: Slack's escaped link; the label is words, not where it goes. */
const SLACK_LINK = /<([^<>|\s]+)(?:\|[^<>]*)?>/g;

const URL_IN_TEXT = /https?:\/\/[^\s<>|"'`]+/gi;

/** Sentence punctuation after a link ("see https://…/Page-id.") is not part of it. */
const TRAILING_PUNCTUATION = /[.,;:!?)\]}*_~]+$/;

/** Slack's three escapes; `&amp;` last, so `&amp;lt;` stays the text `&lt;`. */
function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Messages nest blocks in sections in lists in quotes…: deep enough for Slack, bounded. */
const MAX_DEPTH = 12;

/** Every string in a JSON value, depth first, in order. */
function strings(value: unknown, depth = 0): string[] {
  if (typeof value === 'string') return [value];
  if (depth > MAX_DEPTH || typeof value !== 'object' || value === null) return [];
  const children = Array.isArray(value) ? value : Object.values(value);
  return children.flatMap((child) => strings(child, depth + 1));
}

/** The message's own words first, then its blocks, its attachments, anything else it carries. */
function messageStrings(message: unknown): string[] {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return strings(message);
  }
  const { text, blocks, attachments, ...rest } = message as Record<string, unknown>;
  return [text, blocks, attachments, rest].flatMap((part) => strings(part));
}

/** The http(s) links in one text, Slack escapes undone. */
export function linksInText(text: string): string[] {
  const unwrapped = text.replace(SLACK_LINK, ' $1 ');
  return [...unescapeSlack(unwrapped).matchAll(URL_IN_TEXT)].map((match) =>
    match[0].replace(TRAILING_PUNCTUATION, ''),
  );
}

export function isNotionLink(link: string): boolean {
  try {
    const url = new URL(link);
    return (
      (url.protocol === 'https:' || url.protocol === 'http:') && NOTION_HOST.test(url.hostname)
    );
  } catch {
    return false;
  }
}

/**
 * Each Notion page or database the message links to, once, in the order it first appears: as
 * the first link that names it. Links to Notion that name no page (help pages, my-integrations)
 * are not checkable and are left out. No cap: the caller applies MAX_TARGETS.
 */
export function notionLinksIn(
  message: unknown,
  idOf: (link: string) => string | null | undefined,
): string[] {
  const byId = new Map<string, string>();
  for (const link of messageStrings(message).flatMap(linksInText)) {
    if (!isNotionLink(link)) continue;
    const id = idOf(link);
    if (id && !byId.has(id)) byId.set(id, link);
  }
  return [...byId.values()];
}
