/**
 * Slack's documented Block Kit limits, checked on a message (`{ text, blocks }`, or a
 * chat.postMessage/chat.update body) or a view (`{ type: 'modal' | 'home', … }`, or a views.*
 * body with `view`). Violations are named with a JSON-ish path so a failing test says where.
 */

type Json = Record<string, unknown>;

const MAX_BLOCKS = { message: 50, view: 100 };
const MAX_SECTION_TEXT = 3000;
const MAX_SECTION_FIELDS = 10;
const MAX_FIELD_TEXT = 2000;
const MAX_HEADER_TEXT = 150;
const MAX_BUTTON_TEXT = 75;
const MAX_BUTTON_VALUE = 2000;
const MAX_BUTTON_URL = 3000;
const MAX_ID = 255;
const MAX_MODAL_TEXT = 24;
const MAX_CONTEXT_ELEMENTS = 10;
const MAX_ACTIONS_ELEMENTS = 25;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isObject(value) && typeof value.text === 'string') return value.text;
  return undefined;
}

export interface BlockKitOptions {
  /** A message with blocks must carry a non-empty `text` fallback (Slack only warns). Default true. */
  requireFallbackText?: boolean;
}

/** Returns every violation found (empty when the payload is within limits). */
export function blockKitViolations(payload: unknown, options: BlockKitOptions = {}): string[] {
  const violations: string[] = [];
  if (!isObject(payload)) return ['payload is not an object'];
  const view = isObject(payload.view) ? payload.view : payload;
  const isView = view.type === 'modal' || view.type === 'home';
  const ids = { action: new Set<string>(), block: new Set<string>() };

  const tooLong = (where: string, what: string, value: string | undefined, max: number) => {
    if (value !== undefined && value.length > max) {
      violations.push(`${where}: ${what} is ${value.length} characters (max ${max})`);
    }
  };
  const uniqueId = (where: string, kind: 'action' | 'block', value: unknown) => {
    if (typeof value !== 'string') return;
    tooLong(where, `${kind}_id`, value, MAX_ID);
    if (ids[kind].has(value)) violations.push(`${where}: duplicate ${kind}_id "${value}"`);
    ids[kind].add(value);
  };
  const checkElement = (where: string, element: unknown) => {
    if (!isObject(element)) return;
    uniqueId(where, 'action', element.action_id);
    if (element.type === 'button') {
      tooLong(where, 'button text', textOf(element.text), MAX_BUTTON_TEXT);
      tooLong(where, 'button value', element.value as string | undefined, MAX_BUTTON_VALUE);
      tooLong(where, 'button url', element.url as string | undefined, MAX_BUTTON_URL);
    }
  };

  if (view.type === 'modal') {
    for (const key of ['title', 'submit', 'close']) {
      tooLong('view', `${key} text`, textOf(view[key]), MAX_MODAL_TEXT);
    }
  }

  const blocks = isView ? view.blocks : payload.blocks;
  if (blocks !== undefined && !Array.isArray(blocks)) violations.push('blocks is not an array');
  const list = Array.isArray(blocks) ? blocks : [];
  const maxBlocks = isView ? MAX_BLOCKS.view : MAX_BLOCKS.message;
  if (list.length > maxBlocks) {
    violations.push(`${list.length} blocks in a ${isView ? 'view' : 'message'} (max ${maxBlocks})`);
  }

  list.forEach((block, index) => {
    if (!isObject(block)) {
      violations.push(`blocks[${index}] is not an object`);
      return;
    }
    const where = `blocks[${index}] (${String(block.type)})`;
    uniqueId(where, 'block', block.block_id);
    const elements = Array.isArray(block.elements) ? block.elements : [];
    switch (block.type) {
      case 'section': {
        tooLong(where, 'text', textOf(block.text), MAX_SECTION_TEXT);
        const fields = Array.isArray(block.fields) ? block.fields : [];
        if (fields.length > MAX_SECTION_FIELDS) {
          violations.push(`${where}: ${fields.length} fields (max ${MAX_SECTION_FIELDS})`);
        }
        fields.forEach((field, i) => {
          tooLong(`${where}.fields[${i}]`, 'text', textOf(field), MAX_FIELD_TEXT);
        });
        checkElement(`${where}.accessory`, block.accessory);
        break;
      }
      case 'header':
        tooLong(where, 'text', textOf(block.text), MAX_HEADER_TEXT);
        break;
      case 'context':
        if (elements.length > MAX_CONTEXT_ELEMENTS) {
          violations.push(`${where}: ${elements.length} elements (max ${MAX_CONTEXT_ELEMENTS})`);
        }
        break;
      case 'actions':
        if (elements.length > MAX_ACTIONS_ELEMENTS) {
          violations.push(`${where}: ${elements.length} elements (max ${MAX_ACTIONS_ELEMENTS})`);
        }
        elements.forEach((element, i) => {
          checkElement(`${where}.elements[${i}]`, element);
        });
        break;
      case 'input':
        checkElement(`${where}.element`, block.element);
        break;
    }
  });

  const requireText = options.requireFallbackText ?? true;
  if (!isView && requireText && list.length > 0) {
    const text = payload.text;
    if (typeof text !== 'string' || text.trim() === '') {
      violations.push('a message with blocks has no non-empty `text` fallback');
    }
  }
  return violations;
}

/** Throws an Error naming every violation of Slack's Block Kit limits in `payload`. */
export function assertBlockKitLimits(payload: unknown, options?: BlockKitOptions): void {
  const violations = blockKitViolations(payload, options);
  if (violations.length > 0) {
    throw new Error(`Block Kit limits violated:\n- ${violations.join('\n- ')}`);
  }
}
