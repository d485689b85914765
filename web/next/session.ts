import { cookies } from 'next/headers.js';
import { authCookieNames, type VerifiedSession, verifySessionCookie } from '../../src/server.ts';
import { type ExpenserNextOptions, resolveNextOptions } from './settings.ts';

/**
 * The signed-in user of the request being rendered (a server component, route
 * handler or server action), from the session cookie read through Next.js
 * `cookies()`: no network call. Null when signed out or when the short session
 * cookie expired — `createAuthProxy` renews it before a protected page renders.
 * A `recovery` session may only add a passkey: check `session.authMethod`.
 */
export async function getSession(options: ExpenserNextOptions = {}): Promise<VerifiedSession | null> {
  const { sessionKey, secureCookies } = resolveNextOptions(options);
  const store = await cookies();
  return verifySessionCookie(store.get(authCookieNames(secureCookies).session)?.value, { sessionKey });
}
