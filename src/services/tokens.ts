import type { IntegrationInfo } from '../domain/check';
import { type Outcome, refuse } from '../domain/outcome';
import { checkToken } from '../notion/check';
import { createNotionClient } from '../notion/client';
import type { RateLimiter } from '../notion/pacing';
import { isNotionToken, tokenFingerprint } from '../security/tokens';
import type { Repos } from '../store/store';
import type { Connections } from './connections';

/** A view submission must be answered within 3 s, including our users.me round trip. */
const VERIFY_DEADLINE_MS = 2_200;

export interface TokenServiceDeps {
  connections: Connections;
  limiter: RateLimiter;
  notionApiUrl: string;
  savingEnabled: boolean;
}

/** Checks a token someone typed into the token modal, then stores it encrypted. */
export class TokenService {
  constructor(private readonly deps: TokenServiceDeps) {}

  get savingEnabled(): boolean {
    return this.deps.savingEnabled;
  }

  /** A typo or a truncated paste is refused before asking Notion; then users.me decides. */
  async verify(
    token: string,
  ): Promise<Outcome<{ integration: IntegrationInfo; fingerprint: string }>> {
    if (!isNotionToken(token)) return refuse({ reason: 'token_shape' });
    const client = createNotionClient(token, {
      baseUrl: this.deps.notionApiUrl,
      limiter: this.deps.limiter,
      deadline: Date.now() + VERIFY_DEADLINE_MS,
      requestTimeoutMs: VERIFY_DEADLINE_MS,
      // A view submission is answered within 3 s: no back-off, the person can press again.
      maxRetries: 0,
    });
    const result = await checkToken(client);
    if (result.diagnosis.kind === 'ok' && result.integration) {
      return { ok: true, integration: result.integration, fingerprint: tokenFingerprint(token) };
    }
    if (result.diagnosis.kind === 'token_invalid') return refuse({ reason: 'token_refused' });
    return refuse({ reason: 'inconclusive', diagnosis: result.diagnosis, during: 'token' });
  }

  /**
   * Seals and stores the token; a new name creates the connection. `integration` from verify().
   * `repos`: a transaction's, to save as part of it.
   */
  async save(
    connection: string,
    token: string,
    userId: string,
    integration?: IntegrationInfo,
    repos?: Repos,
  ): Promise<void> {
    await this.deps.connections.saveFromSlack(connection, token, userId, Date.now(), repos);
    if (integration) {
      await this.deps.connections.rememberIdentity(
        connection,
        { integrationName: integration.name, workspaceName: integration.workspaceName },
        repos,
      );
    }
  }
}
