import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../../logging/logger.ts';
import type { AppEnv } from '../deps.ts';

/**
 * Gives each request an id (echoed as `X-Request-Id`) and a child logger that
 * stamps it on every line, and logs one line per request: method, path (never
 * the query string, which could carry a code), status, duration.
 */
export function requestContext(options: { logger: Logger }): MiddlewareHandler<AppEnv> {
  const { logger } = options;
  return async function requestContextMiddleware(c, next) {
    const requestId = randomUUID();
    const log = logger.child({ requestId });
    c.set('requestId', requestId);
    c.set('log', log);
    const started = performance.now();
    await next();
    c.header('X-Request-Id', requestId);
    log.info('request', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    });
  };
}
