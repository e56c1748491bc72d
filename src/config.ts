import { z } from 'zod';
import { hasNotionTokenPrefix } from './security/tokens';

/** Parses `30s`, `5m`, `1h` into milliseconds; undefined when the text is not of that shape. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)\s*(s|m|h)$/.exec(text.trim());
  if (!match) return undefined;
  const unitMs = { s: 1_000, m: 60_000, h: 3_600_000 }[match[2] as 's' | 'm' | 'h'];
  return Number(match[1]) * unitMs;
}

/** Accepts 32 raw bytes written as base64 (44 chars) or hex (64 chars). */
export function parseEncryptionKey(text: string): Buffer | undefined {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/]{43}=?$/.test(value)) {
    const key = Buffer.from(value, 'base64');
    if (key.length === 32) return key;
  }
  return undefined;
}

const optionalText = z
  .string()
  .transform((value) => value.trim())
  .optional()
  .transform((value) => (value ? value : undefined));

const baseUrl = (name: string, fallback: string) =>
  optionalText.pipe(
    z
      .string()
      .default(fallback)
      .refine((value) => URL.canParse(value) && /^https?:\/\//.test(value), {
        message: `${name} must be an http(s) URL such as ${fallback}`,
      }),
  );

const encryptionKey = (name: string, hint: string) =>
  optionalText.pipe(
    z
      .string()
      .transform((value, ctx) => {
        const key = parseEncryptionKey(value);
        if (!key) {
          ctx.addIssue({
            code: 'custom',
            message: `${name} must be 32 bytes written as base64 or hex; ${hint}`,
          });
          return z.NEVER;
        }
        return key;
      })
      .optional(),
  );

const schema = z.object({
  // Required unless installing through OAuth (modeProblems says so).
  SLACK_BOT_TOKEN: optionalText.pipe(
    z
      .string()
      .startsWith('xoxb-', {
        message:
          "SLACK_BOT_TOKEN must be a bot token starting with xoxb- (OAuth & Permissions → Bot User OAuth Token); user tokens (xoxp-) won't work",
      })
      .optional(),
  ),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_CLIENT_ID: optionalText,
  SLACK_CLIENT_SECRET: optionalText,
  SLACK_STATE_SECRET: optionalText.pipe(
    z
      .string()
      .min(16, {
        message:
          'SLACK_STATE_SECRET must be at least 16 characters (it signs the OAuth state); generate one with: openssl rand -hex 32',
      })
      .optional(),
  ),
  SLACK_APP_TOKEN: optionalText.pipe(
    z
      .string()
      .startsWith('xapp-', {
        message:
          'SLACK_APP_TOKEN must be an app-level token starting with xapp- (Basic Information → App-Level Tokens, scope connections:write); leave it empty for HTTP mode',
      })
      .optional(),
  ),
  PORT: optionalText.pipe(
    z
      .string()
      .default('3000')
      .refine((value) => /^\d{1,5}$/.test(value) && Number(value) <= 65535, {
        message: 'PORT must be a number between 1 and 65535',
      })
      .transform(Number),
  ),
  SLACK_API_URL: baseUrl('SLACK_API_URL', 'https://slack.com/api/'),
  NOTION_TOKEN: optionalText.pipe(
    z
      .string()
      .refine(hasNotionTokenPrefix, {
        message:
          'NOTION_TOKEN must start with ntn_ or secret_: copy the Internal Integration Secret from notion.so/my-integrations → your integration → Configuration',
      })
      .optional(),
  ),
  NOTION_API_URL: baseUrl('NOTION_API_URL', 'https://api.notion.com'),
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .default('file:./data/notion-check.db')
      .refine((value) => databaseTarget(value) !== undefined, {
        message:
          'DATABASE_URL must look like file:<path> (SQLite, for example file:./data/notion-check.db) or postgres://user:password@host:5432/database',
      })
      .transform((value) => databaseTarget(value) as DatabaseTarget),
  ),
  ENCRYPTION_KEY: encryptionKey('ENCRYPTION_KEY', 'generate one with: openssl rand -base64 32'),
  ENCRYPTION_KEY_PREVIOUS: encryptionKey(
    'ENCRYPTION_KEY_PREVIOUS',
    'the key used before a rotation, exactly as it was',
  ),
  ALERT_CHANNEL: optionalText.pipe(
    z
      .string()
      .regex(/^[CGD][A-Z0-9]{2,}$/, {
        message:
          'ALERT_CHANNEL must be a channel ID such as C0123456789 (channel details → About → Channel ID), not a #name',
      })
      .optional(),
  ),
  CHECK_INTERVAL: optionalText.pipe(
    z
      .string()
      .default('15m')
      .transform((value, ctx) => {
        const ms = parseDuration(value);
        if (ms === undefined || ms < 1_000) {
          ctx.addIssue({
            code: 'custom',
            message: `CHECK_INTERVAL must be a duration like 30s, 5m or 1h (at least 1s), got "${value}"`,
          });
          return z.NEVER;
        }
        return ms;
      }),
  ),
  ADMIN_USER_IDS: optionalText.pipe(
    z
      .string()
      .transform((value, ctx) => {
        const ids = value
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean);
        const wrong = ids.filter((id) => !/^[UW][A-Z0-9]{2,}$/.test(id));
        if (wrong.length > 0) {
          ctx.addIssue({
            code: 'custom',
            message: `ADMIN_USER_IDS must be comma-separated Slack user IDs such as U0123ABCD (profile → ⋮ → Copy member ID); these are not: ${wrong.join(', ')}`,
          });
          return z.NEVER;
        }
        return ids;
      })
      .optional(),
  ),
  PUBLIC_URL: optionalText.pipe(
    z
      .string()
      .refine((value) => URL.canParse(value) && /^https:\/\/[^/?#]+(\/[^?#]*)?$/.test(value), {
        message:
          'PUBLIC_URL must be the bot’s public https base URL, such as https://notion-check.example.com (Notion only sends webhooks to https)',
      })
      .transform((value) => value.replace(/\/+$/, ''))
      .optional(),
  ),
  LOG_LEVEL: optionalText.pipe(
    z
      .enum(['debug', 'info', 'warn', 'error'], {
        message: 'LOG_LEVEL must be one of debug, info, warn, error',
      })
      .default('info'),
  ),
});

