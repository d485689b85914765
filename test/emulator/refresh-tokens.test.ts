import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminInitiateAuthCommand,
  AdminUserGlobalSignOutCommand,
  GetTokensFromRefreshTokenCommand,
  RefreshTokenReuseException,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import {
  createUser,
  manualClock,
  POOL,
  rejectsWith,
  secretHash,
  signIn,
  startTestPool,
  type TestPool,
} from './setup.ts';

function refresh(pool: TestPool, token: string, clientSecret: string = POOL.clientSecret) {
  return pool.client.send(
    new GetTokensFromRefreshTokenCommand({
      RefreshToken: token,
      ClientId: POOL.clientId,
      ClientSecret: clientSecret,
    }),
  );
}

function revoke(pool: TestPool, token: string, clientSecret: string = POOL.clientSecret) {
  return pool.client.send(
    new RevokeTokenCommand({ Token: token, ClientId: POOL.clientId, ClientSecret: clientSecret }),
  );
}

describe('refresh tokens with rotation (API: GetTokensFromRefreshToken, RefreshTokenRotationType)', () => {
  const time = manualClock();
  let pool: TestPool;
  before(async () => {
    pool = await startTestPool({ clock: time.clock });
    await createUser(pool.client, 'alice');
  });
  after(() => pool.close());

  test('API: GetTokensFromRefreshToken — rotation returns a new refresh token; auth_time and origin_jti carry over', async () => {
    const first = await signIn(pool.client, 'alice');
    time.advance(60_000);
    const out = await refresh(pool, first.refreshToken);
    const result = out.AuthenticationResult;
    assert.ok(result?.IdToken && result.AccessToken && result.RefreshToken);
    assert.notEqual(result.RefreshToken, first.refreshToken);
    assert.equal(result.RefreshToken.split('.').length, 5);
    const before = decodeJwt(first.idToken);
    const after = decodeJwt(result.IdToken);
    assert.equal(after.auth_time, before.auth_time);
    assert.equal(after.origin_jti, before.origin_jti);
    assert.equal(after.iat, (before.iat ?? 0) + 60);
    assert.notEqual(after.jti, before.jti);
    // The rotated token works in turn.
    assert.ok((await refresh(pool, result.RefreshToken)).AuthenticationResult?.RefreshToken);
  });

  test('API: RefreshTokenRotationType — with RetryGracePeriodSeconds 0 the submitted token stops working at once → RefreshTokenReuseException', async () => {
    const { refreshToken } = await signIn(pool.client, 'alice');
    await refresh(pool, refreshToken);
    await assert.rejects(refresh(pool, refreshToken), RefreshTokenReuseException);
  });

  test('API: GetTokensFromRefreshToken — wrong ClientSecret → NotAuthorizedException; garbage token → "Invalid Refresh Token"', async () => {
    const { refreshToken } = await signIn(pool.client, 'alice');
    await rejectsWith(refresh(pool, refreshToken, 'wrong-secret-0123456789'), 'NotAuthorizedException');
    await rejectsWith(refresh(pool, 'a.b.c.d.e'), 'NotAuthorizedException', 'Invalid Refresh Token');
  });

  test('API: UserPoolClientType RefreshTokenValidity — expired refresh token → NotAuthorizedException "Refresh Token has expired"', async () => {
    const { refreshToken } = await signIn(pool.client, 'alice');
    time.advance(30 * 24 * 3600 * 1000);
    await rejectsWith(refresh(pool, refreshToken), 'NotAuthorizedException', 'Refresh Token has expired');
  });

  test('API: RevokeToken — a revoked refresh token → NotAuthorizedException "Refresh Token has been revoked"; unknown tokens are a no-op', async () => {
    const { refreshToken } = await signIn(pool.client, 'alice');
    await revoke(pool, refreshToken);
    await rejectsWith(
      refresh(pool, refreshToken),
      'NotAuthorizedException',
      'Refresh Token has been revoked',
    );
    await revoke(pool, refreshToken);
    await revoke(pool, 'not.a.token.we.issued');
  });

  test('API: RevokeToken — wrong ClientSecret → UnauthorizedException; an access token → UnsupportedTokenTypeException', async () => {
    const { refreshToken, accessToken } = await signIn(pool.client, 'alice');
    await rejectsWith(revoke(pool, refreshToken, 'wrong-secret-0123456789'), 'UnauthorizedException');
    await rejectsWith(revoke(pool, accessToken), 'UnsupportedTokenTypeException');
    assert.ok((await refresh(pool, refreshToken)).AuthenticationResult);
  });

  test('API: AdminUserGlobalSignOut — every refresh token of the user fails; issued JWTs still decode', async () => {
    const one = await signIn(pool.client, 'alice');
    const two = await signIn(pool.client, 'alice');
    await pool.client.send(
      new AdminUserGlobalSignOutCommand({ UserPoolId: POOL.userPoolId, Username: 'alice' }),
    );
    for (const token of [one.refreshToken, two.refreshToken]) {
      await rejectsWith(refresh(pool, token), 'NotAuthorizedException', 'Refresh Token has been revoked');
    }
    assert.equal(decodeJwt(one.idToken)['cognito:username'], 'alice');
    // A new sign-in works again.
    assert.ok((await refresh(pool, (await signIn(pool.client, 'alice')).refreshToken)).AuthenticationResult);
  });

  test('API: AdminDisableUser — refresh for a disabled user → NotAuthorizedException "User is disabled."; a deleted user fails too', async () => {
    await createUser(pool.client, 'bob');
    const { refreshToken } = await signIn(pool.client, 'bob');
    await pool.client.send(new AdminDisableUserCommand({ UserPoolId: POOL.userPoolId, Username: 'bob' }));
    await rejectsWith(refresh(pool, refreshToken), 'NotAuthorizedException', 'User is disabled.');
    await pool.client.send(new AdminEnableUserCommand({ UserPoolId: POOL.userPoolId, Username: 'bob' }));
    const again = await signIn(pool.client, 'bob');
    await pool.client.send(new AdminDeleteUserCommand({ UserPoolId: POOL.userPoolId, Username: 'bob' }));
    await rejectsWith(refresh(pool, again.refreshToken), 'NotAuthorizedException');
  });

  test('API: RefreshTokenRotationType — REFRESH_TOKEN_AUTH is not available while rotation is enabled', async () => {
    const { refreshToken } = await signIn(pool.client, 'alice');
    await rejectsWith(
      pool.client.send(
        new AdminInitiateAuthCommand({
          UserPoolId: POOL.userPoolId,
          ClientId: POOL.clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: refreshToken, SECRET_HASH: secretHash('alice') },
        }),
      ),
      'InvalidParameterException',
    );
  });
});

