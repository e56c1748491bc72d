/**
 * Starts the real app (its real HTTPReceiver on a free port) against the fake Slack and Notion
 * servers, with a temporary SQLite file and every log line captured.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { type AppDeps, createApp, type NotionCheckApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { RateLimiter } from '../../src/notion/pacing';
import { openStore } from '../../src/store/open';
import { FakeNotion } from '../fakes/fakeNotion';
import { FakeSlack, type SlackResponseUrlPost } from '../fakes/fakeSlack';
import { FakeSocketMode } from '../fakes/fakeSocketMode';
import { type SlackHttpResult, type SlashCommandInput, sendSlashCommand } from './slackRequest';

/** Obviously fake, built at run time so no token-shaped literal sits in the repository. */
export function fakeNotionToken(seed: string): string {
  const digits = '0'.repeat(11);
  // The seed goes last, so fingerprints (last 4 characters) differ between tokens.
  const body = `${'0'.repeat(35)}${seed.replace(/[^A-Za-z0-9]/g, '')}`.slice(-35);
  return `ntn_${digits}${body}`;
}

/** A port nothing listens on right now (for an app that must be given its PORT up front). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export class LogCapture extends Writable {
  readonly lines: string[] = [];

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }

  text(): string {
    return this.lines.join('\n');
  }
}

export interface HarnessOptions {
  env?: Record<string, string>;
  /** Override pacing (tests that count requests scale it together with the fake's limit). */
  limiter?: RateLimiter;
  checkDeadlineMs?: number;
  /** The app's HTTP front door limits (shorter timeouts for tests). */
  frontDoor?: AppDeps['frontDoor'];
  /** How long the app gathers Notion webhook events before a re-check (default 2 s). */
  webhookDebounceMs?: number;
  /** Options of the fake Slack (e.g. `tsEpoch`). */
  slack?: ConstructorParameters<typeof FakeSlack>[0];
  /**
   * Runs once in start(), after the fakes are up (the default integration added) and before
   * the app's first start: seed the database file (`databasePath`) or the fakes' content.
   */
  beforeAppStart?: (harness: Harness) => void | Promise<void>;
  /**
   * Socket Mode: SLACK_APP_TOKEN is set, apps.connections.open answers the fake Socket Mode
   * server (`socket`), and `appUrl` is that server's `requestUrl`, so the HTTP helpers of
   * test/support/slackRequest.ts deliver over the socket. The app's own HTTP server (/healthz)
   * is `httpUrl`, on a free PORT chosen at each start.
   */
  socketMode?: boolean;
  /**
   * Many workspaces through Slack OAuth: SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and
   * SLACK_STATE_SECRET are set (random, `oauth`), ENCRYPTION_KEY too (`encryptionKey`), and
   * SLACK_BOT_TOKEN is not. NOTION_TOKEN stays set (the app must ignore it). The fake Slack
   * accepts the client credentials; register workspaces with `slack.addWorkspace` and install
   * them with `install()`.
   */
  oauth?: boolean;
}

/** How install() deviates from a browser that follows the flow (a forged or broken attempt). */
export interface InstallOptions {
  /** The code Slack hands back after "Allow"; default: the workspace's latest (addWorkspace). */
  code?: string;
  /** Sent instead of the state the install page gave; null: no state parameter at all. */
  state?: string | null;
  /** Sent verbatim as the Cookie header instead of the state cookie; null: no cookie. */
  cookie?: string | null;
}

export interface InstallResult {
  /** The answer to GET /slack/oauth_redirect. */
  status: number;
  body: string;
  headers: Record<string, string>;
  /** The "Add to Slack" link of the install page (Slack's authorize URL). */
  authorizeUrl: URL;
  /** The state cookie the install page set (`slack-app-oauth-state=…`). */
  stateCookie: string;
}

/** Slack's client ids are two runs of digits joined by a dot. */
function fakeClientId(): string {
  const digits = (n: number) => Array.from(randomBytes(n), (byte) => String(byte % 10)).join('');
  return `${digits(12)}.${digits(13)}`;
}

/** A slash command sent (Harness.command) and how to read its answers. */
export interface SentCommand {
  result: SlackHttpResult;
  /** The ack's body as text ('' for an empty ack). */
  ack: string;
  responseId: string;
  /** The next response_url post of this command that contains `fragment` (any, without). */
  reply(fragment?: string): Promise<SlackResponseUrlPost>;
}

