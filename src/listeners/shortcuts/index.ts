import type { App, MessageShortcut } from '@slack/bolt';
import { CHECK_LINKS_SHORTCUT } from '../../slack/blocks/shortcut';
import { perWorkspace } from '../shared/workspace';
import { checkLinksShortcut } from './checkLinks';

/** Every shortcut, one line each. */
export function registerShortcuts(app: App): void {
  app.shortcut<MessageShortcut>(
    { callback_id: CHECK_LINKS_SHORTCUT.callbackId, type: 'message_action' },
    perWorkspace(checkLinksShortcut),
  );
}
