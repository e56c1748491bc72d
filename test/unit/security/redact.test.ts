/** Redaction (src/security/redact.ts): no token shape survives in text or in a log line. */
import { REDACTED, redactLogLine, redactText } from '../../../src/security/redact';
import { SECRET_CASES, SECRETS } from '../../support/fixtures';

describe('redact', () => {
  it.each(SECRET_CASES)('removes %s from text', (_label, token) => {
    const text = redactText(`Bearer ${token} failed; retry with ${token}`);
    expect(text).toBe(`Bearer ${REDACTED} failed; retry with ${REDACTED}`);
  });

  it('removes a truncated token too', () => {
    expect(redactText(`token ${SECRETS.notion.slice(0, 20)}`)).not.toContain(
      SECRETS.notion.slice(0, 20),
    );
  });
});

describe('redactLogLine', () => {
  it('blanks the values of secret-named fields, whatever their shape', () => {
    const line = JSON.stringify({
      authorization: 'Bearer opaque-123',
      token: 'plain',
      signing_secret: 'f'.repeat(32),
      'x-slack-signature': 'v0=abc',
      password: 'with \\"quotes\\" inside',
      count: 3,
      note: 'kept',
    });
    const redacted = redactLogLine(line);
    for (const secret of ['opaque-123', 'plain', 'f'.repeat(32), 'v0=abc', 'quotes']) {
      expect(redacted).not.toContain(secret);
    }
    expect(JSON.parse(redacted)).toEqual({
      authorization: REDACTED,
      token: REDACTED,
      signing_secret: REDACTED,
      'x-slack-signature': REDACTED,
      password: REDACTED,
      count: 3,
      note: 'kept',
    });
  });

  it.each(SECRET_CASES)('removes %s from any field', (_label, token) => {
    const line = JSON.stringify({ msg: `saw ${token}`, nested: { list: [token] } });
    expect(JSON.parse(redactLogLine(line))).toEqual({
      msg: `saw ${REDACTED}`,
      nested: { list: [REDACTED] },
    });
  });

  it('leaves a line without secrets as it was', () => {
    const line = JSON.stringify({ msg: 'checked', connection: 'default', tokens: 2 });
    expect(redactLogLine(line)).toBe(line);
  });
});
