/**
 * A fake Notion API (Notion-Version 2025-09-03) over real HTTP, for @notionhq/client v5 with
 * `baseUrl: fake.url`. Status codes, error codes, messages and headers follow what the real API
 * answers; where a message comes from a live observation rather than the docs, a comment says so.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { bearerToken, close, listen, Recorder, readBody } from './http';

export type Capability = 'read_content' | 'update_content' | 'insert_content';

export interface IntegrationInput {
  token: string;
  name: string;
  workspaceName: string;
  /** Internal integrations: the workspace (default); public (OAuth) ones: the installing user. */
  ownerType?: 'workspace' | 'user';
  botId?: string;
}

export interface PageInput {
  id: string;
  title: string;
  url?: string;
  inTrash?: boolean;
  /** Tokens of the integrations the page is shared with. */
  sharedWith?: string[];
  /**
   * A page, database or data source (a database row) it sits in; default: the workspace. Sharing
   * is inherited from every ancestor.
   */
  parentId?: string;
}

export interface DatabaseInput {
  id: string;
  title: string;
  inTrash?: boolean;
  sharedWith?: string[];
  /** Also registered as data sources that inherit the database's sharing. */
  dataSources?: { id: string; name: string }[];
  /** The page the database sits in (sharing is inherited from it); default: the workspace. */
  parentId?: string;
}

export interface DataSourceInput {
  id: string;
  title: string;
  databaseId: string;
  inTrash?: boolean;
  sharedWith?: string[];
}

export interface NotionRequestRecord {
  method: string;
  /** Path without query string, as sent, e.g. `/v1/pages/0f1e…`. */
  path: string;
  /** Bearer token, or undefined when the request had none. */
  token: string | undefined;
  notionVersion: string | undefined;
  /** Date.now() when the request arrived. */
  at: number;
  /** HTTP status answered; null while held or delayed, and for a reset connection. */
  status: number | null;
  /** The x-notion-request-id answered, once answered. */
  requestId?: string;
}

export type NotionFault =
  | {
      kind: 'status';
      status: number;
      /** Defaults from the status: 429 rate_limited, 503 service_unavailable, … */
      code?: string;
      message?: string;
      headers?: Record<string, string>;
    }
  /** Cloudflare block page: 403, HTML, `cf-ray`, no `x-notion-request-id`. */
  | { kind: 'edge403' }
  /** Cloudflare-style HTML error page with the given status. */
  | { kind: 'html'; status: number }
  /** 200 whose JSON body is cut short. */
  | { kind: 'invalidJson' }
  /** Socket destroyed without any answer. */
  | { kind: 'reset' }
  /** No answer until releaseHeld() (then answered normally) or stop(). */
  | { kind: 'hold' }
  /** Answered normally after `ms`. */
  | { kind: 'delay'; ms: number };

export interface NotionFaultRule {
  match?: { method?: string; pathPrefix?: string; token?: string };
  /** How many matching requests get the fault; default Infinity. */
  times?: number;
  fault: NotionFault;
}

type ResourceKind = 'page' | 'database' | 'data_source';

interface Integration {
  token: string;
  name: string;
  workspaceName: string;
  workspaceId: string;
  ownerType: 'workspace' | 'user';
  botId: string;
  ownerUserId: string;
  revoked: boolean;
  missing: Set<Capability>;
}

interface Resource {
  kind: ResourceKind;
  id: string;
  title: string;
  url?: string;
  inTrash: boolean;
  sharedWith: Set<string>;
  /** Data sources only. */
  databaseId?: string;
  /** Pages and databases: the page, database or data source they sit in; none: the workspace. */
  parentId?: string;
  /** Tokens whose connection was removed here (unshareSubtree): inheritance stops here. */
  cutFor: Set<string>;
}

/** The Notion-Version @notionhq/client v5 sends by default; recorded on each request. */
export const NOTION_VERSION = '2025-09-03';
const CREATED_TIME = '2025-01-15T09:30:00.000Z';
const EDITED_TIME = '2025-06-02T14:05:00.000Z';
const AUTHOR_ID = '9a3b5c7d-1e2f-4a6b-8c0d-2e4f6a8b0c1d';

