/** The buttons on a walkthrough message: Done, Skip, Test connection, Update token, Escalate. */
import type { Outcome } from '../../domain/outcome';
import type { Place } from '../../domain/place';
import type { Services } from '../../services';
import { buttonValue } from '../../slack/blocks/actions';
import { REPLIES } from '../../slack/blocks/replies';
import type { SlackMessenger } from '../../slack/messenger';
import { openTokenModal } from '../views/tokenModal';
import { actionKey, type ButtonHandler, clickedAt, reply } from './button';

const INVALID = REPLIES.buttonInvalid(true);

function stepButton(type: 'done' | 'skip'): ButtonHandler {
  return async (args, { services, messenger }) => {
    const value = buttonValue.step.safeParse(args.action.value);
    if (!value.success) return INVALID;
    const { id, step } = value.data;
    const user = args.body.user.id;
    return reply(
      await services.walkthroughs.step(
        id,
        type,
        step,
        user,
        actionKey(args),
        messenger,
        clickedAt(args),
      ),
    );
  };
}

export const done = stepButton('done');
export const skip = stepButton('skip');

/** A button whose value is the walkthrough id alone, pressed where it was clicked. */
function idButton(
  press: (
    walkthroughs: Services['walkthroughs'],
    click: { id: string; user: string; key: string; where: Place },
    messenger: SlackMessenger,
  ) => Promise<Outcome>,
): ButtonHandler {
  return async (args, { services, messenger }) => {
    const id = buttonValue.walkthrough.safeParse(args.action.value);
    if (!id.success) return INVALID;
    const click = {
      id: id.data,
      user: args.body.user.id,
      key: actionKey(args),
      where: clickedAt(args),
    };
    return reply(await press(services.walkthroughs, click, messenger));
  };
}

/** Re-runs exactly the checks that failed. */
export const test = idButton((walkthroughs, { id, user, key, where }, messenger) =>
  walkthroughs.retest(id, user, key, messenger, where),
);

export const escalate = idButton((walkthroughs, { id, user, key, where }, messenger) =>
  walkthroughs.escalate(id, user, key, messenger, where),
);

/** Opens the token modal for the walkthrough's connection (admins only). */
export const updateToken: ButtonHandler = async (args, { services }) => {
  const id = buttonValue.walkthrough.safeParse(args.action.value);
  if (!id.success) return INVALID;
  const found = await services.walkthroughs.at(id.data, clickedAt(args));
  // Unknown, or clicked anywhere but on the walkthrough's message: "not valid any more".
  if (!found.ok) return found.reason === 'not_found' ? INVALID : reply(found);
  const { walkthrough } = found;
  return openTokenModal(services, args.client, {
    userId: args.body.user.id,
    triggerId: args.body.trigger_id,
    target: {
      connection: walkthrough.report.run.connection,
      walkthroughId: walkthrough.id,
      channelId: walkthrough.channelId,
    },
  });
};
