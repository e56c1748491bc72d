/** The buttons on a monitor alert: Start fix, Acknowledge, Snooze. */
import { buttonValue } from '../../slack/blocks/actions';
import { REPLIES } from '../../slack/blocks/replies';
import { type ButtonHandler, clickedAt, reply } from './button';

const INVALID = REPLIES.buttonInvalid(false);

/** Checks the alert's pages again and walks the fix in the alert's thread. */
export const startFix: ButtonHandler = async (args, { services, messenger }) => {
  const id = buttonValue.alert.safeParse(args.action.value);
  if (!id.success) return INVALID;
  const where = clickedAt(args);
  return reply(await services.alerts.startFix(id.data, args.body.user.id, messenger, where));
};

export const acknowledge: ButtonHandler = async (args, { services }) => {
  const id = buttonValue.alert.safeParse(args.action.value);
  if (!id.success) return INVALID;
  return reply(await services.alerts.acknowledge(id.data, args.body.user.id, clickedAt(args)));
};

export const snooze: ButtonHandler = async (args, { services }) => {
  const id = buttonValue.alert.safeParse(args.action.value);
  if (!id.success) return INVALID;
  const where = clickedAt(args);
  return reply(await services.alerts.snooze(id.data, args.body.user.id, where), REPLIES.snoozed);
};
