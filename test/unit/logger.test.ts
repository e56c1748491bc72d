/** The logger (src/logger.ts) and Bolt's logger on top of it: secrets never reach a line. */
import { LogLevel } from '@slack/bolt';
import { createLogger, toBoltLogger } from '../../src/logger';
import { REDACTED } from '../../src/security/redact';
import { SECRET_CASES, SECRETS } from '../support/fixtures';

describe('logger', () => {
  function capture(level = 'debug') {
    const lines: string[] = [];
    const logger = createLogger(level, { write: (line: string) => void lines.push(line) });
    return { logger, output: () => lines.join('') };
  }

  function expectNoSecret(output: string) {
    for (const [, token] of SECRET_CASES) {
      expect(output).not.toContain(token);
      expect(output).not.toContain(token.slice(0, 16));
    }
  }

  it.each(SECRET_CASES)('redacts %s in the message', (_label, token) => {
    const { logger, output } = capture();
    logger.info(`saving ${token} for later`);
    logger.warn('interpolated %s here', token);
    expectNoSecret(output());
    expect(output()).toContain(`saving ${REDACTED} for later`);
    expect(output()).toContain(`interpolated ${REDACTED} here`);
  });

  it.each(SECRET_CASES)('redacts %s in a nested field', (_label, token) => {
    const { logger, output } = capture();
    logger.info({ request: { body: { values: [`pasted ${token}`] } } }, 'view submitted');
    expectNoSecret(output());
    expect(JSON.parse(output())).toMatchObject({
      msg: 'view submitted',
      request: { body: { values: [`pasted ${REDACTED}`] } },
    });
  });

  it.each(SECRET_CASES)("redacts %s in an Error's message logged as err", (_label, token) => {
    const { logger, output } = capture();
    logger.error({ err: new Error(`Notion refused ${token}`) }, 'check failed');
    expectNoSecret(output());
    expect(JSON.parse(output()).err.message).toBe(`Notion refused ${REDACTED}`);
  });

  it('redacts a token in the message of an Error logged on its own (logger.error(err))', () => {
    const { logger, output } = capture();
    logger.error(new Error(`Notion refused ${SECRETS.notion}`));
    expectNoSecret(output());
  });

  it('blanks a key named authorization whatever its value', () => {
    const { logger, output } = capture();
    logger.debug({ headers: { Authorization: 'Bearer opaque-123', accept: 'json' } }, 'request');
    logger.debug({ authorization: 'Basic b3BhcXVl' }, 'request');
    expect(output()).not.toContain('opaque-123');
    expect(output()).not.toContain('b3BhcXVl');
    expect(output()).toContain('"accept":"json"');
  });

  it('still writes the rest of the line', () => {
    const { logger, output } = capture('info');
    logger.debug('hidden below the level');
    logger.info({ connection: 'default', count: 2 }, 'checked');
    const line = JSON.parse(output());
    expect(line).toMatchObject({
      app: 'notion-check',
      connection: 'default',
      count: 2,
      msg: 'checked',
    });
    expect(output()).not.toContain('hidden below the level');
  });

  it('removes tokens from every field and blanks secret-named keys', () => {
    const { logger, output } = capture();
    logger.info(
      {
        list: [SECRETS.notion, { inner: `x ${SECRETS.bot}` }],
        authorization: 'Bearer opaque-value',
        token: 'plain',
        count: 3,
      },
      'value',
    );
    for (const secret of [SECRETS.notion, SECRETS.bot, 'opaque-value', 'plain'])
      expect(output()).not.toContain(secret);
    expect(output()).toContain('"count":3');
  });

  it('redacts a token nested deeper than 8 levels', () => {
    const { logger, output } = capture();
    let deep: unknown = { value: SECRETS.notion };
    for (let level = 0; level < 10; level += 1) deep = { level, deep };
    logger.info({ payload: deep }, 'deep');
    expectNoSecret(output());
  });

  it('redacts tokens in child logger bindings', () => {
    const { logger, output } = capture();
    logger.child({ auth: SECRETS.notion, note: `using ${SECRETS.bot}` }).info('child line');
    expectNoSecret(output());
  });

  it('redacts tokens in objects interpolated into the message', () => {
    const { logger, output } = capture();
    logger.info('sent %j', { token_value: SECRETS.notion });
    expectNoSecret(output());
  });

  describe('toBoltLogger', () => {
    it('redacts strings, objects and errors Bolt logs', () => {
      const { logger, output } = capture();
      const bolt = toBoltLogger(logger);
      bolt.setLevel(LogLevel.DEBUG);
      bolt.debug('token', SECRETS.bot);
      bolt.info({ app_token: SECRETS.app });
      bolt.warn('failed:', new Error(`invalid_auth for ${SECRETS.notion}`));
      bolt.error(new Error(`bad ${SECRETS.legacy}`));
      const lines = output().trim().split('\n');
      expect(lines).toHaveLength(4);
      expectNoSecret(output());
      expect(lines.map((line) => JSON.parse(line).component)).toEqual([
        'bolt',
        'bolt',
        'bolt',
        'bolt',
      ]);
      expect(output()).toContain(`invalid_auth for ${REDACTED}`);
    });

    it('honours the level Bolt sets', () => {
      const { logger, output } = capture('debug');
      const bolt = toBoltLogger(logger);
      bolt.setLevel(LogLevel.ERROR);
      expect(bolt.getLevel()).toBe(LogLevel.ERROR);
      bolt.info('quiet');
      bolt.error('loud');
      expect(output()).not.toContain('quiet');
      expect(output()).toContain('loud');
    });
  });
});
