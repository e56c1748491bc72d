import { createHash } from 'node:crypto';

/**
 * The one definition of a Notion token's shape, shared by detection (NOTION_TOKEN_PATTERN), the
 * token form's check (isNotionToken) and redaction (SECRET_PATTERN, looser). Internal
 * integration tokens are a prefix — legacy `secret_`, current `ntn_` — and a body of letters and
 * digits: 43 of them, or 11 digits then 35.
 */
const NOTION_TOKEN_PREFIX = '(?:secret_|ntn_)';
const TOKEN_CHAR = '[A-Za-z0-9]';
const NOTION_TOKEN_SHAPE = `(?:secret_${TOKEN_CHAR}{43}|ntn_[0-9]{11}${TOKEN_CHAR}{35})`;
/** No more letters or digits: a longer body is some other (base64-looking) word, not a token. */
const END_OF_BODY = `(?!${TOKEN_CHAR})`;

/**
 * Every Notion token in a text (global: use with `match` or `matchAll`). A lookahead, not `\b`:
 * a token glued to text before it (`abcntn_…`, `(secret_…)`) or after it by `_`/punctuation
 * (`ntn_…_prod`) is still found; a token body followed by more letters or digits is not.
 */
export const NOTION_TOKEN_PATTERN = new RegExp(`${NOTION_TOKEN_SHAPE}${END_OF_BODY}`, 'g');

/** True when the whole text is one Notion token (a paste into the token form). */
export function isNotionToken(text: string): boolean {
  return new RegExp(`^${NOTION_TOKEN_SHAPE}$`).test(text);
}

/**
 * Everything that must never reach a log line or a Slack message: Notion tokens of any
 * length, Slack bot/user/app tokens. Looser than NOTION_TOKEN_PATTERN on purpose: a
 * truncated or mistyped token is still a secret, and so is one glued to other text.
 */
export const SECRET_PATTERN = new RegExp(
  `(?:${NOTION_TOKEN_PREFIX}${TOKEN_CHAR}{8,}|xox[abeoprs]-[A-Za-z0-9-]{6,}|xapp-[A-Za-z0-9-]{6,})`,
  'g',
);

/** True when the text has the prefix of a Notion token; the full shape is checked by the API. */
export function hasNotionTokenPrefix(token: string): boolean {
  return new RegExp(`^${NOTION_TOKEN_PREFIX}[A-Za-z0-9_]+$`).test(token);
}

/** The only part of a token ever shown to people: its last 4 characters. */
export function tokenFingerprint(token: string): string {
  return `…${token.slice(-4)}`;
}

/** A stable, non-reversible key for a token (rate-limit buckets, leak matching). */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** True when the text holds anything token-shaped (Notion or Slack). */
export function containsSecret(text: string): boolean {
  return new RegExp(SECRET_PATTERN.source).test(text);
}
