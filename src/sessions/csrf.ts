import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Anonymous binding used before sign-in (docs/api.md "CSRF"). */
export const ANONYMOUS_BINDING = 'anon';

/** CSRF tokens live this long; the client fetches a new one on `403 csrf_failed`. */
export const CSRF_TOKEN_TTL_SECONDS = 12 * 60 * 60;

function mac(key: Uint8Array, binding: string, nonce: string, expires: number): string {
  return createHmac('sha256', key).update(`csrf|${binding}|${nonce}|${expires}`).digest('base64url');
}

/**
 * Signed double-submit token (OWASP CSRF cheat sheet, "signed double-submit
 * cookie"): `<nonce>.<expiry seconds>.<HMAC(binding, nonce, expiry)>`, bound to
 * the session id, or to the anonymous binding before sign-in.
 */
export function issueCsrfToken(options: { key: Uint8Array; binding: string; now: number }): string {
  const nonce = randomBytes(18).toString('base64url');
  const expires = Math.floor(options.now / 1000) + CSRF_TOKEN_TTL_SECONDS;
  return `${nonce}.${expires}.${mac(options.key, options.binding, nonce, expires)}`;
}

/** True when the header equals the cookie and the token is well signed for `binding` and not expired. */
export function verifyCsrfToken(options: {
  key: Uint8Array;
  binding: string;
  header: string | undefined;
  cookie: string | undefined;
  now: number;
}): boolean {
  const { header, cookie } = options;
  if (!header || !cookie || header.length > 200 || !safeEqual(header, cookie)) return false;
  const parts = header.split('.');
  if (parts.length !== 3) return false;
  const [nonce = '', expiresText = '', signature = ''] = parts;
  if (!/^\d{1,12}$/.test(expiresText)) return false;
  const expires = Number(expiresText);
  if (expires * 1000 <= options.now) return false;
  return safeEqual(signature, mac(options.key, options.binding, nonce, expires));
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Random url-safe id of `bytes` bytes. */
export function randomId(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}
