/**
 * Ids of what buttons point at: a letter for the kind and 16 hex digits. They travel in button
 * values, so the Slack edge re-checks them with `isId` before anything is looked up.
 */
import { randomBytes } from 'node:crypto';

const PREFIX = { walkthrough: 'w', alert: 'a', leak: 'l' } as const;

export type IdKind = keyof typeof PREFIX;

/** `newId('walkthrough')` → `w3f9c0e1d2b4a5968`. */
export function newId(kind: IdKind): string {
  return `${PREFIX[kind]}${randomBytes(8).toString('hex')}`;
}

export const ID_PATTERN: Record<IdKind, RegExp> = {
  walkthrough: /^w[0-9a-f]{16}$/,
  alert: /^a[0-9a-f]{16}$/,
  leak: /^l[0-9a-f]{16}$/,
};

export function isId(kind: IdKind, value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN[kind].test(value);
}
