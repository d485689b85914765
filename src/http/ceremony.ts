import type { Context } from 'hono';
import * as z from 'zod/mini';
import { CHALLENGE_TTL_MS } from '../passkeys/ceremony-options.ts';
import { seal, unseal } from '../sessions/seal.ts';
import type { CeremonyPurpose } from '../store/types.ts';
import { readCookie, writeCookie } from './cookies.ts';
import type { Runtime } from './deps.ts';
import { jarOf } from './session-cookies.ts';

const CEREMONY_PURPOSE = 'ceremony';
const ceremonySchema = z.object({
  cid: z.string(),
  cp: z.enum(['registration', 'authentication', 'add-passkey']),
});

/** Binds a stored challenge to this browser: the ceremony cookie carries its id, sealed (≤ 5 minutes). */
export async function bindCeremony(
  c: Context,
  rt: Runtime,
  id: string,
  purpose: CeremonyPurpose,
): Promise<void> {
  const now = rt.clock();
  const sealed = await seal(
    { cid: id, cp: purpose },
    { key: rt.keys.ceremony, purpose: CEREMONY_PURPOSE, expiresAt: now + CHALLENGE_TTL_MS, now },
  );
  writeCookie(c, jarOf(rt).ceremony, sealed, CHALLENGE_TTL_MS / 1000);
}

/** The id of the challenge this browser was given for `purpose`, or null. */
export async function boundCeremonyId(
  c: Context,
  rt: Runtime,
  purpose: CeremonyPurpose,
): Promise<string | null> {
  const payload = await unseal(readCookie(c, jarOf(rt).ceremony), {
    key: rt.keys.ceremony,
    purpose: CEREMONY_PURPOSE,
    now: rt.clock(),
  });
  const parsed = ceremonySchema.safeParse(payload);
  return parsed.success && parsed.data.cp === purpose ? parsed.data.cid : null;
}