const OAUTH_VARIABLES = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'] as const;

const isSet = (env: NodeJS.ProcessEnv, name: string) => Boolean(env[name]?.trim());

/** Cross-field rules, checked even when single fields fail so every problem is listed at once. */
function modeProblems(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const httpMode = !isSet(env, 'SLACK_APP_TOKEN');
  const oauth = OAUTH_VARIABLES.filter((name) => isSet(env, name));
  if (httpMode && !isSet(env, 'SLACK_SIGNING_SECRET')) {
    problems.push(
      "SLACK_SIGNING_SECRET is missing: copy the Signing Secret from your app's Basic Information page into .env (or set SLACK_APP_TOKEN for Socket Mode)",
    );
  }
  if (oauth.length === 0) {
    if (!isSet(env, 'SLACK_BOT_TOKEN')) {
      problems.push(
        "SLACK_BOT_TOKEN is missing: copy the Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page into .env (or set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET to install into many workspaces)",
      );
    }
    return problems;
  }
  const missing = OAUTH_VARIABLES.filter((name) => !isSet(env, name));
  if (missing.length > 0) {
    problems.push(
      `installing into many workspaces needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET together; missing: ${missing.join(', ')} (Client ID and Client Secret are on your app's Basic Information page; the state secret is any random string: openssl rand -hex 32)`,
    );
  }
  if (!httpMode) {
    problems.push(
      'installing into many workspaces (SLACK_CLIENT_ID…) needs HTTP mode: leave SLACK_APP_TOKEN empty and set the Request URLs to PUBLIC_URL/slack/events',
    );
  }
  if (!isSet(env, 'ENCRYPTION_KEY')) {
    problems.push(
      "ENCRYPTION_KEY is missing: installing into many workspaces stores each workspace's bot token encrypted; generate a key with: openssl rand -base64 32",
    );
  }
  return problems;
}

type Env = z.infer<typeof schema>;

