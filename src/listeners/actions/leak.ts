import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import type { Services } from '../../services';
import { LEAK_ACTIONS } from '../../slack/blocks/leak';
import { onButton } from './shared';

const leakId = z.string().regex(/^l[0-9a-f]{16}$/);

/** Start fix under a leaked-token warning: the token-rotation walkthrough in that thread. */
export function registerLeakAction(app: App, services: Services): void {
  app.action<BlockAction<ButtonAction>>(
    LEAK_ACTIONS.startFix,
    onButton(services, async (args, messenger) => {
      const id = leakId.safeParse(args.action.value);
      const channel = args.body.channel?.id ?? args.body.container?.channel_id;
      const message = args.body.message;
      if (!id.success || !channel || !message) return 'This button is not valid any more.';
      const threadTs = z.string().catch(message.ts).parse(message.thread_ts);
      return services.leaks.startFix(
        id.data,
        { channel, ts: threadTs, userId: args.body.user.id },
        messenger,
      );
    }),
  );
}
