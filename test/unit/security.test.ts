import { randomBytes } from 'node:crypto';
import { LogLevel } from '@slack/bolt';
import { createLogger, toBoltLogger } from '../../src/logger';
import { decryptSecret, encryptSecret } from '../../src/security/crypto';
import { REDACTED, redactText } from '../../src/security/redact';
import {
  containsSecret,
  hasNotionTokenPrefix,
  tokenFingerprint,
  tokenHash,
} from '../../src/security/tokens';

// Token-shaped values are built at run time so no literal in the repo looks like a real secret.
const NOTION = `ntn_${'4'.repeat(11)}${'n'.repeat(31)}N0t1`;
const LEGACY = `secret_${'L'.repeat(39)}Lg4c`;
const BOT = `xoxb-${'1'.repeat(12)}-${'2'.repeat(13)}-${'b'.repeat(20)}B0t1`;
const APP = `xapp-1-${'A'.repeat(11)}-${'3'.repeat(13)}-${'a'.repeat(60)}Ap91`;
const TOKENS = [
  ['a current Notion token', NOTION],
  ['a legacy Notion token', LEGACY],
  ['a Slack bot token', BOT],
  ['a Slack app token', APP],
] as const;

describe('crypto: tokens at rest', () => {
  const key = randomBytes(32);

  it('decrypts what it encrypted', () => {
    expect(decryptSecret(encryptSecret(NOTION, key), key)).toBe(NOTION);
    expect(decryptSecret(encryptSecret('', key), key)).toBe('');
    expect(decryptSecret(encryptSecret('ünïcødé ✓', key), key)).toBe('ünïcødé ✓');
  });

  it('gives a different ciphertext each time for the same value', () => {
    const sealed = new Set(Array.from({ length: 20 }, () => encryptSecret(NOTION, key)));
    expect(sealed.size).toBe(20);
  });

  it('never contains the plaintext in any common encoding', () => {
    const sealed = encryptSecret(NOTION, key);
    const plain = Buffer.from(NOTION);
    for (const encoded of [
      NOTION,
      NOTION.slice(4, 20),
      plain.toString('base64'),
      plain.toString('base64url'),
      plain.toString('hex'),
    ]) {
      expect(sealed).not.toContain(encoded);
    }
  });

  it('refuses to decrypt with another key', () => {
    const sealed = encryptSecret(NOTION, key);
    expect(() => decryptSecret(sealed, randomBytes(32))).toThrow();
  });

  it.each([0, 1, 2, 3])('refuses a value whose part %i was tampered with', (part) => {
    const parts = encryptSecret(NOTION, key).split('.');
    const original = parts[part] ?? '';
    const flipped = original.startsWith('A') ? `B${original.slice(1)}` : `A${original.slice(1)}`;
    parts[part] = flipped;
    expect(() => decryptSecret(parts.join('.'), key)).toThrow();
  });

  it('refuses a truncated value and one that is not encrypted at all', () => {
    const sealed = encryptSecret(NOTION, key);
    expect(() => decryptSecret(sealed.slice(0, -4), key)).toThrow();
    expect(() => decryptSecret(NOTION, key)).toThrow();
  });
});

describe('tokens', () => {
  it('shows only the last 4 characters', () => {
    expect(tokenFingerprint(NOTION)).toBe('…N0t1');
    expect(tokenFingerprint(LEGACY)).toBe('…Lg4c');
    expect(tokenFingerprint(NOTION)).not.toContain('ntn_');
  });

  it('hashes tokens stably without revealing them', () => {
    expect(tokenHash(NOTION)).toBe(tokenHash(NOTION));
    expect(tokenHash(NOTION)).not.toBe(tokenHash(LEGACY));
    expect(tokenHash(NOTION)).not.toContain(NOTION.slice(-8));
  });

  it.each(TOKENS)('recognises %s in text', (_label, token) => {
    expect(containsSecret(`here: ${token}.`)).toBe(true);
  });

  it('does not take Notion links or IDs for tokens', () => {
    expect(
      containsSecret('https://www.notion.so/acme/Roadmap-0123456789abcdef0123456789abcdef'),
    ).toBe(false);
    expect(containsSecret('1c2b3a49-8f7e-4d6c-9b5a-4f3e2d1c0b9a')).toBe(false);
  });

  it('knows the Notion token prefixes', () => {
    expect(hasNotionTokenPrefix(NOTION)).toBe(true);
    expect(hasNotionTokenPrefix(LEGACY)).toBe(true);
    expect(hasNotionTokenPrefix(BOT)).toBe(false);
    expect(hasNotionTokenPrefix('ntn-123')).toBe(false);
  });
});

