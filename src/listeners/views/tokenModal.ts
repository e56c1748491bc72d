import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { CONNECTION_NAME } from '../../domain/connection';
import { ID_PATTERN } from '../../domain/ids';
import type { Services } from '../../services';
import { TOKEN_MODAL } from '../../slack/blocks/actions';
import { refusalText } from '../../slack/blocks/refusals';
import { notAdmin, TOKEN_FORM_ERRORS } from '../../slack/blocks/replies';
import {
  buildTokenDisabledModal,
  buildTokenModal,
  type TokenModalTarget,
} from '../../slack/blocks/tokenModal';
import { SlackMessenger } from '../../slack/messenger';
import { isDatabaseUnavailable } from '../../store/sql';
import { publishHome } from '../shared/home';
import { lookupUser } from '../shared/users';

const modalTarget = z.object({
  connection: z.string().regex(CONNECTION_NAME),
  walkthroughId: z.string().regex(ID_PATTERN.walkthrough).optional(),
  channelId: z
    .string()
    .regex(/^[CGD][A-Z0-9]+$/)
    .optional(),
  fromHome: z.literal(true).optional(),
});

/**
 * Opens the token modal for an admin. Returns a refusal to show the user instead, if any.
 * `views.open` goes first after the admin check: the trigger_id expires in 3 seconds.
 */
export async function openTokenModal(
  services: Services,
  client: WebClient,
  input: { userId: string; triggerId: string; target: TokenModalTarget },
): Promise<string | undefined> {
  if (!(await services.admins.isAdmin(input.userId, lookupUser(client)))) {
    return notAdmin(services.admins.adminUserIds);
  }
  const view = services.tokens.savingEnabled
    ? buildTokenModal(input.target)
    : buildTokenDisabledModal();
  await client.views.open({ trigger_id: input.triggerId, view });
  return undefined;
}

type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

const submittedView = z.object({ id: z.string().min(1), hash: z.string().min(1) });

/**
 * One submission of one form: Slack gives every opened view its own id and a hash that changes
 * with each version of it. A form answered with errors keeps both (the admin fixes the token
 * and submits again), so only a saved one is claimed: a replay of it (a captured request,
 * within Slack's 5-minute signature window, even after a restart) is out of date.
 */
function submissionKey(view: unknown): string | undefined {
  const parsed = submittedView.safeParse(view);
  return parsed.success ? `view:${parsed.data.id}:${parsed.data.hash}` : undefined;
}

function inputError(message: string) {
  return { response_action: 'errors' as const, errors: { [TOKEN_MODAL.blockId]: message } };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A form that was saved once already: told it is out of date, and nothing is saved. */
async function replayed(args: SubmitArgs, services: Services): Promise<void> {
  services.logger.warn(
    { user: args.body.user.id, view: args.view.id },
    'token submission refused: this form was already saved',
  );
  await args.ack(inputError(TOKEN_FORM_ERRORS.outOfDate));
}

async function handleSubmit(args: SubmitArgs, services: Services): Promise<void> {
  const { ack, body, view, client } = args;
  const userId = body.user.id;
  const target = modalTarget.safeParse(safeJson(view.private_metadata));
  const submission = submissionKey(view);
  if (!target.success || !submission) {
    await ack(inputError(TOKEN_FORM_ERRORS.outOfDate));
    return;
  }
  // Re-checked on submit: a view submission can be crafted without ever opening the modal.
  if (!(await services.admins.isAdmin(userId, lookupUser(client)))) {
    services.logger.warn({ user: userId }, 'token submission refused: not an admin');
    await ack(inputError(notAdmin(services.admins.adminUserIds)));
    return;
  }
  if (!services.tokens.savingEnabled) {
    await ack(inputError(TOKEN_FORM_ERRORS.savingDisabled));
    return;
  }
  if (await services.store.dedupe.seen(submission)) {
    await replayed(args, services);
    return;
  }
  const token = z
    .string()
    .trim()
    .catch('')
    .parse(view.state.values[TOKEN_MODAL.blockId]?.[TOKEN_MODAL.actionId]?.value);
  const verdict = await services.tokens.verify(token);
  if (!verdict.ok) {
    await ack(inputError(refusalText(verdict) ?? TOKEN_FORM_ERRORS.failed));
    return;
  }
  const { connection, walkthroughId, channelId } = target.data;
  // Claimed and saved in one transaction: two copies at once save once; a failed save claims
  // nothing.
  const saved = await services.store.transaction(async (tx) => {
    if (!(await tx.dedupe.claim(submission, Date.now()))) return false;
    await services.tokens.save(connection, token, userId, verdict.integration, tx);
    return true;
  });
  if (!saved) {
    await replayed(args, services);
    return;
  }
  await ack({ response_action: 'clear' });
  services.logger.info(
    { connection, user: userId, fingerprint: verdict.fingerprint },
    'token updated from Slack',
  );

  const note = {
    type: 'token_updated' as const,
    by: userId,
    fingerprint: verdict.fingerprint,
    integration: verdict.integration,
    connection,
  };
  const messenger = new SlackMessenger(client);
  const walkthrough = walkthroughId ? await services.walkthroughs.get(walkthroughId) : undefined;
  if (walkthrough) {
    await messenger.post(walkthrough.channelId, note, walkthrough.reportTs);
    await services.walkthroughs.tokenUpdated(
      walkthrough.id,
      userId,
      {
        integrationName: verdict.integration.name,
        workspaceName: verdict.integration.workspaceName,
        tokenFingerprint: verdict.fingerprint,
      },
      messenger,
    );
  } else if (channelId) {
    await messenger
      .ephemeral(channelId, userId, note)
      .catch((error) => services.logger.warn({ err: error }, 'could not confirm the token update'));
  }
  // Opened from the Home tab: it shows the new connection as soon as the form closes.
  if (target.data.fromHome) {
    await publishHome(services, client, userId).catch((error) =>
      services.logger.warn({ err: error, user: userId }, 'could not refresh the Home tab'),
    );
  }
}

/** The token form's submission: admin (again), shape, users.me, then saved encrypted. */
export function tokenModalSubmission(services: Services) {
  return async (args: SubmitArgs): Promise<void> => {
    await services.inflight.run(async () => {
      try {
        await handleSubmit(args, services);
      } catch (error) {
        // The database is down: databaseDown.ts says "try again in a minute" instead.
        if (isDatabaseUnavailable(error)) throw error;
        services.logger.error({ err: error }, 'token submission failed');
        await args.ack(inputError(TOKEN_FORM_ERRORS.failed)).catch(() => undefined);
      }
    });
  };
}
