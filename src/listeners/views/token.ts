import type {
  AllMiddlewareArgs,
  App,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Services } from '../../services';
import { escapeMrkdwn, section } from '../../slack/blocks/text';
import {
  buildTokenDisabledModal,
  buildTokenModal,
  TOKEN_MODAL,
  type TokenModalTarget,
} from '../../slack/blocks/tokenModal';
import { SlackMessenger } from '../../slack/messenger';

const modalTarget = z.object({
  connection: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/),
  walkthroughId: z
    .string()
    .regex(/^w[0-9a-f]{16}$/)
    .optional(),
  channelId: z
    .string()
    .regex(/^[CGD][A-Z0-9]+$/)
    .optional(),
});

export function lookupUser(client: WebClient) {
  return async (userId: string) => (await client.users.info({ user: userId })).user;
}

export function notAdminMessage(services: Services): string {
  return `:lock: Only ${services.admins.describe()} can change Notion tokens. Ask one of them to run \`/notion-check token\` or press *Update token*.`;
}

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
    return notAdminMessage(services);
  }
  const view = services.tokens.savingEnabled
    ? buildTokenModal(input.target)
    : buildTokenDisabledModal();
  await client.views.open({ trigger_id: input.triggerId, view });
  return undefined;
}

type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

function inputError(message: string) {
  return { response_action: 'errors' as const, errors: { [TOKEN_MODAL.blockId]: message } };
}

async function handleSubmit(args: SubmitArgs, services: Services): Promise<void> {
  const { ack, body, view, client } = args;
  const userId = body.user.id;
  const target = modalTarget.safeParse(safeJson(view.private_metadata));
  if (!target.success) {
    await ack(inputError('This form is out of date. Close it and open it again.'));
    return;
  }
  // Re-checked on submit: a view submission can be crafted without ever opening the modal.
  if (!(await services.admins.isAdmin(userId, lookupUser(client)))) {
    services.logger.warn({ user: userId }, 'token submission refused: not an admin');
    await ack(inputError(notAdminMessage(services)));
    return;
  }
  if (!services.tokens.savingEnabled) {
    await ack(inputError('Saving tokens is disabled: ENCRYPTION_KEY is not set.'));
    return;
  }
  const token = z
    .string()
    .trim()
    .catch('')
    .parse(view.state.values[TOKEN_MODAL.blockId]?.[TOKEN_MODAL.actionId]?.value);
  const problem = services.tokens.shapeProblem(token);
  if (problem) {
    await ack(inputError(problem));
    return;
  }
  const verdict = await services.tokens.verify(token);
  if (!verdict.ok) {
    await ack(inputError(verdict.message));
    return;
  }
  services.tokens.save(target.data.connection, token, userId);
  await ack({ response_action: 'clear' });
  services.logger.info(
    { connection: target.data.connection, user: userId, fingerprint: verdict.fingerprint },
    'token updated from Slack',
  );

  const workspace = verdict.integration.workspaceName
    ? ` in workspace *${escapeMrkdwn(verdict.integration.workspaceName)}*`
    : '';
  const note = `:key: Token updated by <@${userId}> (${verdict.fingerprint}): integration *${escapeMrkdwn(verdict.integration.name)}*${workspace}.`;
  const messenger = new SlackMessenger(client);
  const walkthrough = target.data.walkthroughId
    ? services.walkthroughs.get(target.data.walkthroughId)
    : undefined;
  if (walkthrough) {
    await messenger.post(
      walkthrough.channelId,
      { text: note, blocks: [section(note)] },
      walkthrough.reportTs,
    );
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
  } else if (target.data.channelId) {
    await messenger
      .ephemeral(target.data.channelId, userId, { text: note, blocks: [section(note)] })
      .catch((error) => services.logger.warn({ err: error }, 'could not confirm the token update'));
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function registerTokenView(app: App, services: Services): void {
  app.view<ViewSubmitAction>(TOKEN_MODAL.callbackId, async (args) => {
    await services.inflight.run(async () => {
      try {
        await handleSubmit(args, services);
      } catch (error) {
        services.logger.error({ err: error }, 'token submission failed');
        await args
          .ack(inputError('Something went wrong on our side; nothing was saved. Try again.'))
          .catch(() => undefined);
      }
    });
  });
}
