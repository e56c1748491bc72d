/** The App Home tab: published for the viewer each time they open it. */
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { Services } from '../../services';
import { isDatabaseUnavailable } from '../../store/sql';
/** users.conversations pages read for one viewer (200 channels each); past that, less is shown. */
import { publishHome } from '../shared/home';

/** `app_home_opened`: the Home tab is published afresh on every open; the Messages tab is not ours. */
export function appHomeOpened(services: Services) {
  return async ({
    event,
    client,
  }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs) => {
    if (event.tab === 'messages') return;
    await services.inflight.run(async () => {
      try {
        await publishHome(services, client, event.user);
      } catch (error) {
        // The database is down: held and handled again once it is back (databaseDown.ts).
        if (isDatabaseUnavailable(error)) throw error;
        services.logger.error({ err: error, user: event.user }, 'could not publish the Home tab');
      }
    });
  };
}
