import { createServer, type Server, type Socket } from 'node:net';
import {
  APIErrorCode,
  ClientErrorCode,
  InvalidPathParameterError,
  isNotionClientError,
  RequestTimeoutError,
} from '@notionhq/client';
import { buildRequestError } from '@notionhq/client/build/src/errors';
import {
  type Diagnosis,
  type DiagnosisCategory,
  type DiagnosisKind,
  diagnosisOf,
} from '../../../src/domain/diagnosis';
import { STEPS_FOR, type StepId } from '../../../src/domain/playbook';
import { RateLimitedPastDeadlineError, RetriesPastDeadlineError } from '../../../src/notion/client';
import { diagnoseError } from '../../../src/notion/diagnose';
import { DeadlineExceededError, QueueFullError } from '../../../src/notion/pacing';
import { DIAGNOSIS_TITLES } from '../../../src/slack/blocks/copy';
import { diagnosisText } from '../../../src/slack/blocks/resource';

/**
 * A Diagnosis is data (kind, category, detail). What people read for a kind is at the Slack edge
 * (DIAGNOSIS_TITLES), the steps of a kind in the playbook (STEPS_FOR): read them from there.
 */
const stepsOf = (result: Diagnosis): StepId[] => STEPS_FOR[result.kind];
const titleOf = (result: Diagnosis): string => DIAGNOSIS_TITLES[result.kind];

/** An error exactly as the SDK throws it for an HTTP answer. */
function httpError(status: number, body: string, headers: Record<string, string> = {}) {
  const response = { ok: false, status, headers: new Headers(headers), text: async () => body };
  return buildRequestError(response, body);
}

function notionError(status: number, code: string, requestId?: string, headers = {}) {
  const body = JSON.stringify({
    object: 'error',
    status,
    code,
    message: `Notion says ${code}`,
    ...(requestId ? { request_id: requestId } : {}),
  });
  return httpError(status, body, { 'content-type': 'application/json', ...headers });
}

const HTML = '<html><head><title>Attention Required!</title></head><body>blocked</body></html>';

// PRODUCT.md's table, in its order.
const STEPS: Partial<Record<DiagnosisKind, StepId[]>> = {
  token_invalid: [
    'check_integration',
    'regenerate_token',
    'test_connection',
    'clear_cache',
    'check_workspace_permissions',
  ],
  not_shared: [
    'verify_sharing',
    're_add_integration',
    'test_connection',
    'check_workspace_permissions',
  ],
  restricted: ['check_integration', 'check_workspace_permissions', 'test_connection'],
  in_trash: ['restore_from_trash', 'test_connection'],
};

interface Expected {
  status: number;
  kind: DiagnosisKind;
  category: DiagnosisCategory;
}

const API_CODES = {
  [APIErrorCode.Unauthorized]: { status: 401, kind: 'token_invalid', category: 'access' },
  [APIErrorCode.RestrictedResource]: { status: 403, kind: 'restricted', category: 'access' },
  [APIErrorCode.ObjectNotFound]: { status: 404, kind: 'not_shared', category: 'access' },
  [APIErrorCode.RateLimited]: { status: 429, kind: 'rate_limited', category: 'transient' },
  [APIErrorCode.InvalidJSON]: { status: 400, kind: 'unexpected', category: 'unexpected' },
  [APIErrorCode.InvalidRequestURL]: { status: 400, kind: 'invalid_input', category: 'input' },
  [APIErrorCode.InvalidRequest]: { status: 400, kind: 'unexpected', category: 'unexpected' },
  [APIErrorCode.InvalidBeta]: { status: 400, kind: 'unexpected', category: 'unexpected' },
  [APIErrorCode.ValidationError]: { status: 400, kind: 'invalid_input', category: 'input' },
  [APIErrorCode.ConflictError]: { status: 409, kind: 'notion_unavailable', category: 'transient' },
  [APIErrorCode.InternalServerError]: {
    status: 500,
    kind: 'notion_unavailable',
    category: 'transient',
  },
  [APIErrorCode.ServiceOverload]: {
    status: 529,
    kind: 'notion_unavailable',
    category: 'transient',
  },
  [APIErrorCode.ServiceUnavailable]: {
    status: 503,
    kind: 'notion_unavailable',
    category: 'transient',
  },
  [APIErrorCode.GatewayTimeout]: {
    status: 504,
    kind: 'notion_unavailable',
    category: 'transient',
  },
} satisfies Record<APIErrorCode, Expected>;

