import { Hono } from 'hono';
import { CustomAuthRejectedError } from '../../cognito/errors.ts';
import { CodeInvalidError } from '../../errors.ts';
import { readJson } from '../body.ts';
import type { AppEnv, Runtime } from '../deps.ts';
import { redeemBrowserCode, startBrowserCode } from '../email-codes.ts';
import { signInWithGrant } from '../grant-sign-in.ts';
import { notifyAccount } from '../notices.ts';
import type { FailureLimiter } from '../rate-limit.ts';
import { emailBody, emailCodeBody } from '../schemas.ts';
import { securityEvent } from '../security-events.ts';
import { endSessions, startSession } from '../sessions.ts';

/**
 * `/auth/recovery/*`: a user who lost every passkey gets back in by email
 * (docs/api.md "Email, recovery and the account").
 * - `start` answers the same for every address, in the same time; only an
 *   account that verified the address is mailed a code (a record that mails
 *   nothing is stored for the rest, so both paths do the same work).
 * - `verify` checks the code here (wrong guesses never reach Cognito); only
 *   the right one becomes a one-time grant, which the VerifyAuthChallengeResponse
 *   trigger consumes before Cognito issues tokens. The result is a recovery
 *   session: 10 minutes, limited to adding a passkey (`requireSession`).
 *   Every other session of the user ends first — whoever held them may be
 *   the reason for the recovery — and the account's address gets a notice.
 */
export function recoveryRoutes(rt: Runtime, limiter: FailureLimiter) {
  const app = new Hono<AppEnv>();

  app.post('/start', async (c) => {
    const { email } = await readJson(c, emailBody);
    await startBrowserCode(c, rt, limiter, {
      purpose: 'recovery',
      email,
      plan: (claim) => {
        // An unverified address (accounts from before verified sign-up) cannot recover until it verifies.
        const account = claim?.verified ? claim.userId : null;
        return account ? { userId: account, mail: { code: 'recovery-code' } } : { mail: null };
      },
    });
    return c.json({ status: 'code_sent' }, 202);
  });

  app.post('/verify', async (c) => {
    const body = await readJson(c, emailCodeBody);
    const record = await redeemBrowserCode(c, rt, limiter, {
      purpose: 'recovery',
      email: body.email,
      code: body.code,
    });
    const userId = record.userId;
    // The address must still be this account's, verified (no change or deletion since the code was sent).
    const claim = await rt.store.findEmailClaim(record.email);
    if (!userId || !claim?.verified || claim.userId !== userId) throw new CodeInvalidError();

    // Before the new sign-in, so that signing out every Cognito refresh token spares the new one.
    await endSessions(c, rt, { userId, reason: 'recovery', globalSignOut: true });
    let tokens: Awaited<ReturnType<typeof signInWithGrant>>;
    try {
      tokens = await signInWithGrant(rt, userId);
    } catch (error) {
      // The user was deleted or disabled in Cognito meanwhile.
      if (error instanceof CustomAuthRejectedError) throw new CodeInvalidError();
      throw error;
    }
    const { user, csrfToken } = await startSession(c, rt, { tokens, authMethod: 'recovery', stepUp: false });
    securityEvent(c, 'account_recovered', { userId });
    // The claim was checked above: the address is this account's, verified.
    await notifyAccount(c, rt, { email: record.email, emailVerified: true }, 'recovery-sign-in');
    return c.json({ user, csrfToken });
  });

  return app;
}
