import type { IdTokenClaims } from './id-token.ts';

/**
 * The Google subjects in a user's `identities` attribute (a JSON list of
 * `{providerName, userId, ...}`; DG: cognito-user-pools-identity-federation-consolidate-users).
 */
export function linkedGoogleSubs(identities: string | undefined): string[] {
  if (!identities) return [];
  try {
    const list = JSON.parse(identities) as unknown;
    if (!Array.isArray(list)) return [];
    return list
      .filter(
        (entry): entry is { providerName: unknown; userId: unknown } =>
          typeof entry === 'object' && entry !== null,
      )
      .filter((entry) => entry.providerName === 'Google' && typeof entry.userId === 'string')
      .map((entry) => String(entry.userId));
  } catch {
    return [];
  }
}

/** The Google `sub` a verified ID token lists among the user's identities, or null. */
export function googleIdentityOf(claims: Pick<IdTokenClaims, 'identities'>): string | null {
  return (
    claims.identities.find((identity) => identity.providerName.toLowerCase() === 'google')?.userId ?? null
  );
}
