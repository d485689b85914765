import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { type CookieJarSpec, type CookieSpec, MAX_COOKIE_BYTES } from '../sessions/cookies.ts';
import { ANONYMOUS_BINDING } from '../sessions/csrf.ts';
import type { Keys } from '../sessions/keys.ts';
import { openRefresh, openSession } from '../sessions/session.ts';

export type CookieName = keyof CookieJarSpec;

export function readCookie(c: Context, spec: CookieSpec): string | undefined {
  return getCookie(c, spec.name);
}

/** Sets a cookie with its spec's attributes; refuses (a programming error) anything over 4096 bytes. */
export function writeCookie(c: Context, spec: CookieSpec, value: string, maxAgeSeconds: number): void {
  if (spec.name.length + value.length > MAX_COOKIE_BYTES) {
    throw new RangeError(`cookie ${spec.name} would exceed ${MAX_COOKIE_BYTES} bytes`);
  }
  setCookie(c, spec.name, value, {
    path: spec.path,
    httpOnly: spec.httpOnly,
    secure: spec.secure,
    sameSite: spec.sameSite,
    maxAge: Math.max(0, Math.floor(maxAgeSeconds)),
  });
}

/** Clears a cookie with the same name, path and attributes it was set with. */
export function clearCookie(c: Context, spec: CookieSpec): void {
  deleteCookie(c, spec.name, {
    path: spec.path,
    httpOnly: spec.httpOnly,
    secure: spec.secure,
    sameSite: spec.sameSite,
  });
}

/**
 * What the CSRF token of this request must be bound to: the sign-in's `sid`
 * from the session cookie (read even when expired, so refresh still works) or
 * the refresh cookie; the anonymous binding when there is neither.
 */
export async function currentCsrfBinding(
  c: Context,
  jar: CookieJarSpec,
  keys: Keys,
  now: number,
): Promise<string> {
  const session = await openSession(readCookie(c, jar.session), keys, now, { ignoreExpiry: true });
  if (session) return session.sid;
  const refresh = await openRefresh(readCookie(c, jar.refresh), keys, now);
  return refresh?.sid ?? ANONYMOUS_BINDING;
}
