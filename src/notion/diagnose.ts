import {
  APIErrorCode,
  APIResponseError,
  ClientErrorCode,
  isHTTPResponseError,
  isNotionClientError,
} from '@notionhq/client';
import { z } from 'zod';
import {
  type Diagnosis,
  type DiagnosisDetail,
  type DiagnosisKind,
  diagnosisOf,
} from '../domain/diagnosis';
import { RateLimitedPastDeadlineError, RetriesPastDeadlineError } from './client';
import { DeadlineExceededError, QueueFullError } from './pacing';

/**
 * Codes Notion sends that the SDK's enum does not know (they arrive as UnknownHTTPResponseError
 * with the JSON body as text): from Notion's published status codes.
 */
const UNTYPED_CODE_KINDS: Record<string, DiagnosisKind> = {
  bad_gateway: 'notion_unavailable',
  service_overload: 'notion_unavailable',
  database_connection_unavailable: 'notion_unavailable',
  // Ours: the request lacked the Notion-Version header (a proxy stripped it, or a bug).
  missing_version: 'unexpected',
  // OAuth: the grant behind the token was revoked or expired.
  invalid_grant: 'token_invalid',
};

/** A Notion error body the SDK did not type: `{ code, message, request_id }`. */
const untypedBody = z
  .object({ code: z.string(), message: z.string().optional(), request_id: z.string().optional() })
  .loose();

function readUntypedBody(body: unknown) {
  if (typeof body !== 'string') return undefined;
  try {
    const parsed = untypedBody.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const rateLimitData = z.object({ rate_limit_reason: z.string().max(200) }).loose();

const API_CODE_KINDS: Record<APIErrorCode, DiagnosisKind> = {
  [APIErrorCode.Unauthorized]: 'token_invalid',
  [APIErrorCode.RestrictedResource]: 'restricted',
  [APIErrorCode.ObjectNotFound]: 'not_shared',
  [APIErrorCode.RateLimited]: 'rate_limited',
  [APIErrorCode.ValidationError]: 'invalid_input',
  [APIErrorCode.InvalidRequestURL]: 'invalid_input',
  [APIErrorCode.InvalidJSON]: 'unexpected',
  [APIErrorCode.InvalidRequest]: 'unexpected',
  [APIErrorCode.InvalidBeta]: 'unexpected',
  [APIErrorCode.ConflictError]: 'notion_unavailable',
  [APIErrorCode.InternalServerError]: 'notion_unavailable',
  [APIErrorCode.ServiceOverload]: 'notion_unavailable',
  [APIErrorCode.ServiceUnavailable]: 'notion_unavailable',
  [APIErrorCode.GatewayTimeout]: 'notion_unavailable',
};

function header(headers: unknown, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  if (headers && typeof headers === 'object') {
    const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
    return typeof entry?.[1] === 'string' ? entry[1] : undefined;
  }
  return undefined;
}

const NETWORK_CAUSES: [RegExp, string][] = [
  [/ECONNREFUSED/, 'connection refused'],
  [/ENOTFOUND|EAI_AGAIN/, 'DNS lookup failed'],
  [/ECONNRESET|UND_ERR_SOCKET|EPIPE|other side closed/, 'connection reset'],
  [/CERT|SSL|TLS|self[- ]signed/i, 'TLS/certificate error'],
  [/ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT/, 'connection timed out'],
  [/EHOSTUNREACH|ENETUNREACH/, 'host unreachable'],
];

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
}

/**
 * Reads an error by shape, not `instanceof`: errors made by Node's fetch or AbortSignal can
 * come from another realm (a VM context, a test runner) where `instanceof Error` is false.
 */
function errorLike(error: unknown): ErrorLike | undefined {
  return typeof error === 'object' && error !== null ? (error as ErrorLike) : undefined;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function networkCause(error: ErrorLike): string | undefined {
  const cause = errorLike(error.cause);
  const all = [error.code, error.message, cause?.code, cause?.message].map(text).join(' ');
  return NETWORK_CAUSES.find(([pattern]) => pattern.test(all))?.[1];
}

/** Turns anything a Notion call threw into a Diagnosis; never throws. */
export function diagnoseError(error: unknown): Diagnosis {
  if (error instanceof RateLimitedPastDeadlineError) {
    return diagnosisOf('rate_limited', {
      status: 429,
      code: APIErrorCode.RateLimited,
      message: error.message,
      requestId: error.requestId,
      ...(error.retryAt !== undefined && { retryAt: error.retryAt }),
    });
  }
  if (error instanceof RetriesPastDeadlineError) {
    const kind = error.status === 429 ? 'rate_limited' : 'notion_unavailable';
    return diagnosisOf(kind, { status: error.status, requestId: error.requestId });
  }
  // Our own queue, not Notion: the check waited behind others until its deadline, or the
  // token's queue was full. Never said as "Notion did not answer".
  if (error instanceof DeadlineExceededError || error instanceof QueueFullError) {
    return diagnosisOf('busy', { message: error.message });
  }
  if (isHTTPResponseError(error)) {
    const notionRequestId = error.request_id ?? header(error.headers, 'x-notion-request-id');
    const detail: DiagnosisDetail = {
      status: error.status,
      code: error.code,
      message: error.message,
      requestId: notionRequestId,
    };
    // Cloudflare answers before the request reaches Notion: HTML body, cf-ray, no Notion request id.
    if (error.status === 403 && !notionRequestId && !APIResponseError.isAPIResponseError(error)) {
      return diagnosisOf('edge_blocked', {
        ...detail,
        message: `cf-ray ${error.ray_id ?? 'unknown'}`,
      });
    }
    if (APIResponseError.isAPIResponseError(error)) {
      const reason = rateLimitData.safeParse(error.additional_data);
      if (reason.success) detail.reason = reason.data.rate_limit_reason;
      return diagnosisOf(API_CODE_KINDS[error.code] ?? 'unexpected', detail);
    }
    const untyped = readUntypedBody((error as { body?: unknown }).body);
    if (untyped) {
      detail.code = untyped.code;
      detail.message = untyped.message ?? detail.message;
      detail.requestId = untyped.request_id ?? detail.requestId;
      const kind = UNTYPED_CODE_KINDS[untyped.code];
      if (kind) return diagnosisOf(kind, detail);
    }
    if (error.status === 429) return diagnosisOf('rate_limited', detail);
    if (error.status >= 500) return diagnosisOf('notion_unavailable', detail);
    if (error.status === 401) return diagnosisOf('token_invalid', detail);
    return diagnosisOf('bad_response', detail);
  }
  if (isNotionClientError(error)) {
    if (error.code === ClientErrorCode.RequestTimeout) {
      return diagnosisOf('timeout', { code: error.code, message: error.message });
    }
    if (error.code === ClientErrorCode.InvalidPathParameter) {
      return diagnosisOf('invalid_input', { code: error.code, message: error.message });
    }
  }
  const like = errorLike(error);
  const name = text(like?.name);
  if (name === 'TimeoutError' || name === 'AbortError') {
    return diagnosisOf('timeout', { message: 'no answer within the time limit' });
  }
  if (name === 'SyntaxError') {
    return diagnosisOf('bad_response', { message: 'the response was not valid JSON' });
  }
  const cause = like ? networkCause(like) : undefined;
  if (cause || text(like?.message) === 'fetch failed') {
    return diagnosisOf('network', { message: cause ?? 'network error' });
  }
  const message = text(like?.message) || (typeof error === 'string' ? error : 'unknown error');
  return diagnosisOf('unexpected', { message });
}
