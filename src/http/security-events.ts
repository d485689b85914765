import type { Context } from 'hono';
import type { LogFields } from '../logging/logger.ts';
import { countSecurityEvent } from '../telemetry/security-metrics.ts';
import type { AppEnv } from './deps.ts';

/** The security events the service logs (one structured line each, with the request id). */
export type SecurityEventName =
  | 'signed_in'
  | 'signed_out'
  | 'session_ended'
  | 'refresh_reuse'
  | 'passkey_added'
  | 'passkey_deleted'
  | 'google_linked'
  | 'google_unlinked'
  | 'account_created'
  | 'account_recovered'
  | 'recovery_completed'
  | 'stepped_up'
  | 'email_changed'
  | 'email_verified'
  | 'account_deleted';

/**
 * Logs a security event (user id and safe fields only, never a token, cookie, code or
 * secret) and counts it as a CloudWatch metric, by name and never by user.
 */
export function securityEvent(c: Context<AppEnv>, event: SecurityEventName, fields: LogFields): void {
  c.var.log.info(`security: ${event}`, { event, ...fields });
  const metrics = c.get('metrics') as AppEnv['Variables']['metrics'] | undefined;
  if (metrics) countSecurityEvent(metrics, event, fields);
}
