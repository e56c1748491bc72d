import type { Config } from '../config';
import type { Logger } from '../logger';
import { decryptSecret, encryptSecret } from '../security/crypto';
import { tokenFingerprint, tokenHash } from '../security/tokens';
import type { ConnectionRow, Store } from '../store/store';

export const DEFAULT_CONNECTION = 'default';

export interface ResolvedConnection {
  name: string;
  token?: string;
  fingerprint?: string;
  source?: 'env' | 'slack';
}

/** Where a connection's token comes from: saved from Slack (encrypted) or NOTION_TOKEN. */
export class Connections {
  constructor(
    private readonly store: Store,
    private readonly config: Pick<Config, 'notion' | 'encryptionKey'>,
    private readonly logger?: Logger,
  ) {}

  /** Records the NOTION_TOKEN fingerprint (never the token) so history and reports can name it. */
  syncEnvToken(now = Date.now()): void {
    const token = this.config.notion.defaultToken;
    const existing = this.store.getConnection(DEFAULT_CONNECTION);
    if (!token) return;
    // A token saved from Slack wins, until NOTION_TOKEN itself changes: then .env is newer.
    if (existing?.source === 'slack' && existing.envTokenHash === tokenHash(token)) return;
    if (existing?.source === 'env' && existing.tokenHash === tokenHash(token)) return;
    this.store.saveConnection({
      name: DEFAULT_CONNECTION,
      source: 'env',
      tokenCiphertext: null,
      tokenFingerprint: tokenFingerprint(token),
      tokenHash: tokenHash(token),
      updatedBy: null,
      updatedAt: now,
      envTokenHash: null,
    });
  }

  /** Encrypts and stores a token given in Slack; throws when no ENCRYPTION_KEY is set. */
  saveFromSlack(name: string, token: string, userId: string, now = Date.now()): void {
    if (!this.config.encryptionKey) throw new Error('ENCRYPTION_KEY is not set');
    const envToken = name === DEFAULT_CONNECTION ? this.config.notion.defaultToken : undefined;
    this.store.saveConnection({
      name,
      source: 'slack',
      tokenCiphertext: encryptSecret(token, this.config.encryptionKey),
      tokenFingerprint: tokenFingerprint(token),
      tokenHash: tokenHash(token),
      updatedBy: userId,
      updatedAt: now,
      envTokenHash: envToken ? tokenHash(envToken) : null,
    });
  }

  /** The token saved from Slack, or undefined when there is none or ENCRYPTION_KEY can't open it. */
  private decryptSaved(row: ConnectionRow | undefined): string | undefined {
    if (row?.source !== 'slack' || !row.tokenCiphertext || !this.config.encryptionKey)
      return undefined;
    try {
      return decryptSecret(row.tokenCiphertext, this.config.encryptionKey);
    } catch {
      this.logger?.error(
        { connection: row.name },
        'the token saved from Slack cannot be decrypted: was ENCRYPTION_KEY changed? Set the token again with /notion-check token',
      );
      return undefined;
    }
  }

  resolve(name: string): ResolvedConnection {
    const row = this.store.getConnection(name);
    const saved = this.decryptSaved(row);
    if (saved) return { name, token: saved, fingerprint: tokenFingerprint(saved), source: 'slack' };
    const envToken = name === DEFAULT_CONNECTION ? this.config.notion.defaultToken : undefined;
    if (envToken) {
      return { name, token: envToken, fingerprint: tokenFingerprint(envToken), source: 'env' };
    }
    return { name };
  }
}