export class Harness {
  readonly slack: FakeSlack;
  readonly notion = new FakeNotion();
  readonly logs = new LogCapture();
  readonly signingSecret = randomBytes(16).toString('hex');
  readonly notionToken = fakeNotionToken('default');
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notion-check-e2e-'));
  bot: NotionCheckApp | undefined;
  /** Where Slack sends requests: the app in HTTP mode, the socket's `requestUrl` in Socket Mode. */
  appUrl = '';
  /** The app's own HTTP server (/healthz, and Slack's requests in HTTP mode). */
  httpUrl = '';
  /** Socket Mode only (`socketMode: true`). */
  readonly socket: FakeSocketMode | undefined;
  /** The SLACK_APP_TOKEN of Socket Mode, built at run time like the fakes' other tokens. */
  readonly appToken: string | undefined;
  /** OAuth only (`oauth: true`): the app's credentials, random for each harness. */
  readonly oauth: { clientId: string; clientSecret: string; stateSecret: string } | undefined;
  /** OAuth only: the ENCRYPTION_KEY given to the app (32 random bytes, base64). */
  readonly encryptionKey: string | undefined;

  constructor(readonly options: HarnessOptions = {}) {
    this.slack = new FakeSlack(options.slack);
    if (options.oauth) {
      this.oauth = {
        clientId: fakeClientId(),
        clientSecret: randomBytes(16).toString('hex'),
        stateSecret: randomBytes(24).toString('hex'),
      };
      this.encryptionKey = randomBytes(32).toString('base64');
      this.slack.oauthClient({
        clientId: this.oauth.clientId,
        clientSecret: this.oauth.clientSecret,
      });
    }
    if (options.socketMode) {
      this.socket = new FakeSocketMode();
      this.appToken = ['xapp', '1', 'A0APP', '0'.repeat(13), 'fake'].join('-');
    }
  }

  get databasePath(): string {
    return path.join(this.dir, 'notion-check.db');
  }

  async start(): Promise<this> {
    await Promise.all([this.slack.start(), this.notion.start(), this.socket?.start()]);
    if (this.socket && this.appToken) {
      this.slack.acceptSocketMode({ appToken: this.appToken, url: this.socket.url });
    }
    this.notion.addIntegration({
      token: this.notionToken,
      name: 'Zapier Sync',
      workspaceName: 'Acme',
    });
    await this.options.beforeAppStart?.(this);
    await this.startApp();
    return this;
  }

  /** Starts (or restarts) only the app, keeping the fakes and the database file. */
  async startApp(): Promise<void> {
    const slackAuth: Record<string, string> = this.oauth
      ? {
          SLACK_CLIENT_ID: this.oauth.clientId,
          SLACK_CLIENT_SECRET: this.oauth.clientSecret,
          SLACK_STATE_SECRET: this.oauth.stateSecret,
          ENCRYPTION_KEY: this.encryptionKey ?? '',
        }
      : { SLACK_BOT_TOKEN: this.slack.botToken };
    const config = loadConfig({
      ...slackAuth,
      SLACK_SIGNING_SECRET: this.signingSecret,
      SLACK_API_URL: this.slack.apiUrl,
      NOTION_API_URL: this.notion.url,
      NOTION_TOKEN: this.notionToken,
      DATABASE_URL: `file:${this.databasePath}`,
      PORT: this.socket ? String(await freePort()) : '0',
      LOG_LEVEL: 'debug',
      ...(this.appToken ? { SLACK_APP_TOKEN: this.appToken } : {}),
      ...this.options.env,
    });
    const store = await openStore(config.database);
    this.bot = createApp({
      config,
      store,
      logger: createLogger(config.logLevel, this.logs),
      limiter: this.options.limiter ?? new RateLimiter(3, 1_050),
      checkDeadlineMs: this.options.checkDeadlineMs,
      frontDoor: this.options.frontDoor,
      webhookDebounceMs: this.options.webhookDebounceMs,
    });
    if (this.socket) {
      // Socket Mode: start() resolves once the socket said hello; Slack's requests go over it.
      this.httpUrl = `http://127.0.0.1:${config.port}`;
      this.appUrl = this.socket.requestUrl;
      await this.bot.start();
      return;
    }
    const server = await this.bot.start();
    if (!server)
      throw new Error('the app started in Socket Mode, but the harness was not asked to');
    const port = (server.address() as AddressInfo).port;
    this.appUrl = `http://127.0.0.1:${port}`;
    this.httpUrl = this.appUrl;
  }

  /**
   * Waits for the work the app started after its acks (at most `timeoutMs`). With many
   * workspaces every workspace shares one in-flight tracker: any built one gives it.
   */
  async drain(timeoutMs = 15_000): Promise<void> {
    const bot = this.bot;
    if (!bot) return;
    const services = this.oauth ? bot.workspaces.built()[0]?.services : bot.services;
    await services?.inflight.drain(timeoutMs);
  }

