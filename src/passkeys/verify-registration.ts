import type { VerifiedRegistrationResponse } from '@simplewebauthn/server';
import type { CredentialRecord } from '../store/types.ts';
import { type RelyingParty, SUPPORTED_ALGORITHMS } from './ceremony-options.ts';
import { CeremonyRejectedError } from './ceremony-rejected-error.ts';
import { clientDataOf } from './client-data.ts';
import type { RegistrationResponse } from './schemas.ts';

export { CeremonyRejectedError };

/**
 * WebAuthn §7.1 "Registering a New Credential", with the checks
 * @simplewebauthn/server leaves to the caller (docs/security.md): the RP ID
 * is always passed, user verification is required, only the offered algorithms
 * are accepted, `crossOrigin` is refused, `verified` is checked. The credential
 * is recorded for the user named in the stored ceremony, never one from the body.
 */
export async function verifyPasskeyRegistration(input: {
  response: RegistrationResponse;
  expectedChallenge: string;
  rp: RelyingParty;
  userId: string;
  nickname: string;
  now: number;
}): Promise<CredentialRecord> {
  const { response, rp } = input;
  if (response.id !== response.rawId) throw new CeremonyRejectedError('id and rawId differ');
  if (clientDataOf(response.response.clientDataJSON)?.crossOrigin === true) {
    throw new CeremonyRejectedError('crossOrigin ceremonies are not allowed');
  }
  // Loaded on first use (see registration-verifier.ts); outside the try, so a load
  // failure is a fault, not a refused ceremony.
  const { verifyRegistrationResponse } = await import('./registration-verifier.ts');
  let result: VerifiedRegistrationResponse;
  try {
    result = await verifyRegistrationResponse({
      response,
      expectedChallenge: input.expectedChallenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.id,
      requireUserPresence: true,
      requireUserVerification: true,
      supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
    });
  } catch (cause) {
    throw new CeremonyRejectedError('registration response failed verification', { cause });
  }
  if (!result.verified) throw new CeremonyRejectedError('registration response not verified');
  const info = result.registrationInfo;
  if (!info.userVerified) throw new CeremonyRejectedError('user verification missing');
  if (Buffer.from(info.credential.id, 'base64url').length > 1023) {
    throw new CeremonyRejectedError('credential id longer than 1023 bytes');
  }
  return {
    id: info.credential.id,
    userId: input.userId,
    publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
    counter: info.credential.counter,
    transports: (response.response.transports ?? []).slice(0, 10),
    deviceType: info.credentialDeviceType,
    backedUp: info.credentialBackedUp,
    aaguid: info.aaguid,
    nickname: input.nickname,
    createdAt: input.now,
    lastUsedAt: null,
  };
}
