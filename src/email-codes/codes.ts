import { createHmac, randomInt } from 'node:crypto';
import type { EmailCodePurpose } from '../store/types.ts';

/** A code lives this long after it was mailed. */
export const CODE_TTL_MS = 10 * 60 * 1000;
/** Wrong tries a code allows; the next try, right or wrong, finds it burnt. */
export const MAX_CODE_TRIES = 5;

/** Six decimal digits from the CSPRNG, uniformly (crypto.randomInt rejects modulo bias). */
export function newCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/**
 * The keyed hash the table stores instead of the code. It covers the flow,
 * purpose and address, so a code is worth nothing for another flow, purpose
 * or address even with the table in hand.
 */
export function hashCode(
  key: Uint8Array,
  input: { id: string; purpose: EmailCodePurpose; email: string; code: string },
): string {
  return createHmac('sha256', key)
    .update([input.id, input.purpose, input.email, input.code].join('\n'))
    .digest('base64url');
}
