import type { MiddlewareHandler } from 'hono';
import type { CookieJarSpec } from '../../sessions/cookies.ts';
import type { Keys } from '../../sessions/keys.ts';
import { openRefresh, openSession } from '../../sessions/session.ts';
import { readCookie } from '../cookies.ts';
import type { AppEnv } from '../deps.ts';

export interface AuthCookiesOptions {
  jar: CookieJarSpec;
  keys: Keys;
  clock: () => number;
}

/**
 * Opens the session and refresh cookies once per request and puts what they
 * say on the context (`c.var.auth`): CSRF binding, `requireSession`, step-up,
 * refresh, logout and Google all read it from there. Only a session cookie's
 * record makes it a signed-in request; that check is `requireSession`'s.
 */
export function authCookies(options: AuthCookiesOptions): MiddlewareHandler<AppEnv> {
  const { jar, keys, clock } = options;
  return async function authCookiesMiddleware(c, next) {
    const now = clock();
    const [anySession, refresh] = await Promise.all([
      openSession(readCookie(c, jar.session), keys, now, { ignoreExpiry: true }),
      openRefresh(readCookie(c, jar.refresh), keys, now),
    ]);
    const session = anySession && anySession.expiresAt > now ? anySession : null;
    c.set('auth', {
      session,
      sessionCookieSid: anySession?.sid ?? null,
      sid: anySession?.sid ?? refresh?.sid ?? null,
      refresh,
    });
    return next();
  };
}
