/** Tokens at rest (src/security/crypto.ts): AES-256-GCM, a fresh IV each time, tamper-evident. */
import { randomBytes } from 'node:crypto';
import { decryptSecret, encryptSecret } from '../../../src/security/crypto';
import { SECRETS } from '../../support/fixtures';

describe('crypto: tokens at rest', () => {
  const key = randomBytes(32);

  it('decrypts what it encrypted', () => {
    expect(decryptSecret(encryptSecret(SECRETS.notion, key), key)).toBe(SECRETS.notion);
    expect(decryptSecret(encryptSecret('', key), key)).toBe('');
    expect(decryptSecret(encryptSecret('ünïcødé ✓', key), key)).toBe('ünïcødé ✓');
  });

  it('gives a different ciphertext each time for the same value', () => {
    const sealed = new Set(Array.from({ length: 20 }, () => encryptSecret(SECRETS.notion, key)));
    expect(sealed.size).toBe(20);
  });

  it('never contains the plaintext in any common encoding', () => {
    const sealed = encryptSecret(SECRETS.notion, key);
    const plain = Buffer.from(SECRETS.notion);
    for (const encoded of [
      SECRETS.notion,
      SECRETS.notion.slice(4, 20),
      plain.toString('base64'),
      plain.toString('base64url'),
      plain.toString('hex'),
    ]) {
      expect(sealed).not.toContain(encoded);
    }
  });

  it('refuses to decrypt with another key', () => {
    const sealed = encryptSecret(SECRETS.notion, key);
    expect(() => decryptSecret(sealed, randomBytes(32))).toThrow();
  });

  it.each([0, 1, 2, 3])('refuses a value whose part %i was tampered with', (part) => {
    const parts = encryptSecret(SECRETS.notion, key).split('.');
    const original = parts[part] ?? '';
    const flipped = original.startsWith('A') ? `B${original.slice(1)}` : `A${original.slice(1)}`;
    parts[part] = flipped;
    expect(() => decryptSecret(parts.join('.'), key)).toThrow();
  });

  it('refuses a truncated value and one that is not encrypted at all', () => {
    const sealed = encryptSecret(SECRETS.notion, key);
    expect(() => decryptSecret(sealed.slice(0, -4), key)).toThrow();
    expect(() => decryptSecret(SECRETS.notion, key)).toThrow();
  });
});
