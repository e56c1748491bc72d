import { escapeMrkdwn, mrkdwnLink } from '../slack/blocks/text';

/**
 * The fix procedure from Notion's troubleshooting guide, as data. Text is Slack mrkdwn and is
 * filled in with what the check learned, so people read "open *Roadmap*", not "open the page".
 */

export type StepId =
  | 'check_integration'
  | 'verify_sharing'
  | 'regenerate_token'
  | 're_add_integration'
  | 'test_connection'
  | 'clear_cache'
  | 'check_workspace_permissions'
  | 'restore_from_trash';

export interface StepContext {
  integrationName?: string;
  workspaceName?: string;
  resourceTitle?: string;
  resourceUrl?: string;
  tokenFingerprint?: string;
  requestIds?: string[];
}

export interface Step {
  id: StepId;
  title: string;
  instructions: (context: StepContext) => string;
  why: string;
  links: { label: string; url: string }[];
}

const MY_INTEGRATIONS = 'https://www.notion.so/my-integrations';
const HELP_CONNECTIONS = 'https://www.notion.com/help/add-and-manage-connections-with-the-api';
const HELP_TRASH = 'https://www.notion.com/help/duplicate-delete-and-restore-content';
const HELP_SECURITY = 'https://www.notion.com/help/security-and-privacy';

// Names come from Notion: escaped so a title can't @channel anyone or break a link.
function integration(context: StepContext): string {
  return context.integrationName
    ? `*${escapeMrkdwn(context.integrationName)}*`
    : 'your integration';
}

function resource(context: StepContext): string {
  const title = context.resourceTitle && escapeMrkdwn(context.resourceTitle);
  return title ? mrkdwnLink(context.resourceUrl, title) : 'the page or database';
}

function workspace(context: StepContext): string {
  return context.workspaceName
    ? `the *${escapeMrkdwn(context.workspaceName)}* workspace`
    : 'your workspace';
}

export const STEPS: Record<StepId, Step> = {
  check_integration: {
    id: 'check_integration',
    title: 'Check integration status',
    instructions: (c) =>
      `Open <${MY_INTEGRATIONS}|notion.so/my-integrations> and find ${integration(c)}. If it is gone, it was deleted: create a new one and use its token. If it is there, open *Capabilities* and make sure *Read content* (and whatever else your automation needs, e.g. *Read user information*) is ticked.`,
    why: 'A deleted integration or a missing capability makes every call fail, whatever is shared.',
    links: [{ label: 'My integrations', url: MY_INTEGRATIONS }],
  },
  verify_sharing: {
    id: 'verify_sharing',
    title: 'Verify page sharing settings',
    instructions: (c) =>
      `Open ${resource(c)} in Notion → *•••* menu (top right) → *Connections*. Is ${integration(c)} listed? If the page was moved, it may have left the parent that was shared. If it lives in another workspace than ${workspace(c)}, the integration cannot see it at all: an integration only sees its own workspace.`,
    why: 'Notion answers "not found" both for pages that are not shared with the integration and for pages that do not exist.',
    links: [{ label: 'Manage connections', url: HELP_CONNECTIONS }],
  },
  regenerate_token: {
    id: 'regenerate_token',
    title: 'Regenerate the API token',
    instructions: (c) =>
      `At <${MY_INTEGRATIONS}|notion.so/my-integrations> → ${integration(c)} → *Configuration* → *Internal Integration Secret* → *Refresh* (or copy it if it is still valid${c.tokenFingerprint ? `; ours ends in ${c.tokenFingerprint}` : ''}). Never paste it in a channel or a DM: anyone with it can read every page shared with the integration. Give it to notion-check with \`/notion-check token\`.`,
    why: 'A revoked or regenerated token is refused with 401 everywhere until every user of it has the new one.',
    links: [
      { label: 'My integrations', url: MY_INTEGRATIONS },
      { label: 'Security', url: HELP_SECURITY },
    ],
  },
  re_add_integration: {
    id: 're_add_integration',
    title: 'Re-add the integration to the page',
    instructions: (c) =>
      `Open ${resource(c)} → *•••* menu → *Connections* → *Add connections* → pick ${integration(c)} → *Confirm*. Sharing a parent page shares everything inside it.`,
    why: 'Only pages and databases explicitly connected (directly or through a parent) are visible to the integration.',
    links: [{ label: 'Add connections', url: HELP_CONNECTIONS }],
  },
  test_connection: {
    id: 'test_connection',
    title: 'Test the API connection',
    instructions: () =>
      'Run `/notion-check` again (or press *Test connection*) to confirm Notion answers for this token and page.',
    why: 'Proves the fix before anyone relies on it.',
    links: [],
  },
  clear_cache: {
    id: 'clear_cache',
    title: 'Clear application cache',
    instructions: () =>
      'Every tool that uses this token (Zapier, Make, your own scripts, CI secrets) still holds the old one: paste the new token there and reconnect or restart them.',
    why: 'Third-party apps keep the old token until told otherwise and keep failing with 401.',
    links: [],
  },
  check_workspace_permissions: {
    id: 'check_workspace_permissions',
    title: 'Check workspace permissions',
    instructions: (c) =>
      `Ask an owner of ${workspace(c)} to check *Settings* → *Connections*: admins can restrict which connections are allowed and who may add them.`,
    why: 'A workspace policy can block an integration even when the page is shared.',
    links: [{ label: 'Manage connections', url: HELP_CONNECTIONS }],
  },
  restore_from_trash: {
    id: 'restore_from_trash',
    title: 'Restore it from the trash',
    instructions: (c) =>
      `${resource(c)} is in Notion's trash. In the Notion sidebar open *Trash*, find it and choose *Restore* (or open it and press *Restore page*).`,
    why: 'Pages in the trash are read-only for the API and disappear for good after 30 days.',
    links: [{ label: 'Restore content', url: HELP_TRASH }],
  },
};

/** Escalation advice, part of every fix: who to call when the steps did not help. */
export function escalationAdvice(context: StepContext): string {
  const ids = context.requestIds?.length
    ? ` Give them these request IDs: ${context.requestIds.map((id) => `\`${id}\``).join(', ')}.`
    : '';
  return `Still failing after every step, or worried the token leaked? Contact Notion support (notion.so/help → Contact support).${ids} If only a third-party app still fails after the token was renewed, contact that app's provider.`;
}
