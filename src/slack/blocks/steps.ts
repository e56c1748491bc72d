/** The playbook's steps in words: slots filled with what the check learned, escaped once. */
import { type Slot, STEPS, type StepContext, type StepId } from '../../domain/playbook';
import { codeList } from './format';
import { escapeMrkdwn, mrkdwnLink } from './mrkdwn';

const SLOTS: Record<Slot, (context: StepContext) => string> = {
  integration: (c) =>
    c.integrationName ? `*${escapeMrkdwn(c.integrationName)}*` : 'your integration',
  resource: (c) => {
    const title = c.resource?.title && escapeMrkdwn(c.resource.title);
    return title ? mrkdwnLink(c.resource?.url, title) : 'the page or database';
  },
  workspace: (c) =>
    c.workspaceName ? `the *${escapeMrkdwn(c.workspaceName)}* workspace` : 'your workspace',
  fingerprint: (c) =>
    c.tokenFingerprint ? `; ours ends in ${escapeMrkdwn(c.tokenFingerprint)}` : '',
};

/**
 * `stepInstructions('re_add_integration', { integrationName: 'Zapier' })` →
 * `Open the page or database → … → pick *Zapier* → *Confirm*. …`
 */
export function stepInstructions(id: StepId, context: StepContext): string {
  return STEPS[id].template.replace(/\{(\w+)\}/g, (whole, slot: string) =>
    slot in SLOTS ? SLOTS[slot as Slot](context) : whole,
  );
}

/** `Why: … · <url|Manage connections>` */
export function stepWhy(id: StepId): string {
  const step = STEPS[id];
  const links = step.links.map((link) => `<${link.url}|${link.label}>`).join(' · ');
  return `Why: ${step.why}${links ? ` · ${links}` : ''}`;
}

/** Escalation advice, part of every fix: who to call when the steps did not help. */
export function escalationAdvice(requestIds: string[]): string {
  const ids = requestIds.length ? ` Give them these request IDs: ${codeList(requestIds)}.` : '';
  return `Still failing after every step, or worried the token leaked? Contact Notion support (notion.so/help → Contact support).${ids} If only a third-party app still fails after the token was renewed, contact that app's provider.`;
}
