import { Hono } from 'hono';
import { InvalidRequestError } from '../../errors.ts';
import type { AppEnv, Runtime } from '../deps.ts';
import { redeemSessionCode, startSessionCode } from '../email-codes.ts';
import type { FailureLimiter } from '../rate-limit.ts';
import { securityEvent } from '../security-events.ts';
import { requireSession, updateCurrentUser } from '../sessions.ts';

/**
 * `/auth/stepup/email/*`: step-up by emailed code for a user with no passkey
 * (docs/api.md "Passkey management"). The code goes to the account's own
 * verified address and is bound to this session: a code mailed for another
 * session of the same user does not work here. A user with a passkey steps
 * up with it — a code to the mailbox must not be a way around the passkey.
 */
export function stepUpRoutes(rt: Runtime, limiter: FailureLimiter) {
  const app = new Hono<AppEnv>();

  app.post('/email/start', async (c) => {
    const current = await requireSession(c, rt);
    const { user, sid } = current.session;
    const methods = await rt.store.ensureSignInMethods(user.id, user.providers.includes('google'));
    if (methods.passkeys > 0) {
      throw new InvalidRequestError('This account has a passkey: sign in with your passkey to confirm.');
    }
    if (!user.emailVerified || !user.email) {
      throw new InvalidRequestError(
        'Confirm your email address first: codes go only to a confirmed address.',
      );
    }
    await startSessionCode(c, rt, limiter, {
      sid,
      userId: user.id,
      purpose: 'stepup',
      email: user.email,
      mail: { code: 'stepup-code' },
    });
    return c.json({ status: 'code_sent' }, 202);
  });

  app.post('/email/verify', async (c) => {
    const { current } = await redeemSessionCode(c, rt, limiter, 'stepup');
    await updateCurrentUser(c, rt, current, { stepUpAt: rt.clock() });
    securityEvent(c, 'stepped_up', { userId: current.session.user.id, method: 'email' });
    return c.body(null, 204);
  });

  return app;
}
