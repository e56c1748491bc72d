import type { KnownBlock, SectionBlock } from '@slack/types';
import { redactText } from '../../security/redact';
import { containsSecret } from '../../security/tokens';

export const LIMITS = {
  messageBlocks: 50,
  sectionText: 3000,
  headerText: 150,
  buttonText: 75,
  contextElements: 10,
  /** A message's top-level `text` (the notification fallback): Slack truncates past this. */
  messageText: 40_000,
} as const;

/**
 * Characters that reorder or hide text: bidi marks, embeddings, overrides and isolates,
 * zero-width spaces and joiners, the word joiner, the BOM.
 */
const INVISIBLE = /[\u061C\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/g;
/** Every way to start a new line: CR, LF, VT, FF, NEL, the line and paragraph separators. */
const LINE_BREAKS = /[\n\v\f\r\u0085\u2028\u2029]+/g;
/** A quote marker where the text starts (the only line start left once breaks are gone). */
const LEADING_QUOTE = /^(\s*)[>＞]/;
/**
 * One pass over everything that could format: the three entities, every backtick and
 * full-width marker, `*` `_` `~` unless both neighbours are ASCII letters or digits (Slack
 * never formats inside a word: `file_name`), and the colon that opens a `:name:` emoji code.
 * An emoji name is counted with the backticks in it: their look-alike `ˋ` is a letter.
 */
const MARKUP =
  /[&<>`＊＿｀]|(?<![A-Za-z0-9])[*_~]|[*_~](?![A-Za-z0-9])|:(?=[\p{L}\p{N}\p{M}_＿+＋'’.`｀-]+:)/gu;
const REPLACEMENT: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '*': '\u2217', // ∗ asterisk operator
  '＊': '\u2217',
  _: '\u02CD', // ˍ modifier letter low macron
  '＿': '\u02CD',
  '~': '\u223C', // ∼ tilde operator
  '`': '\u02CB', // ˋ modifier letter grave accent
  '｀': '\u02CB',
  ':': '\u2236', // ∶ ratio
};

/**
 * Text from Notion or users, made inert for mrkdwn: the one place it is escaped, at render time.
 * It never lets a token through (redacted), and it cannot forge words of ours:
 * - newlines and other line or paragraph breaks collapse to one space: one line in, one line out;
 * - bidi marks, embeddings, overrides and isolates and zero-width characters are removed (they
 *   reorder what a reader sees, or hide a boundary: a zero-width space next to `*` lets Slack
 *   format inside a word); emoji joined with U+200D fall apart into their parts;
 * - `&`, `<`, `>` become entities (no link, mention or `<!channel>`);
 * - Slack mrkdwn has no backslash escape, so whatever could format becomes a look-alike that
 *   does not: `*` → `∗` (U+2217), `_` → `ˍ` (U+02CD), `~` → `∼` (U+223C), every backtick →
 *   `ˋ` (U+02CB), the colon opening an emoji code → `∶` (U+2236, so `:x:` reads `∶x:`), and a
 *   leading quote marker → `›` (U+203A: Slack quotes a line that starts with `&gt;` too).
 *   `*` `_` `~` between two ASCII letters or digits stay (Slack does not format inside a word,
 *   and `file_name` should read as typed). Full-width `＊` `＿` `｀` are markers for Slack too,
 *   and so are not used as replacements (`＿` would also continue an emoji name); they are
 *   replaced like their ASCII twins. A colon followed by a space (`Q3: plan`) and an
 *   apostrophe are left alone.
 */
export function escapeMrkdwn(text: string): string {
  return redactText(text.replace(INVISIBLE, ''))
    .replace(LINE_BREAKS, ' ')
    .replace(LEADING_QUOTE, '$1\u203A')
    .replace(MARKUP, (found) => REPLACEMENT[found] ?? found);
}

/** Notion's own hosts: notion.so, www.notion.so, notion.site and its subdomains, https only. */
export function isNotionUrl(url: string | null | undefined): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const host = parsed.hostname;
  return (
    parsed.protocol === 'https:' &&
    !parsed.username &&
    !parsed.password &&
    !parsed.port &&
    (host === 'notion.so' ||
      host === 'www.notion.so' ||
      host === 'notion.site' ||
      host.endsWith('.notion.site'))
  );
}

/** A link, only for a plain https URL with nothing secret in it; otherwise bold text. */
export function mrkdwnLink(url: string | null | undefined, label: string): string {
  const safe = url && /^https:\/\/[^\s|<>]+$/.test(url) && !containsSecret(url);
  return safe ? `<${url}|${label}>` : `*${label}*`;
}

/**
 * A message whose top-level `text` fits Slack's 40,000 characters: every message goes through
 * here (SlackMessenger, and the builders whose result a listener sends itself). A cut never
 * leaves half a `<link|label>`, half an `&amp;` or half a surrogate pair behind.
 */
export function capText<T extends { text: string }>(message: T): T {
  const max = LIMITS.messageText;
  if (message.text.length <= max) return message;
  let cut = message.text.slice(0, max - 1);
  const open = cut.lastIndexOf('<');
  if (open > cut.lastIndexOf('>')) cut = cut.slice(0, open);
  cut = cut.replace(/&[#a-z0-9]*$/i, '').replace(/[\uD800-\uDBFF]$/, '');
  return { ...message, text: `${cut}…` };
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) } };
}

/** Packs lines into as few sections as the 3000-character limit allows. */
export function sections(lines: string[]): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  let current = '';
  for (const line of lines) {
    const next = current ? `${current}\n${line}` : line;
    if (next.length > LIMITS.sectionText && current) {
      blocks.push(section(current));
      current = line;
    } else {
      current = next;
    }
  }
  if (current) blocks.push(section(current));
  return blocks;
}

export function context(...texts: string[]): KnownBlock {
  return {
    type: 'context',
    elements: texts
      .slice(0, LIMITS.contextElements)
      .map((text) => ({ type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) })),
  };
}

export function header(text: string): KnownBlock {
  return {
    type: 'header',
    text: { type: 'plain_text', text: truncate(text, LIMITS.headerText), emoji: true },
  };
}

/** Like sections(), but never more than `max` blocks: the last one says how many lines were cut. */
export function sectionsWithin(lines: string[], max: number): KnownBlock[] {
  let kept = lines.length;
  for (;;) {
    const cut = lines.length - kept;
    const blocks = sections(cut > 0 ? [...lines.slice(0, kept), `…and ${cut} more`] : lines);
    if (blocks.length <= max || kept === 0) return blocks;
    kept -= Math.max(1, Math.ceil(kept / 10));
  }
}
