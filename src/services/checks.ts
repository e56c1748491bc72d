import {
  type CheckRun,
  type ResourceCheck,
  type TokenCheck,
  uncheckedResources,
} from '../domain/check';
import { diagnosisOf } from '../domain/diagnosis';
import { type Outcome, refuse } from '../domain/outcome';
import type { Logger } from '../logger';
import { checkResource, checkToken } from '../notion/check';
import { createNotionClient } from '../notion/client';
import {
  checkDeadlineMs,
  MAX_IN_FLIGHT_PER_CHECK,
  mapLimited,
  type Priority,
  type RateLimiter,
} from '../notion/pacing';
import type { Repos } from '../store/store';
import { CheckSession } from './checkSession';
import type { Connections } from './connections';

export interface CheckRequest {
  connection: string;
  targets: string[];
  channelId?: string;
  userId?: string;
  /** 'background' for monitor sweeps: they yield to people waiting in Slack. */
  priority?: Priority;
}

export interface CheckServiceDeps {
  connections: Connections;
  store: Repos;
  limiter: RateLimiter;
  notionApiUrl: string;
  logger: Logger;
  /** Overrides the deadline rule (tests and benchmarks). */
  deadlineMs?: number;
  now?: () => number;
}

/**
 * Fair use of a token's Notion budget: a person may have this many checks waiting at once, a
 * channel this many; more is refused at once ("busy") instead of queued to time out.
 */
export const MAX_CHECKS_PER_USER = 3;
export const MAX_CHECKS_PER_CHANNEL = 6;

/** How many checks each person and channel has running now. */
class Running {
  private readonly counts = new Map<string, number>();
  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }
  add(key: string, delta: number): void {
    const next = this.get(key) + delta;
    if (next > 0) this.counts.set(key, next);
    else this.counts.delete(key);
  }
}

/** Runs one check (token first, then every target) and records it in the history. */
export class CheckService {
  private readonly now: () => number;
  private readonly running = new Running();

  constructor(private readonly deps: CheckServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  /**
   * A check someone asked for in Slack: refused at once when they (or their channel) already
   * have too many waiting, so one member can never hold everyone else's checks back.
   */
  async check(request: CheckRequest): Promise<Outcome<{ run: CheckRun }>> {
    const admitted = this.admit(request);
    return admitted.ok ? { ok: true, run: await admitted.start() } : admitted;
  }

  /**
   * The fair-use decision alone, synchronously (a slash command says "busy" in its ack);
   * `start()` then runs the check, counted against its person and channel until it ends.
   */
  admit(request: CheckRequest): Outcome<{ start: () => Promise<CheckRun> }> {
    const user = request.userId && `user:${request.userId}`;
    const channel = request.channelId && `channel:${request.channelId}`;
    if (user && this.running.get(user) >= MAX_CHECKS_PER_USER) {
      return refuse({ reason: 'too_many_checks', scope: 'user', waiting: this.running.get(user) });
    }
    if (channel && this.running.get(channel) >= MAX_CHECKS_PER_CHANNEL) {
      const waiting = this.running.get(channel);
      return refuse({ reason: 'too_many_checks', scope: 'channel', waiting });
    }
    const keys = [user, channel].filter((key): key is string => Boolean(key));
    for (const key of keys) this.running.add(key, 1);
    const start = async () => {
      try {
        return await this.run(request);
      } finally {
        for (const key of keys) this.running.add(key, -1);
      }
    };
    return { ok: true, start };
  }

  /** One check, no fair-use limit (the monitor's sweeps: they already yield to people). */
  async run(request: CheckRequest): Promise<CheckRun> {
    const startedAt = this.now();
    const connection = await this.deps.connections.resolve(request.connection);
    let token: TokenCheck;
    let resources: ResourceCheck[];

    if (!connection.token) {
      token = { diagnosis: diagnosisOf('token_missing') };
      resources = uncheckedResources(request.targets, token.diagnosis);
    } else {
      const deadlineMs = this.deps.deadlineMs ?? checkDeadlineMs(request.targets.length);
      const client = createNotionClient(connection.token, {
        baseUrl: this.deps.notionApiUrl,
        limiter: this.deps.limiter,
        deadline: startedAt + deadlineMs,
        logger: this.deps.logger,
        priority: request.priority,
        order: startedAt,
        // People take turns for the token's slots: one member's queue never blocks another's.
        owner: request.userId ?? (request.channelId ? `#${request.channelId}` : undefined),
      });
      token = await checkToken(client);
      // A bad token or an outage fails every resource the same way: don't spend requests on it.
      resources =
        token.diagnosis.kind === 'ok'
          ? await mapLimited(request.targets, MAX_IN_FLIGHT_PER_CHECK, (input) =>
              checkResource(client, input),
            )
          : uncheckedResources(request.targets, token.diagnosis);
    }

    const run: CheckRun = {
      connection: connection.name,
      fingerprint: connection.fingerprint,
      integration: token.integration,
      token,
      resources,
      startedAt,
      durationMs: this.now() - startedAt,
      compromised: await this.compromised(connection.name),
    };
    await this.record(run, request);
    await this.rememberIdentity(run);
    return run;
  }

  /** users.me named the integration: messages about the connection can name it too. */
  private async rememberIdentity(run: CheckRun): Promise<void> {
    if (run.token.diagnosis.kind !== 'ok' || !run.integration) return;
    try {
      await this.deps.store.connections.saveIdentity(run.connection, {
        integrationName: run.integration.name,
        workspaceName: run.integration.workspaceName,
      });
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'could not record the integration name');
    }
  }

  /**
   * Steps on one connection's token whose targets come as it goes (the monitor's inventory:
   * users.me, the listing, then direct checks of what it did not show), paced like every check.
   * `finish` records the run in the history, as run() does.
   */
  async session(connection: string, priority: Priority = 'background'): Promise<CheckSession> {
    const resolved = await this.deps.connections.resolve(connection);
    return new CheckSession({
      connection: resolved,
      limiter: this.deps.limiter,
      notionApiUrl: this.deps.notionApiUrl,
      logger: this.deps.logger,
      priority,
      deadlineMs: this.deps.deadlineMs,
      deadlineFor: checkDeadlineMs,
      now: this.now,
      record: async (run) => {
        await this.record(run, { connection, targets: [], priority });
        await this.rememberIdentity(run);
      },
      compromised: () => this.compromised(resolved.name),
    });
  }

  private async compromised(connection: string): Promise<boolean> {
    try {
      return await this.deps.store.connections.isCompromised(connection);
    } catch {
      return false; // the database failure is logged where it matters (history, connections)
    }
  }

  private async record(run: CheckRun, request: CheckRequest): Promise<void> {
    const base = {
      checkedAt: run.startedAt,
      connection: run.connection,
      durationMs: run.durationMs,
      channelId: request.channelId,
      userId: request.userId,
    };
    const entries = [
      { target: 'token', targetType: 'token', diagnosis: run.token.diagnosis },
      ...run.resources.map((resource) => ({
        target: resource.id ?? resource.input.slice(0, 200),
        targetType: resource.type,
        diagnosis: resource.diagnosis,
      })),
    ].map(({ target, targetType, diagnosis }) => ({
      ...base,
      target,
      targetType,
      category: diagnosis.category,
      diagnosisKind: diagnosis.kind,
      httpStatus: diagnosis.detail.status,
      requestId: diagnosis.detail.requestId,
    }));
    try {
      await this.deps.store.history.record(entries);
    } catch (error) {
      // History is diagnostic only: a full disk must not cost the user their report.
      this.deps.logger.error({ err: error }, 'could not record check history');
    }
  }
}
