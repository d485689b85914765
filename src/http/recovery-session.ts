import type { Context } from 'hono';
import { UnauthenticatedError } from '../errors.ts';
import { openRefresh } from '../sessions/session.ts';
import { sessionExpiry } from '../sessions/session-policy.ts';
import type { SessionRecord } from '../store/types.ts';
import { sessionEnd } from '../store/user-items.ts';
import type { AppEnv, Runtime } from './deps.ts';
import { securityEvent } from './security-events.ts';
import { type CurrentSession, sealRefreshFor, writeRefreshCookie } from './sessions.ts';

/**
 * A recovery session that has just added a passkey becomes a normal passkey
 * session (docs/api.md "Passkey management"): it now lives and renews like
 * any other, counted from its sign-in. Its record and refresh cookie change
 * here; the caller records the step-up the registration was and rewrites the
 * session cookie (`updateCurrentUser`).
 */
export async function promoteRecoverySession(
  c: Context<AppEnv>,
  rt: Runtime,
  current: CurrentSession,
): Promise<CurrentSession> {
  const { record, session } = current;
  const now = rt.clock();
  const state = await openRefresh(record.refreshCookie, rt.keys, now);
  if (!state) throw new UnauthenticatedError('Your session has ended. Sign in again.');
  const expiresAt = sessionExpiry(record.createdAt, 'passkey');
  const promoted: SessionRecord = {
    ...record,
    authMethod: 'passkey',
    expiresAt,
    refreshCookie: await sealRefreshFor(rt, { ...state, expiresAt }),
  };
  const changed = await rt.store.promoteRecoverySession(record.userId, record.id, {
    expiresAt,
    refreshCookie: promoted.refreshCookie,
    endsAt: sessionEnd(promoted),
  });
  if (!changed) {
    // Ended meanwhile, or another tab's passkey promoted it first (its answer carried the cookies).
    const latest = await rt.store.getSession(record.userId, record.id);
    if (latest?.authMethod !== 'passkey')
      throw new UnauthenticatedError('Your session has ended. Sign in again.');
    return { record: latest, session: { ...session, authMethod: 'passkey' } };
  }
  writeRefreshCookie(c, rt, promoted.refreshCookie, promoted);
  securityEvent(c, 'recovery_completed', { userId: record.userId });
  return { record: promoted, session: { ...session, authMethod: 'passkey' } };
}
