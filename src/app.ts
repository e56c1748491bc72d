import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { App, type CustomRoute } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Config } from './config';
import { notionWebhookRoute } from './http/notionWebhooks';
import { registerListeners } from './listeners';
import type { HomeWorkspace } from './listeners/foreign';
import { type Logger, toBoltLogger } from './logger';
import { Scheduler } from './monitor/scheduler';
import { Sweep } from './monitor/sweep';
import { RateLimiter } from './notion/pacing';
import type { Services } from './services';
import { AdminPolicy } from './services/admins';
import { AlertService } from './services/alerts';
import { CheckService } from './services/checks';
import { ConnectionDirectory } from './services/connectionDirectory';
import { Connections } from './services/connections';
import { InFlight } from './services/inflight';
import { InventoryService } from './services/inventory';
import { LeakService } from './services/leaks';
import { TokenService } from './services/tokens';
import { WalkthroughService } from './services/walkthroughs';
import { WatchService } from './services/watches';
import { WebhookService } from './services/webhooks';
import { slackErrorCode } from './slack/errors';
import { SlackNotifier } from './slack/notify';
import { createHttpReceiver, FRONT_DOOR, type FrontDoorLimits } from './slack/receiver';
import type { Store } from './store/store';

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
  /** The HTTP front door's limits (tests shorten the timeouts). */
  frontDoor?: Partial<FrontDoorLimits>;
  /** How long Notion webhook events about one connection are gathered before a re-check. */
  webhookDebounceMs?: number;
}

export interface NotionCheckApp {
  app: App;
  services: Services;
  /** The monitor: who is due, and each connection's sweep. */
  monitor: Scheduler;
  start(): Promise<Server | undefined>;
  /** Stops taking requests, waits for in-flight work (at most `graceMs`), closes the store. */
  stop(graceMs?: number): Promise<void>;
}

function createBoltApp(
  config: Config,
  logger: Logger,
  healthy: () => boolean,
  frontDoor: FrontDoorLimits,
  notionWebhooks: CustomRoute,
): App {
  const healthz = {
    path: '/healthz',
    method: ['GET'],
    handler: (_req: IncomingMessage, res: ServerResponse) => {
      const ready = healthy();
      res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: ready ? 'ok' : 'unavailable', database: ready }));
    },
  };
  const boltLogger = toBoltLogger(logger);
  return new App({
    token: config.slack.botToken,
    logger: boltLogger,
    // init() in start() runs auth.test where we can await it: a refused bot token then stops
    // start-up with a clear message instead of an unhandled rejection later.
    deferInitialization: true,
    ...(config.slack.appToken
      ? {
          socketMode: true,
          appToken: config.slack.appToken,
          customRoutes: [healthz],
          installerOptions: { port: config.port },
        }
      : {
          // Our receiver: the front door (header check, body limit, deadlines) and a shorter
          // unhandled timeout, which App doesn't pass on.
          receiver: createHttpReceiver(
            {
              signingSecret: config.slack.signingSecret ?? '',
              // Notion webhooks need a public URL: HTTP mode only.
              customRoutes: [healthz, notionWebhooks],
              logger: boltLogger,
              // A request no listener acks (Slack never sends those) is answered 404 before
              // Slack's own 3 s limit, instead of just after it.
              unhandledRequestTimeoutMillis: 2_900,
            },
            frontDoor,
          ),
        }),
    clientOptions: webApiOptions(config),
  });
}

/** Every Web API client's options: SLACK_API_URL, and retries short enough for a chat bot. */
function webApiOptions(config: Config) {
  return {
    slackApiUrl: config.slack.apiUrl,
    // The Web API default retries for about 30 minutes; a chat bot answer is stale long before.
    retryConfig: { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 5_000, randomize: true },
    timeout: 15_000,
  };
}

