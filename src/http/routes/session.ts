import { Hono } from 'hono';
import { RefreshRejectedError } from '../../cognito/errors.ts';
import { UnauthenticatedError } from '../../errors.ts';
import { describeError } from '../../logging/logger.ts';
import { hostedUiLogoutUrl } from '../../oauth/urls.ts';
import { ANONYMOUS_BINDING } from '../../sessions/csrf.ts';
import { openRefresh, openSession, type Session } from '../../sessions/session.ts';
import { clearCookie, currentCsrfBinding, readCookie } from '../cookies.ts';
import type { AppEnv, Runtime } from '../deps.ts';
import {
  clearAuthCookies,
  describeSession,
  issueCsrf,
  jarOf,
  userFromClaims,
  writeRefreshCookie,
  writeSessionCookie,
} from '../session-cookies.ts';
import { googleUrlSettings } from './google.ts';

/** CSRF token, `me`, refresh and logout (shared/API.md "CSRF" and "Session"). */
export function sessionRoutes(rt: Runtime) {
  const app = new Hono<AppEnv>();
  const jar = jarOf(rt);

  app.get('/csrf', async (c) => {
    const binding = await currentCsrfBinding(c, jar, rt.keys, rt.clock());
    return c.json({ csrfToken: issueCsrf(c, rt, binding) });
  });

  app.get('/me', async (c) => {
    const value = readCookie(c, jar.session);
    const session = await openSession(value, rt.keys, rt.clock());
    if (!session) {
      // An invalid or expired session cookie is cleared; the refresh cookie stays so the client can refresh.
      if (value !== undefined) clearCookie(c, jar.session);
      throw new UnauthenticatedError();
    }
    return c.json({ user: session.user, session: describeSession(session) });
  });

  app.post('/refresh', async (c) => {
    const now = rt.clock();
    const state = await openRefresh(readCookie(c, jar.refresh), rt.keys, now);
    if (!state) {
      clearAuthCookies(c, rt);
      throw new UnauthenticatedError('Your session has ended. Sign in again.');
    }
    let tokens: Awaited<ReturnType<typeof rt.cognito.refresh>>;
    try {
      tokens = await rt.cognito.refresh(state.refreshToken);
    } catch (error) {
      if (!(error instanceof RefreshRejectedError)) throw error;
      c.get('log').info('refresh refused by Cognito', describeError(error));
      clearAuthCookies(c, rt);
      throw new UnauthenticatedError('Your session has ended. Sign in again.');
    }
    const claims = await rt.verifyIdToken(tokens.idToken);
    const previous = await openSession(readCookie(c, jar.session), rt.keys, now, { ignoreExpiry: true });
    const session: Session = {
      sid: state.sid,
      user: userFromClaims(claims, previous?.user.providers ?? [state.authMethod]),
      authMethod: state.authMethod,
      authTime: claims.authTime,
      accessToken: tokens.accessToken,
      expiresAt: now + tokens.expiresInSeconds * 1000,
    };
    await writeSessionCookie(c, rt, session);
    if (tokens.refreshToken) await writeRefreshCookie(c, rt, { ...state, refreshToken: tokens.refreshToken });
    return c.json({
      user: session.user,
      session: describeSession(session),
      csrfToken: issueCsrf(c, rt, state.sid),
    });
  });

  app.post('/logout', async (c) => {
    const now = rt.clock();
    const state = await openRefresh(readCookie(c, jar.refresh), rt.keys, now);
    if (state) {
      await rt.cognito.revoke(state.refreshToken).catch((error: unknown) => {
        c.get('log').warn('refresh token revocation failed', describeError(error));
      });
    }
    // A Google session also ends the hosted-UI session, or the next "Continue with Google"
    // would sign straight back in (shared/API.md "Session").
    const authMethod =
      state?.authMethod ??
      (await openSession(readCookie(c, jar.session), rt.keys, now, { ignoreExpiry: true }))?.authMethod;
    const redirectTo = authMethod === 'google' ? hostedUiLogoutUrl(googleUrlSettings(rt)) : null;
    clearAuthCookies(c, rt);
    const csrfToken = issueCsrf(c, rt, ANONYMOUS_BINDING);
    return c.json({ redirectTo, csrfToken });
  });

  return app;
}
