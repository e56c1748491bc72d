import type { Config } from '../config';
import { type Connection, type ConnectionIdentity, DEFAULT_CONNECTION } from '../domain/connection';
import type { Logger } from '../logger';
import { encryptSecret, openSealed } from '../security/crypto';
import { tokenFingerprint, tokenHash } from '../security/tokens';
import type { Repos } from '../store/store';

export interface ResolvedConnection {
  name: string;
  token?: string;
  fingerprint?: string;
  source?: 'env' | 'slack';
}

/**
 * Where a connection's token comes from: saved from Slack (encrypted) or NOTION_TOKEN. Which
 * connections exist, which one a channel uses and removing one: services/connectionDirectory.ts.
 */
export class Connections {
  constructor(
    private readonly store: Repos,
    private readonly config: Pick<Config, 'notion' | 'encryptionKey' | 'previousEncryptionKey'>,
    private readonly logger?: Logger,
  ) {}

  /** Records the NOTION_TOKEN fingerprint (never the token) so history and reports can name it. */
  async syncEnvToken(now = Date.now()): Promise<void> {
    const token = this.config.notion.defaultToken;
    const existing = await this.store.connections.get(DEFAULT_CONNECTION);
    if (!token) return;
    // A token saved from Slack wins, until NOTION_TOKEN itself changes: then .env is newer.
    if (existing?.source === 'slack' && existing.envTokenHash === tokenHash(token)) return;
    if (existing?.source === 'env' && existing.tokenHash === tokenHash(token)) return;
    await this.store.connections.save({
      name: DEFAULT_CONNECTION,
      source: 'env',
      tokenFingerprint: tokenFingerprint(token),
      tokenHash: tokenHash(token),
      updatedAt: now,
    });
    await this.store.connections.markCompromised(DEFAULT_CONNECTION, undefined);
  }

  /**
   * Encrypts and stores a token given in Slack; throws when no ENCRYPTION_KEY is set. `repos`:
   * a transaction's, to save as part of it.
   */
  async saveFromSlack(
    name: string,
    token: string,
    userId: string,
    now = Date.now(),
    repos: Repos = this.store,
  ): Promise<void> {
    if (!this.config.encryptionKey) throw new Error('ENCRYPTION_KEY is not set');
    const envToken = name === DEFAULT_CONNECTION ? this.config.notion.defaultToken : undefined;
    await repos.connections.save({
      name,
      source: 'slack',
      tokenCiphertext: encryptSecret(token, this.config.encryptionKey),
      tokenFingerprint: tokenFingerprint(token),
      tokenHash: tokenHash(token),
      updatedBy: userId,
      updatedAt: now,
      envTokenHash: envToken ? tokenHash(envToken) : undefined,
    });
    await repos.connections.markCompromised(name, undefined);
  }

  async rememberIdentity(
    name: string,
    identity: ConnectionIdentity,
    repos: Repos = this.store,
  ): Promise<void> {
    await repos.connections.saveIdentity(name, identity);
  }

  /** The token saved from Slack and the key that opened it; undefined when no key can. */
  private decryptSaved(
    row: Connection | undefined,
  ): { token: string; withPrevious: boolean } | undefined {
    if (row?.source !== 'slack' || !row.tokenCiphertext) return undefined;
    const opened = openSealed(row.tokenCiphertext, [
      this.config.encryptionKey,
      this.config.previousEncryptionKey,
    ]);
    if (opened) return { token: opened.plain, withPrevious: opened.withPrevious };
    this.logger?.error(
      { connection: row.name },
      'the token saved from Slack cannot be decrypted: was ENCRYPTION_KEY changed without setting ENCRYPTION_KEY_PREVIOUS? Set the token again with /notion-check token',
    );
    return undefined;
  }

  /**
   * After an ENCRYPTION_KEY rotation, re-encrypts every saved token still sealed with
   * ENCRYPTION_KEY_PREVIOUS, so the old key can then be dropped. Returns how many.
   */
  async reencryptWithCurrentKey(): Promise<number> {
    const key = this.config.encryptionKey;
    if (!key || !this.config.previousEncryptionKey) return 0;
    let count = 0;
    for (const row of await this.store.connections.list()) {
      const saved = this.decryptSaved(row);
      if (!saved?.withPrevious) continue;
      await this.store.connections.save({
        ...row,
        tokenCiphertext: encryptSecret(saved.token, key),
      });
      count++;
    }
    return count;
  }

  /** The stored row; when the database fails, NOTION_TOKEN still works (and the failure is logged). */
  private async readRow(name: string): Promise<Connection | undefined> {
    try {
      return await this.store.connections.get(name);
    } catch (error) {
      this.logger?.error(
        { err: error, connection: name },
        'database unavailable: using NOTION_TOKEN',
      );
      return undefined;
    }
  }

  /** The hash of the token the connection uses now (to tell a rotated token from a leaked one). */
  async currentTokenHash(name: string): Promise<string | undefined> {
    const token = (await this.resolve(name)).token;
    return token ? tokenHash(token) : undefined;
  }

  async resolve(name: string): Promise<ResolvedConnection> {
    const row = await this.readRow(name);
    const saved = this.decryptSaved(row)?.token;
    if (saved) return { name, token: saved, fingerprint: tokenFingerprint(saved), source: 'slack' };
    const envToken = name === DEFAULT_CONNECTION ? this.config.notion.defaultToken : undefined;
    if (envToken) {
      return { name, token: envToken, fingerprint: tokenFingerprint(envToken), source: 'env' };
    }
    return { name };
  }
}
