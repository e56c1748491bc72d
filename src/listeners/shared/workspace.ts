import type { AnyMiddlewareArgs, Context } from '@slack/bolt';
import type { Logger } from '../../logger';
import type { Services } from '../../services';

/**
 * The workspace a request is for (Bolt's context: its teamId, and with OAuth the botToken its
 * installation gave); undefined when that workspace has not installed the app.
 */
export type ServicesFor = (context: Context) => Promise<Services | undefined>;

const SERVICES = 'notionCheckServices';

/**
 * Puts the request's workspace's services into its context, before any listener: every
 * listener then works on that workspace's slice of the database only. A request for a
 * workspace without an installation is acknowledged and goes no further.
 */
export function resolveWorkspace(servicesFor: ServicesFor, logger: Logger) {
  return async (
    args: AnyMiddlewareArgs & { context: Context; next: () => Promise<void> },
  ): Promise<void> => {
    const services = await servicesFor(args.context);
    if (!services) {
      logger.warn(
        { teamId: args.context.teamId },
        'dropped a request for a workspace that has not installed the app',
      );
      const { ack } = args as { ack?: () => Promise<void> };
      await ack?.();
      return;
    }
    args.context[SERVICES] = services;
    await args.next();
  };
}

/** The services resolveWorkspace put into this request's context. */
export function servicesOf(context: Context): Services {
  const services = context[SERVICES] as Services | undefined;
  if (!services) throw new Error('no workspace was resolved for this request');
  return services;
}

/**
 * A listener built from one workspace's services, for each request with that workspace's
 * (built once per workspace, then reused).
 */
export function perWorkspace<A extends { context: Context }>(
  make: (services: Services) => (args: A) => Promise<void>,
): (args: A) => Promise<void> {
  const built = new WeakMap<Services, (args: A) => Promise<void>>();
  return (args) => {
    const services = servicesOf(args.context);
    let listener = built.get(services);
    if (!listener) {
      listener = make(services);
      built.set(services, listener);
    }
    return listener(args);
  };
}
