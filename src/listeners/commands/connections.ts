/** `/notion-check connections`, `use <name>`, `disconnect <name>` (and its Remove button). */
import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Services } from '../../services';
import {
  connectionsMessage,
  connectionUsedMessage,
  disconnectConfirmation,
  disconnectedMessage,
} from '../../slack/blocks/connections';
import { ephemeral } from '../../slack/blocks/ephemeral';
import { refusalText } from '../../slack/blocks/refusals';
import { REPLIES } from '../../slack/blocks/replies';
import { lookupUser } from '../shared/users';

export interface ConnectionCommandContext {
  services: Services;
  client: WebClient;
  respond: RespondFn;
  ack: (response?: ReturnType<typeof ephemeral> | object) => Promise<void>;
  userId: string;
  channelId: string;
}

const refusal = (outcome: { ok: false } & Parameters<typeof refusalText>[0]) =>
  ephemeral(refusalText(outcome) ?? REPLIES.commandFailed);

/** Every connection with its token checked now: acked at once, the answer follows privately. */
export async function listConnections(c: ConnectionCommandContext): Promise<void> {
  const count = (await c.services.directory.known()).length;
  await c.ack(
    ephemeral(
      `:hourglass_flowing_sand: Checking ${count === 1 ? 'the connection' : `${count} connections`} with Notion…`,
    ),
  );
  const overview = await c.services.directory.overview(c.channelId, c.userId);
  await c.respond(connectionsMessage(overview));
}

/** `use <name>`: anyone in the channel may choose; the channel is told. */
export async function useConnection(c: ConnectionCommandContext, name: string): Promise<void> {
  const outcome = await c.services.directory.use(c.channelId, name, c.userId);
  if (!outcome.ok) {
    await c.ack(refusal(outcome));
    return;
  }
  await c.ack();
  await c.respond(
    connectionUsedMessage(name, await c.services.directory.integrationName(name), c.userId),
  );
}

/** `disconnect <name>`: admins only; asks privately for the Remove button. */
export async function confirmDisconnect(c: ConnectionCommandContext, name: string): Promise<void> {
  await c.ack();
  if (!(await c.services.admins.isAdmin(c.userId, lookupUser(c.client)))) {
    await c.respond(refusal({ ok: false, reason: 'not_admin', action: 'disconnect' }));
    return;
  }
  const preview = await c.services.directory.preview(name);
  await c.respond(preview.ok ? disconnectConfirmation(preview.summary) : refusal(preview));
}

/** The Remove button: the admin check again (a button value is only a claim), then removal. */
export async function removeConnection(
  services: Services,
  client: WebClient,
  userId: string,
  name: string,
  respond: RespondFn,
): Promise<void> {
  if (!(await services.admins.isAdmin(userId, lookupUser(client)))) {
    await respond({
      replace_original: false,
      ...refusal({ ok: false, reason: 'not_admin', action: 'disconnect' }),
    });
    return;
  }
  const outcome = await services.directory.disconnect(name, userId);
  if (!outcome.ok) {
    await respond({ replace_original: true, ...refusal(outcome) });
    return;
  }
  await respond({ replace_original: true, ...disconnectedMessage(outcome.summary, userId) });
}
