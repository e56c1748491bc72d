import type { Client } from '@notionhq/client';
import type { CheckRun, ResourceCheck, TokenCheck } from '../domain/check';
import { type Diagnosis, diagnosisOf } from '../domain/diagnosis';
import type { InventoryItem } from '../domain/inventory';
import type { Logger } from '../logger';
import { checkKnown, checkResource, checkToken } from '../notion/check';
import { createNotionClient } from '../notion/client';
import { diagnoseError } from '../notion/diagnose';
import type { Priority, RateLimiter } from '../notion/pacing';
import { listVisible } from '../notion/search';
import type { ResolvedConnection } from './connections';

/** What a listing found; `failure` when its first request failed (then nothing was listed). */
export interface Listing {
  items: InventoryItem[];
  complete: boolean;
  failure?: Diagnosis;
}

/** A listing's budget: at least this many requests' worth of time (10,000 items is 100). */
const MIN_LISTING_REQUESTS = 100;

export interface CheckSessionDeps {
  connection: ResolvedConnection;
  limiter: RateLimiter;
  notionApiUrl: string;
  logger: Logger;
  priority: Priority;
  /** A fixed deadline per step (tests); otherwise the deadline rule of checks. */
  deadlineMs?: number;
  deadlineFor: (requests: number) => number;
  now: () => number;
  /** Records a finished run in the history (and what users.me said), as CheckService does. */
  record: (run: CheckRun) => Promise<void>;
  /** Whether the token was seen pasted in Slack. */
  compromised: () => Promise<boolean>;
}

/**
 * Several steps on one connection's token whose targets are only known as it goes (the monitor
 * lists the inventory, then checks what the listing did not show): every request paced by the
 * token's limiter like every other check, each step with its own deadline.
 */
export class CheckSession {
  private readonly startedAt: number;

  constructor(private readonly deps: CheckSessionDeps) {
    this.startedAt = deps.now();
  }

  get connection(): string {
    return this.deps.connection.name;
  }

  get fingerprint(): string | undefined {
    return this.deps.connection.fingerprint;
  }

  private client(requests: number): Client | undefined {
    const { token } = this.deps.connection;
    if (!token) return undefined;
    const deadlineMs = this.deps.deadlineMs ?? this.deps.deadlineFor(requests);
    return createNotionClient(token, {
      baseUrl: this.deps.notionApiUrl,
      limiter: this.deps.limiter,
      deadline: this.deps.now() + deadlineMs,
      logger: this.deps.logger,
      priority: this.deps.priority,
      order: this.startedAt,
    });
  }

  /** users.me: token_missing when the connection has no token. */
  async checkToken(): Promise<TokenCheck> {
    const client = this.client(1);
    return client ? checkToken(client) : { diagnosis: diagnosisOf('token_missing') };
  }

  /** Everything search lists, every cursor; `expected` (items known) sizes the deadline. */
  async list(expected: number): Promise<Listing> {
    const client = this.client(Math.max(MIN_LISTING_REQUESTS, 2 * Math.ceil(expected / 100) + 1));
    if (!client) return { items: [], complete: false, failure: diagnosisOf('token_missing') };
    try {
      const { items, complete } = await listVisible(client);
      return { items, complete };
    } catch (error) {
      return { items: [], complete: false, failure: diagnoseError(error) };
    }
  }

  /** One direct request per known item, to the endpoint of its type. */
  async checkItems(items: readonly Pick<InventoryItem, 'id' | 'type'>[]): Promise<ResourceCheck[]> {
    if (items.length === 0) return [];
    const client = this.client(items.length);
    if (!client) return [];
    return Promise.all(items.map((item) => checkKnown(client, item.id, item.type)));
  }

  /** Links or ids of unknown type, as a check from Slack does them. */
  async checkTargets(targets: readonly string[]): Promise<ResourceCheck[]> {
    if (targets.length === 0) return [];
    const client = this.client(2 * targets.length);
    if (!client) return [];
    return Promise.all(targets.map((target) => checkResource(client, target)));
  }

  /** The run to hand on (and record in the history): the token and the resources checked. */
  async finish(token: TokenCheck, resources: ResourceCheck[]): Promise<CheckRun> {
    const run: CheckRun = {
      connection: this.connection,
      fingerprint: this.fingerprint,
      integration: token.integration,
      token,
      resources,
      startedAt: this.startedAt,
      durationMs: this.deps.now() - this.startedAt,
      compromised: await this.deps.compromised(),
    };
    await this.deps.record(run);
    return run;
  }
}