const CLIENT_CODES = {
  [ClientErrorCode.RequestTimeout]: {
    make: () => new RequestTimeoutError(),
    kind: 'timeout',
    category: 'transient',
  },
  [ClientErrorCode.ResponseError]: {
    make: () => httpError(502, HTML, { 'content-type': 'text/html' }),
    kind: 'notion_unavailable',
    category: 'transient',
  },
  [ClientErrorCode.InvalidPathParameter]: {
    make: () => new InvalidPathParameterError(),
    kind: 'invalid_input',
    category: 'input',
  },
} satisfies Record<
  ClientErrorCode,
  { make: () => unknown; kind: DiagnosisKind; category: DiagnosisCategory }
>;

function expectTransient(result: Diagnosis, kind: DiagnosisKind) {
  expect(result.kind).toBe(kind);
  expect(result.category).toBe('transient');
  expect(stepsOf(result)).toEqual([]);
  expect(titleOf(result)).toMatch(/not an access problem|not a permission/);
}

describe('diagnoseError: every APIErrorCode of @notionhq/client', () => {
  const expectations = API_CODES as Record<string, Expected | undefined>;

  it.each(Object.values(APIErrorCode))('maps %s', (code) => {
    const expected = expectations[code];
    if (!expected) throw new Error(`APIErrorCode ${code} has no expected diagnosis`);
    const error = notionError(expected.status, code, `req-${code}`);
    expect(isNotionClientError(error) && error.code).toBe(code);

    const result = diagnoseError(error);
    expect(result.kind).toBe(expected.kind);
    expect(result.category).toBe(expected.category);
    expect(stepsOf(result)).toEqual(STEPS[expected.kind] ?? []);
    expect(result.detail).toMatchObject({
      status: expected.status,
      code,
      requestId: `req-${code}`,
    });
    expect(titleOf(result).length).toBeGreaterThan(0);
  });
});

describe('diagnoseError: every ClientErrorCode of @notionhq/client', () => {
  const expectations = CLIENT_CODES as Record<string, (typeof CLIENT_CODES)[ClientErrorCode]>;

  it.each(Object.values(ClientErrorCode))('maps %s', (code) => {
    const expected = expectations[code];
    if (!expected) throw new Error(`ClientErrorCode ${code} has no expected diagnosis`);
    const error = expected.make();
    expect(isNotionClientError(error) && error.code).toBe(code);

    const result = diagnoseError(error);
    expect(result.kind).toBe(expected.kind);
    expect(result.category).toBe(expected.category);
    expect(stepsOf(result)).toEqual([]);
  });
});

describe('diagnoseError: access problems get the PRODUCT.md walkthrough', () => {
  it('401 unauthorized → token invalid, steps 1, 3, 5, 6, 7', () => {
    const result = diagnoseError(notionError(401, 'unauthorized', 'req-401'));
    expect(result.kind).toBe('token_invalid');
    expect(result.category).toBe('access');
    expect(titleOf(result)).toMatch(/token is invalid/);
    expect(stepsOf(result)).toEqual([
      'check_integration',
      'regenerate_token',
      'test_connection',
      'clear_cache',
      'check_workspace_permissions',
    ]);
  });

  it('403 restricted_resource → restricted, steps 1, 7, 5', () => {
    const result = diagnoseError(notionError(403, 'restricted_resource', 'req-403'));
    expect(result.kind).toBe('restricted');
    expect(result.category).toBe('access');
    expect(stepsOf(result)).toEqual([
      'check_integration',
      'check_workspace_permissions',
      'test_connection',
    ]);
  });

  it('404 object_not_found → not shared (or deleted), steps 2, 4, 5, 7', () => {
    const result = diagnoseError(notionError(404, 'object_not_found', 'req-404'));
    expect(result.kind).toBe('not_shared');
    expect(result.category).toBe('access');
    expect(titleOf(result)).toBe('Not shared with the integration (or deleted)');
    expect(stepsOf(result)).toEqual([
      'verify_sharing',
      're_add_integration',
      'test_connection',
      'check_workspace_permissions',
    ]);
  });

  it('in trash → restore it, then test', () => {
    const result = diagnosisOf('in_trash');
    expect(result).toEqual({ kind: 'in_trash', category: 'access', detail: {} });
    expect(stepsOf(result)).toEqual(['restore_from_trash', 'test_connection']);
  });
});

