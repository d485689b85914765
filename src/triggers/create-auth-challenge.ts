import type { CreateAuthChallengeEvent } from './types.ts';

/**
 * CreateAuthChallenge (DG: user-pool-lambda-create-auth-challenge). The WebAuthn
 * challenge itself was issued and stored by the API at `login/options` (bound to
 * the browser by the ceremony cookie), so this only names the challenge type.
 */
export async function createAuthChallenge(
  event: CreateAuthChallengeEvent,
): Promise<CreateAuthChallengeEvent> {
  return {
    ...event,
    response: {
      publicChallengeParameters: { type: 'PASSKEY' },
      privateChallengeParameters: { type: 'PASSKEY' },
      challengeMetadata: 'PASSKEY',
    },
  };
}
