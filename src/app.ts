import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { App } from '@slack/bolt';
import type { Config } from './config';
import { registerListeners } from './listeners';
import { type Logger, toBoltLogger } from './logger';
import { RateLimiter } from './notion/pacing';
import type { Services } from './services';
import { AdminPolicy } from './services/admins';
import { CheckService } from './services/checks';
import { Connections } from './services/connections';
import { TokenService } from './services/tokens';
import { WalkthroughService } from './services/walkthroughs';
import { slackErrorCode } from './slack/errors';
import type { Store } from './store/store';
import { InFlight } from './tasks';

/** Notion allows about 3 requests per second per integration; the small margin absorbs jitter. */
export const NOTION_REQUESTS_PER_WINDOW = 3;
export const NOTION_WINDOW_MS = 1_050;

export interface AppDeps {
  config: Config;
  store: Store;
  logger: Logger;
  /** Tests and benchmarks scale these down together with the fake Notion's limit. */
  limiter?: RateLimiter;
  checkDeadlineMs?: number;
}

export interface NotionCheckApp {
  app: App;
  services: Services;
  start(): Promise<Server | undefined>;
  /** Stops taking requests, waits for in-flight work (at most `graceMs`), closes the store. */
  stop(graceMs?: number): Promise<void>;
}

export function createApp(deps: AppDeps): NotionCheckApp {
  const { config, store, logger } = deps;
  let stopping = false;

  const connections = new Connections(store, config, logger);
  connections.syncEnvToken();
  const inflight = new InFlight();
  const limiter = deps.limiter ?? new RateLimiter(NOTION_REQUESTS_PER_WINDOW, NOTION_WINDOW_MS);
  const checks = new CheckService({
    connections,
    store,
    limiter,
    notionApiUrl: config.notion.apiUrl,
    logger,
    deadlineMs: deps.checkDeadlineMs,
  });
  const services: Services = {
    config,
    logger,
    store,
    connections,
    checks,
    walkthroughs: new WalkthroughService({ store, checks, logger }),
    tokens: new TokenService({
      connections,
      limiter,
      notionApiUrl: config.notion.apiUrl,
      savingEnabled: Boolean(config.encryptionKey),
    }),
    admins: new AdminPolicy(config.adminUserIds),
    inflight,
  };

  const healthz = {
    path: '/healthz',
    method: ['GET'],
    handler: (_req: IncomingMessage, res: ServerResponse) => {
      const ready = !stopping && store.isHealthy();
      res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ status: ready ? 'ok' : 'unavailable', database: store.isHealthy() }),
      );
    },
  };

  // Slack retries a delivery within minutes; a day of de-duplication keys is plenty.
  let maintenance: NodeJS.Timeout | undefined;
  const pruneDedupKeys = () => store.pruneProcessedActions(24 * 60 * 60_000);

  const socketMode = Boolean(config.slack.appToken);
  const app = new App({
    token: config.slack.botToken,
    logger: toBoltLogger(logger),
    // init() in start() runs auth.test where we can await it: a refused bot token then stops
    // start-up with a clear message instead of an unhandled rejection later.
    deferInitialization: true,
    customRoutes: [healthz],
    ...(socketMode
      ? {
          socketMode: true,
          appToken: config.slack.appToken,
          installerOptions: { port: config.port },
        }
      : { signingSecret: config.slack.signingSecret }),
    clientOptions: {
      slackApiUrl: config.slack.apiUrl,
      // The Web API default retries for about 30 minutes; a chat bot answer is stale long before.
      retryConfig: { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 5_000, randomize: true },
      timeout: 15_000,
    },
  });

  app.error(async (error) => {
    logger.error({ err: error }, 'unhandled error in a Slack listener');
  });
  registerListeners(app, services);

  return {
    app,
    services,
    async start() {
      try {
        await app.init();
      } catch (error) {
        const code = slackErrorCode(error);
        throw new Error(
          code
            ? `Slack refused SLACK_BOT_TOKEN (${code}): copy the Bot User OAuth Token (xoxb-…) again from your app's OAuth & Permissions page, and reinstall the app if it was revoked`
            : `could not reach the Slack API at ${config.slack.apiUrl}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      pruneDedupKeys();
      maintenance = setInterval(pruneDedupKeys, 60 * 60_000).unref();
      const server = await app.start(config.port);
      return socketMode ? undefined : (server as Server);
    },
    async stop(graceMs = 20_000) {
      stopping = true;
      clearInterval(maintenance);
      logger.info(
        { inFlight: inflight.size },
        'stopping: no new requests, finishing in-flight work',
      );
      await app.stop().catch((error) => logger.warn({ err: error }, 'error while stopping Bolt'));
      const drained = await inflight.drain(graceMs);
      if (!drained) logger.warn({ pending: inflight.size }, 'stopped with work still in flight');
      store.close();
    },
  };
}