describe('redact', () => {
  it.each(TOKENS)('removes %s from text', (_label, token) => {
    const text = redactText(`Bearer ${token} failed; retry with ${token}`);
    expect(text).toBe(`Bearer ${REDACTED} failed; retry with ${REDACTED}`);
  });

  it('removes a truncated token too', () => {
    expect(redactText(`token ${NOTION.slice(0, 20)}`)).not.toContain(NOTION.slice(0, 20));
  });
});

describe('logger', () => {
  function capture(level = 'debug') {
    const lines: string[] = [];
    const logger = createLogger(level, { write: (line: string) => void lines.push(line) });
    return { logger, output: () => lines.join('') };
  }

  function expectNoSecret(output: string) {
    for (const [, token] of TOKENS) {
      expect(output).not.toContain(token);
      expect(output).not.toContain(token.slice(0, 16));
    }
  }

  it.each(TOKENS)('redacts %s in the message', (_label, token) => {
    const { logger, output } = capture();
    logger.info(`saving ${token} for later`);
    logger.warn('interpolated %s here', token);
    expectNoSecret(output());
    expect(output()).toContain(`saving ${REDACTED} for later`);
    expect(output()).toContain(`interpolated ${REDACTED} here`);
  });

  it.each(TOKENS)('redacts %s in a nested field', (_label, token) => {
    const { logger, output } = capture();
    logger.info({ request: { body: { values: [`pasted ${token}`] } } }, 'view submitted');
    expectNoSecret(output());
    expect(JSON.parse(output())).toMatchObject({
      msg: 'view submitted',
      request: { body: { values: [`pasted ${REDACTED}`] } },
    });
  });

  it.each(TOKENS)("redacts %s in an Error's message logged as err", (_label, token) => {
    const { logger, output } = capture();
    logger.error({ err: new Error(`Notion refused ${token}`) }, 'check failed');
    expectNoSecret(output());
    expect(JSON.parse(output()).err.message).toBe(`Notion refused ${REDACTED}`);
  });

  it('redacts a token in the message of an Error logged on its own (logger.error(err))', () => {
    const { logger, output } = capture();
    logger.error(new Error(`Notion refused ${NOTION}`));
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
        list: [NOTION, { inner: `x ${BOT}` }],
        authorization: 'Bearer opaque-value',
        token: 'plain',
        count: 3,
      },
      'value',
    );
    for (const secret of [NOTION, BOT, 'opaque-value', 'plain'])
      expect(output()).not.toContain(secret);
    expect(output()).toContain('"count":3');
  });

  it('redacts a token nested deeper than 8 levels', () => {
    const { logger, output } = capture();
    let deep: unknown = { value: NOTION };
    for (let level = 0; level < 10; level += 1) deep = { level, deep };
    logger.info({ payload: deep }, 'deep');
    expectNoSecret(output());
  });

  it('redacts tokens in child logger bindings', () => {
    const { logger, output } = capture();
    logger.child({ auth: NOTION, note: `using ${BOT}` }).info('child line');
    expectNoSecret(output());
  });

  it('redacts tokens in objects interpolated into the message', () => {
    const { logger, output } = capture();
    logger.info('sent %j', { token_value: NOTION });
    expectNoSecret(output());
  });

  describe('toBoltLogger', () => {
    it('redacts strings, objects and errors Bolt logs', () => {
      const { logger, output } = capture();
      const bolt = toBoltLogger(logger);
      bolt.setLevel(LogLevel.DEBUG);
      bolt.debug('token', BOT);
      bolt.info({ app_token: APP });
      bolt.warn('failed:', new Error(`invalid_auth for ${NOTION}`));
      bolt.error(new Error(`bad ${LEGACY}`));
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
