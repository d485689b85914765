import * as z from 'zod/mini';

/** base64url text of at most `max` characters. */
const b64url = (max: number) =>
  z.string().check(z.minLength(1), z.maxLength(max), z.regex(/^[A-Za-z0-9_-]+$/, 'expected base64url'));

/** Credential ids are at most 1023 bytes (WebAuthn §5.8.3 / docs/security.md) → 1364 base64url characters. */
export const credentialIdSchema = b64url(1364);

const transports = z.optional(z.array(z.string().check(z.maxLength(32))).check(z.maxLength(10)));

/** Shape of a RegistrationResponseJSON (WebAuthn L3 §5.1 `toJSON()`); the cryptography is checked by the verifier. */
export const registrationResponseSchema = z.object({
  id: credentialIdSchema,
  rawId: credentialIdSchema,
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: b64url(8192),
    attestationObject: b64url(32_768),
    transports,
    authenticatorData: z.optional(b64url(16_384)),
    publicKeyAlgorithm: z.optional(z.number().check(z.int())),
    publicKey: z.optional(b64url(8192)),
  }),
  authenticatorAttachment: z.optional(z.enum(['platform', 'cross-platform'])),
  clientExtensionResults: z._default(z.record(z.string(), z.unknown()), {}),
});

/** Shape of an AuthenticationResponseJSON. */
export const authenticationResponseSchema = z.object({
  id: credentialIdSchema,
  rawId: credentialIdSchema,
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: b64url(8192),
    authenticatorData: b64url(16_384),
    signature: b64url(2048),
    userHandle: z.pipe(
      z.nullish(b64url(256)),
      z.transform((value) => value ?? undefined),
    ),
  }),
  authenticatorAttachment: z.optional(z.enum(['platform', 'cross-platform'])),
  clientExtensionResults: z._default(z.record(z.string(), z.unknown()), {}),
});

export type RegistrationResponse = z.infer<typeof registrationResponseSchema>;
export type AuthenticationResponse = z.infer<typeof authenticationResponseSchema>;

/**
 * The ANSWER the API sends through AdminRespondToAuthChallenge; only the
 * VerifyAuthChallengeResponse trigger reads it. `ceremonyId` comes from the
 * browser-bound ceremony cookie, never from the request body.
 */
export const challengeAnswerSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('assertion'),
    ceremonyId: z.string().check(z.maxLength(64)),
    credential: authenticationResponseSchema,
  }),
  z.object({ kind: z.literal('grant'), grantId: z.string().check(z.maxLength(128)) }),
]);
export type ChallengeAnswer = z.infer<typeof challengeAnswerSchema>;
