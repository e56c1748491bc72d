import { randomBytes } from 'node:crypto';
import { ConfigError, describeDatabase, loadConfig, parseDuration } from '../../src/config';

// Token-shaped values are built at run time so no literal in the repo looks like a real secret.
const botToken = () => `xoxb-${'1'.repeat(12)}-${'2'.repeat(13)}-${'b'.repeat(24)}`;
const userToken = () => `xoxp-${'1'.repeat(12)}-${'2'.repeat(13)}-${'p'.repeat(24)}`;
const appToken = () => `xapp-1-${'A'.repeat(11)}-${'3'.repeat(13)}-${'c'.repeat(64)}`;
const notionToken = () => `ntn_${'0'.repeat(11)}${'a'.repeat(35)}`;
const legacyNotionToken = () => `secret_${'Z'.repeat(43)}`;
const signingSecret = () => 'f'.repeat(32);

const minimalEnv = (): NodeJS.ProcessEnv => ({
  SLACK_BOT_TOKEN: botToken(),
  SLACK_SIGNING_SECRET: signingSecret(),
});

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw new Error(`expected a ConfigError, got ${String(error)}`);
  }
  throw new Error('expected loadConfig to reject the environment');
}

describe('loadConfig with a minimal valid environment', () => {
  it('starts in HTTP mode with the given Slack credentials', () => {
    const config = loadConfig(minimalEnv());
    expect(config.slack.botToken).toBe(botToken());
    expect(config.slack.signingSecret).toBe(signingSecret());
    expect(config.slack.appToken).toBeUndefined();
  });

  it('applies the documented defaults', () => {
    const config = loadConfig(minimalEnv());
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({ dialect: 'sqlite', path: './data/notion-check.db' });
    expect(config.checkIntervalMs).toBe(15 * 60 * 1000);
    expect(config.notion.apiUrl).toBe('https://api.notion.com');
    expect(config.slack.apiUrl).toBe('https://slack.com/api/');
    expect(config.logLevel).toBe('info');
    expect(config.notion.defaultToken).toBeUndefined();
    expect(config.encryptionKey).toBeUndefined();
    expect(config.alertChannel).toBeUndefined();
    expect(config.adminUserIds).toBeUndefined();
  });

  it('treats empty values (as left in a copied .env.example) like unset ones', () => {
    const config = loadConfig({
      ...minimalEnv(),
      PORT: '',
      NOTION_TOKEN: '',
      ENCRYPTION_KEY: '  ',
      CHECK_INTERVAL: '',
      LOG_LEVEL: '',
    });
    expect(config.port).toBe(3000);
    expect(config.notion.defaultToken).toBeUndefined();
    expect(config.encryptionKey).toBeUndefined();
    expect(config.checkIntervalMs).toBe(900_000);
    expect(config.logLevel).toBe('info');
  });

  it('reads every optional setting', () => {
    const config = loadConfig({
      ...minimalEnv(),
      PORT: '8080',
      SLACK_API_URL: 'http://127.0.0.1:9999/api',
      NOTION_API_URL: 'http://127.0.0.1:9998/',
      NOTION_TOKEN: notionToken(),
      DATABASE_URL: 'file:/tmp/x.db',
      ALERT_CHANNEL: 'C0123456789',
      CHECK_INTERVAL: '30s',
      ADMIN_USER_IDS: 'U0123ABCD, W0456EFGH',
      LOG_LEVEL: 'debug',
    });
    expect(config.port).toBe(8080);
    expect(config.slack.apiUrl).toBe('http://127.0.0.1:9999/api/');
    expect(config.notion.apiUrl).toBe('http://127.0.0.1:9998');
    expect(config.notion.defaultToken).toBe(notionToken());
    expect(config.database).toEqual({ dialect: 'sqlite', path: '/tmp/x.db' });
    expect(config.alertChannel).toBe('C0123456789');
    expect(config.checkIntervalMs).toBe(30_000);
    expect(config.adminUserIds).toEqual(['U0123ABCD', 'W0456EFGH']);
    expect(config.logLevel).toBe('debug');
  });

  it('accepts a legacy secret_ Notion token', () => {
    const config = loadConfig({ ...minimalEnv(), NOTION_TOKEN: legacyNotionToken() });
    expect(config.notion.defaultToken).toBe(legacyNotionToken());
  });
});

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['15m', 900_000],
  ])('reads %s as %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '15', 'm', '5 minutes', '1d', '-5m', '1.5h', '5M', 'five m'])(
    'rejects %j',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );
});