describe('refresh with a grace period and without rotation', () => {
  test('API: RefreshTokenRotationType RetryGracePeriodSeconds — the old token works within the grace period, then fails', async () => {
    const time = manualClock();
    const pool = await startTestPool({
      clock: time.clock,
      refreshTokenRotation: { enabled: true, retryGracePeriodSeconds: 30 },
    });
    try {
      await createUser(pool.client, 'alice');
      const { refreshToken } = await signIn(pool.client, 'alice');
      await refresh(pool, refreshToken);
      time.advance(29_000);
      assert.ok((await refresh(pool, refreshToken)).AuthenticationResult?.RefreshToken);
      time.advance(1_000);
      await assert.rejects(refresh(pool, refreshToken), RefreshTokenReuseException);
    } finally {
      await pool.close();
    }
  });

  test('API: RefreshTokenRotationType DISABLED — GetTokensFromRefreshToken and REFRESH_TOKEN_AUTH return no refresh token; the token stays usable', async () => {
    const pool = await startTestPool({
      refreshTokenRotation: { enabled: false, retryGracePeriodSeconds: 0 },
    });
    try {
      await createUser(pool.client, 'alice');
      const { refreshToken } = await signIn(pool.client, 'alice');
      const first = await refresh(pool, refreshToken);
      assert.ok(first.AuthenticationResult?.IdToken);
      assert.equal(first.AuthenticationResult?.RefreshToken, undefined);
      const viaInitiate = await pool.client.send(
        new AdminInitiateAuthCommand({
          UserPoolId: POOL.userPoolId,
          ClientId: POOL.clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          // SECRET_HASH uses the real username (docs/cognito.md, Tokens).
          AuthParameters: { REFRESH_TOKEN: refreshToken, SECRET_HASH: secretHash('alice') },
        }),
      );
      assert.ok(viaInitiate.AuthenticationResult?.AccessToken);
      assert.equal(viaInitiate.AuthenticationResult?.RefreshToken, undefined);
    } finally {
      await pool.close();
    }
  });
});