/** Where the state lives: a SQLite file (the default), or a PostgreSQL server. */
export type DatabaseTarget =
  | { dialect: 'sqlite'; path: string }
  | { dialect: 'postgres'; url: string };

/** `file:<path>` → SQLite; `postgres://…` or `postgresql://…` (a valid URL) → PostgreSQL. */
function databaseTarget(value: string): DatabaseTarget | undefined {
  if (value.startsWith('file:') && value.length > 'file:'.length)
    return { dialect: 'sqlite', path: value.slice('file:'.length) };
  if (/^postgres(ql)?:\/\//.test(value) && URL.canParse(value))
    return { dialect: 'postgres', url: value };
  return undefined;
}

/** The database as it may be logged: a PostgreSQL URL without its password. */
export function describeDatabase(target: DatabaseTarget): string {
  if (target.dialect === 'sqlite') return `sqlite:${target.path}`;
  const url = new URL(target.url);
  if (url.password) url.password = '***';
  return url.toString();
}

export interface Config {
  slack: {
    /** The one workspace's bot token; undefined when installing through OAuth (`oauth`). */
    botToken: string | undefined;
    /** Set when the app installs into many workspaces through Slack OAuth. */
    oauth: { clientId: string; clientSecret: string; stateSecret: string } | undefined;
    signingSecret: string | undefined;
    appToken: string | undefined;
    apiUrl: string;
  };
  port: number;
  notion: { defaultToken: string | undefined; apiUrl: string };
  database: DatabaseTarget;
  encryptionKey: Buffer | undefined;
  /** The key before a rotation: still decrypts; values are re-encrypted with the new key. */
  previousEncryptionKey: Buffer | undefined;
  alertChannel: string | undefined;
  checkIntervalMs: number;
  adminUserIds: string[] | undefined;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** The bot's public https base URL, no trailing slash (webhook and install instructions). */
  publicUrl: string | undefined;
  /** Variables set but not used in this mode (OAuth: the one workspace's), for a start-up warning. */
  ignored: string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `notion-check cannot start; fix these settings in .env (see .env.example):\n${problems
        .map((problem) => `  - ${problem}`)
        .join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

function toConfig(env: Env): Config {
  const { SLACK_CLIENT_ID: clientId, SLACK_CLIENT_SECRET: clientSecret } = env;
  const stateSecret = env.SLACK_STATE_SECRET;
  const oauth =
    clientId && clientSecret && stateSecret ? { clientId, clientSecret, stateSecret } : undefined;
  return {
    slack: {
      // Each workspace has its own bot token and connections in OAuth mode; an ALERT_CHANNEL
      // would name a channel of one of them only.
      botToken: oauth ? undefined : env.SLACK_BOT_TOKEN,
      oauth,
      signingSecret: env.SLACK_SIGNING_SECRET,
      appToken: env.SLACK_APP_TOKEN,
      apiUrl: env.SLACK_API_URL.endsWith('/') ? env.SLACK_API_URL : `${env.SLACK_API_URL}/`,
    },
    port: env.PORT,
    notion: {
      defaultToken: oauth ? undefined : env.NOTION_TOKEN,
      apiUrl: env.NOTION_API_URL.replace(/\/+$/, ''),
    },
    database: env.DATABASE_URL,
    encryptionKey: env.ENCRYPTION_KEY,
    previousEncryptionKey: env.ENCRYPTION_KEY_PREVIOUS,
    alertChannel: oauth ? undefined : env.ALERT_CHANNEL,
    checkIntervalMs: env.CHECK_INTERVAL,
    adminUserIds: env.ADMIN_USER_IDS,
    logLevel: env.LOG_LEVEL,
    publicUrl: env.PUBLIC_URL,
    ignored: oauth
      ? (['SLACK_BOT_TOKEN', 'NOTION_TOKEN', 'ALERT_CHANNEL'] as const).filter((name) => env[name])
      : [],
  };
}

/** Validates the environment; throws ConfigError listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const result = schema.safeParse(env);
  const problems = [
    ...(result.success ? [] : result.error.issues.map((issue) => issue.message)),
    ...modeProblems(env),
  ];
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return toConfig(result.data);
}
