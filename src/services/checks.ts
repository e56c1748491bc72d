import type { Logger } from '../logger';
import {
  checkResource,
  checkToken,
  type IntegrationInfo,
  type ResourceCheck,
  type TokenCheck,
} from '../notion/check';
import { createNotionClient } from '../notion/client';
import { type Diagnosis, diagnosis } from '../notion/diagnose';
import type { Priority, RateLimiter } from '../notion/pacing';
import type { Store } from '../store/store';
import type { Connections } from './connections';

/** A check gives up on Notion after this long, so the report always comes. */
export const CHECK_DEADLINE_MS = 25_000;

export interface CheckRun {
  connection: string;
  fingerprint?: string;
  integration?: IntegrationInfo;
  token: TokenCheck;
  resources: ResourceCheck[];
  startedAt: number;
  durationMs: number;
  /** The token was seen pasted in Slack and has not been replaced since. */
  compromised?: boolean;
}

export interface CheckRequest {
  connection: string;
  targets: string[];
  channelId?: string;
  userId?: string;
  /** Overrides the 25 s deadline (a monitor sweep of many watches needs longer). */
  deadlineMs?: number;
  /** 'background' for monitor sweeps: they yield to people waiting in Slack. */
  priority?: Priority;
}

export interface CheckServiceDeps {
  connections: Connections;
  store: Store;
  limiter: RateLimiter;
  notionApiUrl: string;
  logger: Logger;
  deadlineMs?: number;
}

function unchecked(targets: string[], cause: Diagnosis): ResourceCheck[] {
  return targets.map((input) => ({ input, type: 'unknown', inTrash: false, diagnosis: cause }));
}

/** Runs one check (token first, then every target) and records it in the history. */
export class CheckService {
  constructor(private readonly deps: CheckServiceDeps) {}

  async run(request: CheckRequest): Promise<CheckRun> {
    const startedAt = Date.now();
    const connection = this.deps.connections.resolve(request.connection);
    let token: TokenCheck;
    let resources: ResourceCheck[];

    if (!connection.token) {
      token = { diagnosis: diagnosis('token_missing') };
      resources = unchecked(request.targets, token.diagnosis);
    } else {
      const client = createNotionClient(connection.token, {
        baseUrl: this.deps.notionApiUrl,
        limiter: this.deps.limiter,
        deadline: startedAt + (request.deadlineMs ?? this.deps.deadlineMs ?? CHECK_DEADLINE_MS),
        logger: this.deps.logger,
        priority: request.priority,
        order: startedAt,
      });
      token = await checkToken(client);
      // A bad token or an outage fails every resource the same way: don't spend requests on it.
      resources =
        token.diagnosis.kind === 'ok'
          ? await Promise.all(request.targets.map((input) => checkResource(client, input)))
          : unchecked(request.targets, token.diagnosis);
    }

    const run: CheckRun = {
      connection: connection.name,
      fingerprint: connection.fingerprint,
      integration: token.integration,
      token,
      resources,
      startedAt,
      durationMs: Date.now() - startedAt,
      compromised: this.compromised(connection.name),
    };
    this.record(run, request);
    return run;
  }

  private compromised(connection: string): boolean {
    try {
      return this.deps.store.isCompromised(connection);
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
    ].map(({ target, targetType, diagnosis: result }) => ({
      ...base,
      target,
      targetType,
      category: result.category,
      diagnosisKind: result.kind,
      httpStatus: result.detail.status,
      requestId: result.detail.requestId,
    }));
    try {
      this.deps.store.recordChecks(entries);
    } catch (error) {
      // History is diagnostic only: a full disk must not cost the user their report.
      this.deps.logger.error({ err: error }, 'could not record check history');
    }
  }
}
