import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import {
  GOOGLE_EMAIL_ATTRIBUTE,
  GOOGLE_EMAIL_VERIFIED_ATTRIBUTE,
  GOOGLE_NAME_ATTRIBUTE,
  GOOGLE_PICTURE_ATTRIBUTE,
  type GoogleProfile,
} from './google-attributes.ts';

/** The ID-token claims expenser-auth reads. */
export interface IdTokenClaims {
  sub: string;
  username: string;
  /**
   * The standard `email` and `email_verified`. The federated user of a Google
   * identity (`Google_<sub>`, which exists only until the Google callback
   * replaces it with a native user) has no standard email — Google is mapped
   * to custom attributes — so for it these are Google's email and verified
   * flag, written only by Cognito's mapping. '' and false when there is neither.
   */
  email: string;
  emailVerified: boolean;
  /** Standard `name`, else Google's (`custom:google_name`) for an account that has none of its own. */
  name?: string;
  /** Standard `picture`, else Google's (`custom:google_picture`). */
  picture?: string;
  /**
   * Google's email (`custom:google_email`, rewritten by Cognito at every Google
   * sign-in), present only while the user lists a Google identity: mapped
   * attributes stay behind after an unlink. Display data — a user can write
   * it with their own access token — never a basis for access decisions.
   */
  googleEmail?: string;
  /**
   * Everything Google's mapping wrote (`custom:google_*`), present only while
   * the user lists a Google identity. Verified by Google at this sign-in only
   * in a token the hosted UI issued for the identity's own federated user:
   * on any other user a user could have written these attributes.
   */
  google?: GoogleProfile;
  authTime: number;
  exp: number;
  identities: { providerName: string; userId: string }[];
  /** OIDC `nonce` (hosted-UI sign-ins only); the Google callback compares it with its transaction's. */
  nonce?: string;
}

export type IdTokenVerifier = (idToken: string) => Promise<IdTokenClaims>;

/**
 * Verifies Cognito ID tokens (DG: amazon-cognito-user-pools-using-tokens-verifying-a-jwt):
 * RS256 only, keys only from the pool's JWKS (header `jku`/`jwk`/`x5u` ignored),
 * `iss`, `aud` = client id, `exp`, `token_use` = id. The JWKS is fetched with
 * the platform `fetch`, which also reaches the local emulator over plain HTTP.
 */
export function createIdTokenVerifier(options: {
  issuer: string;
  jwksUri: string;
  clientId: string;
}): IdTokenVerifier {
  const jwksCache = new SimpleJwksCache({
    fetcher: {
      async fetch(uri) {
        const response = await fetch(uri, { signal: AbortSignal.timeout(5000) });
        if (!response.ok) throw new Error(`JWKS fetch failed with status ${response.status}`);
        return response.arrayBuffer();
      },
    },
  });
  const verifier = JwtVerifier.create(
    {
      issuer: options.issuer,
      audience: options.clientId,
      jwksUri: options.jwksUri,
      customJwtCheck: ({ header, payload }) => {
        if (header.alg !== 'RS256') throw new Error('unexpected token algorithm');
        if (payload.token_use !== 'id') throw new Error('not an ID token');
      },
    },
    { jwksCache },
  );
  return async (idToken) => {
    const p = (await verifier.verify(idToken)) as Record<string, unknown>;
    const list = Array.isArray(p.identities) ? p.identities : [];
    const identities = list.map((i: { providerName?: unknown; userId?: unknown }) => ({
      providerName: String(i.providerName ?? ''),
      userId: String(i.userId ?? ''),
    }));
    const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
    const linksGoogle = identities.some((i) => i.providerName === 'Google');
    const googleEmail = linksGoogle ? text(p[GOOGLE_EMAIL_ATTRIBUTE]) : undefined;
    const googleName = text(p[GOOGLE_NAME_ATTRIBUTE]);
    const googlePicture = text(p[GOOGLE_PICTURE_ATTRIBUTE]);
    const google: GoogleProfile | undefined = linksGoogle
      ? {
          email: (googleEmail ?? '').trim().toLowerCase(),
          emailVerified: p[GOOGLE_EMAIL_VERIFIED_ATTRIBUTE] === 'true',
          ...(googleName ? { name: googleName } : {}),
          ...(googlePicture ? { picture: googlePicture } : {}),
        }
      : undefined;
    // The user is its Google identity's own federated user: the entry is its primary identity.
    const googleOnly = list.some(
      (i: { providerName?: unknown; primary?: unknown }) =>
        i.providerName === 'Google' && (i.primary === true || i.primary === 'true'),
    );
    const ownEmail = text(p.email);
    const email = ownEmail ?? (googleOnly ? text(p[GOOGLE_EMAIL_ATTRIBUTE]) : undefined) ?? '';
    const emailVerified =
      ownEmail !== undefined
        ? p.email_verified === true || p.email_verified === 'true'
        : googleOnly && email !== '' && p[GOOGLE_EMAIL_VERIFIED_ATTRIBUTE] === 'true';
    return {
      sub: String(p.sub),
      username: String(p['cognito:username'] ?? p.sub),
      email,
      emailVerified,
      name: text(p.name) ?? googleName,
      picture: text(p.picture) ?? googlePicture,
      authTime: Number(p.auth_time ?? p.iat),
      exp: Number(p.exp),
      identities,
      ...(googleEmail !== undefined ? { googleEmail } : {}),
      ...(google ? { google } : {}),
      ...(typeof p.nonce === 'string' ? { nonce: p.nonce } : {}),
    };
  };
}