describe('diagnoseError: Notion request IDs are kept for support', () => {
  it('takes the request_id from the error body', () => {
    const error = notionError(404, 'object_not_found', 'body-req-id', {
      'x-notion-request-id': 'header-req-id',
    });
    expect(diagnoseError(error).detail.requestId).toBe('body-req-id');
  });

  it('falls back to the x-notion-request-id header when the body has none', () => {
    const error = notionError(401, 'unauthorized', undefined, {
      'x-notion-request-id': 'header-req-id',
    });
    expect(diagnoseError(error).detail.requestId).toBe('header-req-id');
  });

  it('keeps the header request id of a non-JSON answer too', () => {
    const error = httpError(503, 'upstream down', { 'x-notion-request-id': 'req-503' });
    const result = diagnoseError(error);
    expectTransient(result, 'notion_unavailable');
    expect(result.detail.requestId).toBe('req-503');
  });
});

describe('diagnoseError: answers that are not about access', () => {
  it("a 403 HTML page from Notion's edge (cf-ray, no request id) is edge_blocked", () => {
    const error = httpError(403, HTML, {
      'content-type': 'text/html',
      'cf-ray': '8f00aa11bb22-SJC',
    });
    const result = diagnoseError(error);
    expectTransient(result, 'edge_blocked');
    expect(stepsOf(result)).not.toContain('regenerate_token');
    expect(result.detail.message).toContain('8f00aa11bb22-SJC');
  });

  it('a JSON 403 restricted_resource is a capability problem even behind Cloudflare', () => {
    const error = notionError(403, 'restricted_resource', undefined, { 'cf-ray': '8f00-SJC' });
    expect(diagnoseError(error).kind).toBe('restricted');
  });

  it('an HTML 502 is Notion being unavailable', () => {
    const error = httpError(502, HTML, { 'content-type': 'text/html', 'cf-ray': '8f01-SJC' });
    expectTransient(diagnoseError(error), 'notion_unavailable');
  });

  it('an HTML 429 is rate limiting', () => {
    expectTransient(diagnoseError(httpError(429, 'slow down')), 'rate_limited');
  });

  it('RequestTimeoutError is a timeout', () => {
    expectTransient(diagnoseError(new RequestTimeoutError()), 'timeout');
  });

  it('an error named TimeoutError (as AbortSignal.timeout raises) is a timeout', () => {
    const error = Object.assign(new Error('The operation was aborted due to timeout'), {
      name: 'TimeoutError',
    });
    expectTransient(diagnoseError(error), 'timeout');
  });

  it('an AbortSignal TimeoutError DOMException is a timeout', async () => {
    const signal = AbortSignal.timeout(1);
    await new Promise((resolve) => signal.addEventListener('abort', resolve));
    const error: unknown = signal.reason;
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expectTransient(diagnoseError(error), 'timeout');
  });

  // Waiting in our own queue is our doing: never "Notion did not answer".
  it.each([
    ['DeadlineExceededError (our queue, past the deadline)', new DeadlineExceededError()],
    ["QueueFullError (the token's queue is full)", new QueueFullError(600)],
  ])('%s is busy here, not a Notion timeout', (_, error) => {
    const result = diagnoseError(error);
    expect(result).toMatchObject({ kind: 'busy', category: 'transient' });
    expect(stepsOf(result)).toEqual([]);
    expect(titleOf(result)).toMatch(/busy.*not a Notion problem/);
    expect(titleOf(result)).not.toMatch(/did not answer/);
  });

  it.each([
    [500, 'notion_unavailable'],
    [429, 'rate_limited'],
  ] as const)(
    'a %i whose retry would start past the deadline is that answer, with its request id',
    (status, kind) => {
      const result = diagnoseError(new RetriesPastDeadlineError(status, 'req-last'));
      expect(result).toMatchObject({ kind, detail: { status, requestId: 'req-last' } });
    },
  );

  it('RateLimitedPastDeadlineError is rate limiting and keeps its request id', () => {
    const result = diagnoseError(new RateLimitedPastDeadlineError(60_000, 'req-429'));
    expectTransient(result, 'rate_limited');
    expect(result.detail).toMatchObject({ status: 429, requestId: 'req-429' });
  });

  it('a SyntaxError is an unreadable answer', () => {
    let syntaxError: unknown;
    try {
      JSON.parse('<html>oops</html>');
    } catch (error) {
      syntaxError = error;
    }
    expectTransient(diagnoseError(syntaxError), 'bad_response');
  });
});

