import 'dotenv/config';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { ConfigError, describeDatabase, loadConfig } from './config';
import { createLogger } from './logger';
import { redactText } from './security/redact';
import { openStore } from './store/open';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }

  const logger = createLogger(config.logLevel);
  const store = await openStore(config.database, {
    onIdleError: (error) =>
      logger.warn({ err: error }, 'a database connection broke; reconnecting'),
  }).catch((error: unknown) => {
    throw new Error(
      `could not open the database ${describeDatabase(config.database)}: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
  const bot = createApp({ config, store, logger });
  const server = await bot.start();
  const port = (server?.address() as AddressInfo | null)?.port ?? config.port;
  const socket = Boolean(config.slack.appToken);
  logger.info(
    { port, mode: socket ? 'socket' : 'http', database: describeDatabase(config.database) },
    socket
      ? `notion-check is running: connected to Slack over Socket Mode, GET /healthz on port ${port}`
      : `notion-check is running: POST /slack/events, GET /healthz on port ${port}`,
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing in-flight work');
    bot.stop().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  // Last line of defence for a rejection outside any listener (Bolt's receiver had one for a
  // signed `null` body, now refused earlier): log it and keep serving everyone else.
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled rejection (the request that caused it got no answer)');
  });
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`notion-check failed to start: ${redactText(message)}\n`);
  process.exit(1);
});
