import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { App, type CustomRoute, ErrorCode } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Config } from './config';
import { notionWebhookRoutes } from './http/notionWebhooks';
import { HeldEvents, REDELIVERED, registerListeners } from './listeners';
import type { HomeWorkspace } from './listeners/foreign';
import { type Logger, toBoltLogger } from './logger';
import { Scheduler } from './monitor/scheduler';
import { notionPacing, type RateLimiter } from './notion/pacing';
import type { Services } from './services';
import { InFlight } from './services/inflight';
import { slackErrorCode } from './slack/errors';
import { BOT_SCOPES, SlackInstallations } from './slack/installations';
import { INSTALL_PAGES } from './slack/installPages';
import { createHttpReceiver, FRONT_DOOR, type FrontDoorLimits } from './slack/receiver';
import type { Store } from './store/store';
import {
  createWorkspace,
  InstalledWorkspaces,
  OneWorkspace,
  type SharedDeps,
  type Workspace,
  type Workspaces,
} from './workspace';

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
  /** One workspace (SLACK_BOT_TOKEN): its services. Throws with many workspaces. */
  readonly services: Services;
  /** The workspaces served: the one, or each installed through OAuth. */
  workspaces: Workspaces;
  /** The whole database (every workspace's slice, and what they share). */
  store: Store;
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
  notionWebhooks: CustomRoute[],
  installations: SlackInstallations | undefined,
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
              customRoutes: [healthz, ...notionWebhooks],
              logger: boltLogger,
              ...(installations && oauthOptions(config, installations)),
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

/**
 * Many workspaces: Bolt's OAuth (`/slack/install`, `/slack/oauth_redirect`, the state signed
 * with SLACK_STATE_SECRET and checked against a cookie of the browser that started), with the
 * installations in our database. Bolt's authorize then gives each request its workspace's bot
 * token, and refuses workspaces that have not installed the app.
 */
