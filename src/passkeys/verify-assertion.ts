import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import type { ChallengeRecord, CredentialRecord, CredentialUseUpdate } from '../store/types.ts';
import type { RelyingParty } from './ceremony-options.ts';
import { CeremonyRejectedError } from './ceremony-rejected-error.ts';
import { clientDataOf } from './client-data.ts';
import type { AuthenticationResponse } from './schemas.ts';

/**
 * WebAuthn §7.2 "Verifying an Authentication Assertion" for a user Cognito is
 * signing in (`userId` is the trigger event's `userName`), with the checks the
 * library leaves to the caller (docs/security.md):
 * - the challenge was issued for sign-in and, if it named a user, for this one;
 * - step 6: the credential belongs to the user being signed in, and the
 *   `userHandle`, when present, names that same user (w3c/webauthn#753);
 *   without a user handle the user must have been identified beforehand;
 * - `verified` is checked (a bad signature returns `verified: false`);
 * - user verification is required; `crossOrigin` is refused;
 * - the counter must grow when either side is non-zero (§6.1.1), checked by
 *   the library; the caller persists it with compare-and-set.
 * Returns the update to persist; throws `CeremonyRejectedError` otherwise.
 */
export async function verifyPasskeyAssertion(input: {
  response: AuthenticationResponse;
  challenge: ChallengeRecord;
  credential: CredentialRecord;
  userId: string;
  rp: RelyingParty;
  now: number;
}): Promise<CredentialUseUpdate> {
  const { response, challenge, credential, userId, rp } = input;
  if (challenge.purpose !== 'authentication')
    throw new CeremonyRejectedError('challenge issued for another ceremony');
  if (challenge.userId !== undefined && challenge.userId !== userId) {
    throw new CeremonyRejectedError('challenge issued for another user');
  }
  if (response.id !== response.rawId || response.id !== credential.id) {
    throw new CeremonyRejectedError('credential id mismatch');
  }
  if (credential.userId !== userId) throw new CeremonyRejectedError('credential not owned by this user');
  const userHandle = response.response.userHandle;
  if (userHandle) {
    if (Buffer.from(userHandle, 'base64url').toString('utf8') !== userId) {
      throw new CeremonyRejectedError('user handle names another user');
    }
  } else if (challenge.userId === undefined) {
    throw new CeremonyRejectedError('no user handle in a usernameless ceremony');
  }
  if (clientDataOf(response.response.clientDataJSON)?.crossOrigin === true) {
    throw new CeremonyRejectedError('crossOrigin ceremonies are not allowed');
  }
  let result: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge.challenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.id,
      requireUserVerification: true,
      credential: {
        id: credential.id,
        publicKey: new Uint8Array(Buffer.from(credential.publicKey, 'base64url')),
        counter: credential.counter,
        transports: credential.transports as never,
      },
    });
  } catch (cause) {
    throw new CeremonyRejectedError('assertion failed verification', { cause });
  }
  if (result.verified !== true) throw new CeremonyRejectedError('signature not verified');
  if (!result.authenticationInfo.userVerified) throw new CeremonyRejectedError('user verification missing');
  return {
    expectedCounter: credential.counter,
    newCounter: result.authenticationInfo.newCounter,
    backedUp: result.authenticationInfo.credentialBackedUp,
    lastUsedAt: input.now,
  };
}
