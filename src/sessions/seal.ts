import { EncryptJWT, type JWTPayload, jwtDecrypt } from 'jose';

/**
 * Authenticated encryption of small payloads for cookies: JWE compact, `dir` +
 * `A256GCM` (docs/security.md). `pur` names the purpose so a value sealed
 * for one cookie is refused as another even if keys were shared.
 */
export async function seal(
  payload: Record<string, unknown>,
  options: { key: Uint8Array; purpose: string; expiresAt: number; now: number },
): Promise<string> {
  return new EncryptJWT({ ...payload, pur: options.purpose })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuedAt(Math.floor(options.now / 1000))
    .setExpirationTime(Math.floor(options.expiresAt / 1000))
    .encrypt(options.key);
}

/**
 * Opens a sealed value; null on any tamper, wrong key, wrong purpose or expiry.
 * `ignoreExpiry` is for reading the CSRF binding of a session that has expired
 * but can still be refreshed.
 */
export async function unseal(
  token: string | undefined,
  options: { key: Uint8Array; purpose: string; now: number; ignoreExpiry?: boolean },
): Promise<JWTPayload | null> {
  if (!token || token.length > 4096) return null;
  try {
    const { payload } = await jwtDecrypt(token, options.key, {
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
      currentDate: new Date(options.now),
      ...(options.ignoreExpiry ? { clockTolerance: Number.MAX_SAFE_INTEGER } : {}),
    });
    return payload.pur === options.purpose ? payload : null;
  } catch {
    return null;
  }
}
