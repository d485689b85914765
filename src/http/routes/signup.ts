import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { CodeInvalidError } from '../../errors.ts';
import { accountExistsMail } from '../../mail/messages.ts';
import { buildRegistrationOptions } from '../../passkeys/ceremony-options.ts';
import { readJson } from '../body.ts';
import { startCeremony } from '../ceremonies.ts';
import type { AppEnv, Runtime } from '../deps.ts';
import { mailContext, redeemBrowserCode, startBrowserCode } from '../email-codes.ts';
import type { FailureLimiter } from '../rate-limit.ts';
import { emailCodeBody, signupStartBody } from '../schemas.ts';

/**
 * `/auth/signup/*`: sign-up proves the email first (docs/api.md "Passkey
 * sign-up"). `start` mails a code, or — when the address already belongs to
 * a verified account — a note offering sign-in; the answer is the same.
 * `verify-email` turns the right code into creation options bound to that
 * address and this browser; `passkey/register/verify` then creates the
 * account with its email verified.
 */
export function signupRoutes(rt: Runtime, limiter: FailureLimiter) {
  const app = new Hono<AppEnv>();

  app.post('/start', async (c) => {
    const body = await readJson(c, signupStartBody);
    await startBrowserCode(c, rt, limiter, {
      purpose: 'signup',
      email: body.email,
      plan: (claim) => ({
        ...(body.displayName ? { displayName: body.displayName } : {}),
        // An unverified claim (older accounts) does not block the owner of the address.
        mail: claim?.verified
          ? { message: accountExistsMail(mailContext(rt), body.email) }
          : { code: 'signup-code' },
      }),
    });
    return c.json({ status: 'code_sent' }, 202);
  });

  app.post('/verify-email', async (c) => {
    const body = await readJson(c, emailCodeBody);
    const record = await redeemBrowserCode(c, rt, limiter, {
      purpose: 'signup',
      email: body.email,
      code: body.code,
    });
    // Verified by someone else since the code was sent: the address is theirs.
    if ((await rt.store.findEmailClaim(record.email))?.verified) throw new CodeInvalidError();
    const userId = randomUUID();
    // Only a name the person gave becomes the account's name; the authenticator shows the email otherwise.
    const { challenge } = await startCeremony(c, rt, 'registration', {
      userId,
      email: record.email,
      ...(record.displayName ? { displayName: record.displayName } : {}),
    });
    const options = await buildRegistrationOptions({
      rp: rt.config.rp,
      userId,
      email: record.email,
      displayName: record.displayName ?? record.email,
      challenge,
      exclude: [],
    });
    return c.json({ options });
  });

  return app;
}