describe('diagnoseError: network errors as Node fetch throws them', () => {
  const fetchFailed = (message: string, code: string) =>
    new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });

  it.each([
    [
      'connection refused',
      fetchFailed('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'),
      /refused/,
    ],
    ['DNS failure', fetchFailed('getaddrinfo ENOTFOUND api.notion.com', 'ENOTFOUND'), /DNS/],
    ['connection reset', fetchFailed('read ECONNRESET', 'ECONNRESET'), /reset/],
    ['socket closed', fetchFailed('other side closed', 'UND_ERR_SOCKET'), /reset/],
    [
      'TLS certificate error',
      fetchFailed('unable to verify the first certificate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'),
      /TLS|certificate/,
    ],
    ['expired certificate', fetchFailed('certificate has expired', 'CERT_HAS_EXPIRED'), /TLS/],
  ])('%s → network, saying which', (_label, error, message) => {
    const result = diagnoseError(error);
    expectTransient(result, 'network');
    expect(result.detail.message).toMatch(message);
  });

  it('a fetch failure with an unknown cause is still a network problem', () => {
    expectTransient(diagnoseError(new TypeError('fetch failed')), 'network');
  });

  describe('with a real fetch against a server that drops the connection', () => {
    let server: Server;
    let port = 0;
    const sockets = new Set<Socket>();

    beforeAll(async () => {
      // Hang up as soon as the request arrives: fetch fails with 'other side closed'.
      server = createServer((socket) => socket.once('data', () => socket.destroy()));
      server.on('connection', (socket) => sockets.add(socket));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      port = typeof address === 'object' && address ? address.port : 0;
    });

    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('is a network problem (connection reset)', async () => {
      const error = await fetch(`http://127.0.0.1:${port}/v1/users/me`).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeDefined();
      const result = diagnoseError(error);
      expectTransient(result, 'network');
      expect(result.detail.message).toMatch(/reset/);
    });
  });
});

describe('diagnoseError: never throws', () => {
  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['a string', 'boom'],
    ['a plain object', { code: 'weird', status: 'nope' }],
    ['an array', [1, 2]],
    ['a symbol', Symbol('x')],
    ['a function', () => 1],
  ])('%s → unexpected', (_label, value) => {
    const result = diagnoseError(value);
    expect(result.kind).toBe('unexpected');
    expect(result.category).toBe('unexpected');
    expect(stepsOf(result)).toEqual([]);
  });

  it('an object without a prototype → unexpected', () => {
    expect(diagnoseError(Object.create(null)).kind).toBe('unexpected');
  });

  it('transient diagnoses never advise a new token', () => {
    const transient = [
      notionError(429, 'rate_limited'),
      notionError(500, 'internal_server_error'),
      notionError(503, 'service_unavailable'),
      notionError(504, 'gateway_timeout'),
      notionError(529, 'service_overload'),
      notionError(409, 'conflict_error'),
      httpError(502, HTML),
      httpError(403, HTML, { 'cf-ray': 'x-SJC' }),
      new RequestTimeoutError(),
      new DeadlineExceededError(),
      new RateLimitedPastDeadlineError(5_000, undefined),
      new TypeError('fetch failed'),
      new SyntaxError('Unexpected token <'),
    ].map(diagnoseError);
    for (const result of transient) {
      expect(result.category).toBe('transient');
      expect(stepsOf(result)).not.toContain('regenerate_token');
      expect(stepsOf(result)).toEqual([]);
    }
  });
});

describe('diagnoseError: Notion codes the SDK does not type (issue 10, item 5)', () => {
  it.each([
    [502, 'bad_gateway', 'notion_unavailable'],
    [529, 'service_overload', 'notion_unavailable'],
    [503, 'database_connection_unavailable', 'notion_unavailable'],
    [400, 'missing_version', 'unexpected'],
    [400, 'invalid_grant', 'token_invalid'],
  ] as const)('%i %s → %s, with its request id, never "unreadable"', (status, code, kind) => {
    const result = diagnoseError(notionError(status, code, 'req-untyped'));
    expect(result).toMatchObject({ kind, detail: { status, code, requestId: 'req-untyped' } });
    expect(result.kind).not.toBe('bad_response');
  });

  it('an unknown code falls back to what its status says', () => {
    expect(diagnoseError(notionError(503, 'brand_new_outage')).kind).toBe('notion_unavailable');
    expect(diagnoseError(notionError(418, 'brand_new_teapot')).kind).toBe('bad_response');
  });

  it("a rate limit keeps Notion's reason", () => {
    const body = JSON.stringify({
      object: 'error',
      status: 429,
      code: 'rate_limited',
      message: 'Rate limited',
      additional_data: { rate_limit_reason: 'integration_request_limit' },
    });
    const result = diagnoseError(httpError(429, body));
    expect(result).toMatchObject({
      kind: 'rate_limited',
      detail: { reason: 'integration_request_limit' },
    });
    expect(diagnosisText(result)).toContain('Notion says: integration_request_limit');
  });
});
