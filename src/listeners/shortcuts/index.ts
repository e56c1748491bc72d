import type { App, MessageShortcut } from '@slack/bolt';
import type { Services } from '../../services';
import { CHECK_LINKS_SHORTCUT } from '../../slack/blocks/shortcut';
import { checkLinksShortcut } from './checkLinks';

/** Every shortcut, one line each. */
export function registerShortcuts(app: App, services: Services): void {
  app.shortcut<MessageShortcut>(
    { callback_id: CHECK_LINKS_SHORTCUT.callbackId, type: 'message_action' },
    checkLinksShortcut(services),
  );
}
