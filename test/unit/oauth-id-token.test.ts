// OIDC Core §3.1.3.7 and docs/security.md "OAuth / OIDC": the callback trusts an ID
// token only after its signature (keys from the pool's JWKS only), iss, aud, exp,
// token_use and nonce have been checked. Tokens are made with jose and served from a
// local JWKS, so every failure mode can be produced exactly.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { createIdTokenVerifier, type IdTokenVerifier } from '../../src/cognito/id-token.ts';
import { GoogleSignInError } from '../../src/oauth/errors.ts';
import { verifyCallbackIdToken } from '../../src/oauth/id-token.ts';

const CLIENT_ID = 'client0000000000000000001';
const NONCE = 'n-0S6_WzA2Mj_expected-nonce-of-this-transaction';

describe('verifyCallbackIdToken', () => {
  let server: Server;
  let issuer: string;
  let verify: IdTokenVerifier;
  let poolKey: CryptoKey;
  let strangerKey: CryptoKey;

  before(async () => {
    const pool = await generateKeyPair('RS256', { extractable: true });
    const stranger = await generateKeyPair('RS256', { extractable: true });
    poolKey = pool.privateKey;
    strangerKey = stranger.privateKey;
    const jwk = { ...(await exportJWK(pool.publicKey)), kid: 'pool-key', alg: 'RS256', use: 'sig' };
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    issuer = `http://127.0.0.1:${port}/us-east-1_TestPool1`;
    verify = createIdTokenVerifier({
      issuer,
      jwksUri: `${issuer}/.well-known/jwks.json`,
      clientId: CLIENT_ID,
    });
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function token(
    overrides: JWTPayload = {},
    options: { key?: CryptoKey; kid?: string; expiresIn?: string | number } = {},
  ) {
    return new SignJWT({
      token_use: 'id',
      'cognito:username': 'Google_1234',
      email: 'ada@example.com',
      email_verified: true,
      nonce: NONCE,
      identities: [{ userId: '1234', providerName: 'Google', providerType: 'Google' }],
      auth_time: Math.floor(Date.now() / 1000),
      ...overrides,
    })
      .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'pool-key' })
      .setSubject('9f0c0000-0000-4000-8000-000000000001')
      .setIssuer(typeof overrides.iss === 'string' ? overrides.iss : issuer)
      .setAudience(typeof overrides.aud === 'string' ? overrides.aud : CLIENT_ID)
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '1h')
      .sign(options.key ?? poolKey);
  }

  const check = (idToken: string, expectedNonce = NONCE) =>
    verifyCallbackIdToken({ idToken, expectedNonce, verify });

  async function assertRefused(promise: Promise<unknown>) {
    await assert.rejects(promise, (error: unknown) => {
      assert.ok(error instanceof GoogleSignInError);
      assert.equal(error.redirectCode, 'google_failed');
      return true;
    });
  }

  test('a genuine token with the transaction nonce is accepted', async () => {
    const claims = await check(await token());
    assert.equal(claims.username, 'Google_1234');
    assert.equal(claims.nonce, NONCE);
    assert.deepEqual(claims.identities, [{ providerName: 'Google', userId: '1234' }]);
  });

  test('nonce mismatch', async () => {
    await assertRefused(check(await token(), 'another-transaction-nonce-00000000000000'));
  });

  test('nonce missing', async () => {
    await assertRefused(check(await token({ nonce: undefined })));
  });

  test('wrong audience', async () => {
    await assertRefused(check(await token({ aud: 'someone-elses-client' })));
  });

  test('wrong issuer', async () => {
    await assertRefused(
      check(await token({ iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other' })),
    );
  });

  test('expired', async () => {
    const past = Math.floor(Date.now() / 1000) - 7200;
    await assertRefused(check(await token({}, { expiresIn: past + 60 })));
  });

  test('signed by another key under the pool key id', async () => {
    await assertRefused(check(await token({}, { key: strangerKey })));
  });

  test('signed with a key id the JWKS does not have', async () => {
    await assertRefused(check(await token({}, { key: strangerKey, kid: 'attacker-key' })));
  });

  test('an access token is not an ID token (token_use)', async () => {
    await assertRefused(check(await token({ token_use: 'access' })));
  });

  test('alg none is refused', async () => {
    const good = await token();
    const [, payload] = good.split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'none', kid: 'pool-key' })).toString('base64url');
    await assertRefused(check(`${header}.${payload}.`));
  });
});
