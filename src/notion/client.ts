import { Client } from '@notionhq/client';
import type { Logger } from '../logger';
import { tokenHash } from '../security/tokens';
import {
  type Clock,
  DeadlineExceededError,
  type Priority,
  type RateLimiter,
  systemClock,
} from './pacing';

type SupportedFetch = NonNullable<NonNullable<ConstructorParameters<typeof Client>[0]>['fetch']>;

/**
 * Notion kept answering 429 or 5xx and the SDK's next retry would start after the deadline:
 * the verdict is Notion's last answer, not our queue.
 */
export class RetriesPastDeadlineError extends Error {
  constructor(
    readonly status: number,
    readonly requestId: string | undefined,
  ) {
    super(`Notion answered ${status}; no time left to retry`);
    this.name = 'RetriesPastDeadlineError';
  }
}

/** Notion answered 429 and asked us to wait longer than the check may still take. */
export class RateLimitedPastDeadlineError extends Error {
  constructor(
    readonly retryAfterMs: number,
    readonly requestId: string | undefined,
    /** When Notion will answer again (epoch ms): "retry at 14:05". */
    readonly retryAt?: number,
  ) {
    super(`Notion asked us to wait ${Math.ceil(retryAfterMs / 1000)} s (rate limited)`);
    this.name = 'RateLimitedPastDeadlineError';
  }
}

export interface NotionClientOptions {
  baseUrl: string;
  limiter: RateLimiter;
  /** Epoch ms after which no request starts and no retry is waited for. */
  deadline: number;
  /** Per-request timeout for one HTTP exchange, counted after the pacing slot. */
  requestTimeoutMs?: number;
  /** Background sweeps yield to people waiting in Slack. */
  priority?: Priority;
  /** When the check started: its requests go before those of later checks. */
  order?: number;
  /** Who is waiting (a Slack user, else a channel): people take turns for this token's slots. */
  owner?: string;
  /**
   * How often the SDK retries a 429 or a GET 5xx (default 3). Its back-off sleeps are not
   * bounded by `deadline`, so a short deadline (a modal's 3 s) wants none.
   */
  maxRetries?: number;
  /** The SDK's longest retry back-off (default 30 s); a longer Retry-After is waited in our queue. */
  maxRetryDelayMs?: number;
  logger?: Logger;
  clock?: Clock;
}

function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * A Notion SDK client for one token and one check run. Pacing, the per-request timeout and
 * the run's deadline live in the `fetch` we hand the SDK, so the SDK's own retries (429 with
 * Retry-After, GET 500/503) are paced and bounded too.
 */
export function createNotionClient(token: string, options: NotionClientOptions): Client {
  const clock = options.clock ?? systemClock;
  const key = tokenHash(token);
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;

  // Each request's last 429/5xx answer (the SDK retries with the same method, URL and body):
  // if the retry cannot start in time, that answer is the verdict, not our queue.
  const failures = new Map<string, { status: number; requestId?: string }>();
  const pacedFetch: SupportedFetch = async (url, init) => {
    const request = `${init?.method ?? 'GET'} ${url} ${typeof init?.body === 'string' ? init.body : ''}`;
    const outOfTime = () => {
      const failure = failures.get(request);
      return failure
        ? new RetriesPastDeadlineError(failure.status, failure.requestId)
        : new DeadlineExceededError();
    };
    try {
      await options.limiter.acquire(
        key,
        options.deadline,
        options.priority,
        options.order,
        options.owner,
      );
    } catch (error) {
      throw error instanceof DeadlineExceededError ? outOfTime() : error;
    }
    const remaining = options.deadline - clock.now();
    if (remaining <= 0) throw outOfTime();
    const response = await fetch(url, {
      method: init?.method,
      headers: init?.headers,
      body: init?.body,
      signal: AbortSignal.timeout(Math.min(requestTimeoutMs, remaining)),
    });
    if (response.status === 429 || response.status >= 500) {
      const requestId = response.headers.get('x-notion-request-id') ?? undefined;
      failures.set(request, { status: response.status, requestId });
    } else {
      failures.delete(request);
    }
    if (response.status === 429) {
      const waitMs = retryAfterMs(response.headers.get('retry-after')) ?? 1_000;
      // Honoured for every request of this token, even past the SDK's 30 s back-off cap: an
      // early retry would only earn another 429.
      options.limiter.pauseUntil(key, clock.now() + waitMs);
      if (clock.now() + waitMs > options.deadline) {
        await response.body?.cancel();
        throw new RateLimitedPastDeadlineError(
          waitMs,
          response.headers.get('x-notion-request-id') ?? undefined,
          clock.now() + waitMs,
        );
      }
    }
    return response;
  };

  return new Client({
    auth: token,
    baseUrl: options.baseUrl,
    fetch: pacedFetch,
    // The SDK's timer also runs while a request waits for its pacing slot, so it must not fire
    // before the run's deadline: the real bounds are the deadline and the AbortSignal above.
    timeoutMs: Math.max(0, options.deadline - clock.now()) + requestTimeoutMs,
    retry: {
      maxRetries: options.maxRetries ?? 3,
      initialRetryDelayMs: 500,
      maxRetryDelayMs: options.maxRetryDelayMs ?? 30_000,
    },
    logger: (level, message, extra) =>
      options.logger?.debug({ notion: { level, extra } }, `notion sdk: ${message}`),
  });
}