export function createApp(deps: AppDeps): NotionCheckApp {
  const { config, store, logger } = deps;
  let stopping = false;
  const frontDoor = { ...FRONT_DOOR, ...deps.frontDoor };
  // Bolt takes its routes at construction, before the monitor exists (it speaks through
  // app.client): re-checks reach the monitor at run time.
  const webhooks = new WebhookService({
    store,
    config,
    logger,
    debounceMs: deps.webhookDebounceMs,
    rechecker: { recheck: (connection, ids) => monitor.recheck(connection, ids) },
  });
  const notionWebhooks = notionWebhookRoute({ webhooks, logger, limits: frontDoor });
  const app = createBoltApp(
    config,
    logger,
    () => !stopping && store.isHealthy(),
    frontDoor,
    notionWebhooks,
  );
  // The one workspace (and app) SLACK_BOT_TOKEN belongs to, from auth.test in start().
  let home: HomeWorkspace | undefined;

  const connections = new Connections(store, config, logger);
  connections.syncEnvToken();
  const reencrypted = connections.reencryptWithCurrentKey();
  if (reencrypted > 0) {
    logger.info(
      { connections: reencrypted },
      're-encrypted saved tokens with the new ENCRYPTION_KEY',
    );
  }
  const resealed = webhooks.reencryptWithCurrentKey();
  if (resealed > 0) {
    logger.info(
      { secrets: resealed },
      're-encrypted Notion webhook secrets with the new ENCRYPTION_KEY',
    );
  }
  const limiter = deps.limiter ?? new RateLimiter(NOTION_REQUESTS_PER_WINDOW, NOTION_WINDOW_MS);
  const checks = new CheckService({
    connections,
    store,
    limiter,
    notionApiUrl: config.notion.apiUrl,
    logger,
    deadlineMs: deps.checkDeadlineMs,
  });
  // A `ratelimited` answer pauses the whole Web API client it came to for its Retry-After. The
  // monitor's posts therefore go through a client of their own, so what a person clicked or typed
  // (app.client, and Bolt's per-request clients) never waits behind background traffic.
  const moved = (alertId: string, ts: string) => store.alerts.update(alertId, { ts });
  const notifier = new SlackNotifier(app.client, config.alertChannel, logger, moved);
  const backgroundClient = new WebClient(config.slack.botToken, {
    ...webApiOptions(config),
    logger: toBoltLogger(logger),
  });
  const monitorNotifier = new SlackNotifier(backgroundClient, config.alertChannel, logger, moved);
  const walkthroughs = new WalkthroughService({ store, connections, checks });
  const services: Services = {
    config,
    logger,
    store,
    connections,
    directory: new ConnectionDirectory({
      store,
      connections,
      checks,
      notifier,
      logger,
    }),
    checks,
    walkthroughs,
    watches: new WatchService({ store, checks }),
    alerts: new AlertService({ store, checks, walkthroughs, notifier }),
    inventory: new InventoryService({ store, checks, notifier }),
    leaks: new LeakService({ store, walkthroughs, logger, alertChannel: config.alertChannel }),
    tokens: new TokenService({
      connections,
      limiter,
      notionApiUrl: config.notion.apiUrl,
      savingEnabled: Boolean(config.encryptionKey),
    }),
    admins: new AdminPolicy(config.adminUserIds),
    inflight: new InFlight(),
    webhooks,
  };
  const sweep = new Sweep({
    store,
    checks,
    notifier: monitorNotifier,
    alertChannel: config.alertChannel,
  });
  const monitor = new Scheduler({ store, sweep, logger, intervalMs: config.checkIntervalMs });

  app.error(async (error) => {
    logger.error({ err: error }, 'unhandled error in a Slack listener');
  });
  registerListeners(app, services, () => home);

  // Slack retries a delivery within minutes; a day of de-duplication keys is plenty.
  let maintenance: NodeJS.Timeout | undefined;
  const pruneDedupKeys = () => store.dedupe.prune(24 * 60 * 60_000, Date.now());

  return {
    app,
    services,
    monitor,
    async start() {
      try {
        await app.init();
        // Bolt's init() keeps only the bot's ids; requests from any other team are dropped.
        const identity = await app.client.auth.test();
        if (identity.team_id) home = { teamId: identity.team_id, appId: identity.app_id };
      } catch (error) {
        const code = slackErrorCode(error);
        throw new Error(
          code
            ? `Slack refused SLACK_BOT_TOKEN (${code}): copy the Bot User OAuth Token (xoxb-…) again from your app's OAuth & Permissions page, and reinstall the app if it was revoked`
            : `could not reach the Slack API at ${config.slack.apiUrl}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      if (!home) throw new Error('Slack auth.test did not name the workspace of SLACK_BOT_TOKEN');
      pruneDedupKeys();
      maintenance = setInterval(pruneDedupKeys, 60 * 60_000).unref();
      const server = await app.start(config.port);
      monitor.start();
      return config.slack.appToken ? undefined : (server as Server);
    },
    async stop(graceMs = 20_000) {
      stopping = true;
      clearInterval(maintenance);
      logger.info(
        { inFlight: services.inflight.size },
        'stopping: no new requests, finishing in-flight work',
      );
      await app.stop().catch((error) => logger.warn({ err: error }, 'error while stopping Bolt'));
      // Webhooks first: their waiting re-checks start now, before the monitor stops.
      const [webhooksDrained, drained] = await Promise.all([
        webhooks.stop(graceMs),
        services.inflight.drain(graceMs),
        monitor.stop(graceMs),
      ]);
      if (!webhooksDrained) {
        logger.warn(
          { pending: webhooks.pendingCount },
          'stopped with webhook re-checks unfinished',
        );
      }
      if (!drained) {
        logger.warn({ pending: services.inflight.size }, 'stopped with work still in flight');
      }
      store.close();
    },
  };
}
