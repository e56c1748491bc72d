import type { KnownBlock, SectionBlock } from '@slack/types';
import { redactText } from '../../security/redact';
import { containsSecret } from '../../security/tokens';

export const LIMITS = {
  messageBlocks: 50,
  sectionText: 3000,
  headerText: 150,
  buttonText: 75,
  contextElements: 10,
} as const;

/** Escapes text from Notion or users for mrkdwn, and never lets a token through. */
export function escapeMrkdwn(text: string): string {
  return redactText(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A link, only for a plain https URL with nothing secret in it; otherwise bold text. */
export function mrkdwnLink(url: string | null | undefined, label: string): string {
  const safe = url && /^https:\/\/[^\s|<>]+$/.test(url) && !containsSecret(url);
  return safe ? `<${url}|${label}>` : `*${label}*`;
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
