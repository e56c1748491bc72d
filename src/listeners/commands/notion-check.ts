import { createHash } from 'node:crypto';
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { Services } from '../../services';
import { ephemeral } from '../../slack/blocks/ephemeral';
import { helpMessage, usageMessage } from '../../slack/blocks/help';
import { refusalText } from '../../slack/blocks/refusals';
import { REPLIES, stoppedWatching, watchingProgress } from '../../slack/blocks/replies';
import { watchListMessage, watchResultMessage } from '../../slack/blocks/watches';
import { isDatabaseUnavailable } from '../../store/sql';
import { checkAndReport } from '../shared/report';
import { lookupUser } from '../shared/users';
import { openTokenModal } from '../views/tokenModal';
import { confirmDisconnect, listConnections, useConnection } from './connections';
import { unwatchAll, watchAll } from './inventory';
import { type Command, parseCommand } from './parse';
import { showWebhook } from './webhook';

const commandPayload = z
  .object({
    text: z.string().max(4000).default(''),
    user_id: z.string().min(1),
    channel_id: z.string().min(1),
    response_url: z.url(),
  })
  .loose();

export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** Same person, channel and text within this long: a double submit, answered once. */
const DOUBLE_SUBMIT_MS = 5_000;

async function isDoubleSubmit(args: CommandArgs, services: Services): Promise<boolean> {
  const { user_id: user, channel_id: channel, text } = args.command;
  const digest = createHash('sha256').update(text.trim()).digest('hex');
  try {
    const key = `cmd:${user}:${channel}:${digest}`;
    return !(await services.store.dedupe.claimOnceWithin(key, DOUBLE_SUBMIT_MS, Date.now()));
  } catch (error) {
    // Without the store we can't tell; answering twice beats not answering.
    services.logger.warn({ err: error }, 'double-submit check unavailable');
    return false;
  }
}

/** The connection a command works with; a name nobody set up is refused in the ack. */
async function chosenConnection(
  command: { connection?: string },
  args: CommandArgs,
  services: Services,
): Promise<string | undefined> {
  const chosen = await services.directory.choose(args.command.channel_id, command.connection);
  if (chosen.ok) return chosen.name;
  await args.ack(ephemeral(refusalText(chosen) ?? REPLIES.commandFailed));
  return undefined;
}

async function handle(command: Command, args: CommandArgs, services: Services): Promise<void> {
  const { ack, respond, client } = args;
  const { user_id: userId, channel_id: channelId } = args.command;
  if (
    (command.kind === 'check' || command.kind === 'watch') &&
    (await isDoubleSubmit(args, services))
  ) {
    await ack(ephemeral(REPLIES.alreadyOnIt));
    return;
  }
  const context = { services, client, respond, ack, userId, channelId };
  switch (command.kind) {
    case 'help':
      await ack(helpMessage());
      return;
    case 'usage':
      await ack(usageMessage(command));
      return;
    case 'connections':
      await listConnections(context);
      return;
    case 'use':
      await useConnection(context, command.connection);
      return;
    case 'disconnect':
      await confirmDisconnect(context, command.connection);
      return;
    case 'webhook':
      await showWebhook(context, command.connection);
      return;
    case 'token': {
      await ack();
      const refusal = await openTokenModal(services, client, {
        userId,
        triggerId: args.command.trigger_id,
        target: { connection: command.connection, channelId },
      });
      if (refusal) await respond(ephemeral(refusal));
      return;
    }
    case 'watch_all':
    case 'unwatch_all': {
      const connection = await chosenConnection(command, args, services);
      if (!connection) return;
      await (command.kind === 'watch_all' ? watchAll : unwatchAll)(context, connection);
      return;
    }
    case 'watch': {
      const connection = await chosenConnection(command, args, services);
      if (!connection) return;
      await ack(ephemeral(watchingProgress(command.targets.length)));
      const outcome = await services.watches.watch(channelId, userId, command.targets, connection);
      await respond(
        outcome.ok
          ? watchResultMessage(outcome, userId)
          : ephemeral(refusalText(outcome) ?? REPLIES.commandFailed),
      );
      return;
    }
    case 'unwatch': {
      const connection = command.connection && (await chosenConnection(command, args, services));
      if (command.connection && !connection) return;
      await ack();
      const outcome = await services.watches.unwatch(
        channelId,
        command.target,
        userId,
        () => services.admins.isAdmin(userId, lookupUser(client)),
        connection || undefined,
      );
      if (!outcome.ok) {
        await respond(ephemeral(refusalText(outcome) ?? REPLIES.commandFailed));
        return;
      }
      await respond(stoppedWatching(userId, outcome.removed));
      return;
    }
    case 'list': {
      const connection = await chosenConnection(command, args, services);
      if (!connection) return;
      const [watches, integrationName, all] = await Promise.all([
        services.watches.list(channelId, connection),
        services.directory.integrationName(connection),
        services.inventory.summaries(channelId),
      ]);
      await ack(
        watchListMessage(watches, { connection: { name: connection, integrationName }, all }),
      );
      return;
    }
    case 'check': {
      const connection = await chosenConnection(command, args, services);
      if (!connection) return;
      // No arguments: the token and everything this channel watches with that connection.
      const targets = command.targets.length
        ? command.targets
        : await services.watches.targets(channelId, connection);
      // Ack before any Notion request: Slack gives up after 3 seconds. Busy: said in the ack.
      await checkAndReport(
        services,
        { connection, targets },
        { client, channel: channelId, userId, respond },
        (message) => ack(message),
      );
    }
  }
}

/** `/notion-check …`: validated, parsed, acked within Slack's 3 s, then done. */
export function notionCheckCommand(services: Services) {
  return async (original: CommandArgs): Promise<void> => {
    // Whatever fails, Slack gets its ack within 3 s: track whether it was sent.
    let acked = false;
    const args: CommandArgs = {
      ...original,
      ack: async (response) => {
        acked = true;
        await original.ack(response);
      },
    };
    const payload = commandPayload.safeParse(args.command);
    if (!payload.success) {
      services.logger.warn({ issues: payload.error.issues.length }, 'malformed slash command');
      await args.ack(usageMessage({ problem: 'incomplete_payload' }));
      return;
    }
    await services.inflight.run(async () => {
      try {
        await handle(parseCommand(payload.data.text), args, services);
      } catch (error) {
        // The database is down: databaseDown.ts says "try again in a minute" instead.
        if (isDatabaseUnavailable(error)) throw error;
        services.logger.error({ err: error, command: 'notion-check' }, 'slash command failed');
        const sorry = ephemeral(REPLIES.commandFailed);
        await (acked ? args.respond(sorry) : args.ack(sorry)).catch((answerError) =>
          services.logger.error({ err: answerError }, 'could not tell the user about a failure'),
        );
      }
    });
  };
}
