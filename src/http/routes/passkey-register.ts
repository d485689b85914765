import { Hono } from 'hono';
import { PasskeyRejectedError } from '../../errors.ts';
import { describeError } from '../../logging/logger.ts';
import { CeremonyRejectedError, verifyPasskeyRegistration } from '../../passkeys/verify-registration.ts';
import { CredentialExistsError, EmailClaimedError } from '../../store/errors.ts';
import type { CredentialRecord } from '../../store/types.ts';
import { readJson } from '../body.ts';
import { finishCeremony } from '../ceremonies.ts';
import type { AppEnv, Runtime } from '../deps.ts';
import { signInWithGrant } from '../grant-sign-in.ts';
import type { FailureLimiter } from '../rate-limit.ts';
import { registerVerifyBody } from '../schemas.ts';
import { securityEvent } from '../security-events.ts';
import { startSession } from '../sessions.ts';

/**
 * `/auth/passkey/register/verify`: the last step of sign-up (docs/api.md
 * "Passkey sign-up"), after `/auth/signup/verify-email` proved the address
 * and issued the creation options: one authenticator prompt, then signed in.
 */
export function passkeyRegisterRoutes(rt: Runtime, limiter: FailureLimiter) {
  const app = new Hono<AppEnv>();

  app.post('/verify', async (c) => {
    const ip = rt.clientIp(c);
    await limiter.assertIpAllowed(ip);
    const body = await readJson(c, registerVerifyBody);
    const log = c.get('log');
    const ceremony = await finishCeremony(c, rt, 'registration');
    let credential: CredentialRecord;
    try {
      if (!ceremony?.userId || !ceremony.email) {
        throw new CeremonyRejectedError('no registration ceremony bound to this browser');
      }
      credential = await verifyPasskeyRegistration({
        response: body.credential,
        expectedChallenge: ceremony.challenge,
        rp: rt.config.rp,
        userId: ceremony.userId,
        nickname: body.nickname ?? 'Passkey',
        now: rt.clock(),
      });
    } catch (error) {
      if (!(error instanceof CeremonyRejectedError)) throw error;
      log.info('passkey registration rejected', { reason: error.message });
      throw (await limiter.recordFailure({ ip })) ?? new PasskeyRejectedError(400);
    }
    const { userId, email, displayName } = {
      userId: credential.userId,
      email: ceremony.email,
      displayName: ceremony.displayName,
    };

    await rt.cognito.createUser({
      username: userId,
      email,
      // The registration ceremony exists only after the address proved itself (signup/verify-email).
      emailVerified: true,
      ...(displayName ? { name: displayName } : {}),
    });
    try {
      await rt.store.createAccount({ userId, email, credential });
    } catch (error) {
      // Nothing half-created: the Cognito user goes again when the records cannot be stored.
      await rt.cognito
        .deleteUser(userId)
        .catch((cleanupError: unknown) =>
          log.error('could not remove user after failed sign-up', { userId, ...describeError(cleanupError) }),
        );
      // A verified owner appeared since the code was checked: nothing is created.
      if (error instanceof EmailClaimedError) throw new PasskeyRejectedError(400, { cause: error });
      if (error instanceof CredentialExistsError) throw new PasskeyRejectedError(400, { cause: error });
      throw error;
    }
    securityEvent(c, 'account_created', { userId });

    const tokens = await signInWithGrant(rt, userId);
    // The registration was a user-verified passkey ceremony: the new session starts stepped up.
    const { user, csrfToken } = await startSession(c, rt, { tokens, authMethod: 'passkey', stepUp: true });
    return c.json({ user, csrfToken }, 201);
  });

  return app;
}