function oauthOptions(config: Config, installations: SlackInstallations) {
  const oauth = config.slack.oauth;
  if (!oauth) return {};
  return {
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    stateSecret: oauth.stateSecret,
    scopes: BOT_SCOPES,
    installationStore: installations,
    ...(config.publicUrl ? { redirectUri: `${config.publicUrl}/slack/oauth_redirect` } : {}),
    installerOptions: {
      // Bolt's default paths, spelled out: with a redirectUri Bolt insists on its path too.
      installPath: '/slack/install',
      redirectUriPath: '/slack/oauth_redirect',
      // oauth.v2.access and auth.test go to SLACK_API_URL, with our retries.
      clientOptions: webApiOptions(config),
      stateVerification: true,
      callbackOptions: INSTALL_PAGES,
    },
  };
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
  const { oauth } = config.slack;
  let stopping = false;
  const frontDoor = { ...FRONT_DOOR, ...deps.frontDoor };
  const installations = oauth ? new SlackInstallations(store, config, logger) : undefined;
  // Bolt takes its routes at construction, before the workspaces exist: they are looked up
  // at run time.
  const notionWebhooks = notionWebhookRoutes({
    webhooks: async (team) => (await workspaces.of(team))?.services.webhooks,
    logger,
    limits: frontDoor,
  });
  const app = createBoltApp(
    config,
    logger,
    async () => !stopping && (await store.isHealthy()),
    frontDoor,
    notionWebhooks,
    installations,
  );
  // One workspace: the workspace (and app) SLACK_BOT_TOKEN belongs to, from auth.test in start().
  let home: HomeWorkspace | undefined;

  // Replicas on PostgreSQL share each token's pace through the database; SQLite is one process.
  const limiter =
    deps.limiter ?? notionPacing(store.dialect === 'postgres' ? store.budget : undefined);
  const shared: SharedDeps = {
    config,
    store,
    logger,
    limiter,
    inflight: new InFlight(),
    checkDeadlineMs: deps.checkDeadlineMs,
    webhookDebounceMs: deps.webhookDebounceMs,
    recheck: (team, connection, ids) => monitor.recheck(connection, ids, team),
    forgotten: (team) => {
      workspaces.forget(team);
      installations?.forget(team);
      void forgetLateWrites(team);
    },
  };
  const webClient = (token: string | undefined) =>
    new WebClient(token, { ...webApiOptions(config), logger: toBoltLogger(logger) });
  const workspaces: Workspaces = installations
    ? new InstalledWorkspaces({
        botToken: (team) => installations.botToken(team),
        build: (team, token) =>
          createWorkspace(
            team,
            { interactive: webClient(token), background: webClient(token) },
            shared,
          ),
      })
    : new OneWorkspace(
        createWorkspace(
          '',
          { interactive: app.client, background: webClient(config.slack.botToken) },
          shared,
        ),
      );
  /**
   * A sweep of the workspace already under way when its data was deleted may still write
   * (its health, history, an alert): once such work has ended, what it wrote goes too — unless
   * the workspace installed the app again meanwhile.
   */
  const forgetLateWrites = async (team: string) => {
    try {
      await monitor.settled(team);
      if (installations && (await store.installations.get(team))) return;
      const rows = await store.forTeam(team).forgetTeam();
      if (rows > 0) logger.info({ teamId: team || undefined, rows }, 'deleted late writes');
    } catch (error) {
      logger.warn({ err: error, teamId: team || undefined }, 'could not delete late writes');
    }
  };
  const one = workspaces instanceof OneWorkspace ? workspaces.built()[0] : undefined;
  const monitor = new Scheduler({
    store,
    sweeps: async (team) => (await workspaces.of(team))?.sweep,
    logger,
    intervalMs: config.checkIntervalMs,
  });

  app.error(async (error) => {
    // Many workspaces: Bolt's authorize found no installation for the request's workspace (it
    // never installed the app, or uninstalled it); Bolt acks it and calls no listener.
    if (error.code === ErrorCode.AuthorizationError) {
      logger.warn(
        { reason: error.message },
        'dropped a request for a workspace that has not installed the app',
      );
      return;
    }
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
  registerListeners(app, {
    logger,
    heldEvents,
    servicesFor: async (context) => (await workspaces.forRequest(context))?.services,
    home: one ? () => home : undefined,
  });

  /** Each workspace known now: the one, or every installed one. */
  const everyWorkspace = async (): Promise<Workspace[]> => {
    if (one) return [one];
    const teams = await store.installations.teams();
    const built = await Promise.all(teams.map((team) => workspaces.of(team)));
    return built.filter((workspace): workspace is Workspace => workspace !== undefined);
  };

  // Slack retries a delivery within minutes; a day of de-duplication keys is plenty.
  let maintenance: NodeJS.Timeout | undefined;
  const pruneDedupKeys = () =>
    store
      .pruneDedupeKeys(24 * 60 * 60_000, Date.now())
      .catch((error: unknown) =>
        logger.warn({ err: error }, 'could not prune de-duplication keys'),
      );

  /** Re-encrypts what is still sealed with ENCRYPTION_KEY_PREVIOUS, and says how much. */
  const reencrypt = async () => {
    // Nothing to do outside a rotation: and no reason to open every workspace at start-up.
    if (!config.previousEncryptionKey) return;
    let tokens = (await installations?.reencryptWithCurrentKey()) ?? 0;
    let secrets = 0;
    for (const { services } of await everyWorkspace()) {
      tokens += await services.connections.reencryptWithCurrentKey();
      secrets += await services.webhooks.reencryptWithCurrentKey();
    }
    if (tokens > 0)
      logger.info({ tokens }, 're-encrypted saved tokens with the new ENCRYPTION_KEY');
    if (secrets > 0) {
      logger.info({ secrets }, 're-encrypted Notion webhook secrets with the new ENCRYPTION_KEY');
    }
  };

  /** One workspace: auth.test names it (a refused token stops start-up with a clear message). */
  const identifyHome = async () => {
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
  };

  return {
    app,
    get services(): Services {
      if (!one) throw new Error('many workspaces: use workspaces.of(team) for their services');
      return one.services;
    },
    workspaces,
    store,
    monitor,
    async start() {
      if (one) {
        await identifyHome();
        await one.services.connections.syncEnvToken();
      } else {
        await app.init();
        if (config.ignored.length > 0) {
          logger.warn(
            { ignored: config.ignored },
            'installing into many workspaces: these settings of one workspace are ignored',
          );
        }
      }
      await reencrypt();
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
      const { inflight } = shared;
      logger.info(
        { inFlight: inflight.size },
        'stopping: no new requests, finishing in-flight work',
      );
      await app.stop().catch((error) => logger.warn({ err: error }, 'error while stopping Bolt'));
      const webhooks = workspaces.built().map((workspace) => workspace.services.webhooks);
      // Webhooks first: their waiting re-checks start now, before the monitor stops.
      const [webhooksDrained, drained] = await Promise.all([
        Promise.all(webhooks.map((service) => service.stop(graceMs))).then((all) =>
          all.every(Boolean),
        ),
        inflight.drain(graceMs),
        monitor.stop(graceMs),
        heldEvents.stop(),
      ]);
      if (!webhooksDrained) {
        const pending = webhooks.reduce((sum, service) => sum + service.pendingCount, 0);
        logger.warn({ pending }, 'stopped with webhook re-checks unfinished');
      }
      if (!drained) {
        logger.warn({ pending: inflight.size }, 'stopped with work still in flight');
      }
      await store.close();
    },
  };
}
