import { SECRET_PATTERN } from './tokens';

export const REDACTED = '[redacted]';

/** Replaces every token-shaped substring, whatever field or message it hides in. */
export function redactText(text: string): string {
  return text.replace(SECRET_PATTERN, REDACTED);
}

/** JSON fields that hold secrets whatever their shape (a signing secret has no telltale prefix). */
const SECRET_FIELD =
  /("(?:authorization|token|secret|password|signing_?secret|x-slack-signature)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;

/** For a serialized log line: token shapes anywhere, and the values of secret-named fields. */
export function redactLogLine(line: string): string {
  return redactText(line).replace(SECRET_FIELD, `$1"${REDACTED}"`);
}
