import { randomBytes } from 'node:crypto';
import type { CredentialRecord } from '../store/types.ts';

/** Challenges live at most 5 minutes (docs/api.md). */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000;

/** ES256, EdDSA, RS256: the algorithms offered, and the only ones accepted at registration. */
export const SUPPORTED_ALGORITHMS = [-7, -8, -257];

export interface RelyingParty {
  id: string;
  name: string;
  origins: string[];
}

/** ≥ 32 random bytes, base64url (WebAuthn §13.4.3). */
export function newChallenge(): string {
  return randomBytes(32).toString('base64url');
}

/** The WebAuthn user handle of a user: the UTF-8 bytes of the user id. */
export function userHandleOf(userId: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(userId);
}

/**
 * @simplewebauthn/server, loaded by the first ceremony. It is imported rather
 * than bundled into the entry because its option builders reach its signature
 * verification (and the ASN.1 parser under it) through a namespace re-export
 * the bundler cannot trim: the API's cold starts for session, CSRF, passkey
 * management and Google requests then load none of it.
 */
const webauthn = () => import('@simplewebauthn/server');

/** Creation options: a discoverable credential with user verification, excluding the user's existing credentials. */
export async function buildRegistrationOptions(input: {
  rp: RelyingParty;
  userId: string;
  email: string;
  displayName: string;
  challenge: string;
  exclude: Pick<CredentialRecord, 'id' | 'transports'>[];
}) {
  const { generateRegistrationOptions } = await webauthn();
  return generateRegistrationOptions({
    rpName: input.rp.name,
    rpID: input.rp.id,
    userID: userHandleOf(input.userId),
    userName: input.email,
    userDisplayName: input.displayName,
    challenge: new Uint8Array(Buffer.from(input.challenge, 'base64url')),
    timeout: CHALLENGE_TTL_MS,
    attestationType: 'none',
    excludeCredentials: input.exclude.map((c) => ({ id: c.id, transports: c.transports })),
    authenticatorSelection: {
      residentKey: 'required',
      requireResidentKey: true,
      userVerification: 'required',
    },
    supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
  });
}

/** Request options; an empty `allow` list means usernameless (discoverable credentials). */
export async function buildAuthenticationOptions(input: {
  rp: RelyingParty;
  challenge: string;
  allow: Pick<CredentialRecord, 'id' | 'transports'>[];
}) {
  const { generateAuthenticationOptions } = await webauthn();
  return generateAuthenticationOptions({
    rpID: input.rp.id,
    challenge: new Uint8Array(Buffer.from(input.challenge, 'base64url')),
    timeout: CHALLENGE_TTL_MS,
    userVerification: 'required',
    allowCredentials: input.allow.map((c) => ({ id: c.id, transports: c.transports })),
  });
}
