/** `/notion-check webhook <name>`: admins only, privately — the URL and verification token. */
import { ephemeral } from '../../slack/blocks/ephemeral';
import { refusalText } from '../../slack/blocks/refusals';
import { REPLIES } from '../../slack/blocks/replies';
import { webhookInstructions } from '../../slack/blocks/webhook';
import { lookupUser } from '../shared/users';
import type { ConnectionCommandContext } from './connections';

export async function showWebhook(c: ConnectionCommandContext, connection: string): Promise<void> {
  await c.ack();
  if (!(await c.services.admins.isAdmin(c.userId, lookupUser(c.client)))) {
    await c.respond(ephemeral(refusalText({ reason: 'not_admin', action: 'webhook' }) ?? ''));
    return;
  }
  const known = await c.services.directory.exists(connection);
  const info = known.ok ? await c.services.webhooks.instructions(connection) : known;
  await c.respond(
    info.ok
      ? webhookInstructions(
          connection,
          await c.services.directory.integrationName(connection),
          info,
        )
      : ephemeral(refusalText(info) ?? REPLIES.commandFailed),
  );
}
