import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { Services } from '../../services';

/** The app was uninstalled from the workspace: its data goes (services/uninstall.ts). */
export function uninstalled(services: Services) {
  return async (_args: SlackEventMiddlewareArgs<'app_uninstalled'> & AllMiddlewareArgs) => {
    await services.uninstall.forget('app_uninstalled');
  };
}

/**
 * Tokens were revoked. Only a revoked bot token ends the installation (the app holds no user
 * tokens): then the workspace's data goes as on uninstall.
 */
export function tokensRevoked(services: Services) {
  return async ({ event }: SlackEventMiddlewareArgs<'tokens_revoked'> & AllMiddlewareArgs) => {
    if ((event.tokens.bot ?? []).length === 0) return;
    await services.uninstall.forget('tokens_revoked');
  };
}
