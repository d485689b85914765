import { Hono } from 'hono';
import type { AppEnv, Runtime } from '../deps.ts';
import { clearCodeCookie } from '../email-codes.ts';
import { notifyAccount } from '../notices.ts';
import { securityEvent } from '../security-events.ts';
import { clearAuthCookies, endSessions, requireSession, requireStepUp } from '../sessions.ts';

/**
 * `DELETE /auth/account` (step-up; docs/api.md "Email, recovery and the
 * account"): the Cognito user and every record of the user go, every session
 * ends and every refresh token is revoked; the address gets a notice and can
 * sign up again.
 *
 * The order is chosen so that a failure at any step leaves the user able to
 * retry, and never leaves a way in to an account that is half gone:
 * 1. Every other session ends and every refresh token is revoked. Nothing is
 *    lost yet; this session's record still exists.
 * 2. The Cognito user goes. If this fails, the account is whole: the user
 *    retries (from this session, or after signing in again).
 * 3. The records go — claim, credentials, methods, and this session last.
 *    If this fails, nobody can sign in any more (Cognito issues no tokens
 *    for a deleted user) while this session's record still exists, so the
 *    same request retried finishes the job: every step is idempotent.
 * The other order (records first) could strand a Cognito user nobody can
 * reach or delete any more: the user would have lost the session to retry
 * with, and their passkeys with it.
 */
export function accountRoutes(rt: Runtime) {
  const app = new Hono<AppEnv>();

  app.delete('/', async (c) => {
    const current = await requireSession(c, rt);
    requireStepUp(rt, current);
    const { user } = current.session;
    await endSessions(c, rt, {
      userId: user.id,
      except: current.record.id,
      reason: 'account_deleted',
      globalSignOut: true,
    });
    await rt.cognito.deleteUser(user.id);
    await rt.store.deleteAccount({ userId: user.id, email: user.email });
    securityEvent(c, 'account_deleted', { userId: user.id });
    clearAuthCookies(c, rt);
    clearCodeCookie(c, rt);
    await notifyAccount(c, rt, user, 'account-deleted');
    return c.body(null, 204);
  });

  return app;
}
