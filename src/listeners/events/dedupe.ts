import type { AnyMiddlewareArgs, Context } from '@slack/bolt';
import { z } from 'zod';
import { servicesOf } from '../shared/workspace';

/** Set in the context of an event this process delivers to itself again (events/held.ts). */
export const REDELIVERED = 'notionCheckRedelivered';

const eventEnvelope = z.object({ type: z.literal('event_callback'), event_id: z.string() });

/**
 * Only an Events API envelope can be a retried event. Commands, clicks, views and shortcuts
 * (all of these have another `type`, or none) go straight on: eventEnvelope would reject them
 * anyway, after building a ZodError for each, on every request.
 */
function mayBeEvent(body: unknown): boolean {
  return (
    typeof body === 'object' &&
    body !== null &&
    (body as { type?: unknown }).type === 'event_callback'
  );
}

/**
 * Slack re-sends an event (same event_id, X-Slack-Retry-Num) when our ack was slow or lost;
 * Bolt passes every copy on. The first one wins; the key is stored, so a restart keeps it.
 */
export function dropRetriedEvents() {
  return async ({
    body,
    context,
    next,
  }: AnyMiddlewareArgs & { context: Context; next: () => Promise<void> }) => {
    if (!mayBeEvent(body)) {
      await next();
      return;
    }
    const envelope = eventEnvelope.safeParse(body);
    const services = servicesOf(context);
    if (
      envelope.success &&
      !(await services.store.dedupe.claim(`event:${envelope.data.event_id}`, Date.now())) &&
      // An event held through a database outage may have been claimed before its listener
      // failed: this copy is the one that still has to be handled.
      context[REDELIVERED] !== true
    ) {
      services.logger.debug(
        { eventId: envelope.data.event_id },
        'duplicate event delivery ignored',
      );
      return;
    }
    await next();
  };
}
