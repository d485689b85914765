import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';

/** The ID-token claims expenser-auth reads. */
export interface IdTokenClaims {
  sub: string;
  username: string;
  email: string;
  emailVerified: boolean;
  name?: string;
  picture?: string;
  authTime: number;
  exp: number;
  identities: { providerName: string; userId: string }[];
  /** Google's email for a linked Google identity (`custom:google_email`), kept apart from the service's own `email`. */
  googleEmail?: string;
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
    const identities = Array.isArray(p.identities) ? p.identities : [];
    return {
      sub: String(p.sub),
      username: String(p['cognito:username'] ?? p.sub),
      email: typeof p.email === 'string' ? p.email : '',
      emailVerified: p.email_verified === true || p.email_verified === 'true',
      name: typeof p.name === 'string' ? p.name : undefined,
      picture: typeof p.picture === 'string' ? p.picture : undefined,
      authTime: Number(p.auth_time ?? p.iat),
      exp: Number(p.exp),
      identities: identities.map((i: { providerName?: unknown; userId?: unknown }) => ({
        providerName: String(i.providerName ?? ''),
        userId: String(i.userId ?? ''),
      })),
      ...(typeof p['custom:google_email'] === 'string' ? { googleEmail: p['custom:google_email'] } : {}),
      ...(typeof p.nonce === 'string' ? { nonce: p.nonce } : {}),
    };
  };
}