  async stopApp(): Promise<void> {
    await this.bot?.stop(5_000);
    this.bot = undefined;
  }

  /**
   * Stops everything. Every e2e test ends here, so this is where the whole suite proves that
   * no secret (Notion tokens, the bot token, the signing secret) reached a log line.
   */
  async stop(): Promise<void> {
    this.notion.releaseHeld();
    await this.stopApp();
    await Promise.all([this.slack.stop(), this.notion.stop(), this.socket?.stop()]);
    fs.rmSync(this.dir, { recursive: true, force: true });
    const logs = this.logs.text();
    const secrets = [
      ...this.notion.tokens(),
      this.slack.botToken,
      this.signingSecret,
      ...(this.appToken ? [this.appToken] : []),
      ...(this.oauth ? [this.oauth.clientSecret, this.oauth.stateSecret] : []),
      ...(this.encryptionKey ? [this.encryptionKey] : []),
      ...this.slack.workspaceTokens(),
      ...this.extraSecrets,
    ];
    const leaked = secrets.filter((secret) => logs.includes(secret));
    if (leaked.length > 0) {
      throw new Error(`${leaked.length} secret(s) appeared in the app's log lines`);
    }
  }

  /**
   * `/notion-check <text>`, signed as Slack sends it, with a response_url of the fake's
   * (`responseId` finds its posts in `slack.responses`); throws unless acked with 200.
   */
  async command(
    text: string,
    input: Partial<Omit<SlashCommandInput, 'text' | 'responseUrl'>> = {},
  ): Promise<SentCommand> {
    const responseId = `cmd-${randomBytes(4).toString('hex')}`;
    const result = await sendSlashCommand(this.appUrl, this.signingSecret, {
      ...input,
      text,
      responseUrl: this.slack.responseUrl(responseId),
    });
    if (result.status !== 200) {
      throw new Error(`/notion-check ${text} was answered ${result.status}, not 200`);
    }
    return {
      result,
      ack: result.json === undefined ? '' : JSON.stringify(result.json),
      responseId,
      reply: (fragment) =>
        this.slack.waitForResponse(
          (post) =>
            post.id === responseId && (!fragment || JSON.stringify(post.body).includes(fragment)),
          15_000,
        ),
    };
  }

  /** Secrets a test used that the fakes don't know about (e.g. a token pasted in a message). */
  readonly extraSecrets: string[] = [];

  /**
   * Installs the app into `teamId` the way a browser does (OAuth, `oauth: true`): GET
   * /slack/install, follow its "Add to Slack" link's state and keep its state cookie; Slack
   * (the fake: addWorkspace registered the code) sends the browser back to
   * /slack/oauth_redirect?code=…&state=… with that cookie. `options` forges or breaks a step.
   * Throws when the install page offers no "Add to Slack" link or state cookie.
   */
  async install(teamId: string, options: InstallOptions = {}): Promise<InstallResult> {
    const page = await fetch(`${this.httpUrl}/slack/install`, { redirect: 'manual' });
    const html = await page.text();
    const link = /https:\/\/slack\.com\/oauth\/v2\/authorize[^"'\s<>]*/.exec(html)?.[0];
    if (page.status !== 200 || link === undefined) {
      throw new Error(
        `GET /slack/install answered ${page.status} without an "Add to Slack" link: ${html.slice(0, 200)}`,
      );
    }
    const authorizeUrl = new URL(link.replace(/&amp;/g, '&'));
    const stateCookie = page.headers
      .getSetCookie()
      .map((cookie) => cookie.split(';')[0]?.trim() ?? '')
      .find((cookie) => cookie.startsWith('slack-app-oauth-state='));
    if (stateCookie === undefined) {
      throw new Error('GET /slack/install set no slack-app-oauth-state cookie');
    }
    const code = options.code ?? this.slack.workspace(teamId)?.code;
    if (code === undefined)
      throw new Error(`no OAuth code for ${teamId}: slack.addWorkspace first`);
    const state =
      options.state === undefined ? authorizeUrl.searchParams.get('state') : options.state;
    const query = new URLSearchParams({ code });
    if (state !== null) query.set('state', state);
    const cookie = options.cookie === undefined ? stateCookie : options.cookie;
    const redirect = await fetch(`${this.httpUrl}/slack/oauth_redirect?${query}`, {
      redirect: 'manual',
      headers: cookie === null ? {} : { cookie },
    });
    return {
      status: redirect.status,
      body: await redirect.text(),
      headers: Object.fromEntries(redirect.headers.entries()),
      authorizeUrl,
      stateCookie,
    };
  }
}
