import type { MetricsRecorder } from './metrics.ts';

/**
 * The metrics of one security event the API logs (src/http/security-events.ts): every
 * event by name, and the ones alarms and the dashboard watch by their own metric.
 * Fields other than the sign-in method are never read: user ids stay in the log line.
 */
export function countSecurityEvent(
  metrics: MetricsRecorder,
  event: string,
  fields: Record<string, unknown>,
): void {
  metrics.count('SecurityEvent', { Event: event });
  const method = typeof fields.authMethod === 'string' ? fields.authMethod : 'passkey';
  if (event === 'signed_in') metrics.count('SignIn', { Method: method, Outcome: 'success' });
  if (event === 'account_created') metrics.count('SignUp', { Method: method, Outcome: 'success' });
  if (event === 'refresh_reuse') metrics.count('RefreshTheft', {});
}

/** Which flow a path belongs to, for counting its refusals as failed sign-ins or sign-ups. */
function flowOf(path: string): 'SignIn' | 'SignUp' | null {
  if (path.startsWith('/auth/passkey/login/')) return 'SignIn';
  if (path.startsWith('/auth/signup/') || path.startsWith('/auth/passkey/register/')) return 'SignUp';
  return null;
}

/**
 * The metrics of a refused request: the refusal by its code, rate limiting, and a failed
 * passkey sign-in or sign-up when the refusal ended one. Google's failures are redirects
 * to `…?error=<code>` from its callback, counted the same way.
 */
export function countRefusal(
  metrics: MetricsRecorder,
  refusal: { path: string; code: string; method: 'passkey' | 'google' },
): void {
  metrics.count('Refusal', { Reason: refusal.code });
  if (refusal.code === 'rate_limited') metrics.count('RateLimited', {});
  const flow = refusal.method === 'google' ? 'SignIn' : flowOf(refusal.path);
  if (flow) metrics.count(flow, { Method: refusal.method, Outcome: 'failure' });
}
