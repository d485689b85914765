import type { MiddlewareHandler } from 'hono';
import { CsrfError } from '../../errors.ts';
import type { CookieJarSpec } from '../../sessions/cookies.ts';
import { ANONYMOUS_BINDING, verifyCsrfToken } from '../../sessions/csrf.ts';
import type { Keys } from '../../sessions/keys.ts';
import { readCookie } from '../cookies.ts';
import type { AppEnv } from '../deps.ts';

export interface CsrfOptions {
  allowedOrigins: string[];
  jar: CookieJarSpec;
  keys: Keys;
  clock: () => number;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence in depth (OWASP CSRF cheat sheet): Fetch Metadata
 * (`Sec-Fetch-Site: cross-site` refused), Origin allow-list (a present Origin
 * must be allowed), and the signed double-submit token: header `X-CSRF-Token`
 * equal to the CSRF cookie, well signed, unexpired and bound to this session
 * (or the anonymous binding before sign-in). Fails closed with `403 csrf_failed`.
 * Runs after `authCookies`.
 */
export function csrfProtection(options: CsrfOptions): MiddlewareHandler<AppEnv> {
  const allowed = new Set(options.allowedOrigins);
  const { jar, keys, clock } = options;
  return async function csrfMiddleware(c, next) {
    if (SAFE_METHODS.has(c.req.method)) return next();
    if (c.req.header('sec-fetch-site') === 'cross-site')
      throw new CsrfError('Cross-site requests are not allowed.');
    const origin = c.req.header('origin');
    if (origin !== undefined && !allowed.has(origin))
      throw new CsrfError('The request origin is not allowed.');
    const now = clock();
    // The session id named by the session or the refresh cookie (opened once by `authCookies`).
    const binding = c.var.auth.sid ?? ANONYMOUS_BINDING;
    const ok = verifyCsrfToken({
      key: keys.csrf,
      binding,
      header: c.req.header('x-csrf-token'),
      cookie: readCookie(c, jar.csrf),
      now,
    });
    if (!ok) throw new CsrfError('Missing or invalid CSRF token. Fetch a new one from GET /auth/csrf.');
    return next();
  };
}
