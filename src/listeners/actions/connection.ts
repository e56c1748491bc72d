/** The Remove button under `/notion-check disconnect <name>`'s private confirmation. */
import { buttonValue } from '../../slack/blocks/actions';
import { REPLIES } from '../../slack/blocks/replies';
import { removeConnection } from '../commands/connections';
import { actionKey, type ButtonHandler } from './button';

export const remove: ButtonHandler = async (args, { services }) => {
  const name = buttonValue.connection.safeParse(args.action.value);
  // A name that is not (or no longer) a connection: an old or made-up button.
  if (!name.success || !(await services.directory.exists(name.data)).ok)
    return REPLIES.buttonInvalid(false);
  // Slack re-sends a click it thinks was lost: remove once.
  if (!(await services.store.dedupe.claim(actionKey(args), Date.now()))) return undefined;
  await removeConnection(services, args.client, args.body.user.id, name.data, args.respond);
  return undefined;
};
