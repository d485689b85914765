import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { EmailTakenError, PasskeyRejectedError } from '../../errors.ts';
import { describeError } from '../../logging/logger.ts';
import { buildRegistrationOptions } from '../../passkeys/ceremony-options.ts';
import { CeremonyRejectedError, verifyPasskeyRegistration } from '../../passkeys/verify-registration.ts';
import { randomId } from '../../sessions/csrf.ts';
import { CredentialExistsError, EmailClaimedError } from '../../store/errors.ts';
import type { CredentialRecord } from '../../store/types.ts';
import { readJson } from '../body.ts';
import { finishCeremony, startCeremony } from '../ceremonies.ts';
import type { AppEnv, Runtime } from '../deps.ts';
import type { FailureLimiter } from '../rate-limit.ts';
import { registerOptionsBody, registerVerifyBody } from '../schemas.ts';
import { securityEvent } from '../security-events.ts';
import { startSession } from '../sessions.ts';

/** A registration grant lets the fresh account sign in once, within this time. */
const GRANT_TTL_MS = 60 * 1000;

/** `/auth/passkey/register/*`: passkey-only sign-up with one authenticator prompt (docs/api.md "Passkey sign-up"). */
export function passkeyRegisterRoutes(rt: Runtime, limiter: FailureLimiter) {
  const app = new Hono<AppEnv>();

  app.post('/options', async (c) => {
    await limiter.assertRequestAllowed(rt.clientIp(c), 'signup-options');
    const body = await readJson(c, registerOptionsBody);
    // Passkey accounts claim their email in the table; Google-only accounts exist only in Cognito.
    const [claimed, cognitoUsers] = await Promise.all([
      rt.store.findUserIdByEmail(body.email),
      rt.cognito.findUsersByEmail(body.email),
    ]);
    if (claimed !== null || cognitoUsers.length > 0) throw new EmailTakenError();
    const userId = randomUUID();
    const displayName = body.displayName ?? body.email;
    const { challenge } = await startCeremony(c, rt, 'registration', {
      userId,
      email: body.email,
      displayName,
    });
    const options = await buildRegistrationOptions({
      rp: rt.config.rp,
      userId,
      email: body.email,
      displayName,
      challenge,
      exclude: [],
    });
    return c.json({ options });
  });

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
      emailVerified: false,
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
      if (error instanceof EmailClaimedError) throw new EmailTakenError();
      if (error instanceof CredentialExistsError) throw new PasskeyRejectedError(400, { cause: error });
      throw error;
    }
    securityEvent(c, 'account_created', { userId });

    const grantId = randomId(32);
    await rt.store.putGrant({ id: grantId, userId, expiresAt: rt.clock() + GRANT_TTL_MS });
    const tokens = await rt.cognito.signInWithCustomChallenge({
      username: userId,
      answer: JSON.stringify({ kind: 'grant', grantId }),
    });
    // The registration was a user-verified passkey ceremony: the new session starts stepped up.
    const { user, csrfToken } = await startSession(c, rt, { tokens, authMethod: 'passkey', stepUp: true });
    return c.json({ user, csrfToken }, 201);
  });

  return app;
}
