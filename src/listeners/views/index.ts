import type { App, ViewSubmitAction } from '@slack/bolt';
import type { Services } from '../../services';
import { TOKEN_MODAL } from '../../slack/blocks/actions';
import { tokenModalSubmission } from './tokenModal';

/** Every modal submission, one line each. */
export function registerViews(app: App, services: Services): void {
  app.view<ViewSubmitAction>(TOKEN_MODAL.callbackId, tokenModalSubmission(services));
}
