import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { type CookieJarSpec, type CookieSpec, MAX_COOKIE_BYTES } from '../sessions/cookies.ts';

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