describe('loadConfig errors', () => {
  it('names both missing Slack settings and says where to find them, without a stack trace', () => {
    const error = configError({});
    expect(error.message).toContain('SLACK_BOT_TOKEN');
    expect(error.message).toContain('SLACK_SIGNING_SECRET');
    expect(error.message).toMatch(/\.env/);
    expect(error.message).toMatch(/OAuth & Permissions/);
    expect(error.message).toMatch(/Basic Information/);
    expect(error.message).not.toMatch(/\n\s+at /);
    expect(error.message).not.toMatch(/ZodError|invalid_type|expected string/i);
    expect(error.problems).toHaveLength(2);
  });

  it('lists every invalid setting in one error', () => {
    const error = configError({
      SLACK_BOT_TOKEN: userToken(),
      SLACK_SIGNING_SECRET: signingSecret(),
      PORT: '99999',
      CHECK_INTERVAL: 'often',
      ENCRYPTION_KEY: 'not-a-key',
      ALERT_CHANNEL: '#alerts',
      ADMIN_USER_IDS: 'U0123ABCD,alice',
      LOG_LEVEL: 'verbose',
      NOTION_TOKEN: 'my-notion-password',
    });
    const expected = [
      'SLACK_BOT_TOKEN',
      'PORT',
      'CHECK_INTERVAL',
      'ENCRYPTION_KEY',
      'ALERT_CHANNEL',
      'ADMIN_USER_IDS',
      'LOG_LEVEL',
      'NOTION_TOKEN',
    ];
    for (const name of expected) {
      expect(error.problems.some((problem) => problem.startsWith(name))).toBe(true);
      expect(error.message).toContain(name);
    }
    expect(error.problems).toHaveLength(expected.length);
    expect(error.message).toMatch(/xoxb-/);
    expect(error.message).toMatch(/ntn_ or secret_/);
    expect(error.message).not.toMatch(/\n\s+at /);
  });

  it('lists a problem once even when several admin IDs are wrong', () => {
    const error = configError({ ...minimalEnv(), ADMIN_USER_IDS: 'alice,bob,U0123ABCD' });
    expect(error.problems).toEqual([expect.stringContaining('ADMIN_USER_IDS')]);
  });

  it('rejects a user token (xoxp-) as the bot token', () => {
    const error = configError({ ...minimalEnv(), SLACK_BOT_TOKEN: userToken() });
    expect(error.problems).toEqual([expect.stringMatching(/^SLACK_BOT_TOKEN .*xoxb-/)]);
  });

  it.each(['0h', '0s', '500ms', 'soon'])('rejects CHECK_INTERVAL=%s', (value) => {
    const error = configError({ ...minimalEnv(), CHECK_INTERVAL: value });
    expect(error.problems).toEqual([expect.stringContaining('CHECK_INTERVAL')]);
  });

  it.each(['65536', 'eighty', '-1'])('rejects PORT=%s', (value) => {
    const error = configError({ ...minimalEnv(), PORT: value });
    expect(error.problems).toEqual([expect.stringContaining('PORT')]);
  });

  it('never echoes the value of a secret it rejects', () => {
    const wrongNotion = `ntn-${'7'.repeat(11)}${'q'.repeat(35)}`;
    const wrongBot = userToken();
    const wrongApp = `xapq-${'9'.repeat(20)}`;
    const wrongKey = randomBytes(16).toString('hex');
    const signing = `sig${'8'.repeat(29)}`;
    const error = configError({
      SLACK_BOT_TOKEN: wrongBot,
      SLACK_SIGNING_SECRET: signing,
      SLACK_APP_TOKEN: wrongApp,
      NOTION_TOKEN: wrongNotion,
      ENCRYPTION_KEY: wrongKey,
    });
    expect(error.problems).toHaveLength(4);
    for (const secret of [wrongNotion, wrongBot, wrongApp, wrongKey, signing]) {
      expect(error.message).not.toContain(secret);
      expect(error.problems.join('\n')).not.toContain(secret);
    }
  });
});

