import type { Context } from 'hono';
import { ReauthRequiredError, UnauthenticatedError } from '../errors.ts';
import { openSession, type Session } from '../sessions/session.ts';
import { readCookie } from './cookies.ts';
import type { Runtime } from './deps.ts';
import { jarOf } from './session-cookies.ts';

/** Adding or deleting a passkey and linking Google need a sign-in at most this old (shared/API.md). */
export const REAUTH_WINDOW_SECONDS = 5 * 60;

/** The valid session of this request; `401 unauthenticated` otherwise. */
export async function requireSession(c: Context, rt: Runtime): Promise<Session> {
  const session = await openSession(readCookie(c, jarOf(rt).session), rt.keys, rt.clock());
  if (!session) throw new UnauthenticatedError();
  return session;
}

/**
 * Step-up for sensitive changes: the last real authentication (Cognito
 * `auth_time`, kept across refreshes) must be within the window, else
 * `401 reauth_required`; signing in again with a passkey resets it.
 */
export function assertRecentAuth(session: Session, now: number): void {
  if (Math.floor(now / 1000) - session.authTime > REAUTH_WINDOW_SECONDS) throw new ReauthRequiredError();
}
