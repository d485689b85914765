import { sameText } from '../constant-time.ts';
import { GoogleSignInError } from './errors.ts';

/** The claims the Google callback needs beyond the session's. */
export interface NonceBearingClaims {
  nonce?: string;
}

/**
 * Verifies the ID token from the code exchange before anything in it is
 * trusted (OIDC Core §3.1.3.7): `verify` checks signature against the pool's
 * JWKS, `iss`, `aud`, `exp` and `token_use`; this adds `nonce` equality with
 * the transaction's (§3.1.3.7 step 11, replay of a token into another
 * transaction). Any failure is a `google_failed`.
 */
export async function verifyCallbackIdToken<C extends NonceBearingClaims>(input: {
  idToken: string;
  expectedNonce: string;
  verify: (idToken: string) => Promise<C>;
}): Promise<C> {
  let claims: C;
  try {
    claims = await input.verify(input.idToken);
  } catch (error) {
    throw new GoogleSignInError('google_failed', 'The ID token did not verify.', { cause: error });
  }
  if (typeof claims.nonce !== 'string' || !sameText(claims.nonce, input.expectedNonce)) {
    throw new GoogleSignInError('google_failed', 'The ID token nonce does not match the transaction.');
  }
  return claims;
}
