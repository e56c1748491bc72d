import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { accessProblems, type CheckRun } from '../../domain/check';
import type { Services } from '../../services';
import { type EphemeralMessage, ephemeral } from '../../slack/blocks/ephemeral';
import { buildFixSteps } from '../../slack/blocks/fixSteps';
import { section } from '../../slack/blocks/mrkdwn';
import { refusalText } from '../../slack/blocks/refusals';
import {
  cannotPostHint,
  checkingProgress,
  REPLIES,
  reportRefused,
} from '../../slack/blocks/replies';
import { buildReport } from '../../slack/blocks/report';
import { cannotPostHere, slackErrorCode, slackRefusedMessage } from '../../slack/errors';
import { SlackMessenger } from '../../slack/messenger';

/**
 * A check someone asked for in Slack, and its report: shared by `/notion-check <links>` and the
 * `Check Notion links` message shortcut.
 */

/** Where a report goes: the channel (or `threadTs`'s thread in it), else the user through `respond`. */
export interface ReportPlace {
  client: WebClient;
  channel: string;
  /** The thread to post the report in (the message shortcut's); unset: the channel itself. */
  threadTs?: string;
  userId: string;
  respond: RespondFn;
}

/**
 * Posts the report and, when access was lost, the fix walkthrough in its thread. Where the bot
 * may not post, the report and plain fix steps go to the user alone.
 */
async function postReport(run: CheckRun, services: Services, where: ReportPlace): Promise<void> {
  const report = buildReport(run, { userId: where.userId });
  const messenger = new SlackMessenger(where.client);
  try {
    const ts = await messenger.postMessage(where.channel, report, where.threadTs);
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
      await where.respond(ephemeral(reportRefused(slackErrorCode(error), report.text)));
      return;
    }
    if (!cannotPostHere(error)) throw error;
    await where.respond({
      response_type: 'ephemeral',
      text: report.text,
      blocks: [section(cannotPostHint(slackErrorCode(error))), ...report.blocks.slice(0, 49)],
    });
    if (accessProblems(run).length > 0) {
      await where.respond({ response_type: 'ephemeral', ...buildFixSteps(run) });
    }
  }
}

/**
 * A check someone asked for in Slack (`/notion-check <links>`, the message shortcut): refused
 * at once when they or the channel are busy, else `say` tells them it started — before any
 * Notion request, so a command can say it in its ack — and the report goes to `where`.
 */
export async function checkAndReport(
  services: Services,
  check: { connection: string; targets: string[]; progress?: string },
  where: ReportPlace,
  say: (message: EphemeralMessage) => Promise<void>,
): Promise<void> {
  const { connection, targets } = check;
  const request = { connection, targets, channelId: where.channel, userId: where.userId };
  const admitted = services.checks.admit(request);
  if (!admitted.ok) {
    await say(ephemeral(refusalText(admitted) ?? REPLIES.commandFailed));
    return;
  }
  await say(ephemeral(check.progress ?? checkingProgress(targets.length)));
  const run = await admitted.start();
  await postReport(run, services, where);
}
