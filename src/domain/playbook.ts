/**
 * The fix procedure from Notion's troubleshooting guide, as data: each step's title, why it
 * matters, links, and instructions as a template with named slots. The Slack edge fills the
 * slots (escaped, once) with what the check learned, so people read "open *Roadmap*", not
 * "open the page":
 *   {integration}  the integration's name           {workspace}  the Notion workspace
 *   {resource}     the page or database, linked     {fingerprint}  the token's last 4 characters
 */
import type { ResourceRef } from './check';
import type { DiagnosisKind } from './diagnosis';

export type StepId =
  | 'check_integration'
  | 'verify_sharing'
  | 'regenerate_token'
  | 're_add_integration'
  | 'test_connection'
  | 'clear_cache'
  | 'check_workspace_permissions'
  | 'restore_from_trash';

export type Slot = 'integration' | 'resource' | 'workspace' | 'fingerprint';

/** What the slots are filled with; anything unknown is said generically. */
export interface StepContext {
  /** The connection checked (walkthroughs stored before connections existed have none). */
  connection?: string;
  integrationName?: string;
  workspaceName?: string;
  tokenFingerprint?: string;
  /** The one page or database concerned, when there is exactly one. */
  resource?: ResourceRef;
  requestIds?: string[];
}

export interface Step {
  id: StepId;
  title: string;
  /** Slack mrkdwn with `{slot}` placeholders (see the list at the top of this file). */
  template: string;
  why: string;
  links: { label: string; url: string }[];
}

const MY_INTEGRATIONS = 'https://www.notion.so/my-integrations';
const HELP_CONNECTIONS = 'https://www.notion.com/help/add-and-manage-connections-with-the-api';
const HELP_TRASH = 'https://www.notion.com/help/duplicate-delete-and-restore-content';
const HELP_SECURITY = 'https://www.notion.com/help/security-and-privacy';

export const STEPS: Record<StepId, Step> = {
  check_integration: {
    id: 'check_integration',
    title: 'Check integration status',
    template: `Open <${MY_INTEGRATIONS}|notion.so/my-integrations> and find {integration}. If it is gone, it was deleted: create a new one and use its token. If it is there, open *Capabilities* and make sure *Read content* (and whatever else your automation needs, e.g. *Read user information*) is ticked.`,
    why: 'A deleted integration or a missing capability makes every call fail, whatever is shared.',
    links: [{ label: 'My integrations', url: MY_INTEGRATIONS }],
  },
  verify_sharing: {
    id: 'verify_sharing',
    title: 'Verify page sharing settings',
    template:
      'Open {resource} in Notion → *•••* menu (top right) → *Connections*. Is {integration} listed? If the page was moved, it may have left the parent that was shared. If it lives in another workspace than {workspace}, the integration cannot see it at all: an integration only sees its own workspace.',
    why: 'Notion answers "not found" both for pages that are not shared with the integration and for pages that do not exist.',
    links: [{ label: 'Manage connections', url: HELP_CONNECTIONS }],
  },
  regenerate_token: {
    id: 'regenerate_token',
    title: 'Regenerate the API token',
    template: `At <${MY_INTEGRATIONS}|notion.so/my-integrations> → {integration} → *Configuration* → *Internal Integration Secret* → *Refresh* (or copy it if it is still valid{fingerprint}). Never paste it in a channel or a DM: anyone with it can read every page shared with the integration. Give it to notion-check with \`/notion-check token\`.`,
    why: 'A revoked or regenerated token is refused with 401 everywhere until every user of it has the new one.',
    links: [
      { label: 'My integrations', url: MY_INTEGRATIONS },
      { label: 'Security', url: HELP_SECURITY },
    ],
  },
  re_add_integration: {
    id: 're_add_integration',
    title: 'Re-add the integration to the page',
    template:
      'Open {resource} → *•••* menu → *Connections* → *Add connections* → pick {integration} → *Confirm*. Sharing a parent page shares everything inside it.',
    why: 'Only pages and databases explicitly connected (directly or through a parent) are visible to the integration.',
    links: [{ label: 'Add connections', url: HELP_CONNECTIONS }],
  },
  test_connection: {
    id: 'test_connection',
    title: 'Test the API connection',
    template:
      'Run `/notion-check` again (or press *Test connection*) to confirm Notion answers for this token and page.',
    why: 'Proves the fix before anyone relies on it.',
    links: [],
  },
  clear_cache: {
    id: 'clear_cache',
    title: 'Clear application cache',
    template:
      'Every tool that uses this token (Zapier, Make, your own scripts, CI secrets) still holds the old one: paste the new token there and reconnect or restart them.',
    why: 'Third-party apps keep the old token until told otherwise and keep failing with 401.',
    links: [],
  },
  check_workspace_permissions: {
    id: 'check_workspace_permissions',
    title: 'Check workspace permissions',
    template:
      'Ask an owner of {workspace} to check *Settings* → *Connections*: admins can restrict which connections are allowed and who may add them.',
    why: 'A workspace policy can block an integration even when the page is shared.',
    links: [{ label: 'Manage connections', url: HELP_CONNECTIONS }],
  },
  restore_from_trash: {
    id: 'restore_from_trash',
    title: 'Restore it from the trash',
    template:
      "{resource} is in Notion's trash. In the Notion sidebar open *Trash*, find it and choose *Restore* (or open it and press *Restore page*).",
    why: 'Pages in the trash are read-only for the API and disappear for good after 30 days.',
    links: [{ label: 'Restore content', url: HELP_TRASH }],
  },
};

export const STEP_IDS = Object.keys(STEPS) as [StepId, ...StepId[]];

/** PRODUCT.md's table: which steps, in which order, for which diagnosis (none: no walkthrough). */
export const STEPS_FOR: Record<DiagnosisKind, StepId[]> = {
  ok: [],
  token_missing: ['check_integration', 'regenerate_token', 'test_connection'],
  token_leaked: ['regenerate_token', 'clear_cache', 'test_connection'],
  token_invalid: [
    'check_integration',
    'regenerate_token',
    'test_connection',
    'clear_cache',
    'check_workspace_permissions',
  ],
  not_shared: [
    'verify_sharing',
    're_add_integration',
    'test_connection',
    'check_workspace_permissions',
  ],
  restricted: ['check_integration', 'check_workspace_permissions', 'test_connection'],
  in_trash: ['restore_from_trash', 'test_connection'],
  rate_limited: [],
  notion_unavailable: [],
  timeout: [],
  busy: [],
  network: [],
  edge_blocked: [],
  bad_response: [],
  invalid_input: [],
  unexpected: [],
};
