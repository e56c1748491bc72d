import type { App, ViewSubmitAction } from '@slack/bolt';
import { TOKEN_MODAL } from '../../slack/blocks/actions';
import { perWorkspace } from '../shared/workspace';
import { tokenModalSubmission } from './tokenModal';

/** Every modal submission, one line each. */
export function registerViews(app: App): void {
  app.view<ViewSubmitAction>(TOKEN_MODAL.callbackId, perWorkspace(tokenModalSubmission));
}
