import { createHmac } from 'node:crypto';
import { Hono } from 'hono';
import { CustomAuthRejectedError } from '../../cognito/errors.ts';
import { PasskeyRejectedError } from '../../errors.ts';
import { buildAuthenticationOptions } from '../../passkeys/ceremony-options.ts';
import type { CredentialRecord } from '../../store/types.ts';
import { readJson } from '../body.ts';
import { boundCeremonyId, startCeremony } from '../ceremonies.ts';
import type { AppEnv, Runtime } from '../deps.ts';
import type { FailureLimiter } from '../rate-limit.ts';
import { loginOptionsBody, loginVerifyBody } from '../schemas.ts';
import { startSession } from '../sessions.ts';

/** An id for each of an unknown email's plausible, stable fake credentials. */
const DECOY_ID_BYTES = 32;
const UNKNOWN_USER = '00000000-0000-4000-8000-000000000000';

/** `/auth/passkey/login/*`: username-first and usernameless sign-in (docs/api.md "Passkey sign-in"). */
export function passkeyLoginRoutes(rt: Runtime, limiter: FailureLimiter) {
  const app = new Hono<AppEnv>();

  /**
   * For an unknown email, the same shape as a real user's list: one stable fake
   * credential derived from the email with a server key, so repeated requests
   * agree and nothing reveals whether the account exists. The same lookups run
   * either way so timing does not tell either.
   */
  async function allowListFor(
    email: string,
  ): Promise<{ userId?: string; allow: Pick<CredentialRecord, 'id' | 'transports'>[] }> {
    const userId = await rt.store.findUserIdByEmail(email);
    const credentials = await rt.store.listCredentials(userId ?? UNKNOWN_USER);
    if (userId && credentials.length > 0) return { userId, allow: credentials };
    const decoy = createHmac('sha256', rt.keys.decoy).update(email).digest().subarray(0, DECOY_ID_BYTES);
    return { allow: [{ id: Buffer.from(decoy).toString('base64url'), transports: ['internal', 'hybrid'] }] };
  }

  app.post('/options', async (c) => {
    await limiter.assertRequestAllowed(rt.clientIp(c), 'signin-options');
    const body = await readJson(c, loginOptionsBody);
    const { userId, allow } = body.email ? await allowListFor(body.email) : { userId: undefined, allow: [] };
    const { challenge } = await startCeremony(c, rt, 'authentication', userId ? { userId } : {});
    const options = await buildAuthenticationOptions({ rp: rt.config.rp, challenge, allow });
    return c.json({ options });
  });

  app.post('/verify', async (c) => {
    const ip = rt.clientIp(c);
    await limiter.assertIpAllowed(ip);
    const body = await readJson(c, loginVerifyBody);
    const log = c.get('log');
    const ceremonyId = await boundCeremonyId(c, rt, 'authentication');
    const credential = ceremonyId ? await rt.store.getCredential(body.credential.id) : null;

    const reject = async (reason: string, userId?: string): Promise<never> => {
      log.info('passkey sign-in rejected', { reason });
      throw (
        (await limiter.recordFailure({ ip, ...(userId ? { userId } : {}) })) ?? new PasskeyRejectedError(401)
      );
    };
    if (!ceremonyId) return reject('no sign-in ceremony bound to this browser');
    if (!credential) {
      // Burn the challenge so an unknown-credential probe leaves nothing reusable.
      await rt.store.consumeChallenge(ceremonyId);
      return reject('unknown credential');
    }
    let tokens: Awaited<ReturnType<typeof rt.cognito.signInWithCustomChallenge>>;
    try {
      // Cognito issues tokens only after VerifyAuthChallengeResponse has verified the assertion.
      tokens = await rt.cognito.signInWithCustomChallenge({
        username: credential.userId,
        answer: JSON.stringify({ kind: 'assertion', ceremonyId, credential: body.credential }),
      });
    } catch (error) {
      if (error instanceof CustomAuthRejectedError)
        return reject('assertion refused by the challenge trigger', credential.userId);
      throw error;
    }
    // A user-verified assertion is a step-up; signing in while signed in replaces that session.
    const { user, csrfToken } = await startSession(c, rt, { tokens, authMethod: 'passkey', stepUp: true });
    return c.json({ user, csrfToken });
  });

  return app;
}
