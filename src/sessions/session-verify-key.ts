import { base64url } from 'jose';
import { deriveKey } from './keys.ts';

/** Bytes of a session key (A256GCM). */
const KEY_BYTES = 32;

/**
 * SESSION_VERIFY_KEY: the key of the session cookie alone, for front ends that
 * verify sessions (`verifySession`), as base64url. It is HKDF-SHA256 over
 * SECRET_KEY with the session cookie's own label, so it opens no other cookie
 * (refresh, ceremony, oauth), signs no CSRF token and cannot be turned back
 * into SECRET_KEY (RFC 5869 §3.3: HKDF output reveals nothing of its input key).
 */
export function sessionVerifyKey(secretKey: string): string {
  if (!secretKey)
    throw new TypeError('sessionVerifyKey: expected the service SECRET_KEY, got an empty value');
  return base64url.encode(deriveKey(secretKey, 'session'));
}

/**
 * The 32 key bytes of a SESSION_VERIFY_KEY (base64url), or the bytes themselves.
 * Throws `TypeError` naming what was expected, so a wrong setting fails at
 * start-up rather than reading every visitor as signed out.
 */
export function sessionKeyBytes(key: string | Uint8Array): Uint8Array {
  let bytes: Uint8Array | undefined;
  if (key instanceof Uint8Array) bytes = key;
  else if (typeof key === 'string' && /^[A-Za-z0-9_-]{43}$/.test(key.trim())) {
    bytes = base64url.decode(key.trim());
  }
  if (bytes?.byteLength !== KEY_BYTES) {
    throw new TypeError(
      'verifySession: sessionKey must be SESSION_VERIFY_KEY (43 base64url characters, 32 bytes; `npm run session-verify-key` prints it), not SECRET_KEY',
    );
  }
  return bytes;
}
