import type { Context } from 'hono';
import { RefreshRejectedError } from '../cognito/errors.ts';
import type { CognitoTokens } from '../cognito/types.ts';
import { RecoverySessionError, UnauthenticatedError } from '../errors.ts';
import type { Session, User } from '../sessions/session.ts';
import { REFRESH_GRACE_MS, refreshCookieStanding, renewalNeedsCognito } from '../sessions/session-policy.ts';
import type { SessionRecord } from '../store/types.ts';
import { sessionEnd } from '../store/user-items.ts';
import type { AppEnv, Runtime } from './deps.ts';
import { securityEvent } from './security-events.ts';
import {
  clearAuthCookies,
  endSession,
  endSessions,
  parseStoredUser,
  sealRefreshFor,
  userFromTokens,
  writeRefreshCookie,
  writeSessionCookie,
} from './sessions.ts';

type Ctx = Context<AppEnv>;

/**
 * `POST /auth/refresh`: renews the session cookie from the refresh cookie.
 * - The refresh cookie must name the session the session cookie names (a
 *   planted cookie of another session cannot switch the user), and that
 *   session's record must still exist.
 * - Its generation must be the record's: the previous one within the grace
 *   period gets the same successor (concurrent tabs); any other is a reused,
 *   stolen cookie and ends every session of the user.
 * - Cognito is asked (GetTokensFromRefreshToken) only when the tokens behind the
 *   session are about to expire; a refusal (disabled, deleted, revoked) ends it.
 * Every renewal replaces the refresh cookie. It never renews the step-up time,
 * and never a recovery session (`403 recovery_session`; it ends 10 minutes
 * after its sign-in unless adding a passkey made it a normal session).
 */
export async function renewSession(c: Ctx, rt: Runtime): Promise<{ user: User; session: Session }> {
  const { refresh, sessionCookieSid } = c.var.auth;
  const log = c.var.log;
  const refuse = (reason: string): never => {
    log.info('refresh refused', { reason });
    clearAuthCookies(c, rt);
    throw new UnauthenticatedError('Your session has ended. Sign in again.');
  };
  if (!refresh) return refuse('no valid refresh cookie');
  if (sessionCookieSid !== null && sessionCookieSid !== refresh.sid)
    return refuse('the refresh cookie belongs to another session');
  const { userId, sid } = refresh;
  const record = await rt.store.getSession(userId, sid);
  if (!record) return refuse('the session has ended');
  if (record.authMethod === 'recovery') {
    log.info('refresh refused', { reason: 'a recovery session is never renewed' });
    throw new RecoverySessionError();
  }

  const standing = refreshCookieStanding(rt.clock(), refresh.generation, record);
  if (standing === 'grace') return handOutSuccessor(c, rt, record);
  if (standing === 'reused') {
    securityEvent(c, 'refresh_reuse', { userId });
    await endSessions(c, rt, { userId, reason: 'refresh_reuse', globalSignOut: true });
    return refuse('refresh cookie reused after its replacement');
  }

  const now = rt.clock();
  let user = parseStoredUser(record);
  let tokensExpireAt = record.tokensExpireAt;
  let refreshToken = refresh.refreshToken;
  if (renewalNeedsCognito(now, record)) {
    let tokens: CognitoTokens;
    try {
      tokens = await rt.cognito.refresh(refresh.refreshToken);
    } catch (error) {
      if (!(error instanceof RefreshRejectedError)) throw error;
      // A concurrent tab may have renewed (and rotated the token) a moment ago.
      const latest = await rt.store.getSession(userId, sid);
      if (latest && refreshCookieStanding(rt.clock(), refresh.generation, latest) === 'grace')
        return handOutSuccessor(c, rt, latest);
      await endSession(c, rt, { userId, sid, reason: 'cognito_refused' });
      return refuse('Cognito refused the refresh token (user disabled, deleted or token revoked)');
    }
    user = (await userFromTokens(rt, tokens)).user;
    tokensExpireAt = now + tokens.expiresInSeconds * 1000;
    refreshToken = tokens.refreshToken ?? refreshToken;
  }

  const next: SessionRecord = {
    ...record,
    generation: record.generation + 1,
    refreshCookie: await sealRefreshFor(rt, {
      sid,
      userId,
      generation: record.generation + 1,
      refreshToken,
      expiresAt: record.expiresAt,
    }),
    graceUntil: now + REFRESH_GRACE_MS,
    lastSeenAt: now,
    tokensExpireAt,
    user: JSON.stringify(user),
  };
  const renewed = await rt.store.renewSession(userId, sid, {
    expectedGeneration: record.generation,
    refreshCookie: next.refreshCookie,
    graceUntil: next.graceUntil,
    lastSeenAt: now,
    tokensExpireAt,
    user: next.user,
    endsAt: sessionEnd(next),
  });
  if (!renewed) {
    // Another tab renewed first: the same successor within the grace period, else the session is over.
    const latest = await rt.store.getSession(userId, sid);
    if (latest && refreshCookieStanding(rt.clock(), refresh.generation, latest) === 'grace')
      return handOutSuccessor(c, rt, latest);
    return refuse('the session changed during the renewal');
  }
  writeRefreshCookie(c, rt, next.refreshCookie, next);
  return { user, session: await writeSessionCookie(c, rt, next, user) };
}

/** Within the grace period: the successor already issued, and a session cookie, with nothing changed. */
async function handOutSuccessor(c: Ctx, rt: Runtime, record: SessionRecord) {
  const user = parseStoredUser(record);
  writeRefreshCookie(c, rt, record.refreshCookie, record);
  return { user, session: await writeSessionCookie(c, rt, record, user) };
}
