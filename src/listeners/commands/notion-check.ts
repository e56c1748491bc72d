import { createHash } from 'node:crypto';
import type { AllMiddlewareArgs, App, RespondFn, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Services } from '../../services';
import type { CheckRun } from '../../services/checks';
import { DEFAULT_CONNECTION } from '../../services/connections';
import { deadlineFor } from '../../services/watches';
import { accessProblems, buildFixStepsBlocks, fixStepsText } from '../../slack/blocks/fixSteps';
import { helpMessage, noticeMessage, usageMessage } from '../../slack/blocks/help';
import { buildReportBlocks, reportText } from '../../slack/blocks/report';
import { escapeMrkdwn, section } from '../../slack/blocks/text';
import { watchListMessage, watchResultMessage } from '../../slack/blocks/watches';
import { cannotPostHere, slackErrorCode, slackRefusedMessage } from '../../slack/errors';
import { SlackMessenger } from '../../slack/messenger';
import { lookupUser, openTokenModal } from '../views/token';
import { type Command, parseCommand } from './parse';

const commandPayload = z
  .object({
    text: z.string().max(4000).default(''),
    user_id: z.string().min(1),
    channel_id: z.string().min(1),
    response_url: z.url(),
  })
  .loose();

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

function progressText(targets: string[]): string {
  const what = targets.length
    ? `the token and ${targets.length} page${targets.length === 1 ? '' : 's'} or database${targets.length === 1 ? '' : 's'}`
    : 'the Notion token';
  // About three requests a second: warn when the answer takes more than a few seconds.
  const slow = targets.length > 15 ? ` (about ${Math.ceil(targets.length / 3)} s)` : '';
  return `:mag: Checking ${what}${slow}…`;
}

function hasAccessProblem(run: CheckRun): boolean {
  return accessProblems(run).length > 0;
}

/**
 * Posts the report and, when access was lost, the fix walkthrough in its thread. Where the bot
 * may not post, the report and plain fix steps go to the user alone.
 */
async function postReport(
  run: CheckRun,
  services: Services,
  where: { client: WebClient; channel: string; userId: string; respond: RespondFn },
): Promise<void> {
  const report = {
    text: reportText(run),
    blocks: buildReportBlocks(run, { userId: where.userId }),
  };
  const messenger = new SlackMessenger(where.client);
  try {
    const ts = await messenger.post(where.channel, report);
    await services.walkthroughs.start(
      run,
      { channel: where.channel, ts, userId: where.userId },
      messenger,
    );
  } catch (error) {
    if (slackRefusedMessage(error)) {
      services.logger.error(
        { err: error, channel: where.channel },
        'Slack refused the report message (a notion-check bug)',
      );
      await where.respond(
        noticeMessage(
          `:warning: I couldn't post the report: Slack refused it (${slackErrorCode(error)}). That is a bug on our side and it was logged. In short: ${report.text}.`,
        ),
      );
      return;
    }
    if (!cannotPostHere(error)) throw error;
    const fix = hasAccessProblem(run)
      ? { text: fixStepsText(run), blocks: buildFixStepsBlocks(run) }
      : undefined;
    const hint = `:wave: I can't post in this conversation (${slackErrorCode(error)}). Invite me with \`/invite @notion-check\` to share reports here; until then only you see them.`;
    await where.respond({
      response_type: 'ephemeral',
      text: report.text,
      blocks: [section(hint), ...report.blocks.slice(0, 49)],
    });
    if (fix) await where.respond({ response_type: 'ephemeral', ...fix });
  }
}

/** Same person, channel and text within this long: a double submit, answered once. */
const DOUBLE_SUBMIT_MS = 5_000;

function isDoubleSubmit(args: CommandArgs, services: Services): boolean {
  const { user_id: user, channel_id: channel, text } = args.command;
  const digest = createHash('sha256').update(text.trim()).digest('hex');
  try {
    return !services.store.claimOnceWithin(`cmd:${user}:${channel}:${digest}`, DOUBLE_SUBMIT_MS);
  } catch (error) {
    // Without the store we can't tell; answering twice beats not answering.
    services.logger.warn({ err: error }, 'double-submit check unavailable');
    return false;
  }
}

async function handle(command: Command, args: CommandArgs, services: Services): Promise<void> {
  const { ack, respond, client } = args;
  if ((command.kind === 'check' || command.kind === 'watch') && isDoubleSubmit(args, services)) {
    await ack(
      noticeMessage(
        ':hourglass_flowing_sand: Already on it: the answer to that command is on its way.',
      ),
    );
    return;
  }
  switch (command.kind) {
    case 'help':
      await ack(helpMessage());
      return;
    case 'usage':
      await ack(usageMessage(command.problem));
      return;
    case 'token': {
      await ack();
      const refusal = await openTokenModal(services, client, {
        userId: args.command.user_id,
        triggerId: args.command.trigger_id,
        target: { connection: command.connection, channelId: args.command.channel_id },
      });
      if (refusal) await respond(noticeMessage(refusal));
      return;
    }
    case 'watch': {
      await ack(
        noticeMessage(
          `:mag: Checking ${command.targets.length} page${command.targets.length === 1 ? '' : 's'} before watching…`,
        ),
      );
      const result = await services.watches.watch(
        args.command.channel_id,
        args.command.user_id,
        command.targets,
      );
      await respond(
        result.kind === 'limit'
          ? noticeMessage(result.message)
          : watchResultMessage(result, args.command.user_id),
      );
      return;
    }
    case 'unwatch': {
      await ack();
      const userId = args.command.user_id;
      const result = await services.watches.unwatch(
        args.command.channel_id,
        command.target,
        userId,
        () => services.admins.isAdmin(userId, lookupUser(client)),
      );
      if ('problem' in result) {
        await respond(noticeMessage(result.problem));
        return;
      }
      const name = escapeMrkdwn(result.removed.title ?? result.removed.resourceId);
      await respond({
        response_type: 'in_channel',
        text: `<@${userId}> stopped watching ${name}.`,
      });
      return;
    }
    case 'list':
      await ack(watchListMessage(services.watches.list(args.command.channel_id)));
      return;
    case 'check': {
      // No arguments: the token and everything this channel watches.
      const targets = command.targets.length
        ? command.targets
        : services.watches.targets(args.command.channel_id);
      // Ack before any Notion request: Slack gives up after 3 seconds.
      await ack(noticeMessage(progressText(targets)));
      const run = await services.checks.run({
        connection: DEFAULT_CONNECTION,
        targets,
        channelId: args.command.channel_id,
        userId: args.command.user_id,
        deadlineMs: deadlineFor(targets.length),
      });
      await postReport(run, services, {
        client,
        channel: args.command.channel_id,
        userId: args.command.user_id,
        respond,
      });
    }
  }
}

export function registerNotionCheckCommand(app: App, services: Services): void {
  app.command('/notion-check', async (original) => {
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
      await args.ack(usageMessage('Slack sent an incomplete command; please try again.'));
      return;
    }
    await services.inflight.run(async () => {
      try {
        await handle(parseCommand(payload.data.text), args, services);
      } catch (error) {
        services.logger.error({ err: error, command: 'notion-check' }, 'slash command failed');
        const sorry = noticeMessage(
          ':warning: Something went wrong on our side while checking. Nothing was changed; please try again in a minute.',
        );
        await (acked ? args.respond(sorry) : args.ack(sorry)).catch((answerError) =>
          services.logger.error({ err: answerError }, 'could not tell the user about a failure'),
        );
      }
    });
  });
}
