import type { Context } from 'hono';
import * as z from 'zod/mini';
import { CHALLENGE_TTL_MS, newChallenge } from '../passkeys/ceremony-options.ts';
import { randomId } from '../sessions/csrf.ts';
import { seal, unseal } from '../sessions/seal.ts';
import type { ChallengeRecord } from '../store/types.ts';
import { clearCookie, readCookie, writeCookie } from './cookies.ts';
import type { AppEnv, Runtime } from './deps.ts';
import { jarOf } from './sessions.ts';

/** The WebAuthn ceremonies the API runs. */
export type Ceremony = 'registration' | 'authentication' | 'add-passkey';

const CEREMONY_PURPOSE = 'ceremony';
const ceremonySchema = z.object({
  cid: z.string(),
  cp: z.enum(['registration', 'authentication', 'add-passkey']),
});

/**
 * Starts a ceremony: stores a fresh single-use challenge (≤ 5 minutes) with
 * what the ceremony is bound to (its purpose, user, email), and binds it to
 * this browser with the sealed ceremony cookie. Returns the challenge for the
 * options.
 */
export async function startCeremony(
  c: Context<AppEnv>,
  rt: Runtime,
  purpose: Ceremony,
  bound: Pick<ChallengeRecord, 'userId' | 'email' | 'displayName'> = {},
): Promise<{ id: string; challenge: string }> {
  const now = rt.clock();
  const id = randomId();
  const challenge = newChallenge();
  const expiresAt = now + CHALLENGE_TTL_MS;
  await rt.store.putChallenge({ id, challenge, purpose, ...bound, expiresAt });
  const sealed = await seal(
    { cid: id, cp: purpose },
    { key: rt.keys.ceremony, purpose: CEREMONY_PURPOSE, expiresAt, now },
  );
  writeCookie(c, jarOf(rt).ceremony, sealed, CHALLENGE_TTL_MS / 1000);
  return { id, challenge };
}

/** The id of the `purpose` ceremony this browser was given, or null (no cookie, tampered, expired, other purpose). */
export async function boundCeremonyId(
  c: Context<AppEnv>,
  rt: Runtime,
  purpose: Ceremony,
): Promise<string | null> {
  const payload = await unseal(readCookie(c, jarOf(rt).ceremony), {
    key: rt.keys.ceremony,
    purpose: CEREMONY_PURPOSE,
    now: rt.clock(),
  });
  const parsed = ceremonySchema.safeParse(payload);
  return parsed.success && parsed.data.cp === purpose ? parsed.data.cid : null;
}

/**
 * Finishes a ceremony the API verifies itself (registration, add-passkey):
 * consumes the challenge bound to this browser (single use, even when what
 * follows fails) and clears the ceremony cookie. Null when there is no live
 * ceremony of that purpose for this browser. (Sign-in ceremonies are consumed
 * by the VerifyAuthChallengeResponse trigger instead.)
 */
export async function finishCeremony(
  c: Context<AppEnv>,
  rt: Runtime,
  purpose: Ceremony,
): Promise<ChallengeRecord | null> {
  const id = await boundCeremonyId(c, rt, purpose);
  const record = id ? await rt.store.consumeChallenge(id) : null;
  clearCookie(c, jarOf(rt).ceremony);
  return record?.purpose === purpose ? record : null;
}