const DEFAULT_ERROR: Record<number, { code: string; message: string }> = {
  400: { code: 'validation_error', message: 'body failed validation.' },
  401: { code: 'unauthorized', message: 'API token is invalid.' },
  403: { code: 'restricted_resource', message: 'Insufficient permissions for this endpoint.' },
  404: { code: 'object_not_found', message: 'Could not find object.' },
  409: { code: 'conflict_error', message: 'Conflict occurred while saving. Please try again.' },
  429: {
    code: 'rate_limited',
    message: 'You have been rate limited. Please try again in a few minutes.',
  },
  500: { code: 'internal_server_error', message: 'Unexpected error occurred.' },
  502: { code: 'bad_gateway', message: 'Bad Gateway' },
  503: { code: 'service_unavailable', message: 'Notion is unavailable, please try again later.' },
  504: { code: 'gateway_timeout', message: 'Gateway Timeout' },
};

const PATH_PARAM: Record<ResourceKind, string> = {
  page: 'page_id',
  database: 'database_id',
  data_source: 'data_source_id',
};

/**
 * Noun used in 404 messages per endpoint. `/v1/data_sources/:id` says "database": a live 404 from
 * `POST /v1/data_sources/<id>/query` read "Could not find database with ID: <id>. …".
 */
const NOT_FOUND_NOUN: Record<ResourceKind, string> = {
  page: 'page',
  database: 'database',
  data_source: 'database',
};

const ENDPOINT_KIND: Record<string, ResourceKind> = {
  pages: 'page',
  databases: 'database',
  data_sources: 'data_source',
};

/** Accepts a dashed UUID or 32 hex digits (any case); returns the dashed lowercase form, or null. */
export function normalizeNotionId(raw: string): string | null {
  const value = raw.trim().toLowerCase();
  const hex = /^[0-9a-f]{32}$/.test(value)
    ? value
    : /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value)
      ? value.replaceAll('-', '')
      : null;
  if (hex === null) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function mustNormalize(id: string): string {
  const normalized = normalizeNotionId(id);
  if (normalized === null) throw new Error(`FakeNotion: not a Notion id: ${id}`);
  return normalized;
}

function richText(content: string) {
  return [
    {
      type: 'text',
      text: { content, link: null },
      annotations: {
        bold: false,
        italic: false,
        strikethrough: false,
        underline: false,
        code: false,
        color: 'default',
      },
      plain_text: content,
      href: null,
    },
  ];
}

