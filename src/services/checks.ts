import {
  type CheckRun,
  type ResourceCheck,
  type TokenCheck,
  uncheckedResources,
} from '../domain/check';
import { diagnosisOf } from '../domain/diagnosis';
import type { Logger } from '../logger';
import { checkResource, checkToken } from '../notion/check';
import { createNotionClient } from '../notion/client';
import type { Priority, RateLimiter } from '../notion/pacing';
import type { Store } from '../store/store';
import type { Connections } from './connections';

/**
 * How long a check may take before the report goes out anyway: 25 s, plus a second per target
 * (Notion answers about three requests a second per token).
 */
export function checkDeadlineMs(targets: number): number {
  return 25_000 + targets * 1_000;
}

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
  store: Store;
  limiter: RateLimiter;
  notionApiUrl: string;
  logger: Logger;
  /** Overrides the deadline rule (tests and benchmarks). */
  deadlineMs?: number;
  now?: () => number;
}

/** Runs one check (token first, then every target) and records it in the history. */
export class CheckService {
  private readonly now: () => number;

  constructor(private readonly deps: CheckServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  async run(request: CheckRequest): Promise<CheckRun> {
    const startedAt = this.now();
    const connection = this.deps.connections.resolve(request.connection);
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
      });
      token = await checkToken(client);
      // A bad token or an outage fails every resource the same way: don't spend requests on it.
      resources =
        token.diagnosis.kind === 'ok'
          ? await Promise.all(request.targets.map((input) => checkResource(client, input)))
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
      compromised: this.compromised(connection.name),
    };
    this.record(run, request);
    return run;
  }

  private compromised(connection: string): boolean {
    try {
      return this.deps.store.connections.isCompromised(connection);
    } catch {
      return false; // the database failure is logged where it matters (history, connections)
    }
  }

  private record(run: CheckRun, request: CheckRequest): void {
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
      this.deps.store.history.record(entries);
    } catch (error) {
      // History is diagnostic only: a full disk must not cost the user their report.
      this.deps.logger.error({ err: error }, 'could not record check history');
    }
  }
}
