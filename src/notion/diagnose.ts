import {
  APIErrorCode,
  APIResponseError,
  ClientErrorCode,
  isHTTPResponseError,
  isNotionClientError,
} from '@notionhq/client';
import type { StepId } from '../playbook/steps';
import { RateLimitedPastDeadlineError } from './client';
import { DeadlineExceededError } from './pacing';

export type DiagnosisKind =
  | 'ok'
  | 'token_missing'
  | 'token_invalid'
  | 'token_leaked'
  | 'not_shared'
  | 'restricted'
  | 'in_trash'
  | 'rate_limited'
  | 'notion_unavailable'
  | 'timeout'
  | 'network'
  | 'edge_blocked'
  | 'bad_response'
  | 'invalid_input'
  | 'unexpected';

/**
 * access: the integration lost access, a walkthrough fixes it. transient: Notion or the
 * network, retry later, never advise a new token. input: the user typed something wrong.
 */
export type DiagnosisCategory = 'ok' | 'access' | 'transient' | 'input' | 'unexpected';

export interface DiagnosisDetail {
  status?: number;
  code?: string;
  message?: string;
  requestId?: string;
}

export interface Diagnosis {
  kind: DiagnosisKind;
  category: DiagnosisCategory;
  /** One line a non-engineer understands. */
  title: string;
  detail: DiagnosisDetail;
  steps: StepId[];
}

interface KindInfo {
  category: DiagnosisCategory;
  title: string;
  steps: StepId[];
}

/** PRODUCT.md's table: which steps, in which order, for which diagnosis. */
export const KINDS: Record<DiagnosisKind, KindInfo> = {
  ok: { category: 'ok', title: 'Accessible', steps: [] },
  token_missing: {
    category: 'access',
    title: 'No Notion token is configured for this connection',
    steps: ['check_integration', 'regenerate_token', 'test_connection'],
  },
  token_leaked: {
    category: 'access',
    title: 'The token was posted in Slack: anyone who saw it can read your Notion data',
    steps: ['regenerate_token', 'clear_cache', 'test_connection'],
  },
  token_invalid: {
    category: 'access',
    title: 'The integration token is invalid (revoked, regenerated or the integration deleted)',
    steps: [
      'check_integration',
      'regenerate_token',
      'test_connection',
      'clear_cache',
      'check_workspace_permissions',
    ],
  },
  not_shared: {
    category: 'access',
    title: 'Not shared with the integration (or deleted)',
    steps: [
      'verify_sharing',
      're_add_integration',
      'test_connection',
      'check_workspace_permissions',
    ],
  },
  restricted: {
    category: 'access',
    title: 'The integration lacks a capability (e.g. read content) for this',
    steps: ['check_integration', 'check_workspace_permissions', 'test_connection'],
  },
  in_trash: {
    category: 'access',
    title: "In Notion's trash (deleted)",
    steps: ['restore_from_trash', 'test_connection'],
  },
  rate_limited: {
    category: 'transient',
    title: 'Notion is rate limiting us — not an access problem, try again later',
    steps: [],
  },
  notion_unavailable: {
    category: 'transient',
    title: 'Notion is unavailable — not an access problem, try again later',
    steps: [],
  },
  timeout: {
    category: 'transient',
    title: 'Notion did not answer in time — not an access problem, try again later',
    steps: [],
  },
  network: {
    category: 'transient',
    title: 'Could not reach Notion (network problem) — not an access problem',
    steps: [],
  },
  edge_blocked: {
    category: 'transient',
    title: "Blocked at Notion's network edge (firewall, proxy or IP block) — not a permission",
    steps: [],
  },
  bad_response: {
    category: 'transient',
    title: 'Notion sent an unreadable answer (outage or proxy?) — not an access problem',
    steps: [],
  },
  invalid_input: {
    category: 'input',
    title: 'Not a valid Notion page or database link or ID',
    steps: [],
  },
  unexpected: {
    category: 'unexpected',
    title: 'Notion rejected the request unexpectedly',
    steps: [],
  },
};

export function diagnosis(kind: DiagnosisKind, detail: DiagnosisDetail = {}): Diagnosis {
  const info = KINDS[kind];
  return { kind, category: info.category, title: info.title, detail, steps: info.steps };
}

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
    return diagnosis('rate_limited', {
      status: 429,
      code: APIErrorCode.RateLimited,
      message: error.message,
      requestId: error.requestId,
    });
  }
  if (error instanceof DeadlineExceededError) {
    return diagnosis('timeout', { message: error.message });
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
      return diagnosis('edge_blocked', {
        ...detail,
        message: `cf-ray ${error.ray_id ?? 'unknown'}`,
      });
    }
    if (APIResponseError.isAPIResponseError(error)) {
      return diagnosis(API_CODE_KINDS[error.code] ?? 'unexpected', detail);
    }
    if (error.status === 429) return diagnosis('rate_limited', detail);
    if (error.status >= 500) return diagnosis('notion_unavailable', detail);
    if (error.status === 401) return diagnosis('token_invalid', detail);
    return diagnosis('bad_response', detail);
  }
  if (isNotionClientError(error)) {
    if (error.code === ClientErrorCode.RequestTimeout) {
      return diagnosis('timeout', { code: error.code, message: error.message });
    }
    if (error.code === ClientErrorCode.InvalidPathParameter) {
      return diagnosis('invalid_input', { code: error.code, message: error.message });
    }
  }
  const like = errorLike(error);
  const name = text(like?.name);
  if (name === 'TimeoutError' || name === 'AbortError') {
    return diagnosis('timeout', { message: 'no answer within the time limit' });
  }
  if (name === 'SyntaxError') {
    return diagnosis('bad_response', { message: 'the response was not valid JSON' });
  }
  const cause = like ? networkCause(like) : undefined;
  if (cause || text(like?.message) === 'fetch failed') {
    return diagnosis('network', { message: cause ?? 'network error' });
  }
  const message = text(like?.message) || (typeof error === 'string' ? error : 'unknown error');
  return diagnosis('unexpected', { message });
}
