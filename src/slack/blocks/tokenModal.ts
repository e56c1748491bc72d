import type { ModalView } from '@slack/types';
import { TOKEN_MODAL } from './actions';
import { context, escapeMrkdwn, section } from './mrkdwn';

/** Where the submission reports back: the connection, and the walkthrough or channel if any. */
export interface TokenModalTarget {
  connection: string;
  walkthroughId?: string;
  channelId?: string;
  /** Opened from the Home tab's `Add connection`: the Home is published again after a save. */
  fromHome?: true;
}

export function buildTokenModal(target: TokenModalTarget): ModalView {
  return {
    type: 'modal',
    callback_id: TOKEN_MODAL.callbackId,
    private_metadata: JSON.stringify(target),
    title: { type: 'plain_text', text: 'Notion token' },
    submit: { type: 'plain_text', text: 'Verify and save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(
        `Set the token of the \`${escapeMrkdwn(target.connection)}\` connection. Find it at <https://www.notion.so/my-integrations|notion.so/my-integrations> → your integration → *Configuration* → *Internal Integration Secret* → *Show* / *Copy*.`,
      ),
      {
        type: 'input',
        block_id: TOKEN_MODAL.blockId,
        label: { type: 'plain_text', text: 'Internal Integration Secret' },
        hint: {
          type: 'plain_text',
          text: 'Starts with ntn_ (or secret_). Checked with Notion, then stored encrypted; only its last 4 characters are ever shown.',
        },
        element: {
          type: 'plain_text_input',
          action_id: TOKEN_MODAL.actionId,
          placeholder: { type: 'plain_text', text: 'ntn_…' },
          min_length: 20,
          max_length: 200,
        },
      },
      context(
        ':lock: Never paste a token in a channel or DM: anyone who sees it can read every page shared with the integration. This form is private.',
      ),
    ],
  };
}

export function buildTokenDisabledModal(): ModalView {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: 'Notion token' },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [
      section(
        ':no_entry: Saving tokens from Slack is disabled because this notion-check has no `ENCRYPTION_KEY` (tokens are only ever stored encrypted).',
      ),
      section(
        'To enable it, the person who runs the bot generates a key with `openssl rand -base64 32`, puts it in `.env` as `ENCRYPTION_KEY=…` and restarts the bot. Until then, set the token as `NOTION_TOKEN` in `.env`.',
      ),
    ],
  };
}
