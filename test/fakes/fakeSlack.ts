/**
 * A fake Slack Web API over real HTTP, for @slack/web-api's WebClient with
 * `slackApiUrl: fake.apiUrl`, plus `response_url` endpoints for Bolt's respond().
 * Answers like Slack: HTTP 200 with `{ ok: false, error }` for platform errors, HTTP 429 with
 * Retry-After for `ratelimited`.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { blockKitViolations } from '../support/blockKitLimits';
import { bearerToken, close, listen, Recorder, readBody } from './http';

/** Ids the fake (and test/support/slackRequest.ts) use unless told otherwise. */
export const SLACK_IDS = {
  teamId: 'T0001',
  teamDomain: 'fake-workspace',
  appId: 'A0APP',
  botUserId: 'U0BOT',
  botId: 'B0BOT',
  /** Present in the user table as a regular member. */
  userId: 'U0USER',
  /** Present in the user table as a workspace admin. */
  adminUserId: 'U0ADMIN',
  channelId: 'C0CHANNEL',
} as const;

export type SlackBody = Record<string, unknown>;

export interface SlackCall {
  method: string;
  /** Parsed body; `blocks`, `attachments` and `view` are parsed back from their JSON strings. */
  body: SlackBody;
  token: string | undefined;
  at: number;
  /** The `error` answered, when the call failed. */
  error?: string;
  /** What the fake answered (e.g. the `ts` of a posted message). */
  response?: Record<string, unknown>;
}

export interface SlackResponseUrlPost {
  id: string;
  body: SlackBody;
  at: number;
}

export interface SlackUser {
  id: string;
  name?: string;
  is_admin?: boolean;
  is_owner?: boolean;
  deleted?: boolean;
  /**
   * The workspace the user belongs to: only that workspace's bot token sees them. Default: every
   * token (the one-workspace tests).
   */
  teamId?: string;
}

export interface SlackChannel {
  id: string;
  name?: string;
  is_private?: boolean;
  /** When false, chat.postMessage answers not_in_channel (public) or channel_not_found (private). */
  is_member?: boolean;
  /** The users in the channel (conversations.members, users.conversations); default none. */
  members?: string[];
  /**
   * The workspace the channel belongs to: another workspace's bot token gets channel_not_found
   * for it. Default: every token (the one-workspace tests).
   */
  teamId?: string;
}

/** A workspace that installs the app through OAuth (addWorkspace). */
export interface SlackWorkspace {
  teamId: string;
  teamName: string;
  /** The latest OAuth code registered for it (what Slack hands the browser after "Allow"). */
  code: string;
  /** Its current bot token (`access_token` of oauth.v2.access); a reinstall after a revocation issues a new one. */
  botToken: string;
  botUserId: string;
  botId: string;
  /** Who pressed "Allow" (`authed_user.id`). */
  installerUserId: string;
  /** The bot scopes granted (comma-separated, as oauth.v2.access answers them). */
  scope: string;
  /** Set by revokeWorkspace: calls with its bot token answer token_revoked. */
  revoked: boolean;
}

export interface WorkspaceInput {
  teamId: string;
  teamName?: string;
  /** An OAuth code oauth.v2.access accepts once, for this workspace. */
  code: string;
  /** Default: built at run time, different for each workspace (and for each reinstall after a revocation). */
  botToken?: string;
  botUserId?: string;
  botId?: string;
  installerUserId?: string;
  scope?: string;
}

/** Whose bot token a call was made with: the workspace its answers speak for. */
interface Caller {
  teamId: string;
  teamName: string;
  teamDomain: string;
  botUserId: string;
  botId: string;
}

/** A message the fake posted, as Slack keeps it: chat.update and replies need it to exist. */
export interface SlackMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  deleted: boolean;
  /** The workspace whose bot posted it (undefined: remembered, anyone may update it). */
  teamId?: string;
}

export interface FailOptions {
  /** How many calls fail; default 1. */
  times?: number;
  /** HTTP status; default 200, or 429 for `ratelimited`. */
  status?: number;
  /** Extra headers; `ratelimited` gets `Retry-After: 1` unless given. */
  headers?: Record<string, string>;
  /** Calls to let through before failing; default 0. */
  after?: number;
}

interface Failure {
  error: string;
  remaining: number;
  skip: number;
  status: number;
  headers: Record<string, string>;
}

