/**
 * What the command line says, in plain text for a terminal or a CI log. The bot's words live at
 * the Slack edge as mrkdwn (slack/blocks), and the playbook's instructions speak of Slack
 * (`/notion-check token`, the Test button); here they say the same things for someone with a
 * shell and a CI secret. Which steps, in which order, and their titles come from the playbook.
 */
import type { ResourceRef } from '../domain/check';
import { DIAGNOSIS_TITLES, type Diagnosis, type DiagnosisKind } from '../domain/diagnosis';
import { type Slot, STEPS, STEPS_FOR, type StepContext, type StepId } from '../domain/playbook';

/** The bot's sentence per diagnosis, except where the terminal's situation differs. */
export const PROBLEM_WORDS: Record<DiagnosisKind, string> = {
  ...DIAGNOSIS_TITLES,
  token_missing: 'No Notion token: NOTION_TOKEN is not set',
  token_leaked: 'The token was posted in public: anyone who saw it can read your Notion data',
  busy: 'Ran out of time waiting for a turn to ask Notion (3 requests a second per token) — not an access problem, try again or check fewer at once',
};

/** Control characters (ANSI escapes in a page title…) never reach the terminal. */
export function clean(text: string): string {
  return text.replace(/\p{Cc}+/gu, ' ');
}

/** `2025-06-02 14:05:00 UTC` */
function utc(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The diagnosis in words, with the cause for network failures and when a rate limit ends. */
export function problemText(diagnosis: Diagnosis): string {
  const title = PROBLEM_WORDS[diagnosis.kind];
  const { message, retryAt, reason } = diagnosis.detail;
  if (diagnosis.kind === 'network' && message) return `${title} (${clean(message)})`;
  if (diagnosis.kind === 'rate_limited') {
    const when = retryAt ? `, retry after ${utc(retryAt)}` : '';
    const why = reason ? ` (Notion says: ${clean(reason)})` : '';
    return `${title}${when}${why}`;
  }
  return title;
}

/** `404 object_not_found · request id 1f2e…`: what Notion support asks for. */
export function answerDetail(diagnosis: Diagnosis): string {
  const { status, code, requestId } = diagnosis.detail;
  const answer = [status, code].filter((part) => part !== undefined).join(' ');
  return [answer, requestId ? `request id ${requestId}` : '']
    .filter(Boolean)
    .map(clean)
    .join(' · ');
}

const MY_INTEGRATIONS = 'https://www.notion.so/my-integrations';

/** The playbook's steps for a terminal: the same slots, plain text, no Slack commands. */
const INSTRUCTIONS: Record<StepId, string> = {
  check_integration: `Open ${MY_INTEGRATIONS} and find {integration}. If it is gone, it was deleted: create a new one and put its token in NOTION_TOKEN. If it is there, open Capabilities and make sure "Read content" (and whatever else your automation needs, e.g. "Read user information") is ticked.`,
  verify_sharing:
    'Open {resource} in Notion → ••• menu (top right) → Connections. Is {integration} listed? If the page was moved, it may have left the parent that was shared. If it lives in another workspace than {workspace}, the integration cannot see it at all: an integration only sees its own workspace.',
  regenerate_token: `At ${MY_INTEGRATIONS} → {integration} → Configuration → Internal Integration Secret → Refresh (or copy it if it is still valid{fingerprint}). Put it in NOTION_TOKEN (your CI secret or .env), never in a commit, a log or a chat: anyone with it can read every page shared with the integration.`,
  re_add_integration:
    'Open {resource} → ••• menu → Connections → Add connections → pick {integration} → Confirm. Sharing a parent page shares everything inside it.',
  test_connection:
    'Run this check again (npx notion-check check …) to confirm Notion answers for this token and page.',
  clear_cache:
    'Every tool that uses this token (Zapier, Make, your own scripts, CI secrets) still holds the old one: paste the new token there and reconnect or restart them.',
  check_workspace_permissions:
    'Ask an owner of {workspace} to check Settings → Connections: admins can restrict which connections are allowed and who may add them.',
  restore_from_trash:
    "{resource} is in Notion's trash. In the Notion sidebar open Trash, find it and choose Restore (or open it and press Restore page).",
};

function resourceWords(resource: ResourceRef | undefined): string {
  if (!resource) return 'the page or database';
  if (resource.title) return `"${clean(resource.title)}"`;
  return `the page or database ${clean(resource.input.slice(0, 200))}`;
}

const SLOTS: Record<Slot, (context: StepContext) => string> = {
  integration: (c) => (c.integrationName ? `"${clean(c.integrationName)}"` : 'your integration'),
  resource: (c) => resourceWords(c.resource),
  workspace: (c) =>
    c.workspaceName ? `the "${clean(c.workspaceName)}" workspace` : 'your workspace',
  fingerprint: (c) => (c.tokenFingerprint ? `; ours ends in ${c.tokenFingerprint}` : ''),
};

/** `Verify page sharing settings: Open "Roadmap" in Notion → …`, one per step, in order. */
export function fixSteps(kind: DiagnosisKind, context: StepContext): string[] {
  return STEPS_FOR[kind].map((id) => {
    const text = INSTRUCTIONS[id].replace(/\{(\w+)\}/g, (whole, slot: string) =>
      Object.hasOwn(SLOTS, slot) ? SLOTS[slot as Slot](context) : whole,
    );
    return `${STEPS[id].title}: ${text}`;
  });
}

/** Escalation, part of every fix: who to call when the steps did not help. */
export function escalation(requestIds: string[]): string {
  const ids = requestIds.length
    ? ` and give them these request IDs: ${requestIds.map(clean).join(', ')}`
    : '';
  return `Still failing after every step, or worried the token leaked? Contact Notion support (https://www.notion.so/help → Contact support)${ids}. If only a third-party app still fails after the token was renewed, contact that app's provider.`;
}
