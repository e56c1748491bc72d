/**
 * Reading Slack messages the way a person does: every text in them, and their buttons. Shared
 * by unit tests (blocks from the builders) and e2e tests (bodies the fake Slack received).
 */

export interface FoundButton {
  action_id: string;
  value: string;
  text: { text: string };
  style?: string;
}

interface BlockLike {
  type: string;
  elements?: unknown[];
}

/** Every button in the blocks, in order. */
export function buttons(blocks: unknown): FoundButton[] {
  const list = (Array.isArray(blocks) ? blocks : []) as BlockLike[];
  return list
    .filter((block) => block.type === 'actions')
    .flatMap((block) => (block.elements ?? []) as (FoundButton & { type?: string })[])
    .filter((element) => element.type === 'button');
}

/** The button whose label contains `label`; throws (naming what was there) when none does. */
export function findButton(blocks: unknown, label: string): FoundButton {
  const found = buttons(blocks).find((button) => button.text.text.includes(label));
  if (!found) throw new Error(`no "${label}" button in ${JSON.stringify(blocks)}`);
  return found;
}

/** Everything in a message body, as one string to search: its blocks (JSON) and its fallback. */
export function messageText(body: { blocks?: unknown; text?: unknown }): string {
  return JSON.stringify(body.blocks ?? []) + String(body.text ?? '');
}

/** The text a reader sees in the blocks (sections, contexts, headers, button labels), by line. */
export function visibleTexts(blocks: unknown): string[] {
  const texts: string[] = [];
  const list = (Array.isArray(blocks) ? blocks : []) as {
    type: string;
    text?: { text: string };
    elements?: { type: string; text?: string | { text: string } }[];
  }[];
  for (const block of list) {
    if (block.text?.text) texts.push(block.text.text);
    for (const element of block.elements ?? []) {
      if (typeof element.text === 'string') texts.push(element.text);
      else if (element.text?.text) texts.push(element.text.text);
    }
  }
  return texts;
}

export const visibleText = (blocks: unknown): string => visibleTexts(blocks).join('\n');

/** The section texts (not headers, not contexts), by line. */
export const sectionText = (blocks: unknown): string =>
  visibleTexts((Array.isArray(blocks) ? blocks : []).filter((b) => b?.type === 'section')).join(
    '\n',
  );

/** The closing context line of a message (who checked, request ids, hints). */
export function lastContext(blocks: unknown): string {
  const list = Array.isArray(blocks) ? blocks : [];
  const last = list[list.length - 1];
  if (last?.type !== 'context') throw new Error('expected the message to end with a context');
  return visibleTexts([last]).join(' ');
}
