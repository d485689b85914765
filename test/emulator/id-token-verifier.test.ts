// docs/security.md "JWT verification": algorithm allow-list, never `none`,
// never symmetric, keys only from the configured JWKS (header jku/jwk/x5u ignored),
// iss / aud / exp / token_use checked. Tokens come from the emulator.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createIdTokenVerifier, type IdTokenVerifier } from '../../src/cognito/id-token.ts';
import { createUser, POOL, signIn, startTestPool, type TestPool } from './setup.ts';

describe('ID-token verification (DG: amazon-cognito-user-pools-using-tokens-verifying-a-jwt)', () => {
  let pool: TestPool;
  let verify: IdTokenVerifier;
  let tokens: Awaited<ReturnType<typeof signIn>>;
  before(async () => {
    pool = await startTestPool();
    await createUser(pool.client, 'alice');
    tokens = await signIn(pool.client, 'alice');
    verify = createIdTokenVerifier({
      issuer: pool.emulator.issuer,
      jwksUri: pool.emulator.jwksUri,
      clientId: POOL.clientId,
    });
  });
  after(() => pool.close());

  test('a genuine ID token verifies and yields its claims', async () => {
    const claims = await verify(tokens.idToken);
    assert.equal(claims.username, 'alice');
    assert.ok(claims.authTime > 0);
  });

  test('an access token is not an ID token (token_use)', async () => {
    await assert.rejects(verify(tokens.accessToken));
  });

  async function forged(
    header: Record<string, unknown>,
    sign: 'none' | 'hs256' | 'own-rsa',
    claims = decodeJwt(tokens.idToken),
  ) {
    if (sign === 'none') {
      const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
      return `${enc({ ...header, alg: 'none' })}.${enc(claims)}.`;
    }
    if (sign === 'hs256') {
      return new SignJWT(claims)
        .setProtectedHeader({ ...header, alg: 'HS256' })
        .sign(new TextEncoder().encode('k'.repeat(32)));
    }
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = await exportJWK(publicKey);
    return new SignJWT(claims)
      .setProtectedHeader({ ...header, alg: 'RS256', jwk, jku: 'http://127.0.0.1:1/evil.json' })
      .sign(privateKey);
  }

  test('alg none, HS256, and an attacker key offered through jwk/jku are all refused', async () => {
    const { kid } = decodeProtectedHeader(tokens.idToken);
    await assert.rejects(verify(await forged({ kid }, 'none')));
    await assert.rejects(verify(await forged({ kid }, 'hs256')));
    await assert.rejects(verify(await forged({ kid }, 'own-rsa')));
  });

  test('wrong audience and wrong issuer are refused', async () => {
    const other = createIdTokenVerifier({
      issuer: pool.emulator.issuer,
      jwksUri: pool.emulator.jwksUri,
      clientId: 'someoneelse',
    });
    await assert.rejects(other(tokens.idToken));
    const wrongIssuer = createIdTokenVerifier({
      issuer: `${pool.emulator.issuer}x`,
      jwksUri: pool.emulator.jwksUri,
      clientId: POOL.clientId,
    });
    await assert.rejects(wrongIssuer(tokens.idToken));
  });

  test('a genuine token past its exp is refused', async () => {
    // An emulator whose clock is two hours behind issues tokens that expired an hour ago.
    const past = await startTestPool({ clock: () => Date.now() - 2 * 60 * 60 * 1000 });
    try {
      await createUser(past.client, 'bob');
      const old = await signIn(past.client, 'bob');
      const verifyPast = createIdTokenVerifier({
        issuer: past.emulator.issuer,
        jwksUri: past.emulator.jwksUri,
        clientId: POOL.clientId,
      });
      await assert.rejects(verifyPast(old.idToken), /expired/i);
    } finally {
      await past.close();
    }
  });
});
