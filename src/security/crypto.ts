import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/** AES-256-GCM with a random 96-bit IV per value: `v1.<iv>.<tag>.<ciphertext>` in base64url. */
export function encryptSecret(plain: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), ciphertext]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

/** Throws when the value was not produced by encryptSecret with this key (tampered or wrong key). */
export function decryptSecret(sealed: string, key: Buffer): string {
  const [version, iv, tag, ciphertext] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || ciphertext === undefined) {
    throw new Error('encrypted value has an unknown format');
  }
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([
    decipher.update(Buffer.from(ciphertext, 'base64url')),
    decipher.final(),
  ]).toString('utf8');
}

/**
 * Opens a value with the first of `keys` that can (the current key, then the one before a
 * rotation); undefined when none can. `withPrevious`: it was not the first, so re-encrypt it.
 */
export function openSealed(
  sealed: string,
  keys: readonly (Buffer | undefined)[],
): { plain: string; withPrevious: boolean } | undefined {
  for (const [index, key] of keys.entries()) {
    if (!key) continue;
    try {
      return { plain: decryptSecret(sealed, key), withPrevious: index > 0 };
    } catch {
      // not this key: try the next
    }
  }
  return undefined;
}
