import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { App, type CustomRoute } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Config } from './config';
import { notionWebhookRoute } from './http/notionWebhooks';
import { HeldEvents, REDELIVERED, registerListeners } from './listeners';
import type { HomeWorkspace } from './listeners/foreign';
import { type Logger, toBoltLogger } from './logger';
import { Scheduler } from './monitor/scheduler';
import { Sweep } from './monitor/sweep';
import { notionPacing, type RateLimiter } from './notion/pacing';
import type { Services } from './services';
import { AdminPolicy } from './services/admins';
import { AlertService } from './services/alerts';
import { CheckService } from './services/checks';
import { ConnectionDirectory } from './services/connectionDirectory';
import { Connections } from './services/connections';
import { HomeService } from './services/home';
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

/**
 * Why Socket Mode did not start: Slack refused the app-level token (invalid_auth, not_authed,
 * missing_scope, not_allowed_token_type, …), or the API could not be reached once the retries
 * were spent.
 */
function socketModeStartError(error: unknown, apiUrl: string): Error {
  const code = slackErrorCode(error);
  if (code) {
    return new Error(
      `Slack refused SLACK_APP_TOKEN (${code}): generate an app-level token (xapp-…) with the connections:write scope in your Slack app config → Basic Information → App-Level Tokens, and put it in SLACK_APP_TOKEN (or leave SLACK_APP_TOKEN empty for HTTP mode)`,
    );
  }
  return new Error(
    `could not open the Socket Mode connection through the Slack API at ${apiUrl}: ${error instanceof Error ? error.message : String(error)}`,
  );
}

function createBoltApp(
  config: Config,
  logger: Logger,
  healthy: () => Promise<boolean>,
  frontDoor: FrontDoorLimits,
  notionWebhooks: CustomRoute,
): App {
  const healthz = {
    path: '/healthz',
    method: ['GET'],
    handler: async (_req: IncomingMessage, res: ServerResponse) => {
      const ready = await healthy();
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
    // Nothing reads context.conversation; Bolt's default store throws an Error per request.
    convoStore: false,
    ...(config.slack.appToken
      ? {
          socketMode: true,
          appToken: config.slack.appToken,
          // Socket Mode has no Request URL: only /healthz listens on PORT (no Notion webhooks).
          customRoutes: [healthz],
          // The SocketModeClient's own Web API client (apps.connections.open, at every
          // reconnect) takes installerOptions.clientOptions: SLACK_API_URL and our retries, not
          // Bolt's 100 (test/e2e/socketMode.test.ts notices either missing).
          installerOptions: { port: config.port, clientOptions: webApiOptions(config) },
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
    async () => !stopping && (await store.isHealthy()),
    frontDoor,
    notionWebhooks,
  );
  // The one workspace (and app) SLACK_BOT_TOKEN belongs to, from auth.test in start().
  let home: HomeWorkspace | undefined;

  const connections = new Connections(store, config, logger);
  // Replicas on PostgreSQL share each token's pace through the database; SQLite is one process.
  const limiter =
    deps.limiter ?? notionPacing(store.dialect === 'postgres' ? store.budget : undefined);
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
    // Reads its siblings when a Home is built, once this object exists.
    home: new HomeService({
      store,
      logger,
      get directory() {
        return services.directory;
      },
      get inventory() {
        return services.inventory;
      },
    }),
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
  // Events that came while the database was down, handled again (as already acked) once it is up.
  const heldEvents = new HeldEvents({
    redeliver: (body) =>
      app.processEvent({
        body: body as Record<string, unknown>,
        ack: async () => {},
        customProperties: { [REDELIVERED]: true },
      }),
    healthy: () => store.isHealthy(),
    logger,
  });
  registerListeners(app, services, () => home, heldEvents);

  // Slack retries a delivery within minutes; a day of de-duplication keys is plenty.
  let maintenance: NodeJS.Timeout | undefined;
  const pruneDedupKeys = () =>
    store.dedupe
      .prune(24 * 60 * 60_000, Date.now())
      .catch((error: unknown) =>
        logger.warn({ err: error }, 'could not prune de-duplication keys'),
      );

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
      await connections.syncEnvToken();
      const reencrypted = await connections.reencryptWithCurrentKey();
      if (reencrypted > 0) {
        logger.info(
          { connections: reencrypted },
          're-encrypted saved tokens with the new ENCRYPTION_KEY',
        );
      }
      const resealed = await webhooks.reencryptWithCurrentKey();
      if (resealed > 0) {
        logger.info(
          { secrets: resealed },
          're-encrypted Notion webhook secrets with the new ENCRYPTION_KEY',
        );
      }
      await pruneDedupKeys();
      maintenance = setInterval(pruneDedupKeys, 60 * 60_000).unref();
      const { appToken } = config.slack;
      if (appToken) {
        // Asked once ourselves first: the Socket Mode client retries answers such as
        // missing_scope or not_allowed_token_type forever instead of saying what is wrong.
        await new WebClient(appToken, webApiOptions(config)).apps.connections
          .open({})
          .catch((error: unknown) => {
            throw socketModeStartError(error, config.slack.apiUrl);
          });
      }
      const server = await app.start(config.port).catch((error: unknown) => {
        throw appToken ? socketModeStartError(error, config.slack.apiUrl) : error;
      });
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
        heldEvents.stop(),
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
      await store.close();
    },
  };
}
