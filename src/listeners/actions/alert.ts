import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import type { Services } from '../../services';
import type { AlertOutcome } from '../../services/alerts';
import { ALERT_ACTIONS } from '../../slack/blocks/alert';
import { onButton } from './shared';

const alertId = z.string().regex(/^a[0-9a-f]{16}$/);

function reply(outcome: AlertOutcome): string | undefined {
  return outcome.message;
}

/** Start fix, Acknowledge and Snooze on a monitor alert. */
export function registerAlertActions(app: App, services: Services): void {
  const handlers = {
    [ALERT_ACTIONS.acknowledge]: (id: string, user: string) =>
      services.alerts.acknowledge(id, user),
    [ALERT_ACTIONS.snooze]: (id: string, user: string) => services.alerts.snooze(id, user),
  };
  for (const [actionId, handle] of Object.entries(handlers)) {
    app.action<BlockAction<ButtonAction>>(
      actionId,
      onButton(services, async (args) => {
        const id = alertId.safeParse(args.action.value);
        if (!id.success) return 'This button is not valid any more.';
        return reply(await handle(id.data, args.body.user.id));
      }),
    );
  }
  app.action<BlockAction<ButtonAction>>(
    ALERT_ACTIONS.startFix,
    onButton(services, async (args, messenger) => {
      const id = alertId.safeParse(args.action.value);
      if (!id.success) return 'This button is not valid any more.';
      return reply(await services.alerts.startFix(id.data, args.body.user.id, messenger));
    }),
  );
}
