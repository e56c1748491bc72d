import type { Logger as BoltLogger, LogLevel } from '@slack/bolt';
import pino, { type DestinationStream, type Logger } from 'pino';
import { redactText, redactValue } from './security/redact';

export type { Logger } from 'pino';

/**
 * The one logger of the process. Redaction happens here, at the logger, so no call site
 * can leak a token by forgetting to scrub it: every message and every field is rewritten.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'notion-check' },
      formatters: {
        log: (object) => redactValue(object) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const clean = args.map((arg) => (typeof arg === 'string' ? redactText(arg) : arg));
          return method.apply(this, clean as Parameters<typeof method>);
        },
      },
      serializers: { err: (err: unknown) => redactValue(err) },
    },
    destination,
  );
}

function formatBoltArgs(args: unknown[]): string {
  return args
    .map((arg) =>
      typeof arg === 'string' ? arg : arg instanceof Error ? arg.message : JSON.stringify(arg),
    )
    .join(' ');
}

/** Bolt and the Web API client log through this adapter, so their lines are redacted too. */
export function toBoltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'bolt' });
  return {
    debug: (...args: unknown[]) => child.debug(formatBoltArgs(args)),
    info: (...args: unknown[]) => child.info(formatBoltArgs(args)),
    warn: (...args: unknown[]) => child.warn(formatBoltArgs(args)),
    error: (...args: unknown[]) => child.error(formatBoltArgs(args)),
    setLevel: (level: LogLevel) => {
      child.level = level;
    },
    getLevel: () => child.level as LogLevel,
    setName: () => {},
  };
}
