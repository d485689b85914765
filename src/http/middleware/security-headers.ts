import type { MiddlewareHandler } from 'hono';

/** Headers every response carries (docs/api.md "Conventions"). */
export function securityHeaders(options: { https: boolean }): MiddlewareHandler {
  const { https } = options;
  return async function securityHeadersMiddleware(c, next) {
    await next();
    c.header('Cache-Control', 'no-store');
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Frame-Options', 'DENY');
    if (https) c.header('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
  };
}