/** Opaque to clients, like Notion's: an offset into the listing. */
function encodeCursor(offset: number): string {
  return Buffer.from(`search:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string): number | undefined {
  const match = /^search:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function cfRay(): string {
  return `${randomBytes(8).toString('hex')}-SJC`;
}

function cloudflarePage(status: number, ray: string): string {
  const blocked = status === 403;
  const title = blocked ? 'Attention Required! | Cloudflare' : `${status} | Cloudflare`;
  const heading = blocked ? 'Sorry, you have been blocked' : `Error ${status}`;
  return [
    '<!DOCTYPE html>',
    `<html lang="en-US"><head><title>${title}</title></head><body>`,
    `<div id="cf-wrapper"><h1>${heading}</h1>`,
    '<h2>You are unable to access api.notion.com</h2>',
    `<p>Cloudflare Ray ID: <strong>${ray.split('-')[0]}</strong></p></div>`,
    '</body></html>',
  ].join('\n');
}

export class FakeNotion {
  url = '';
  readonly requests: NotionRequestRecord[];
  /** Requests answered 429 by setRateLimit(). */
  rateLimited = 0;

  private readonly server = http.createServer((req, res) => {
    this.handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        this.sendError(res, undefined, 500, 'internal_server_error', String(error));
    });
  });
  private readonly recorder = new Recorder<NotionRequestRecord>();
  private readonly integrations = new Map<string, Integration>();
  private readonly resources = new Map<string, Resource>();
  private faults: { rule: NotionFaultRule; remaining: number }[] = [];
  private rateLimit: { limit: number; windowMs: number } | undefined;
  private readonly admitted = new Map<string, number[]>();
  private readonly held = new Set<() => void>();
  private readonly delayed = new Set<() => void>();
  private readonly hiddenFromSearch = new Set<string>();
  private searchIncomplete = false;

  constructor() {
    this.requests = this.recorder.items;
  }

  async start(): Promise<void> {
    this.url = await listen(this.server);
  }

  async stop(): Promise<void> {
    for (const wake of [...this.held, ...this.delayed]) wake();
    await close(this.server);
  }

  // ---- state -------------------------------------------------------------------------------

  /** Every token the fake knows: what a secrets check must never find in logs. */
  tokens(): string[] {
    return [...this.integrations.keys()];
  }

  addIntegration(input: IntegrationInput): void {
    this.integrations.set(input.token, {
      token: input.token,
      name: input.name,
      workspaceName: input.workspaceName,
      workspaceId: randomUUID(),
      ownerType: input.ownerType ?? 'workspace',
      botId: input.botId ?? randomUUID(),
      ownerUserId: randomUUID(),
      revoked: false,
      missing: new Set(),
    });
  }

  /** Every later call with this token answers 401 unauthorized. */
  revoke(token: string): void {
    this.integration(token).revoked = true;
  }

  /** The integration loses a capability; without read_content every resource read answers 403. */
  restrict(token: string, capability: Capability): void {
    this.integration(token).missing.add(capability);
  }

  unrestrict(token: string, capability: Capability): void {
    this.integration(token).missing.delete(capability);
  }

  addPage(input: PageInput): void {
    this.addResource({ ...input, kind: 'page', parentId: this.parentOf(input.parentId) });
  }

  addDatabase(input: DatabaseInput): void {
    const database = this.addResource({
      ...input,
      kind: 'database',
      parentId: this.parentOf(input.parentId),
    });
    for (const source of input.dataSources ?? []) {
      this.addResource({
        id: source.id,
        title: source.name,
        kind: 'data_source',
        databaseId: database.id,
      });
    }
  }

  addDataSource(input: DataSourceInput): void {
    this.addResource({
      ...input,
      kind: 'data_source',
      databaseId: mustNormalize(input.databaseId),
    });
  }

  share(id: string, token: string): void {
    const resource = this.resource(id);
    resource.sharedWith.add(token);
    resource.cutFor.delete(token);
  }

  unshare(id: string, token: string): void {
    this.resource(id).sharedWith.delete(token);
  }

  trash(id: string): void {
    this.resource(id).inTrash = true;
  }

  restore(id: string): void {
    this.resource(id).inTrash = false;
  }

  /**
   * The connection is removed from this object (as in Notion's "Connections" menu on a parent):
   * it and every descendant answer 404 for the token, whether shared directly or inherited.
   * share() on the object (or a descendant) gives access back from there down.
   */
  unshareSubtree(id: string, token: string): void {
    const root = this.resource(id);
    root.cutFor.add(token);
    for (const resource of [root, ...this.descendantsOf(root.id)]) {
      resource.sharedWith.delete(token);
    }
  }

  /**
   * Moves a page or database under another page, database or data source (a page only), or to
   * the workspace with `null`; a data source under another database. Sharing follows the new
   * ancestors.
   */
  move(id: string, newParentId: string | null): void {
    const resource = this.resource(id);
    if (resource.kind === 'data_source') {
      const database = newParentId === null ? undefined : this.resource(newParentId);
      if (database?.kind !== 'database')
        throw new Error('FakeNotion: a data source moves only to a database');
      resource.databaseId = database.id;
      return;
    }
    const parentId = this.parentOf(newParentId ?? undefined);
    if (
      parentId === resource.id ||
      (parentId !== undefined && this.descendantsOf(resource.id).some((d) => d.id === parentId))
    )
      throw new Error('FakeNotion: cannot move an object under itself');
    resource.parentId = parentId;
  }

  /** Search index lag: still shared and readable, but search does not list it (until shown). */
  hideFromSearch(id: string): void {
    this.hiddenFromSearch.add(this.resource(id).id);
  }

  showInSearch(id: string): void {
    this.hiddenFromSearch.delete(this.resource(id).id);
  }

  /** Every search answer carries `request_status: { type: 'incomplete' }` while set. */
  setSearchIncomplete(incomplete: boolean): void {
    this.searchIncomplete = incomplete;
  }

  // ---- faults and rate limiting ---------------------------------------------------------------

  /**
   * Adds a fault rule; the first rule (in insertion order) matching a request applies. Faults act
   * before authentication and rate limiting, like an outage or an edge block would.
   */
  fault(rule: NotionFaultRule): void {
    this.faults.push({ rule, remaining: rule.times ?? Number.POSITIVE_INFINITY });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Answers every held request normally. */
  releaseHeld(): void {
    for (const release of [...this.held]) release();
  }

  /** More than `limit` requests per token starting within any `windowMs` → 429 with Retry-After. */
  setRateLimit(options: { limit: number; windowMs: number } | undefined): void {
    this.rateLimit = options;
    this.admitted.clear();
  }

  // ---- recording -----------------------------------------------------------------------------

  requestsFor(token: string): NotionRequestRecord[] {
    return this.requests.filter((request) => request.token === token);
  }

  /** Called when each request arrives (before it is answered). Returns an unsubscribe function. */
  onRequest(listener: (request: NotionRequestRecord) => void): () => void {
    return this.recorder.listen(listener);
  }

  waitForRequest(
    predicate: (request: NotionRequestRecord) => boolean,
    timeoutMs = 5000,
  ): Promise<NotionRequestRecord> {
    return this.recorder.waitFor(predicate, timeoutMs, () => {
      const seen = this.requests.map((r) => `${r.method} ${r.path} → ${r.status ?? 'pending'}`);
      return `no matching Notion request; received: ${seen.join(', ') || 'none'}`;
    });
  }

  /** Forgets recorded requests, the rate-limit history and the rateLimited counter. */
  reset(): void {
    this.recorder.clear();
    this.admitted.clear();
    this.rateLimited = 0;
  }

  // ---- HTTP ----------------------------------------------------------------------------------

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    // Only POST bodies are read (search); the rest are drained.
    const body = method === 'POST' ? readBody(req).catch(() => '') : undefined;
    if (body === undefined) req.resume();
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const version = req.headers['notion-version'];
    const record: NotionRequestRecord = {
      method,
      path,
      token: bearerToken(req.headers.authorization),
      notionVersion: Array.isArray(version) ? version[0] : version,
      at: Date.now(),
      status: null,
    };
    res.on('finish', () => {
      record.status = res.statusCode;
      const requestId = res.getHeader('x-notion-request-id');
      if (typeof requestId === 'string') record.requestId = requestId;
    });
    this.recorder.add(record);

    const fault = this.takeFault(record);
    if (fault !== undefined) {
      const answered = await this.applyFault(fault, req, res);
      if (answered || res.destroyed) return;
    }
    this.route(record, res, (await body) ?? '');
  }

  private takeFault(record: NotionRequestRecord): NotionFault | undefined {
    for (const entry of this.faults) {
      const match = entry.rule.match ?? {};
      if (entry.remaining <= 0) continue;
      if (match.method !== undefined && match.method.toUpperCase() !== record.method) continue;
      if (match.pathPrefix !== undefined && !record.path.startsWith(match.pathPrefix)) continue;
      if (match.token !== undefined && match.token !== record.token) continue;
      entry.remaining -= 1;
      return entry.rule.fault;
    }
    return undefined;
  }

  /** Returns true when the fault produced the answer, false when normal handling should follow. */
  private async applyFault(
    fault: NotionFault,
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<boolean> {
    switch (fault.kind) {
      case 'status': {
        const defaults = DEFAULT_ERROR[fault.status] ?? DEFAULT_ERROR[500];
        const headers = { ...fault.headers };
        // The real API always tells a rate-limited client when to come back.
        if (
          fault.status === 429 &&
          !Object.keys(headers).some((h) => h.toLowerCase() === 'retry-after')
        ) {
          headers['retry-after'] = '1';
        }
        this.sendError(
          res,
          undefined,
          fault.status,
          fault.code ?? defaults?.code ?? 'internal_server_error',
          fault.message ?? defaults?.message ?? 'Unexpected error occurred.',
          headers,
        );
        return true;
      }
      case 'edge403':
        this.sendHtml(res, 403);
        return true;
      case 'html':
        this.sendHtml(res, fault.status);
        return true;
      case 'invalidJson':
        res.writeHead(200, this.jsonHeaders(randomUUID()));
        res.end('{"object":"page","id":"59833787-2cf9-4fdf-8782-e53db20768a5","created_time":"20');
        return true;
      case 'reset':
        req.socket.destroy();
        return true;
      case 'hold':
        await new Promise<void>((resolve) => {
          const release = () => {
            this.held.delete(release);
            resolve();
          };
          this.held.add(release);
        });
        return false;
      case 'delay':
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            this.delayed.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, fault.ms);
          this.delayed.add(wake);
        });
        return false;
    }
  }

  private route(record: NotionRequestRecord, res: http.ServerResponse, body: string): void {
    const integration =
      record.token === undefined ? undefined : this.integrations.get(record.token);
    if (integration === undefined || integration.revoked) {
      this.sendError(res, undefined, 401, 'unauthorized', 'API token is invalid.');
      return;
    }
    if (record.notionVersion === undefined) {
      this.sendError(
        res,
        undefined,
        400,
        'missing_version',
        'Notion-Version header failed validation: Notion-Version header should be defined, instead was `undefined`.',
      );
      return;
    }
    const retryAfter = this.consumeRateLimit(integration.token);
    if (retryAfter !== undefined) {
      this.rateLimited += 1;
      this.sendError(res, undefined, 429, 'rate_limited', DEFAULT_ERROR[429]?.message ?? '', {
        'retry-after': String(retryAfter),
      });
      return;
    }

    if (record.method === 'GET' && record.path === '/v1/users/me') {
      this.sendJson(res, 200, this.botUser(integration));
      return;
    }
    if (record.method === 'POST' && record.path === '/v1/search') {
      this.search(res, integration, body);
      return;
    }
    const match = /^\/v1\/(pages|databases|data_sources)\/([^/]*)$/.exec(record.path);
    const endpoint = match?.[1] === undefined ? undefined : ENDPOINT_KIND[match[1]];
    if (record.method !== 'GET' || endpoint === undefined || !match?.[2]) {
      this.sendError(res, undefined, 400, 'invalid_request_url', 'Invalid request URL.');
      return;
    }
    this.retrieve(res, integration, endpoint, match[2]);
  }

  private retrieve(
    res: http.ServerResponse,
    integration: Integration,
    endpoint: ResourceKind,
    rawSegment: string,
  ): void {
    let raw = rawSegment;
    try {
      raw = decodeURIComponent(rawSegment);
    } catch {
      // keep the encoded form in the message
    }
    const id = normalizeNotionId(raw);
    if (id === null) {
      // Live answer for pages.retrieve({ page_id: 'not-a-real-id' }).
      const message = `path failed validation: path.${PATH_PARAM[endpoint]} should be a valid uuid, instead was \`"${raw}"\`.`;
      this.sendError(res, integration, 400, 'validation_error', message);
      return;
    }
    if (integration.missing.has('read_content')) {
      const message = 'Insufficient permissions for this endpoint.';
      this.sendError(res, integration, 403, 'restricted_resource', message);
      return;
    }

    const resource = this.resources.get(id);
    if (resource === undefined || !this.canSee(resource, integration.token)) {
      this.sendNotFound(res, integration, endpoint, id);
      return;
    }
    if (resource.kind === endpoint) {
      this.sendJson(res, 200, this.render(resource));
      return;
    }
    // The API names the object's kind only for objects the integration can read, and only
    // between pages and databases; data source ids and the data_sources endpoint answer 404.
    // Both messages are verbatim from live calls.
    if (endpoint === 'page' && resource.kind === 'database') {
      const message = `Provided ID ${id} is a database, not a page. Use the retrieve database API instead.`;
      this.sendError(res, integration, 400, 'validation_error', message);
    } else if (endpoint === 'database' && resource.kind === 'page') {
      // Older API versions said "Provided ID <id> is a page, not a database. Use the retrieve
      // page API instead." — code should match on "is a page, not a database", not the rest.
      const message = `Provided database_id ${id} is a page, not a database. Use the pages API instead, or pass the ID of the database itself.`;
      this.sendError(res, integration, 400, 'validation_error', message);
    } else {
      this.sendNotFound(res, integration, endpoint, id);
    }
  }

  /**
   * `POST /v1/search` without a query: every page and data source shared with the token (never
   * databases, under 2025-09-03), in creation order, minus hideFromSearch() ones; trashed ones
   * included unless `filter.in_trash` says otherwise. The cursor is opaque, as in the real API.
   */
  private search(res: http.ServerResponse, integration: Integration, rawBody: string): void {
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = rawBody.trim() === '' ? {} : JSON.parse(rawBody);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      this.sendError(res, integration, 400, 'invalid_json', 'Error parsing JSON body.');
      return;
    }
    const invalid = (message: string) =>
      this.sendError(
        res,
        integration,
        400,
        'validation_error',
        `body failed validation: ${message}`,
      );

    const pageSize = body.page_size ?? 100;
    if (typeof pageSize !== 'number' || !Number.isInteger(pageSize)) {
      invalid(`body.page_size should be an integer, instead was \`${JSON.stringify(pageSize)}\`.`);
      return;
    }
    if (pageSize < 1 || pageSize > 100) {
      const bound = pageSize < 1 ? '≥ `1`' : '≤ `100`';
      invalid(`body.page_size should be ${bound}, instead was \`${pageSize}\`.`);
      return;
    }
    let offset = 0;
    const cursor = body.start_cursor;
    if (cursor !== undefined && cursor !== null) {
      const decoded = typeof cursor === 'string' ? decodeCursor(cursor) : undefined;
      if (decoded === undefined) {
        invalid(
          `body.start_cursor should be a valid cursor, instead was \`${JSON.stringify(cursor)}\`.`,
        );
        return;
      }
      offset = decoded;
    }
    let kind: ResourceKind | undefined;
    let inTrash: boolean | undefined;
    if (body.filter !== undefined) {
      const filter = body.filter as Record<string, unknown> | null;
      const value = filter?.value;
      if (filter?.in_trash !== undefined && typeof filter.in_trash !== 'boolean') {
        invalid('body.filter.in_trash should be a boolean.');
        return;
      }
      inTrash = filter?.in_trash as boolean | undefined;
      if (filter?.property !== undefined || value !== undefined) {
        if (filter?.property !== 'object' || (value !== 'page' && value !== 'data_source')) {
          invalid(
            `body.filter.value should be \`"page"\` or \`"data_source"\`, instead was \`${JSON.stringify(value)}\`.`,
          );
          return;
        }
        kind = value;
      }
    }
    if (integration.missing.has('read_content')) {
      this.sendError(
        res,
        integration,
        403,
        'restricted_resource',
        DEFAULT_ERROR[403]?.message ?? '',
      );
      return;
    }

    const listed = [...this.resources.values()].filter(
      (r) =>
        r.kind !== 'database' &&
        (kind === undefined || r.kind === kind) &&
        (inTrash === undefined || this.inTrash(r) === inTrash) &&
        !this.hiddenFromSearch.has(r.id) &&
        this.canSee(r, integration.token),
    );
    const page = listed.slice(offset, offset + pageSize);
    const hasMore = offset + pageSize < listed.length;
    const answer: Record<string, unknown> = {
      object: 'list',
      results: page.map((r) => this.render(r)),
      next_cursor: hasMore ? encodeCursor(offset + pageSize) : null,
      has_more: hasMore,
      type: 'page_or_data_source',
      page_or_data_source: {},
    };
    // Field and shape from the SDK's SearchResponse type (request_status.type).
    if (this.searchIncomplete) answer.request_status = { type: 'incomplete' };
    this.sendJson(res, 200, answer);
  }

  private canSee(resource: Resource, token: string): boolean {
    // Access is the object's own share or one inherited from an ancestor (data sources have no
    // sharing of their own: access comes from their database), unless a removed connection
    // (unshareSubtree) lies on the way up. The depth bound guards against a cyclic set-up.
    let current: Resource | undefined = resource;
    for (let depth = 0; current !== undefined && depth < 1000; depth += 1) {
      if (current.sharedWith.has(token)) return true;
      if (current.cutFor.has(token)) return false;
      current = this.container(current);
    }
    return false;
  }

  private consumeRateLimit(token: string): number | undefined {
    if (this.rateLimit === undefined) return undefined;
    const { limit, windowMs } = this.rateLimit;
    const now = Date.now();
    const recent = (this.admitted.get(token) ?? []).filter((t) => t > now - windowMs);
    this.admitted.set(token, recent);
    const oldest = recent[0];
    if (recent.length >= limit && oldest !== undefined) {
      return Math.max(1, Math.ceil((oldest + windowMs - now) / 1000));
    }
    recent.push(now);
    return undefined;
  }

  // ---- objects -------------------------------------------------------------------------------

  private botUser(integration: Integration) {
    const owner =
      integration.ownerType === 'workspace'
        ? { type: 'workspace', workspace: true }
        : {
            type: 'user',
            user: {
              object: 'user',
              id: integration.ownerUserId,
              name: 'Ada Lovelace',
              avatar_url: null,
              type: 'person',
              person: { email: 'ada@example.com' },
            },
          };
    return {
      object: 'user',
      id: integration.botId,
      name: integration.name,
      avatar_url: null,
      type: 'bot',
      bot: {
        owner,
        workspace_name: integration.workspaceName,
        workspace_id: integration.workspaceId,
        workspace_limits: { max_file_upload_size_in_bytes: 5_368_709_120 },
      },
    };
  }

  private render(resource: Resource) {
    const hex = resource.id.replaceAll('-', '');
    const user = { object: 'user', id: AUTHOR_ID };
    const common = {
      id: resource.id,
      created_time: CREATED_TIME,
      last_edited_time: EDITED_TIME,
      in_trash: this.inTrash(resource),
      archived: this.inTrash(resource),
      icon: null,
      cover: null,
      public_url: null,
    };
    switch (resource.kind) {
      case 'page': {
        const slug = resource.title.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
        return {
          object: 'page',
          ...common,
          created_by: user,
          last_edited_by: user,
          is_locked: false,
          parent: this.parentObject(resource),
          url: resource.url ?? `https://www.notion.so/${slug ? `${slug}-` : ''}${hex}`,
          properties: { title: { id: 'title', type: 'title', title: richText(resource.title) } },
        };
      }
      case 'database':
        return {
          object: 'database',
          ...common,
          title: richText(resource.title),
          description: [],
          parent: this.parentObject(resource),
          is_inline: false,
          is_locked: false,
          data_sources: this.dataSourcesOf(resource.id),
          url: resource.url ?? `https://www.notion.so/${hex}`,
        };
      case 'data_source':
        return {
          object: 'data_source',
          ...common,
          title: richText(resource.title),
          description: [],
          parent: { type: 'database_id', database_id: resource.databaseId },
          database_parent: this.databaseParent(resource),
          is_inline: false,
          created_by: user,
          last_edited_by: user,
          properties: {
            Name: { id: 'title', name: 'Name', description: null, type: 'title', title: {} },
          },
          url: resource.url ?? `https://www.notion.so/${hex}`,
        };
    }
  }

  /** The `parent` object as Notion-Version 2025-09-03 renders it. */
  private parentObject(resource: Resource): Record<string, unknown> {
    const container = this.container(resource);
    switch (container?.kind) {
      case undefined:
        return { type: 'workspace', workspace: true };
      case 'page':
        return { type: 'page_id', page_id: container.id };
      case 'database':
        return { type: 'database_id', database_id: container.id };
      case 'data_source':
        return {
          type: 'data_source_id',
          data_source_id: container.id,
          database_id: container.databaseId,
        };
    }
  }

  /** A data source's `database_parent`: where its database sits. */
  private databaseParent(resource: Resource): Record<string, unknown> {
    const database = this.container(resource);
    return database === undefined
      ? { type: 'workspace', workspace: true }
      : this.parentObject(database);
  }

  private dataSourcesOf(databaseId: string): { id: string; name: string }[] {
    return [...this.resources.values()]
      .filter((r) => r.kind === 'data_source' && r.databaseId === databaseId)
      .map((r) => ({ id: r.id, name: r.title }));
  }

  private inTrash(resource: Resource): boolean {
    const database =
      resource.databaseId === undefined ? undefined : this.resources.get(resource.databaseId);
    return resource.inTrash || (database?.inTrash ?? false);
  }

  // ---- responses -----------------------------------------------------------------------------

  private jsonHeaders(requestId: string): Record<string, string> {
    return {
      'content-type': 'application/json; charset=utf-8',
      'x-notion-request-id': requestId,
      // Every real answer crosses Cloudflare, so cf-ray alone does not mean "edge block".
      'cf-ray': cfRay(),
      server: 'cloudflare',
    };
  }

  private sendJson(res: http.ServerResponse, status: number, body: object, extra = {}): void {
    const requestId = randomUUID();
    // setHeader (not only writeHead) so the recorder can read it back on 'finish'.
    res.setHeader('x-notion-request-id', requestId);
    res.writeHead(status, { ...this.jsonHeaders(requestId), ...extra });
    res.end(JSON.stringify({ ...body, request_id: requestId }));
  }

  private sendError(
    res: http.ServerResponse,
    integration: Integration | undefined,
    status: number,
    code: string,
    message: string,
    headers: Record<string, string> = {},
  ): void {
    const error: Record<string, unknown> = { object: 'error', status, code, message };
    if (integration !== undefined && code === 'object_not_found') {
      error.additional_data = { integration_id: integration.botId };
    }
    this.sendJson(res, status, error, headers);
  }

  private sendNotFound(
    res: http.ServerResponse,
    integration: Integration,
    endpoint: ResourceKind,
    id: string,
  ): void {
    // The real message names the integration when it can.
    const message = `Could not find ${NOT_FOUND_NOUN[endpoint]} with ID: ${id}. Make sure the relevant pages and databases are shared with your integration "${integration.name}".`;
    this.sendError(res, integration, 404, 'object_not_found', message);
  }

  private sendHtml(res: http.ServerResponse, status: number): void {
    const ray = cfRay();
    res.writeHead(status, {
      'content-type': 'text/html; charset=UTF-8',
      'cf-ray': ray,
      server: 'cloudflare',
    });
    res.end(cloudflarePage(status, ray));
  }

  // ---- lookups -------------------------------------------------------------------------------

  private integration(token: string): Integration {
    const integration = this.integrations.get(token);
    if (integration === undefined) throw new Error('FakeNotion: unknown integration token');
    return integration;
  }

  private resource(id: string): Resource {
    const resource = this.resources.get(mustNormalize(id));
    if (resource === undefined) throw new Error(`FakeNotion: unknown resource ${id}`);
    return resource;
  }

  /** The normalized id of an existing parent, or undefined for the workspace. */
  private parentOf(parentId: string | undefined): string | undefined {
    return parentId === undefined ? undefined : this.resource(parentId).id;
  }

  /** The object it sits in: a data source's database, a page's or database's parent. */
  private container(resource: Resource): Resource | undefined {
    const parentId = resource.kind === 'data_source' ? resource.databaseId : resource.parentId;
    return parentId === undefined ? undefined : this.resources.get(parentId);
  }

  private descendantsOf(id: string): Resource[] {
    const found: Resource[] = [];
    const queue = [id];
    for (let current = queue.shift(); current !== undefined; current = queue.shift()) {
      for (const resource of this.resources.values()) {
        if (this.container(resource)?.id === current && !found.includes(resource)) {
          found.push(resource);
          queue.push(resource.id);
        }
      }
    }
    return found;
  }

  private addResource(input: {
    kind: ResourceKind;
    id: string;
    title: string;
    url?: string;
    inTrash?: boolean;
    sharedWith?: string[];
    databaseId?: string;
    parentId?: string;
  }): Resource {
    const resource: Resource = {
      kind: input.kind,
      id: mustNormalize(input.id),
      title: input.title,
      url: input.url,
      inTrash: input.inTrash ?? false,
      sharedWith: new Set(input.sharedWith ?? []),
      databaseId: input.databaseId,
      parentId: input.parentId,
      cutFor: new Set(),
    };
    this.resources.set(resource.id, resource);
    return resource;
  }
}