describe('Socket Mode', () => {
  it('needs no signing secret when SLACK_APP_TOKEN is set', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: botToken(), SLACK_APP_TOKEN: appToken() });
    expect(config.slack.appToken).toBe(appToken());
    expect(config.slack.signingSecret).toBeUndefined();
  });

  it('rejects an app token that is not xapp-', () => {
    const error = configError({ SLACK_BOT_TOKEN: botToken(), SLACK_APP_TOKEN: botToken() });
    expect(error.problems).toEqual([expect.stringMatching(/^SLACK_APP_TOKEN .*xapp-/)]);
  });
});

describe('ENCRYPTION_KEY', () => {
  it('accepts 32 bytes written as base64', () => {
    const key = randomBytes(32);
    const config = loadConfig({ ...minimalEnv(), ENCRYPTION_KEY: key.toString('base64') });
    expect(config.encryptionKey?.equals(key)).toBe(true);
  });

  it('accepts 32 bytes written as hex', () => {
    const key = randomBytes(32);
    const config = loadConfig({ ...minimalEnv(), ENCRYPTION_KEY: key.toString('hex') });
    expect(config.encryptionKey?.equals(key)).toBe(true);
  });

  it.each([
    ['16 bytes as base64', randomBytes(16).toString('base64')],
    ['16 bytes as hex', randomBytes(16).toString('hex')],
    ['64 bytes as base64', randomBytes(64).toString('base64')],
  ])('rejects %s and says how to generate one', (_label, value) => {
    const error = configError({ ...minimalEnv(), ENCRYPTION_KEY: value });
    expect(error.problems).toEqual([expect.stringContaining('ENCRYPTION_KEY')]);
    expect(error.message).toContain('openssl rand -base64 32');
  });
});

describe('PUBLIC_URL', () => {
  it('is optional; an https base URL is kept without its trailing slash', () => {
    expect(loadConfig(minimalEnv()).publicUrl).toBeUndefined();
    expect(
      loadConfig({ ...minimalEnv(), PUBLIC_URL: ' https://bot.example.com/ ' }).publicUrl,
    ).toBe('https://bot.example.com');
    expect(
      loadConfig({ ...minimalEnv(), PUBLIC_URL: 'https://example.com/notion-check' }).publicUrl,
    ).toBe('https://example.com/notion-check');
  });

  it.each([
    'http://bot.example.com',
    'bot.example.com',
    'https://bot.example.com/?x=1',
    'https://',
  ])('refuses %s, naming PUBLIC_URL', (value) => {
    const error = configError({ ...minimalEnv(), PUBLIC_URL: value });
    expect(error.problems).toEqual([expect.stringContaining('PUBLIC_URL must be')]);
  });
});

