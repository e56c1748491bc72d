/** `/notion-check watch all` and `unwatch all`: everything a connection's integration can see. */
import { ephemeral } from '../../slack/blocks/ephemeral';
import {
  listingProgress,
  stoppedWatchingAll,
  watchAllResultMessage,
} from '../../slack/blocks/inventory';
import { refusalText } from '../../slack/blocks/refusals';
import { REPLIES } from '../../slack/blocks/replies';
import { lookupUser } from '../shared/users';
import type { ConnectionCommandContext } from './connections';

/** Acked at once (listing a large workspace takes a while); the count follows in the channel. */
export async function watchAll(c: ConnectionCommandContext, connection: string): Promise<void> {
  const integrationName = await c.services.directory.integrationName(connection);
  await c.ack(ephemeral(listingProgress(connection, integrationName)));
  const outcome = await c.services.inventory.watchAll(c.channelId, c.userId, connection);
  await c.respond(
    outcome.ok
      ? watchAllResultMessage(outcome, c.userId)
      : ephemeral(refusalText(outcome) ?? REPLIES.commandFailed),
  );
}

/** Only whoever started it, or an admin, may stop it (as for `unwatch`). */
export async function unwatchAll(c: ConnectionCommandContext, connection: string): Promise<void> {
  await c.ack();
  const outcome = await c.services.inventory.unwatchAll(c.channelId, c.userId, connection, () =>
    c.services.admins.isAdmin(c.userId, lookupUser(c.client)),
  );
  await c.respond(
    outcome.ok
      ? stoppedWatchingAll(
          c.userId,
          connection,
          await c.services.directory.integrationName(connection),
        )
      : ephemeral(refusalText(outcome) ?? REPLIES.commandFailed),
  );
}
