import { createHash } from 'node:crypto';

/** Exact shapes of Notion internal integration tokens (legacy `secret_`, current `ntn_`). */
const NOTION_TOKEN_SHAPE = '(?:secret_[A-Za-z0-9]{43}|ntn_[0-9]{11}[A-Za-z0-9]{35})';

/** Every Notion token in a text (global: use with `match` or `matchAll`). */
export const NOTION_TOKEN_PATTERN = new RegExp(`\\b${NOTION_TOKEN_SHAPE}\\b`, 'g');

/** True when the whole text is one Notion token (a paste into the token form). */
export function isNotionToken(text: string): boolean {
  return new RegExp(`^${NOTION_TOKEN_SHAPE}$`).test(text);
}

/**
 * Everything that must never reach a log line or a Slack message: Notion tokens of any
 * length, Slack bot/user/app tokens. Looser than NOTION_TOKEN_PATTERN on purpose: a
 * truncated or mistyped token is still a secret.
 */
export const SECRET_PATTERN =
  /(?:secret_[A-Za-z0-9]{8,}|ntn_[A-Za-z0-9]{8,}|xox[abeoprs]-[A-Za-z0-9-]{6,}|xapp-[A-Za-z0-9-]{6,})/g;

/** True when the text has the prefix of a Notion token; the full shape is checked by the API. */
export function hasNotionTokenPrefix(token: string): boolean {
  return /^(?:secret_|ntn_)[A-Za-z0-9_]+$/.test(token);
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
