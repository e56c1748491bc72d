import type { IntegrationInfo } from '../notion/check';
import { checkToken } from '../notion/check';
import { createNotionClient } from '../notion/client';
import type { RateLimiter } from '../notion/pacing';
import { tokenFingerprint } from '../security/tokens';
import type { Connections } from './connections';

/** A view submission must be answered within 3 s, including our users.me round trip. */
const VERIFY_DEADLINE_MS = 2_200;

const SHAPES = [/^secret_[A-Za-z0-9]{43}$/, /^ntn_[0-9]{11}[A-Za-z0-9]{35}$/];

export type TokenVerdict =
  | { ok: true; integration: IntegrationInfo; fingerprint: string }
  | { ok: false; message: string };

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

  /** A typo or a truncated paste is caught here, before asking Notion. */
  shapeProblem(token: string): string | undefined {
    if (SHAPES.some((shape) => shape.test(token))) return undefined;
    return 'That is not a Notion token: it starts with ntn_ followed by 46 letters and digits (older ones: secret_ and 43). Copy it again with the Copy button at notion.so/my-integrations.';
  }

  async verify(token: string): Promise<TokenVerdict> {
    const client = createNotionClient(token, {
      baseUrl: this.deps.notionApiUrl,
      limiter: this.deps.limiter,
      deadline: Date.now() + VERIFY_DEADLINE_MS,
      requestTimeoutMs: VERIFY_DEADLINE_MS,
    });
    const result = await checkToken(client);
    if (result.diagnosis.kind === 'ok' && result.integration) {
      return { ok: true, integration: result.integration, fingerprint: tokenFingerprint(token) };
    }
    if (result.diagnosis.kind === 'token_invalid') {
      return {
        ok: false,
        message:
          'Notion refused this token (401 unauthorized): it was revoked, regenerated again, or its integration deleted. Copy the current one from notion.so/my-integrations.',
      };
    }
    return {
      ok: false,
      message: `Could not verify the token with Notion: ${result.diagnosis.title}. Nothing was saved; try again in a minute.`,
    };
  }

  save(connection: string, token: string, userId: string): void {
    this.deps.connections.saveFromSlack(connection, token, userId);
  }
}
