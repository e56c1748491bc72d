import type { Logger } from '../logger';
import type { Repos } from '../store/store';

/**
 * Slack says the app left the workspace (`app_uninstalled`, or its bot token was revoked):
 * everything the workspace gave the bot goes — its connections and their Notion tokens,
 * watches, alerts, walkthroughs, history, de-duplication keys and its installation.
 */
export class Uninstaller {
  constructor(
    private readonly deps: {
      store: Repos;
      logger: Logger;
      /** Drops what this process keeps of the workspace (its Slack clients). */
      forgotten: () => void;
    },
  ) {}

  async forget(reason: 'app_uninstalled' | 'tokens_revoked'): Promise<void> {
    const { store, logger } = this.deps;
    const rows = await store.forgetTeam();
    this.deps.forgotten();
    logger.info({ teamId: store.team || undefined, reason, rows }, "deleted a workspace's data");
  }
}
