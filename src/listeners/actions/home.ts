/**
 * The App Home's `Add connection` button (admins only): the token modal for the name typed
 * beside it. A click from Home has no channel and no response_url, so a refusal is shown in a
 * small modal instead of whispered.
 */
import { z } from 'zod';
import { CONNECTION_NAME } from '../../domain/connection';
import type { Services } from '../../services';
import { buttonValue, HOME_FORM } from '../../slack/blocks/actions';
import { HOME_REPLIES, homeNoticeModal } from '../../slack/blocks/home';
import { notAdmin, REPLIES } from '../../slack/blocks/replies';
import { isDatabaseUnavailable } from '../../store/sql';
import { lookupUser } from '../shared/users';
import { openTokenModal } from '../views/tokenModal';
import type { ButtonArgs } from './button';

/** A block_actions payload from a Home view, with what was typed in its fields. */
const homeClick = z.object({
  trigger_id: z.string().min(1),
  user: z.object({ id: z.string().min(1) }).loose(),
  container: z.object({ type: z.literal('view') }).loose(),
  view: z
    .object({
      type: z.literal('home'),
      state: z
        .object({
          values: z.record(
            z.string(),
            z.record(z.string(), z.object({ value: z.string().nullish() }).loose()),
          ),
        })
        .loose(),
    })
    .loose(),
});

async function addConnection(args: ButtonArgs, services: Services): Promise<void> {
  const click = homeClick.safeParse(args.body);
  // The button lives on the Home tab only, with one value: anything else is made up or stale.
  if (!click.success || !buttonValue.addConnection.safeParse(args.action.value).success) {
    services.logger.warn('Add connection: a click not from the Home tab, ignored');
    // A click on a message comes with a response_url: tell the clicker, as other buttons do.
    await args
      .respond?.({
        response_type: 'ephemeral',
        replace_original: false,
        text: REPLIES.buttonInvalid(false),
      })
      .catch(() => undefined);
    return;
  }
  const { user, trigger_id: triggerId, view } = click.data;
  const notice = async (text: string) => {
    await args.client.views.open({ trigger_id: triggerId, view: homeNoticeModal(text) });
  };
  // The button is only on admins' Home, but a click can be crafted: the server decides.
  if (!(await services.admins.isAdmin(user.id, lookupUser(args.client)))) {
    services.logger.warn({ user: user.id }, 'Add connection refused: not an admin');
    await notice(notAdmin(services.admins.adminUserIds));
    return;
  }
  const typed = (view.state.values[HOME_FORM.blockId]?.[HOME_FORM.actionId]?.value ?? '').trim();
  if (!typed) {
    await notice(HOME_REPLIES.nameMissing);
    return;
  }
  if (!CONNECTION_NAME.test(typed)) {
    await notice(HOME_REPLIES.nameInvalid(typed));
    return;
  }
  // openTokenModal checks the admin again (cached), then opens the form within the trigger's 3 s.
  const refusal = await openTokenModal(services, args.client, {
    userId: user.id,
    triggerId,
    target: { connection: typed.toLowerCase(), fromHome: true },
  });
  if (refusal) await notice(refusal);
}

/** Acks at once; the work is tracked for graceful stop, and a failure is logged. */
export function addConnectionButton(services: Services) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    await services.inflight.run(async () => {
      try {
        await addConnection(args, services);
      } catch (error) {
        // The database is down: databaseDown.ts says "try again in a minute" instead.
        if (isDatabaseUnavailable(error)) throw error;
        services.logger.error({ err: error }, 'Add connection failed');
      }
    });
  };
}