describe('DATABASE_URL', () => {
  it('file:<path> is SQLite; postgres:// and postgresql:// are PostgreSQL, kept as given', () => {
    const database = (value: string) =>
      loadConfig({ ...minimalEnv(), DATABASE_URL: value }).database;
    expect(database('file:./state.db')).toEqual({ dialect: 'sqlite', path: './state.db' });
    expect(database('postgres://bot:pw@db.internal:5432/notion_check')).toEqual({
      dialect: 'postgres',
      url: 'postgres://bot:pw@db.internal:5432/notion_check',
    });
    expect(database('postgresql://db.internal/notion_check')).toEqual({
      dialect: 'postgres',
      url: 'postgresql://db.internal/notion_check',
    });
  });

  it.each(['file:', './data/notion-check.db', 'mysql://db/x', 'postgres:db/x'])(
    'refuses %s, naming DATABASE_URL and both forms',
    (value) => {
      const error = configError({ ...minimalEnv(), DATABASE_URL: value });
      expect(error.problems).toEqual([expect.stringContaining('DATABASE_URL must look like')]);
      expect(error.message).toContain('file:');
      expect(error.message).toContain('postgres://');
    },
  );

  it('describeDatabase never shows a PostgreSQL password', () => {
    expect(describeDatabase({ dialect: 'sqlite', path: './data/x.db' })).toBe('sqlite:./data/x.db');
    const shown = describeDatabase({
      dialect: 'postgres',
      url: 'postgres://bot:s3cret@db:5432/nc',
    });
    expect(shown).not.toContain('s3cret');
    expect(shown).toContain('db:5432/nc');
  });
});

describe('many workspaces (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET)', () => {
  const oauthEnv = (): NodeJS.ProcessEnv => ({
    SLACK_SIGNING_SECRET: signingSecret(),
    SLACK_CLIENT_ID: '1234567890.0987654321',
    SLACK_CLIENT_SECRET: 'c'.repeat(32),
    SLACK_STATE_SECRET: 's'.repeat(32),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  });

  it('needs no SLACK_BOT_TOKEN', () => {
    const config = loadConfig(oauthEnv());
    expect(config.slack.oauth).toEqual({
      clientId: '1234567890.0987654321',
      clientSecret: 'c'.repeat(32),
      stateSecret: 's'.repeat(32),
    });
    expect(config.slack.botToken).toBeUndefined();
    expect(config.ignored).toEqual([]);
  });

  it("ignores the one workspace's settings, and says which", () => {
    const config = loadConfig({
      ...oauthEnv(),
      SLACK_BOT_TOKEN: botToken(),
      NOTION_TOKEN: notionToken(),
      ALERT_CHANNEL: 'C0123456789',
    });
    expect(config.slack.botToken).toBeUndefined();
    expect(config.notion.defaultToken).toBeUndefined();
    expect(config.alertChannel).toBeUndefined();
    expect(config.ignored).toEqual(['SLACK_BOT_TOKEN', 'NOTION_TOKEN', 'ALERT_CHANNEL']);
  });

  it('names each missing OAuth setting', () => {
    const { SLACK_CLIENT_SECRET: _secret, SLACK_STATE_SECRET: _state, ...env } = oauthEnv();
    expect(configError(env).problems).toEqual([
      expect.stringContaining('missing: SLACK_CLIENT_SECRET, SLACK_STATE_SECRET'),
    ]);
  });

  it('needs ENCRYPTION_KEY (bot tokens are stored encrypted) and HTTP mode', () => {
    const { ENCRYPTION_KEY: _key, ...env } = oauthEnv();
    const problems = configError({ ...env, SLACK_APP_TOKEN: appToken() }).problems;
    expect(problems).toEqual([
      expect.stringContaining('needs HTTP mode'),
      expect.stringContaining('ENCRYPTION_KEY is missing'),
    ]);
  });

  it('refuses a short state secret', () => {
    expect(configError({ ...oauthEnv(), SLACK_STATE_SECRET: 'short' }).problems).toEqual([
      expect.stringContaining('SLACK_STATE_SECRET must be at least 16 characters'),
    ]);
  });

  it('without them, SLACK_BOT_TOKEN is still required', () => {
    expect(configError({ SLACK_SIGNING_SECRET: signingSecret() }).problems).toEqual([
      expect.stringContaining('SLACK_BOT_TOKEN is missing'),
    ]);
  });
});
