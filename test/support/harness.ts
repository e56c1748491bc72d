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
import { FakeSlack } from '../fakes/fakeSlack';
import { FakeSocketMode } from '../fakes/fakeSocketMode';

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

  constructor(readonly options: HarnessOptions = {}) {
    this.slack = new FakeSlack(options.slack);
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
    const config = loadConfig({
      SLACK_BOT_TOKEN: this.slack.botToken,
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
      ...this.extraSecrets,
    ];
    const leaked = secrets.filter((secret) => logs.includes(secret));
    if (leaked.length > 0) {
      throw new Error(`${leaked.length} secret(s) appeared in the app's log lines`);
    }
  }

  /** Secrets a test used that the fakes don't know about (e.g. a token pasted in a message). */
  readonly extraSecrets: string[] = [];
}
