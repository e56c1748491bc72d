import type { Config } from '../config';
import { decryptSecret } from '../security/crypto';
import { tokenFingerprint, tokenHash } from '../security/tokens';
import type { Store } from '../store/store';

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
  ) {}

  /** Records the NOTION_TOKEN fingerprint (never the token) so history and reports can name it. */
  syncEnvToken(now = Date.now()): void {
    const token = this.config.notion.defaultToken;
    const existing = this.store.getConnection(DEFAULT_CONNECTION);
    if (!token || existing?.source === 'slack') return;
    if (existing?.tokenHash === tokenHash(token)) return;
    this.store.saveConnection({
      name: DEFAULT_CONNECTION,
      source: 'env',
      tokenCiphertext: null,
      tokenFingerprint: tokenFingerprint(token),
      tokenHash: tokenHash(token),
      updatedBy: null,
      updatedAt: now,
    });
  }

  resolve(name: string): ResolvedConnection {
    const row = this.store.getConnection(name);
    if (row?.source === 'slack' && row.tokenCiphertext && this.config.encryptionKey) {
      const token = decryptSecret(row.tokenCiphertext, this.config.encryptionKey);
      return { name, token, fingerprint: tokenFingerprint(token), source: 'slack' };
    }
    const envToken = name === DEFAULT_CONNECTION ? this.config.notion.defaultToken : undefined;
    if (envToken) {
      return { name, token: envToken, fingerprint: tokenFingerprint(envToken), source: 'env' };
    }
    return { name };
  }
}
