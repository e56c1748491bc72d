import { SECRET_PATTERN } from './tokens';

export const REDACTED = '[redacted]';

/** Replaces every token-shaped substring, whatever field or message it hides in. */
export function redactText(text: string): string {
  return text.replace(SECRET_PATTERN, REDACTED);
}

/** Deep copy of a log value with secrets removed from every string inside it. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (value instanceof Error) {
    return {
      type: value.name,
      message: redactText(value.message),
      stack: value.stack ? redactText(value.stack) : undefined,
      ...(redactValue({ ...value }, depth + 1) as object),
    };
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  if (Buffer.isBuffer(value)) return REDACTED;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = /^(authorization|token|auth|password|secret)$/i.test(key)
      ? REDACTED
      : redactValue(item, depth + 1);
  }
  return copy;
}
