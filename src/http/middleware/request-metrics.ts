import type { MiddlewareHandler } from 'hono';
import { AuthError } from '../../errors.ts';
import type { MetricsRecorder } from '../../telemetry/metrics.ts';
import { countRefusal } from '../../telemetry/security-metrics.ts';
import type { AppEnv } from '../deps.ts';

/**
 * Hands the request its metrics recorder (security events count through it) and, once the
 * answer is known, counts a refusal: an `AuthError` the error handler answered, or a Google
 * callback that sent the browser back with `?error=<code>`.
 */
export function requestMetrics(options: { metrics: MetricsRecorder }): MiddlewareHandler<AppEnv> {
  const { metrics } = options;
  return async function requestMetricsMiddleware(c, next) {
    c.set('metrics', metrics);
    await next();
    const path = c.req.path;
    if (c.error instanceof AuthError) {
      countRefusal(metrics, { path, code: c.error.code, method: 'passkey' });
    } else if (path === '/auth/google/callback' && c.res.status === 302) {
      const location = c.res.headers.get('location') ?? '';
      const code = URL.canParse(location) ? new URL(location).searchParams.get('error') : null;
      if (code) countRefusal(metrics, { path, code, method: 'google' });
    }
  };
}
