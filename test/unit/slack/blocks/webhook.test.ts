/**
 * `/notion-check webhook <name>` (src/slack/blocks/webhook.ts): where in Notion, what URL, the
 * verification token once received (verbatim, to paste), whether deliveries are verified.
 */
import type { WebhookInstructions } from '../../../../src/domain/webhook';
import { webhookInstructions } from '../../../../src/slack/blocks/webhook';
import { assertBlockKitLimits } from '../../../support/blockKitLimits';
import { visibleText } from '../../../support/blocks';
import { T0 } from '../../../support/fixtures';

const URL = 'https://notion-check.example.com/notion/webhooks/sync';
const TOKEN = `secret_${'Ab3'.repeat(14)}x`;

function render(info: Partial<WebhookInstructions> = {}, integration?: string) {
  const message = webhookInstructions('sync', integration ?? 'Acme Sync', {
    url: URL,
    verified: false,
    ...info,
  });
  assertBlockKitLimits(message);
  return { ...message, visible: visibleText(message.blocks) };
}

test('private; names the connection and its integration; says where in Notion and which events', () => {
  const { response_type, visible, text } = render();
  expect(response_type).toBe('ephemeral');
  expect(text).toContain(URL);
  expect(visible).toContain('Connection `sync` · integration *Acme Sync*');
  expect(visible).toContain(
    '<https://www.notion.so/profile/integrations|notion.so/profile/integrations> → *Acme Sync* → *Webhooks* tab → *Create a subscription*',
  );
  expect(visible).toContain(`\`\`\`${URL}\`\`\``);
  for (const event of ['created', 'deleted', 'moved', 'undeleted']) {
    expect(visible).toContain(`*${event}*`);
  }
  expect(visible).toContain('pages, databases and data sources');
});

test('before the token arrives: not received yet, run the command again', () => {
  const { visible } = render();
  expect(visible).toContain('Not received yet');
  expect(visible).toContain('run `/notion-check webhook sync` again');
  expect(visible).toContain('No verified delivery yet');
  expect(visible).not.toContain('secret_');
});

test('once received: the token verbatim in a code block, with when, to paste in Verify', () => {
  const { visible } = render({ pending: { token: TOKEN, receivedAt: T0 } });
  expect(visible).toContain(`\`\`\`${TOKEN}\`\`\``);
  expect(visible).toContain('*Verify*');
  expect(visible).toContain(`<!date^${T0 / 1000}^`);
  expect(visible).not.toContain('Not received yet');
});

test('verified: says so; a newer pending token is explained as not replacing the current one', () => {
  expect(render({ verified: true }).visible).toContain('Deliveries are verified');
  const both = render({ verified: true, pending: { token: TOKEN, receivedAt: T0 } }).visible;
  expect(both).toContain('newer token');
  expect(both).toContain('the current one keeps working');
});

test('no ENCRYPTION_KEY: says verification requests are refused and how to fix it', () => {
  const { visible } = render({ missingEncryptionKey: true });
  expect(visible).toContain('`ENCRYPTION_KEY` is not set');
  expect(visible).toContain('*Resend token*');
});

test('no integration name yet: "your integration"; names are escaped', () => {
  const message = webhookInstructions('sync', undefined, { url: URL, verified: false });
  expect(visibleText(message.blocks)).toContain('→ your integration →');
  const hostile = webhookInstructions('sync', '*Boss* <!channel>', { url: URL, verified: false });
  expect(visibleText(hostile.blocks)).not.toContain('<!channel>');
});
