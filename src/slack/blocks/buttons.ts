import type { ActionsBlock, Button } from '@slack/types';
import type { ActionId } from './actions';

/** A button; its value is an opaque id made with slack/actions.ts. */
export function button(
  text: string,
  actionId: ActionId,
  value: string,
  style?: 'primary' | 'danger',
): Button {
  return {
    type: 'button',
    text: { type: 'plain_text', text, emoji: true },
    action_id: actionId,
    value,
    ...(style ? { style } : {}),
  };
}

export function actions(blockId: string, elements: Button[]): ActionsBlock {
  return { type: 'actions', block_id: blockId, elements };
}
