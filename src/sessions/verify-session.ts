import { cookieSpecs } from './cookies.ts';
import { type AuthMethod, openSession, type User } from './session.ts';
import { sessionKeyBytes } from './session-verify-key.ts';

export interface VerifySessionOptions {
  /**
   * SESSION_VERIFY_KEY (base64url) or its 32 bytes: the session cookie's key,
   * derived from SECRET_KEY (`npm run session-verify-key`). Never SECRET_KEY itself.
   */
  sessionKey: string | Uint8Array;
  /** Epoch ms; defaults to `Date.now()`. */
  now?: number;
  /** True (default) reads `__Host-session`, as set on HTTPS; false reads `session` (plain-HTTP localhost). */
  secureCookies?: boolean;
}

export interface VerifiedSession {
  user: User;
  session: { id: string; authMethod: AuthMethod; authTime: string; expiresAt: string };
}

/** The value of cookie `name` in a `Cookie` request header (RFC 6265 §5.4), or undefined. */
export function cookieValue(header: string, name: string): string | undefined {
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    return value;
  }
  return undefined;
}

/**
 * The signed-in user of a request, from its `Cookie` header alone: opens the
 * sealed session cookie (JWE `dir` + A256GCM) and checks its expiry, with no
 * network call and no Node built-in, so it runs in Node, edge runtimes and
 * Next.js `proxy.ts` alike. Returns null when the cookie is missing, tampered,
 * sealed with another key or expired (the browser client, or the Next.js proxy
 * helper, then renews it through `/auth/refresh`). Making no network call, it
 * cannot see that a session was ended: it trusts a cookie for at most its
 * lifetime of 10 minutes. A `recovery` session is limited; treat it so.
 */
export async function verifySession(
  cookieHeader: string | null | undefined,
  options: VerifySessionOptions,
): Promise<VerifiedSession | null> {
  const { now = Date.now(), secureCookies = true } = options;
  const key = sessionKeyBytes(options.sessionKey);
  if (!cookieHeader) return null;
  return verifySessionCookie(cookieValue(cookieHeader, cookieSpecs(secureCookies).session.name), {
    sessionKey: key,
    now,
  });
}

/** `verifySession` for the session cookie's value itself (e.g. from Next.js `cookies()`). */
export async function verifySessionCookie(
  value: string | undefined,
  options: Omit<VerifySessionOptions, 'secureCookies'>,
): Promise<VerifiedSession | null> {
  const { now = Date.now() } = options;
  const session = await openSession(value, { session: sessionKeyBytes(options.sessionKey) }, now);
  if (!session) return null;
  return {
    user: session.user,
    session: {
      id: session.sid,
      authMethod: session.authMethod,
      authTime: new Date(session.authTime * 1000).toISOString(),
      expiresAt: new Date(session.expiresAt).toISOString(),
    },
  };
}
