import type { WebhookInstructions } from '../../domain/webhook';
import type { EphemeralMessage } from './ephemeral';
import { connectionLine, integrationLabel, slackDate } from './format';
import { capText, context, escapeMrkdwn, section } from './mrkdwn';

/** Where Notion lists an integration's webhook subscriptions (each integration → Webhooks tab). */
export const NOTION_INTEGRATIONS_URL = 'https://www.notion.so/profile/integrations';

/** The events that can change what an integration reaches, for pages, databases and data sources. */
export const WEBHOOK_EVENTS = ['created', 'deleted', 'moved', 'undeleted'] as const;

/**
 * `/notion-check webhook <name>` for an admin, privately: the URL to give Notion, the
 * verification token to paste back once Notion has sent it, and whether deliveries arrive.
 * The token is shown as is, in a code span (services/webhooks.ts only stores tokens that
 * cannot break one): it is the one secret this bot ever shows, because Notion asks for it.
 */
export function webhookInstructions(
  name: string,
  integrationName: string | undefined,
  info: WebhookInstructions,
): EphemeralMessage {
  const integration = integrationName
    ? integrationLabel(name, integrationName)
    : 'your integration';
  const command = `/notion-check webhook ${escapeMrkdwn(name)}`;
  const events = WEBHOOK_EVENTS.map((event) => `*${event}*`).join(', ');

  const create = [
    '*1. Create the subscription in Notion.*',
    `Open <${NOTION_INTEGRATIONS_URL}|notion.so/profile/integrations> → ${integration} → *Webhooks* tab → *Create a subscription*, and paste this URL:`,
    `\`\`\`${entities(info.url)}\`\`\``,
    `Under events, tick ${events} for pages, databases and data sources (other events are ignored).`,
  ].join('\n');

  const verify = info.pending
    ? [
        '*2. Verify it.*',
        `Notion sent its verification token ${slackDate(info.pending.receivedAt)}. Click *Verify* on the subscription and paste:`,
        `\`\`\`${info.pending.token}\`\`\``,
        info.verified
          ? 'This is a newer token than the one deliveries are signed with now: it takes over at the first delivery Notion signs with it. If nobody created or re-verified a subscription, ignore it; the current one keeps working.'
          : 'Deliveries signed with it are accepted from then on.',
      ].join('\n')
    : [
        '*2. Verify it.*',
        `Not received yet: after you create the subscription Notion sends the token to the URL above; then run \`${command}\` again to see it. (In Notion, *Resend token* sends it again.)`,
      ].join('\n');

  const status = info.verified
    ? ':large_green_circle: *Deliveries are verified*: events reach the bot and re-check what they are about within seconds.'
    : ':white_circle: *No verified delivery yet*: the bot accepts events once Notion signs one with the verification token.';

  const lines = [create, verify, status];
  if (info.missingEncryptionKey) {
    lines.push(
      ':warning: `ENCRYPTION_KEY` is not set, so the bot refuses verification requests (it stores the token only encrypted). Set it (`openssl rand -base64 32`), restart the bot, then use *Resend token* in Notion.',
    );
  }

  const title = `Notion webhooks · ${connectionLine(name, integrationName)}`;
  return capText({
    response_type: 'ephemeral',
    text: `${title}: paste ${entities(info.url)} in Notion, then verify the subscription.`,
    blocks: [
      section(title),
      ...lines.map((line) => section(line)),
      context(
        'Only you can see this. The verification token signs every delivery: keep it out of channels. Sweeps still run every `CHECK_INTERVAL`; webhooks only make them faster.',
      ),
    ],
  });
}

/** Slack's three entities, for text shown verbatim (PUBLIC_URL comes from the operator). */
function entities(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
