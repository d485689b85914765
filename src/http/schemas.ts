import * as z from 'zod/mini';
import { authenticationResponseSchema, registrationResponseSchema } from '../passkeys/schemas.ts';

// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to reject control characters
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Text of at most `max` characters without control characters, then `normalise`d. */
const cleanText = (max: number, normalise: (value: string) => string) =>
  z.pipe(
    z.string().check(
      z.maxLength(max),
      z.refine((value) => !CONTROL.test(value), 'must not contain control characters'),
    ),
    z.transform(normalise),
  );

/** Email: trimmed, NFC, lower-cased, at most 254 characters, no control characters (docs/security.md "Input"). */
export const emailSchema = z.pipe(
  cleanText(320, (value) => value.trim().normalize('NFC').toLowerCase()),
  z.pipe(z.string().check(z.minLength(3), z.maxLength(254)), z.email('must be an email address')),
);

const displayText = (max: number) =>
  z.pipe(
    cleanText(max * 4, (value) => value.trim().normalize('NFC')),
    z.string().check(z.minLength(1), z.maxLength(max)),
  );

/** An emailed code as typed: six digits (spaces and dashes, as in "123 456", are dropped first). */
export const codeSchema = z.pipe(
  z.string().check(z.maxLength(32)),
  z.pipe(
    z.transform((value: string) => value.replace(/[\s-]/g, '')),
    z.string().check(z.regex(/^\d{6}$/, 'must be the 6-digit code from the email')),
  ),
);

export const signupStartBody = z.object({ email: emailSchema, displayName: z.optional(displayText(64)) });
export const emailCodeBody = z.object({ email: emailSchema, code: codeSchema });
export const codeBody = z.object({ code: codeSchema });
export const emailBody = z.object({ email: emailSchema });
export const registerVerifyBody = z.object({
  credential: registrationResponseSchema,
  nickname: z.optional(displayText(64)),
});
export const loginOptionsBody = z.object({ email: z.optional(emailSchema) });
export const loginVerifyBody = z.object({ credential: authenticationResponseSchema });

/** `PATCH /auth/passkeys/:id`: a nickname of 1–64 characters after trimming, no control characters. */
export const renamePasskeyBody = z.object({ nickname: displayText(64) });
/** `POST /auth/passkeys`: the new credential and an optional nickname. */
export const addPasskeyBody = registerVerifyBody;
