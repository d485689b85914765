import { cookieSpecs } from './cookies.ts';
import { deriveKeys, type Keys } from './keys.ts';
import { type AuthMethod, openSession, type User } from './session.ts';

export interface VerifySessionOptions {
  /** The service's SECRET_KEY (the session cookie's key is derived from it with HKDF). */
  secretKey: string;
  /** Epoch ms; defaults to `Date.now()`. */
  now?: number;
  /** True (default) reads `__Host-session`, as set on HTTPS; false reads `session` (plain-HTTP localhost). */
  secureCookies?: boolean;
}

export interface VerifiedSession {
  user: User;
  session: { id: string; authMethod: AuthMethod; authTime: string; expiresAt: string };
}

let cached: { secretKey: string; keys: Keys } | undefined;

function keysFor(secretKey: string): Keys {
  if (cached?.secretKey !== secretKey) cached = { secretKey, keys: deriveKeys(secretKey) };
  return cached.keys;
}

/** The value of cookie `name` in a `Cookie` request header (RFC 6265 §5.4), or undefined. */
function cookieValue(header: string, name: string): string | undefined {
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
 * network call — for Next.js middleware, route handlers or any server that
 * shares SECRET_KEY with the auth service. Returns null when the cookie is
 * missing, tampered, sealed with another key or expired (the browser client
 * then refreshes through `/auth/refresh`). Making no network call, it cannot
 * see that a session was ended: it trusts a cookie for at most its lifetime of
 * 10 minutes. A `recovery` session is limited; treat it so.
 */
export async function verifySession(
  cookieHeader: string | null | undefined,
  options: VerifySessionOptions,
): Promise<VerifiedSession | null> {
  const { secretKey, now = Date.now(), secureCookies = true } = options;
  if (!secretKey) throw new TypeError('verifySession: options.secretKey must be the service SECRET_KEY');
  if (!cookieHeader) return null;
  const value = cookieValue(cookieHeader, cookieSpecs(secureCookies).session.name);
  const session = await openSession(value, keysFor(secretKey), now);
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
