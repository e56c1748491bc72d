import type { Installation, InstallationQuery, InstallationStore } from '@slack/oauth';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { encryptSecret, openSealed } from '../security/crypto';
import { isDatabaseUnavailable } from '../store/sql';
import type { Store } from '../store/store';

/** The bot scopes an OAuth install asks for: manifest.yml's (test/unit/manifest.test.ts). */
export const BOT_SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'users:read',
  'channels:read',
  'groups:read',
  'channels:history',
  'groups:history',
  'im:history',
];

/**
 * Bolt's InstallationStore on our database: one row per workspace, the whole Installation
 * (bot token included) encrypted with ENCRYPTION_KEY like Notion tokens. Org-wide (Enterprise
 * Grid) installs are refused: each workspace installs the app itself.
 */
export class SlackInstallations implements InstallationStore {
  /** Each workspace's installation as last read here (see fetchInstallation). */
  private readonly lastKnown = new Map<string, Installation<'v1' | 'v2', boolean>>();

  constructor(
    private readonly store: Store,
    private readonly config: Pick<Config, 'encryptionKey' | 'previousEncryptionKey'>,
    private readonly logger: Logger,
  ) {}

  async storeInstallation(installation: Installation<'v1' | 'v2', boolean>): Promise<void> {
    const teamId = installation.team?.id;
    if (installation.isEnterpriseInstall || !teamId) {
      throw new Error(
        'org-wide installs are not supported: install notion-check into each workspace',
      );
    }
    const key = this.config.encryptionKey;
    if (!key) throw new Error('ENCRYPTION_KEY is not set: bot tokens cannot be saved');
    await this.store.installations.save(
      {
        teamId,
        enterpriseId: installation.enterprise?.id,
        ciphertext: encryptSecret(JSON.stringify(installation), key),
      },
      Date.now(),
    );
    this.logger.info({ teamId }, 'installed into a workspace');
  }

  /**
   * Bolt's authorize, for every request. While the database is unavailable, the installation
   * this process last read for the workspace stands in: the request then reaches the listeners,
   * whose answer is "try again in a minute" (listeners/databaseDown.ts), instead of Bolt
   * dropping it as unauthorized.
   */
  async fetchInstallation(
    query: InstallationQuery<boolean>,
  ): Promise<Installation<'v1' | 'v2', boolean>> {
    const { teamId } = query;
    if (!teamId) throw new Error('no installation for a request without a workspace');
    let installation: Installation<'v1' | 'v2', boolean> | undefined;
    try {
      installation = await this.find(teamId);
    } catch (error) {
      const known = this.lastKnown.get(teamId);
      if (isDatabaseUnavailable(error) && known) return known;
      throw error;
    }
    if (!installation) {
      this.lastKnown.delete(teamId);
      throw new Error(`no installation for workspace ${teamId}`);
    }
    this.lastKnown.set(teamId, installation);
    return installation;
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    if (!query.teamId) return;
    this.lastKnown.delete(query.teamId);
    await this.store.installations.delete(query.teamId);
  }

  /** The workspace's data was deleted (uninstalled): its installation stands in no more. */
  forget(teamId: string): void {
    this.lastKnown.delete(teamId);
  }

  /** The workspace's installation; undefined when it has none (or its row cannot be opened). */
  async find(teamId: string): Promise<Installation<'v1' | 'v2', boolean> | undefined> {
    const row = await this.store.installations.get(teamId);
    if (!row) return undefined;
    const opened = this.open(teamId, row.ciphertext);
    return opened && (JSON.parse(opened.plain) as Installation<'v1' | 'v2', boolean>);
  }

  /** The workspace's bot token, for work no Slack request started (the monitor's posts). */
  async botToken(teamId: string): Promise<string | undefined> {
    return (await this.find(teamId))?.bot?.token;
  }

  /** After an ENCRYPTION_KEY rotation: re-encrypts rows still sealed with the previous key. */
  async reencryptWithCurrentKey(): Promise<number> {
    const key = this.config.encryptionKey;
    if (!key || !this.config.previousEncryptionKey) return 0;
    let count = 0;
    for (const row of await this.store.installations.all()) {
      const opened = this.open(row.teamId, row.ciphertext);
      if (!opened?.withPrevious) continue;
      await this.store.installations.save(
        { ...row, ciphertext: encryptSecret(opened.plain, key) },
        Date.now(),
      );
      count++;
    }
    return count;
  }

  private open(teamId: string, ciphertext: string) {
    const opened = openSealed(ciphertext, [
      this.config.encryptionKey,
      this.config.previousEncryptionKey,
    ]);
    if (!opened) {
      this.logger.error(
        { teamId },
        "a workspace's installation cannot be decrypted (was ENCRYPTION_KEY changed without ENCRYPTION_KEY_PREVIOUS?): it must install the app again",
      );
    }
    return opened;
  }
}