type Answer = { status?: number; headers?: Record<string, string>; body: SlackBody };

const JSON_FIELDS = ['blocks', 'attachments', 'view'];

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function parseBody(raw: string, contentType: string | undefined): SlackBody {
  if (raw === '') return {};
  if (contentType?.includes('application/json')) {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null ? (parsed as SlackBody) : {};
  }
  const body: SlackBody = Object.fromEntries(new URLSearchParams(raw));
  for (const field of JSON_FIELDS) {
    const value = body[field];
    if (typeof value !== 'string') continue;
    try {
      body[field] = JSON.parse(value);
    } catch {
      // keep the string: the method answers invalid_arguments/invalid_blocks like Slack would
    }
  }
  return body;
}

/** `Basic base64(client_id:client_secret)` → the two; anything else → undefined. */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (match?.[1] === undefined) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return {
      id: decodeURIComponent(decoded.slice(0, colon)),
      secret: decodeURIComponent(decoded.slice(colon + 1)),
    };
  } catch {
    return undefined;
  }
}

export class FakeSlack {
  baseUrl = '';
  apiUrl = '';
  readonly botToken: string;
  readonly calls: SlackCall[];
  readonly responses: SlackResponseUrlPost[];

  private readonly server = http.createServer((req, res) => {
    this.handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        this.send(res, { status: 500, body: { ok: false, error: String(error) } });
    });
  });
  private readonly callLog = new Recorder<SlackCall>();
  private readonly responseLog = new Recorder<SlackResponseUrlPost>();
  private readonly users = new Map<string, SlackUser>();
  private readonly channels = new Map<string, SlackChannel>();
  private readonly messages = new Map<string, SlackMessage>();
  /** The Home tab each user was last shown (views.publish). */
  readonly homeViews = new Map<string, SlackBody>();
  private readonly failures = new Map<string, Failure[]>();
  private predicates: { method: string; check: (body: SlackBody) => string | undefined }[] = [];
  private messageCount = 0;
  private viewCount = 0;
  private readonly tsEpoch: number;
  private readonly authTestAppId: boolean;
  /** Socket Mode: the app-level token apps.connections.open accepts, and the URL it answers. */
  private socketMode: { appToken: string; url: string } | undefined;
  /** OAuth: the app's credentials oauth.v2.access accepts (oauthClient). */
  private oauth: { clientId: string; clientSecret: string } | undefined;
  private readonly workspaceList = new Map<string, SlackWorkspace>();
  /** Every bot token issued through OAuth, revoked ones included, and whose it is. */
  private readonly tokenOwners = new Map<string, SlackWorkspace>();
  private readonly revokedTokens = new Set<string>();
  /** OAuth codes: the workspace each is for, and whether it was exchanged already. */
  private readonly codes = new Map<string, { teamId: string; used: boolean }>();

  /**
   * `tsEpoch`: the seconds of the first message ts (default 1700000000). A fake started on a
   * database written by another fake picks another one, so old and new messages never share a ts.
   * `authTestAppId`: auth.test also names the app (`app_id`), as Slack may for a bot token; by
   * default it answers like Slack's documented example, without one.
   */
  constructor(options: { botToken?: string; tsEpoch?: number; authTestAppId?: boolean } = {}) {
    this.tsEpoch = options.tsEpoch ?? 1_700_000_000;
    this.authTestAppId = options.authTestAppId ?? false;
    // Built at run time so no token-shaped literal sits in the repository.
    this.botToken =
      options.botToken ?? ['xoxb', '0'.repeat(10), '0'.repeat(13), 'fakebot'].join('-');
    this.calls = this.callLog.items;
    this.responses = this.responseLog.items;
    this.setUser({ id: SLACK_IDS.userId, name: 'regular.user' });
    this.setUser({ id: SLACK_IDS.adminUserId, name: 'admin.user', is_admin: true });
  }

  async start(): Promise<void> {
    this.baseUrl = await listen(this.server);
    this.apiUrl = `${this.baseUrl}/api/`;
  }

  async stop(): Promise<void> {
    await close(this.server);
  }

  // ---- state and failures --------------------------------------------------------------------

  setUser(user: SlackUser): void {
    this.users.set(user.id, user);
  }

  setChannel(channel: SlackChannel): void {
    this.channels.set(channel.id, channel);
  }

  /** Someone deleted the message: chat.update on it answers message_not_found, as Slack does. */
  deleteMessage(channel: string, ts: string): void {
    const message = this.messages.get(`${channel}:${ts}`);
    if (message) message.deleted = true;
    else this.messages.set(`${channel}:${ts}`, { channel, ts, deleted: true });
  }

  /** A message posted before this fake started (e.g. by a fake of an earlier run). */
  rememberMessage(channel: string, ts: string, threadTs?: string): void {
    this.messages.set(`${channel}:${ts}`, { channel, ts, threadTs, deleted: false });
  }

  messageAt(channel: string, ts: string): SlackMessage | undefined {
    return this.messages.get(`${channel}:${ts}`);
  }

  /**
   * The next call(s) to `method` answer `{ ok: false, error }`. `ratelimited` answers HTTP 429 with
   * Retry-After, as Slack does.
   */
  failNext(method: string, error: string, options: FailOptions = {}): void {
    const rateLimited = error === 'ratelimited';
    const headers = { ...options.headers };
    if (rateLimited && !Object.keys(headers).some((h) => h.toLowerCase() === 'retry-after')) {
      headers['Retry-After'] = '1';
    }
    const queue = this.failures.get(method) ?? [];
    queue.push({
      error,
      remaining: options.times ?? 1,
      skip: options.after ?? 0,
      status: options.status ?? (rateLimited ? 429 : 200),
      headers,
    });
    this.failures.set(method, queue);
  }

  /** Every call to `method` for which `check(body)` returns an error string fails with it. */
  failWhen(method: string, check: (body: SlackBody) => string | undefined): void {
    this.predicates.push({ method, check });
  }

  /**
   * apps.connections.open accepts `appToken` (and only it: other methods take the bot token)
   * and answers `url`, the fake Socket Mode server's.
   */
  acceptSocketMode(options: { appToken: string; url: string }): void {
    this.socketMode = { ...options };
  }

  clearFailures(): void {
    this.failures.clear();
    this.predicates = [];
  }

  // ---- OAuth and workspaces ------------------------------------------------------------------

  /** The app's Client ID and Client Secret, as oauth.v2.access checks them. */
  oauthClient(options: { clientId: string; clientSecret: string }): void {
    this.oauth = { ...options };
  }

  /**
   * Registers a workspace and an OAuth code for it: oauth.v2.access exchanges the code (once)
   * for the workspace's bot token, and auth.test on that token names the workspace. Called again
   * for a known workspace: another code; the same token unless it was revoked (or one is given).
   */
  addWorkspace(input: WorkspaceInput): SlackWorkspace {
    const existing = this.workspaceList.get(input.teamId);
    const suffix = input.teamId.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
    const botToken =
      input.botToken ??
      (existing && !existing.revoked
        ? existing.botToken
        : // Built at run time so no token-shaped literal sits in the repository.
          [
            'xoxb',
            '0'.repeat(10),
            '0'.repeat(13),
            `fake${suffix.toLowerCase()}${randomBytes(6).toString('hex')}`,
          ].join('-'));
    const workspace: SlackWorkspace = {
      teamId: input.teamId,
      teamName: input.teamName ?? existing?.teamName ?? `Workspace ${input.teamId}`,
      code: input.code,
      botToken,
      botUserId: input.botUserId ?? existing?.botUserId ?? `U${suffix}BOT`,
      botId: input.botId ?? existing?.botId ?? `B${suffix}`,
      installerUserId: input.installerUserId ?? existing?.installerUserId ?? `U${suffix}INST`,
      scope: input.scope ?? existing?.scope ?? 'commands,chat:write,users:read,channels:read',
      revoked: false,
    };
    this.workspaceList.set(input.teamId, workspace);
    this.tokenOwners.set(botToken, workspace);
    this.revokedTokens.delete(botToken);
    this.codes.set(input.code, { teamId: input.teamId, used: false });
    return workspace;
  }

  workspace(teamId: string): SlackWorkspace | undefined {
    return this.workspaceList.get(teamId);
  }

  /** The workspace a bot token was issued to (revoked ones included). */
  workspaceOfToken(token: string | undefined): SlackWorkspace | undefined {
    return token === undefined ? undefined : this.tokenOwners.get(token);
  }

  /** Every bot token issued through OAuth, revoked ones included (e.g. to look for leaks). */
  workspaceTokens(): string[] {
    return [...this.tokenOwners.keys()];
  }

  /** Whether an OAuth code was exchanged already; undefined for a code never registered. */
  codeUsed(code: string): boolean | undefined {
    return this.codes.get(code)?.used;
  }

  /**
   * The app was uninstalled from the workspace, or its tokens revoked: every bot token issued to
   * it answers token_revoked from now on, as Slack does.
   */
  revokeWorkspace(teamId: string): void {
    for (const [token, owner] of this.tokenOwners) {
      if (owner.teamId === teamId) this.revokedTokens.add(token);
    }
    const workspace = this.workspaceList.get(teamId);
    if (workspace) workspace.revoked = true;
  }

  // ---- recording -----------------------------------------------------------------------------

  /** A response_url the app can POST to; the posts land in `responses`. */
  responseUrl(id = 'R0001'): string {
    return `${this.baseUrl}/response/${encodeURIComponent(id)}`;
  }

  callsTo(method: string): SlackCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  waitFor(
    method: string,
    predicate: (call: SlackCall) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<SlackCall> {
    return this.callLog.waitFor(
      (call) => call.method === method && predicate(call),
      timeoutMs,
      () => {
        const seen = this.calls.map((c) => (c.error ? `${c.method} (${c.error})` : c.method));
        return `no matching ${method} call; Slack received: ${seen.join(', ') || 'nothing'}`;
      },
    );
  }

  waitForResponse(
    predicate: (post: SlackResponseUrlPost) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<SlackResponseUrlPost> {
    return this.responseLog.waitFor(predicate, timeoutMs, () => {
      const seen = this.responses.map((r) => JSON.stringify(r.body).slice(0, 120));
      return `no matching response_url post; received: ${seen.join(' | ') || 'none'}`;
    });
  }

  /** Forgets recorded calls and response_url posts (not users, channels or failures). */
  reset(): void {
    this.callLog.clear();
    this.responseLog.clear();
  }

  // ---- HTTP ----------------------------------------------------------------------------------

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const raw = await readBody(req);
    const body = parseBody(raw, req.headers['content-type']);

    const responseMatch = /^\/response\/([^/]+)$/.exec(path);
    if (responseMatch?.[1] !== undefined) {
      this.responseLog.add({ id: decodeURIComponent(responseMatch[1]), body, at: Date.now() });
      this.send(res, { body: { ok: true } });
      return;
    }
    const methodMatch = /^\/api\/([A-Za-z0-9_.]+)$/.exec(path);
    if (methodMatch?.[1] === undefined) {
      this.send(res, { status: 404, body: { ok: false, error: 'unknown_method' } });
      return;
    }

    const method = methodMatch[1];
    const token = bearerToken(req.headers.authorization) ?? str(body.token);
    const call: SlackCall = { method, body, token, at: Date.now() };
    const answer = this.answer(call, basicCredentials(req.headers.authorization));
    if (answer.body.ok === false) call.error = String(answer.body.error);
    call.response = answer.body;
    this.callLog.add(call);
    this.send(res, answer);
  }

  private answer(call: SlackCall, basic?: { id: string; secret: string }): Answer {
    // oauth.v2.access takes the app's credentials (form fields or HTTP Basic), not a token.
    const tokenless = call.method === 'oauth.v2.access';
    let caller: Caller = this.defaultCaller();
    if (!tokenless) {
      if (call.token === undefined) return { body: { ok: false, error: 'not_authed' } };
      const owner = this.tokenOwners.get(call.token);
      if (call.method === 'apps.connections.open' || owner === undefined) {
        const expected =
          call.method === 'apps.connections.open' ? this.socketMode?.appToken : this.botToken;
        if (call.token !== expected) return { body: { ok: false, error: 'invalid_auth' } };
      } else if (this.revokedTokens.has(call.token)) {
        return { body: { ok: false, error: 'token_revoked' } };
      } else {
        caller = {
          teamId: owner.teamId,
          teamName: owner.teamName,
          teamDomain: owner.teamId.toLowerCase(),
          botUserId: owner.botUserId,
          botId: owner.botId,
        };
      }
    }

    const failure = this.takeFailure(call.method);
    if (failure !== undefined) {
      return {
        status: failure.status,
        headers: failure.headers,
        body: { ok: false, error: failure.error },
      };
    }
    for (const { method, check } of this.predicates) {
      const error = method === call.method ? check(call.body) : undefined;
      if (error !== undefined) return { body: { ok: false, error } };
    }
    if (tokenless) return { body: this.oauthAccess(call.body, basic) };
    return { body: this.dispatch(call.method, call.body, caller) };
  }

  private defaultCaller(): Caller {
    return {
      teamId: SLACK_IDS.teamId,
      teamName: 'Fake Workspace',
      teamDomain: SLACK_IDS.teamDomain,
      botUserId: SLACK_IDS.botUserId,
      botId: SLACK_IDS.botId,
    };
  }

  /** oauth.v2.access as Slack answers it: the app's credentials first, then the code (once). */
  private oauthAccess(
    body: SlackBody,
    basic: { id: string; secret: string } | undefined,
  ): SlackBody {
    const clientId = basic?.id ?? str(body.client_id);
    const clientSecret = basic?.secret ?? str(body.client_secret);
    if (this.oauth === undefined || clientId !== this.oauth.clientId) {
      return { ok: false, error: 'invalid_client_id' };
    }
    if (clientSecret !== this.oauth.clientSecret) return { ok: false, error: 'bad_client_secret' };
    const code = this.codes.get(str(body.code) ?? '');
    const workspace = code && !code.used ? this.workspaceList.get(code.teamId) : undefined;
    if (code === undefined || workspace === undefined) return { ok: false, error: 'invalid_code' };
    code.used = true;
    return {
      ok: true,
      app_id: SLACK_IDS.appId,
      authed_user: { id: workspace.installerUserId },
      scope: workspace.scope,
      token_type: 'bot',
      access_token: workspace.botToken,
      bot_user_id: workspace.botUserId,
      team: { id: workspace.teamId, name: workspace.teamName },
      enterprise: null,
      is_enterprise_install: false,
    };
  }

  /** Whether `caller`'s bot can see a user or channel (one with no workspace: every bot can). */
  private sees(caller: Caller, thing: { teamId?: string } | undefined): boolean {
    return thing?.teamId === undefined || thing.teamId === caller.teamId;
  }

  private takeFailure(method: string): Failure | undefined {
    const queue = this.failures.get(method) ?? [];
    const failure = queue.find((f) => f.remaining > 0);
    if (failure !== undefined && failure.skip > 0) {
      failure.skip -= 1;
      return undefined;
    }
    if (failure !== undefined) failure.remaining -= 1;
    return failure;
  }

  private dispatch(method: string, body: SlackBody, caller: Caller): SlackBody {
    switch (method) {
      case 'apps.connections.open':
        return { ok: true, url: this.socketMode?.url };
      case 'auth.test':
        return {
          ok: true,
          url: `https://${caller.teamDomain}.slack.com/`,
          team: caller.teamName,
          user: 'notion-check',
          team_id: caller.teamId,
          user_id: caller.botUserId,
          bot_id: caller.botId,
          ...(this.authTestAppId ? { app_id: SLACK_IDS.appId } : {}),
          is_enterprise_install: false,
        };
      case 'chat.postMessage':
        return this.postMessage(body, caller);
      case 'chat.update': {
        const channel = str(body.channel);
        const ts = str(body.ts);
        if (channel === undefined) return { ok: false, error: 'channel_not_found' };
        if (!this.sees(caller, this.channels.get(channel))) {
          return { ok: false, error: 'channel_not_found' };
        }
        if (ts === undefined) return { ok: false, error: 'message_not_found' };
        const existing = this.messages.get(`${channel}:${ts}`);
        if (existing === undefined || existing.deleted) {
          return { ok: false, error: 'message_not_found' };
        }
        if (existing.teamId !== undefined && existing.teamId !== caller.teamId) {
          return { ok: false, error: 'cant_update_message' };
        }
        const invalid = this.messageViolations(body);
        if (invalid !== undefined) return invalid;
        return {
          ok: true,
          channel,
          ts,
          text: body.text ?? '',
          message: this.message(body, ts, caller),
        };
      }
      case 'chat.postEphemeral': {
        const channel = str(body.channel);
        if (channel === undefined || !this.sees(caller, this.channels.get(channel))) {
          return { ok: false, error: 'channel_not_found' };
        }
        const user = str(body.user);
        if (user === undefined || !this.sees(caller, this.users.get(user))) {
          return { ok: false, error: 'user_not_in_channel' };
        }
        const invalid = this.messageViolations(body);
        if (invalid !== undefined) return invalid;
        return { ok: true, message_ts: this.nextTs() };
      }
      case 'views.open':
      case 'views.push':
        if (str(body.trigger_id) === undefined && str(body.interactivity_pointer) === undefined) {
          return { ok: false, error: 'invalid_arguments' };
        }
        return this.openView(body, this.nextViewId(), caller);
      case 'views.update':
        return this.openView(body, str(body.view_id) ?? this.nextViewId(), caller);
      case 'views.publish': {
        const user = str(body.user_id);
        if (user === undefined) return { ok: false, error: 'invalid_arguments' };
        const known = this.users.get(user);
        if (known === undefined || !this.sees(caller, known)) {
          return { ok: false, error: 'user_not_found' };
        }
        const view = body.view;
        if (typeof view !== 'object' || view === null || (view as SlackBody).type !== 'home') {
          return { ok: false, error: 'invalid_arguments' };
        }
        const published = this.openView(body, this.nextViewId(), caller);
        if (published.ok === true) this.homeViews.set(user, view as SlackBody);
        return published;
      }
      case 'chat.getPermalink': {
        const channel = str(body.channel);
        const ts = str(body.message_ts);
        if (channel === undefined || !this.sees(caller, this.channels.get(channel))) {
          return { ok: false, error: 'channel_not_found' };
        }
        const message = ts === undefined ? undefined : this.messages.get(`${channel}:${ts}`);
        if (ts === undefined || message === undefined || message.deleted) {
          return { ok: false, error: 'message_not_found' };
        }
        return {
          ok: true,
          channel,
          permalink: `https://${caller.teamDomain}.slack.com/archives/${channel}/p${ts.replace('.', '')}`,
        };
      }
      case 'conversations.members': {
        const channel = this.channels.get(str(body.channel) ?? '');
        if (channel === undefined || !this.sees(caller, channel)) {
          return { ok: false, error: 'channel_not_found' };
        }
        return this.page(channel.members ?? [], body, 'members');
      }
      case 'users.conversations': {
        const user = str(body.user);
        const known = user === undefined ? undefined : this.users.get(user);
        if (user === undefined || known === undefined || !this.sees(caller, known)) {
          return { ok: false, error: 'user_not_found' };
        }
        const types = (str(body.types) ?? 'public_channel').split(',');
        const channels = [...this.channels.values()].filter(
          (c) =>
            this.sees(caller, c) &&
            (c.members ?? []).includes(user) &&
            types.includes(c.is_private ? 'private_channel' : 'public_channel'),
        );
        return this.page(
          channels.map((c) => this.channelObject(c, caller)),
          body,
          'channels',
        );
      }
      case 'users.info': {
        const user = this.users.get(str(body.user) ?? '');
        return user === undefined || !this.sees(caller, user)
          ? { ok: false, error: 'user_not_found' }
          : { ok: true, user: this.userObject(user, caller) };
      }
      case 'conversations.info': {
        const id = str(body.channel);
        if (id === undefined) return { ok: false, error: 'channel_not_found' };
        const channel = this.channels.get(id) ?? { id };
        if (channel.is_private && channel.is_member === false)
          return { ok: false, error: 'channel_not_found' };
        if (!this.sees(caller, channel)) return { ok: false, error: 'channel_not_found' };
        return { ok: true, channel: this.channelObject(channel, caller) };
      }
      default:
        return { ok: false, error: 'unknown_method', req_method: method };
    }
  }

  /** Cursor pagination as Slack does it: `limit` (default 100), `cursor`, `next_cursor`. */
  private page(items: unknown[], body: SlackBody, field: string): SlackBody {
    const limit = Math.max(1, Math.min(1000, Number(body.limit) || 100));
    const start = Number(str(body.cursor) ?? '0') || 0;
    const next = start + limit < items.length ? String(start + limit) : '';
    return {
      ok: true,
      [field]: items.slice(start, start + limit),
      response_metadata: { next_cursor: next },
    };
  }

  private postMessage(body: SlackBody, caller: Caller): SlackBody {
    const channelId = str(body.channel);
    if (channelId === undefined) return { ok: false, error: 'channel_not_found' };
    const channel = this.channels.get(channelId);
    if (!this.sees(caller, channel)) return { ok: false, error: 'channel_not_found' };
    if (channel?.is_member === false) {
      return { ok: false, error: channel.is_private ? 'channel_not_found' : 'not_in_channel' };
    }
    if (
      str(body.text) === undefined &&
      body.blocks === undefined &&
      body.attachments === undefined
    ) {
      return { ok: false, error: 'no_text' };
    }
    const invalid = this.messageViolations(body);
    if (invalid !== undefined) return invalid;
    const ts = this.nextTs();
    const threadTs = str(body.thread_ts);
    this.messages.set(`${channelId}:${ts}`, {
      channel: channelId,
      ts,
      threadTs,
      deleted: false,
      teamId: caller.teamId,
    });
    return { ok: true, channel: channelId, ts, message: this.message(body, ts, caller) };
  }

  /** Slack rejects blocks over its limits with invalid_blocks; a missing fallback only warns. */
  private messageViolations(body: SlackBody): SlackBody | undefined {
    if (body.blocks === undefined) return undefined;
    const errors = blockKitViolations(body, { requireFallbackText: false });
    if (errors.length === 0) return undefined;
    return {
      ok: false,
      error: 'invalid_blocks',
      errors,
      response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) },
    };
  }

  private openView(body: SlackBody, id: string, caller: Caller = this.defaultCaller()): SlackBody {
    const view = body.view;
    if (typeof view !== 'object' || view === null) return { ok: false, error: 'invalid_arguments' };
    const errors = blockKitViolations(view);
    if (errors.length > 0) {
      return {
        ok: false,
        error: 'invalid_arguments',
        response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) },
      };
    }
    return {
      ok: true,
      view: {
        id,
        team_id: caller.teamId,
        type: 'modal',
        blocks: [],
        private_metadata: '',
        callback_id: '',
        external_id: '',
        state: { values: {} },
        hash: `${Math.floor(Date.now() / 1000)}.${id.toLowerCase()}`,
        clear_on_close: false,
        notify_on_close: false,
        close: null,
        submit: null,
        previous_view_id: null,
        root_view_id: id,
        app_id: SLACK_IDS.appId,
        app_installed_team_id: caller.teamId,
        bot_id: caller.botId,
        ...view,
      },
    };
  }

  private message(body: SlackBody, ts: string, caller: Caller): SlackBody {
    return {
      type: 'message',
      user: caller.botUserId,
      bot_id: caller.botId,
      app_id: SLACK_IDS.appId,
      team: caller.teamId,
      text: body.text ?? '',
      ts,
      ...(body.blocks === undefined ? {} : { blocks: body.blocks }),
      ...(body.thread_ts === undefined ? {} : { thread_ts: body.thread_ts }),
    };
  }

  private userObject(user: SlackUser, caller: Caller): SlackBody {
    const name = user.name ?? user.id.toLowerCase();
    return {
      id: user.id,
      team_id: user.teamId ?? caller.teamId,
      name,
      real_name: name,
      deleted: user.deleted ?? false,
      is_admin: user.is_admin ?? false,
      is_owner: user.is_owner ?? false,
      is_primary_owner: false,
      is_restricted: false,
      is_ultra_restricted: false,
      is_bot: false,
      is_app_user: false,
      tz: 'Europe/Paris',
      profile: { real_name: name, display_name: name },
    };
  }

  private channelObject(channel: SlackChannel, caller: Caller): SlackBody {
    return {
      id: channel.id,
      name: channel.name ?? channel.id.toLowerCase(),
      is_channel: true,
      is_group: false,
      is_im: false,
      is_private: channel.is_private ?? false,
      is_archived: false,
      is_member: channel.is_member ?? true,
      context_team_id: channel.teamId ?? caller.teamId,
    };
  }

  /** Unique, increasing message timestamps: 1700000000.000100, 1700000000.000200, … */
  private nextTs(): string {
    this.messageCount += 1;
    const micros = this.messageCount * 100;
    const seconds = this.tsEpoch + Math.floor(micros / 1_000_000);
    return `${seconds}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  private nextViewId(): string {
    this.viewCount += 1;
    return `V${String(this.viewCount).padStart(4, '0')}`;
  }

  private send(res: http.ServerResponse, answer: Answer): void {
    res.writeHead(answer.status ?? 200, {
      'content-type': 'application/json; charset=utf-8',
      ...answer.headers,
    });
    res.end(JSON.stringify(answer.body));
  }
}
