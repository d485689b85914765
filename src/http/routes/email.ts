import { Hono } from 'hono';
import { CodeInvalidError, InvalidRequestError } from '../../errors.ts';
import { describeError } from '../../logging/logger.ts';
import { emailInUseMail } from '../../mail/messages.ts';
import { readJson } from '../body.ts';
import type { AppEnv, Runtime } from '../deps.ts';
import { mailContext, redeemSessionCode, startSessionCode } from '../email-codes.ts';
import { notifyAccount } from '../notices.ts';
import type { FailureLimiter } from '../rate-limit.ts';
import { emailBody } from '../schemas.ts';
import { securityEvent } from '../security-events.ts';
import { endSessions, requireSession, requireStepUp, updateCurrentUser } from '../sessions.ts';

/**
 * `/auth/email/*`: the account's address (docs/api.md "Email, recovery and
 * the account"). An address belongs to the account that proved it receives
 * mail there, so both flows end in a verified claim:
 * - `change/*` (step-up): a code to the new address; an address another
 *   account holds verified is told instead and gets no usable code, with the
 *   same answer and timing. The right code moves the claim, then Cognito's
 *   `email`; the old address gets a notice and every other session ends.
 * - `verify*`: accounts from before verified sign-up prove their own address.
 *   If another account has verified it since, no usable code is mailed: this
 *   account has to change its email instead.
 * Codes are bound to the session that asked for them.
 */
export function emailRoutes(rt: Runtime, limiter: FailureLimiter) {
  const app = new Hono<AppEnv>();

  app.post('/change/start', async (c) => {
    const current = await requireSession(c, rt);
    requireStepUp(rt, current);
    const { email } = await readJson(c, emailBody);
    const { user, sid } = current.session;
    if (email === user.email)
      throw new InvalidRequestError('This is already the email address of your account.');
    await startSessionCode(c, rt, limiter, {
      sid,
      userId: user.id,
      purpose: 'email-change',
      email,
      mail: (claim) =>
        claim?.verified && claim.userId !== user.id
          ? { message: emailInUseMail(mailContext(rt), email) }
          : { code: 'email-change-code' },
    });
    return c.json({ status: 'code_sent' }, 202);
  });

  app.post('/change/verify', async (c) => {
    const { current, record } = await redeemSessionCode(c, rt, limiter, 'email-change');
    const { user } = current.session;
    const previous = user.email ? await rt.store.findEmailClaim(user.email) : null;
    const ownPrevious = previous?.userId === user.id ? previous : null;
    // Someone verified the new address since the code was sent: it is theirs.
    const moved = await rt.store.moveEmailClaim({
      userId: user.id,
      from: ownPrevious ? user.email : null,
      to: record.email,
    });
    if (!moved) throw new CodeInvalidError();
    try {
      await rt.cognito.setVerifiedEmail(user.id, record.email);
    } catch (error) {
      // Nothing half-done: the claim goes back to the old address as it was.
      const undo = ownPrevious
        ? rt.store.moveEmailClaim({
            userId: user.id,
            from: record.email,
            to: user.email,
            verified: ownPrevious.verified,
          })
        : rt.store.releaseEmailClaim({ userId: user.id, email: record.email });
      await undo.catch((undoError: unknown) =>
        c.var.log.error('the email claim could not be moved back', describeError(undoError)),
      );
      throw error;
    }
    securityEvent(c, 'email_changed', { userId: user.id });
    await endSessions(c, rt, { userId: user.id, except: current.record.id, reason: 'email_changed' });
    const updated = await updateCurrentUser(c, rt, current, {
      email: { address: record.email, verified: true },
    });
    // The old address is told, if it ever was the account's proven address.
    await notifyAccount(
      c,
      rt,
      { email: user.email, emailVerified: ownPrevious?.verified === true },
      'email-changed',
    );
    return c.json({ user: updated });
  });

  app.post('/verify/start', async (c) => {
    const current = await requireSession(c, rt);
    const { user, sid } = current.session;
    if (user.emailVerified) throw new InvalidRequestError('Your email address is already confirmed.');
    if (!user.email) throw new InvalidRequestError('Your account has no email address: add one instead.');
    await startSessionCode(c, rt, limiter, {
      sid,
      userId: user.id,
      purpose: 'email-verify',
      email: user.email,
      // The address was proven by another account: it is theirs, and they are not mailed about this one.
      mail: (claim) => (claim?.verified && claim.userId !== user.id ? null : { code: 'email-verify-code' }),
    });
    return c.json({ status: 'code_sent' }, 202);
  });

  app.post('/verify', async (c) => {
    const { current, record } = await redeemSessionCode(c, rt, limiter, 'email-verify');
    const { user } = current.session;
    // The claim first: when another account has verified the address since, nothing changes.
    // If Cognito then fails, the claim stays verified — the code did prove the address — and a
    // retry (a new code) brings Cognito in line.
    if (!(await rt.store.claimEmail({ userId: user.id, email: record.email }))) throw new CodeInvalidError();
    await rt.cognito.setVerifiedEmail(user.id, record.email);
    securityEvent(c, 'email_verified', { userId: user.id });
    const updated = await updateCurrentUser(c, rt, current, {
      email: { address: record.email, verified: true },
    });
    return c.json({ user: updated });
  });

  return app;
}
