/** Recognising tokens (src/security/tokens.ts), and the only parts of one ever shown or kept. */
import {
  containsSecret,
  hasNotionTokenPrefix,
  isNotionToken,
  NOTION_TOKEN_PATTERN,
  SECRET_PATTERN,
  tokenFingerprint,
  tokenHash,
} from '../../../src/security/tokens';
import { SECRET_CASES, SECRETS } from '../../support/fixtures';

describe('tokens', () => {
  it('shows only the last 4 characters', () => {
    expect(tokenFingerprint(SECRETS.notion)).toBe('…N0t1');
    expect(tokenFingerprint(SECRETS.legacy)).toBe('…Lg4c');
    expect(tokenFingerprint(SECRETS.notion)).not.toContain('ntn_');
  });

  it('hashes tokens stably without revealing them', () => {
    expect(tokenHash(SECRETS.notion)).toBe(tokenHash(SECRETS.notion));
    expect(tokenHash(SECRETS.notion)).not.toBe(tokenHash(SECRETS.legacy));
    expect(tokenHash(SECRETS.notion)).not.toContain(SECRETS.notion.slice(-8));
  });

  it.each(SECRET_CASES)('recognises %s in text', (_label, token) => {
    expect(containsSecret(`here: ${token}.`)).toBe(true);
  });

  it('does not take Notion links or IDs for tokens', () => {
    expect(
      containsSecret('https://www.notion.so/acme/Roadmap-0123456789abcdef0123456789abcdef'),
    ).toBe(false);
    expect(containsSecret('1c2b3a49-8f7e-4d6c-9b5a-4f3e2d1c0b9a')).toBe(false);
  });

  it('knows the Notion token prefixes', () => {
    expect(hasNotionTokenPrefix(SECRETS.notion)).toBe(true);
    expect(hasNotionTokenPrefix(SECRETS.legacy)).toBe(true);
    expect(hasNotionTokenPrefix(SECRETS.bot)).toBe(false);
    expect(hasNotionTokenPrefix('ntn-123')).toBe(false);
  });
});

describe('the exact Notion token shapes', () => {
  const current = SECRETS.notion;
  const legacy = SECRETS.legacy;

  it('isNotionToken: the whole text is one current or legacy token', () => {
    expect(isNotionToken(current)).toBe(true);
    expect(isNotionToken(legacy)).toBe(true);
  });

  it.each<[string, string]>([
    ['with spaces around', ` ${SECRETS.notion} `],
    ['in a sentence', `token: ${SECRETS.notion}`],
    ['one character short', SECRETS.notion.slice(0, -1)],
    ['one character long', `${SECRETS.notion}x`],
    ['letters where the 11 digits go', `ntn_${'a'.repeat(11)}${SECRETS.notion.slice(15)}`],
    ['a legacy token one short', SECRETS.legacy.slice(0, -1)],
    ['a Slack token', SECRETS.bot],
    ['the prefix alone', 'ntn_'],
    ['nothing', ''],
  ])('isNotionToken refuses a token %s', (_label, text) => {
    expect(isNotionToken(text)).toBe(false);
  });

  it('NOTION_TOKEN_PATTERN finds every whole token in a text, not truncated ones', () => {
    const text = `first ${current}, then ${legacy}; and ${current.slice(0, 20)} cut`;
    expect(text.match(NOTION_TOKEN_PATTERN)).toEqual([current, legacy]);
    // Global, yet reusable: a second search finds them again.
    expect([...text.matchAll(NOTION_TOKEN_PATTERN)].map((m) => m[0])).toEqual([current, legacy]);
  });

  it('SECRET_PATTERN is looser: a truncated token is still a secret', () => {
    expect(`cut ${current.slice(0, 12)}`.match(SECRET_PATTERN)).toEqual([current.slice(0, 12)]);
    expect(containsSecret(current.slice(0, 12))).toBe(true);
    expect(containsSecret('ntn_short')).toBe(false);
  });
});

describe('tokens glued to other text (lookarounds, not \\b)', () => {
  const current = SECRETS.notion;
  const legacy = SECRETS.legacy;
  const found = (text: string) => text.match(NOTION_TOKEN_PATTERN) ?? [];

  it.each<[string, string, string]>([
    ['letters before the prefix', `abc${current}`, current],
    ['digits before the prefix', `42${legacy}`, legacy],
    ['an underscore suffix', `${current}_prod`, current],
    ['in parentheses', `(${legacy})`, legacy],
    ['in a query string', `https://x.example/?token=${current}&v=1`, current],
    ['in a path, between slashes', `/keys/${current}/use`, current],
    ['in quotes and backticks', `"${legacy}" \`${current}\``, legacy],
    ['after a client_ prefix', `client_${legacy}`, legacy],
  ])('NOTION_TOKEN_PATTERN finds a token with %s', (_label, text, token) => {
    expect(found(text)).toContain(token);
    expect(found(text)[0]).toBe(token);
  });

  it.each<[string, string]>([
    ['a current token body followed by a letter', `${current}x`],
    ['a current token body followed by a digit', `${current}7`],
    ['a legacy token body followed by more letters', `${legacy}Abc`],
    ['inside a longer base64-looking word', `QUJD${current}RUZH`],
    ['a 43-character base64 word, no prefix', 'Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Njc4OTBhYmNkZWY'],
    ['a 46-character word that only looks like a body', `${'4'.repeat(11)}${'n'.repeat(35)}`],
    ['a prefix with a dash', `ntn-${current.slice(4)}`],
    ['a truncated token', current.slice(0, -1)],
  ])('NOTION_TOKEN_PATTERN does not flag %s', (_label, text) => {
    expect(found(text)).toEqual([]);
  });

  it('the 43-character base64 word really is 43 characters (the case above tests something)', () => {
    expect('Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Njc4OTBhYmNkZWY').toHaveLength(43);
    expect(isNotionToken(`secret_${'Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Njc4OTBhYmNkZWY'}`)).toBe(true);
  });

  it('isNotionToken shares the shape, but wants the whole text: glued forms are refused', () => {
    expect(isNotionToken(`abc${current}`)).toBe(false);
    expect(isNotionToken(`${current}_prod`)).toBe(false);
    expect(isNotionToken(`(${legacy})`)).toBe(false);
  });

  it('SECRET_PATTERN redacts glued and truncated tokens alike', () => {
    expect(`abc${current}_prod`.match(SECRET_PATTERN)).toEqual([current]);
    expect(`x${current.slice(0, 12)}`.match(SECRET_PATTERN)).toEqual([current.slice(0, 12)]);
    // Looser on purpose: a token body followed by more letters is still redacted.
    expect(containsSecret(`${current}xyz`)).toBe(true);
    expect(containsSecret('Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Njc4OTBhYmNkZWY')).toBe(false);
  });
});
