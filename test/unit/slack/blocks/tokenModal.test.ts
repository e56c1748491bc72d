/** The private form that sets a connection's token, and the one shown when saving is off. */
import type { KnownBlock, ModalView } from '@slack/types';
import { TOKEN_MODAL } from '../../../../src/slack/blocks/actions';
import {
  buildTokenDisabledModal,
  buildTokenModal,
  type TokenModalTarget,
} from '../../../../src/slack/blocks/tokenModal';
import { assertBlockKitLimits } from '../../../support/blockKitLimits';
import { visibleText } from '../../../support/blocks';
import { CHANNEL, WALKTHROUGH_ID } from '../../../support/fixtures';

function modal(target: TokenModalTarget): ModalView {
  const view = buildTokenModal(target);
  assertBlockKitLimits(view);
  return view;
}

describe('token modal', () => {
  it('has a short title, a token input with a hint, and the never-paste warning', () => {
    const view = modal({
      connection: 'default',
      walkthroughId: WALKTHROUGH_ID,
      channelId: CHANNEL,
    });
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(view.submit?.text).toBeDefined();
    expect(view.callback_id).toBe(TOKEN_MODAL.callbackId);
    // A view's blocks are typed loosely (AnyBlock); ours are all built as known blocks.
    const input = (view.blocks as KnownBlock[]).find((block) => block.type === 'input');
    if (input?.type !== 'input') throw new Error('the modal has no input block');
    expect(input.block_id).toBe(TOKEN_MODAL.blockId);
    expect(input.element).toMatchObject({
      type: 'plain_text_input',
      action_id: TOKEN_MODAL.actionId,
    });
    expect(input.hint?.text).toMatch(/ntn_/);
    expect(input.hint?.text).toMatch(/last 4 characters/);
    expect(visibleText(view.blocks)).toMatch(/Never paste a token in a channel or DM/);
    expect(visibleText(view.blocks)).toContain('`default`');
  });

  it.each<TokenModalTarget>([
    { connection: 'default', walkthroughId: WALKTHROUGH_ID, channelId: CHANNEL },
    { connection: 'crm-sync' },
    { connection: 'ci', channelId: CHANNEL },
  ])('private_metadata round-trips %j', (target) => {
    const view = modal(target);
    expect(view.private_metadata?.length ?? 0).toBeLessThanOrEqual(3000);
    expect(JSON.parse(view.private_metadata ?? 'null')).toEqual(target);
  });

  it('when saving is disabled explains ENCRYPTION_KEY and cannot be submitted', () => {
    const view = buildTokenDisabledModal();
    assertBlockKitLimits(view);
    expect(view.submit).toBeUndefined();
    expect(view.blocks.some((block) => block.type === 'input')).toBe(false);
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(visibleText(view.blocks)).toMatch(/ENCRYPTION_KEY/);
    expect(visibleText(view.blocks)).toMatch(/NOTION_TOKEN/);
  });
});
