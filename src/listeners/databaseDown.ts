import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from '../logger';
import { TOKEN_MODAL } from '../slack/blocks/actions';
import { REPLIES } from '../slack/blocks/replies';
import { isDatabaseUnavailable } from '../store/sql';
import type { HeldEvents } from './events/held';

/** What every kind of request may have, loosely: ack (not for events) and respond. */
interface Answerers {
  ack?: (response?: unknown) => Promise<void>;
  respond?: (message: unknown) => Promise<unknown>;
}

/** Slack's request kinds that carry something to say "try again" with. */
function kindOf(body: unknown): 'command' | 'view' | 'event' | 'other' {
  const value = body as { command?: unknown; type?: unknown };
  if (typeof value.command === 'string') return 'command';
  if (value.type === 'view_submission') return 'view';
  if (value.type === 'event_callback') return 'event';
  return 'other';
}

/**
 * Outermost middleware: when the database cannot answer (PostgreSQL down or restarting), the
 * person is told to try again in a minute instead of Slack's "failed with operation_timeout":
 * a command in its ack, a form as an error under its field, a click through its response_url
 * (already acked, or acked here). Nothing was done, so doing it again later is safe. An event
 * (nobody to tell, and Slack will not send it again) is held until the database is back. Any
 * other error goes on to Bolt's error handler as before.
 */
export function answerWhenDatabaseDown(
  logger: Logger,
  held: HeldEvents,
): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    try {
      await args.next();
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      const kind = kindOf(args.body);
      if (kind === 'event') {
        logger.warn(
          { err: error.cause },
          'database unavailable: holding a Slack event until it is back',
        );
        held.hold(args.body);
        return;
      }
      logger.warn({ err: error.cause }, 'database unavailable: asked the person to try again');
      const answer =
        kind === 'command'
          ? { response_type: 'ephemeral', text: REPLIES.databaseDown }
          : kind === 'view'
            ? { response_action: 'errors', errors: { [TOKEN_MODAL.blockId]: REPLIES.databaseDown } }
            : undefined;
      // ack() throws when the listener acked already: then only respond() can still speak.
      const { ack, respond } = args as unknown as Answerers;
      const acked = await ack?.(answer).then(
        () => answer !== undefined,
        () => false,
      );
      if (!acked && kind !== 'view') {
        await respond?.({
          response_type: 'ephemeral',
          replace_original: false,
          text: REPLIES.databaseDown,
        }).catch((failure: unknown) =>
          logger.warn({ err: failure }, 'could not tell the person to try again'),
        );
      }
    }
  };
}
