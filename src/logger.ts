import type { Logger as BoltLogger, LogLevel } from '@slack/bolt';
import pino, { type DestinationStream, type Logger } from 'pino';
import { redactLogLine } from './security/redact';

export type { Logger } from 'pino';

/**
 * The one logger of the process. Redaction happens here, on the final serialized line, so no
 * call site, child binding, interpolated object or error message can leak a token.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'notion-check' },
      hooks: { streamWrite: redactLogLine },
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
