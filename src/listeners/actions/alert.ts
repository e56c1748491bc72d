/** The buttons on a monitor alert: Start fix, Acknowledge, Snooze. */
import { buttonValue } from '../../slack/blocks/actions';
import { REPLIES } from '../../slack/blocks/replies';
import { type ButtonHandler, reply } from './button';

const INVALID = REPLIES.buttonInvalid(false);

/** Checks the alert's pages again and walks the fix in the alert's thread. */
export const startFix: ButtonHandler = async (args, { services, messenger }) => {
  const id = buttonValue.alert.safeParse(args.action.value);
  if (!id.success) return INVALID;
  return reply(await services.alerts.startFix(id.data, args.body.user.id, messenger));
};

export const acknowledge: ButtonHandler = async (args, { services }) => {
  const id = buttonValue.alert.safeParse(args.action.value);
  if (!id.success) return INVALID;
  return reply(await services.alerts.acknowledge(id.data, args.body.user.id));
};

export const snooze: ButtonHandler = async (args, { services }) => {
  const id = buttonValue.alert.safeParse(args.action.value);
  if (!id.success) return INVALID;
  return reply(await services.alerts.snooze(id.data, args.body.user.id), REPLIES.snoozed);
};
