import * as z from 'zod';
import { authenticationResponseSchema, registrationResponseSchema } from '../passkeys/schemas.ts';

// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to reject control characters
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Email: trimmed, NFC, lower-cased, at most 254 characters, no control characters (shared/SECURITY.md "Input"). */
export const emailSchema = z
  .string()
  .max(320)
  .refine((value) => !CONTROL.test(value), 'must not contain control characters')
  .transform((value) => value.trim().normalize('NFC').toLowerCase())
  .pipe(z.string().min(3).max(254).pipe(z.email('must be an email address')));

const displayText = (max: number) =>
  z
    .string()
    .max(max * 4)
    .refine((value) => !CONTROL.test(value), 'must not contain control characters')
    .transform((value) => value.trim().normalize('NFC'))
    .pipe(z.string().min(1).max(max));

export const registerOptionsBody = z.object({ email: emailSchema, displayName: displayText(64).optional() });
export const registerVerifyBody = z.object({
  credential: registrationResponseSchema,
  nickname: displayText(64).optional(),
});
export const loginOptionsBody = z.object({ email: emailSchema.optional() });
export const loginVerifyBody = z.object({ credential: authenticationResponseSchema });

/** `PATCH /auth/passkeys/:id`: a nickname of 1–64 characters after trimming, no control characters. */
export const renamePasskeyBody = z.object({ nickname: displayText(64) });
/** `POST /auth/passkeys`: the new credential and an optional nickname. */
export const addPasskeyBody = registerVerifyBody;
