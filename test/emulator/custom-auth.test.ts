import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AdminDisableUserCommand,
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  NotAuthorizedException,
} from '@aws-sdk/client-cognito-identity-provider';
import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { createIdTokenVerifier } from '../../src/cognito/id-token.ts';
import {
  createUser,
  initiate,
  manualClock,
  POOL,
  rejectsWith,
  respond,
  secretHash,
  signIn,
  startTestPool,
  type TestPool,
} from './setup.ts';

const fetchJwks = new SimpleJwksCache({
  fetcher: { fetch: async (uri: string) => (await fetch(uri)).arrayBuffer() },
});

describe('custom auth (DG: amazon-cognito-user-pools-authentication-flow, CUSTOM_AUTH)', () => {
  let pool: TestPool;
  before(async () => {
    pool = await startTestPool();
    await createUser(pool.client, 'alice');
  });
  after(() => pool.close());

  test('API: AdminInitiateAuth — CUSTOM_CHALLENGE, opaque Session, public parameters plus the real USERNAME', async () => {
    const started = await initiate(pool.client, 'ALICE');
    assert.equal(started.ChallengeName, 'CUSTOM_CHALLENGE');
    assert.ok(started.Session && started.Session.length >= 20);
    assert.deepEqual(started.ChallengeParameters, { hint: 'say right (round 1)', USERNAME: 'alice' });
  });

  test('DG: user-pool-lambda-define-auth-challenge — Define → Create → Verify → Define, events shaped as documented', async () => {
    pool.calls.define.length = 0;
    pool.calls.create.length = 0;
    pool.calls.verify.length = 0;
    const { result } = await signIn(pool.client, 'alice');
    assert.equal(result.TokenType, 'Bearer');
    assert.equal(result.ExpiresIn, 3600);

    const [define1, define2] = pool.calls.define;
    assert.equal(pool.calls.define.length, 2);
    assert.equal(define1?.version, '1');
    assert.equal(define1?.triggerSource, 'DefineAuthChallenge_Authentication');
    assert.equal(define1?.userName, 'alice');
    assert.deepEqual(define1?.callerContext.clientId, POOL.clientId);
    assert.deepEqual(define1?.request.session, []);
    assert.equal(define1?.request.userNotFound, undefined);
    const userAttributes = define1?.request.userAttributes ?? {};
    assert.match(userAttributes.sub ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(userAttributes.email, 'alice@example.com');
    assert.equal(userAttributes.email_verified, 'true');
    assert.equal(userAttributes['cognito:user_status'], 'FORCE_CHANGE_PASSWORD');
    assert.deepEqual(define2?.request.session, [
      { challengeName: 'CUSTOM_CHALLENGE', challengeResult: true, challengeMetadata: 'ROUND_1' },
    ]);

    const [create] = pool.calls.create;
    assert.equal(create?.triggerSource, 'CreateAuthChallenge_Authentication');
    assert.equal(create?.request.challengeName, 'CUSTOM_CHALLENGE');
    assert.deepEqual(create?.request.session, []);

    const [verify] = pool.calls.verify;
    assert.equal(verify?.triggerSource, 'VerifyAuthChallengeResponse_Authentication');
    assert.equal(verify?.request.challengeAnswer, 'right');
    assert.deepEqual(verify?.request.privateChallengeParameters, { expected: 'right' });
  });

  test('DG: amazon-cognito-user-pools-using-tokens-verifying-a-jwt — RS256 tokens verify against the JWKS (jose)', async () => {
    const { idToken, accessToken, refreshToken } = await signIn(pool.client, 'alice');
    const jwks = createRemoteJWKSet(new URL(pool.emulator.jwksUri));
    const id = await jwtVerify(idToken, jwks, {
      issuer: pool.emulator.issuer,
      audience: POOL.clientId,
      algorithms: ['RS256'],
    });
    const access = await jwtVerify(accessToken, jwks, {
      issuer: pool.emulator.issuer,
      algorithms: ['RS256'],
    });
    // ID and access tokens are signed with different keys.
    assert.notEqual(decodeProtectedHeader(idToken).kid, decodeProtectedHeader(accessToken).kid);

    // DG: amazon-cognito-user-pools-using-the-id-token
    const p = id.payload;
    assert.equal(p.token_use, 'id');
    assert.equal(p['cognito:username'], 'alice');
    assert.equal(p.email, 'alice@example.com');
    assert.equal(p.email_verified, true);
    assert.equal(typeof p.auth_time, 'number');
    assert.equal(typeof p.jti, 'string');
    assert.equal(typeof p.origin_jti, 'string');
    assert.equal((p.exp ?? 0) - (p.iat ?? 0), 3600);

    // DG: amazon-cognito-user-pools-using-the-access-token
    const a = access.payload;
    assert.equal(a.token_use, 'access');
    assert.equal(a.client_id, POOL.clientId);
    assert.equal(a.aud, undefined);
    assert.equal(a.username, 'alice');
    assert.equal(a.scope, 'aws.cognito.signin.user.admin');
    assert.equal(a.sub, p.sub);
    assert.equal(a.origin_jti, p.origin_jti);
    assert.equal(typeof a.event_id, 'string');
    assert.notEqual(a.jti, p.jti);

    // The refresh token is an opaque five-part JWE.
    assert.equal(refreshToken.split('.').length, 5);
  });

  test('DG: amazon-cognito-user-pools-using-tokens-verifying-a-jwt — aws-jwt-verify and the app ID-token verifier accept the tokens', async () => {
    const { idToken, accessToken } = await signIn(pool.client, 'alice');
    const idVerifier = JwtVerifier.create(
      { issuer: pool.emulator.issuer, audience: POOL.clientId, jwksUri: pool.emulator.jwksUri },
      { jwksCache: fetchJwks },
    );
    const id = await idVerifier.verify(idToken);
    assert.equal(id.token_use, 'id');
    const accessVerifier = JwtVerifier.create(
      { issuer: pool.emulator.issuer, audience: null, jwksUri: pool.emulator.jwksUri },
      { jwksCache: fetchJwks },
    );
    assert.equal((await accessVerifier.verify(accessToken)).token_use, 'access');

    const claims = await createIdTokenVerifier({
      issuer: pool.emulator.issuer,
      jwksUri: pool.emulator.jwksUri,
      clientId: POOL.clientId,
    })(idToken);
    assert.equal(claims.username, 'alice');
    assert.equal(claims.emailVerified, true);
  });

  test('GET <issuer>/.well-known/openid-configuration and jwks.json', async () => {
    const config = (await (
      await fetch(`${pool.emulator.issuer}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    assert.equal(config.issuer, pool.emulator.issuer);
    assert.equal(config.jwks_uri, pool.emulator.jwksUri);
    const jwks = (await (await fetch(pool.emulator.jwksUri)).json()) as { keys: Record<string, unknown>[] };
    assert.equal(jwks.keys.length, 2);
    for (const key of jwks.keys) {
      assert.deepEqual(Object.keys(key).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
      assert.equal(key.use, 'sig');
    }
  });

  test('DG: user-pool-lambda-define-auth-challenge — wrong answer → failAuthentication → NotAuthorizedException "Incorrect username or password."', async () => {
    const started = await initiate(pool.client, 'alice');
    await rejectsWith(
      respond(pool.client, started.Session, 'alice', 'wrong'),
      'NotAuthorizedException',
      'Incorrect username or password.',
    );
  });

  test('DG: user-pool-lambda-define-auth-challenge — several rounds: each correct answer gets a new Session', async () => {
    const multi = await startTestPool({ rounds: 2 });
    try {
      await createUser(multi.client, 'dave');
      const started = await initiate(multi.client, 'dave');
      const second = await respond(multi.client, started.Session, 'dave', 'right');
      assert.equal(second.ChallengeName, 'CUSTOM_CHALLENGE');
      assert.equal(second.ChallengeParameters?.hint, 'say right (round 2)');
      assert.notEqual(second.Session, started.Session);
      const done = await respond(multi.client, second.Session, 'dave', 'right');
      assert.ok(done.AuthenticationResult?.IdToken);
      assert.deepEqual(
        multi.calls.define.at(-1)?.request.session.map((e) => e.challengeMetadata),
        ['ROUND_1', 'ROUND_2'],
      );
    } finally {
      await multi.close();
    }
  });

  test('API: AdminInitiateAuth — SECRET_HASH mismatch → NotAuthorizedException "Unable to verify secret hash for client <id>"', async () => {
    await rejectsWith(
      initiate(pool.client, 'alice', { secretHash: secretHash('alice', 'not-the-secret') }),
      'NotAuthorizedException',
      `Unable to verify secret hash for client ${POOL.clientId}`,
    );
    const started = await initiate(pool.client, 'alice');
    await rejectsWith(
      pool.client.send(
        new AdminRespondToAuthChallengeCommand({
          UserPoolId: POOL.userPoolId,
          ClientId: POOL.clientId,
          ChallengeName: 'CUSTOM_CHALLENGE',
          Session: started.Session,
          ChallengeResponses: { USERNAME: 'alice', ANSWER: 'right', SECRET_HASH: secretHash('bob') },
        }),
      ),
      'NotAuthorizedException',
      `Unable to verify secret hash for client ${POOL.clientId}`,
    );
  });

  test('docs/cognito.md Custom auth — Session is single use: reuse → NotAuthorizedException "Invalid session for the user."', async () => {
    const started = await initiate(pool.client, 'alice');
    await respond(pool.client, started.Session, 'alice', 'right');
    await rejectsWith(
      respond(pool.client, started.Session, 'alice', 'right'),
      'NotAuthorizedException',
      'Invalid session for the user.',
    );
    await rejectsWith(
      respond(pool.client, 'x'.repeat(40), 'alice', 'right'),
      'NotAuthorizedException',
      'Invalid session for the user.',
    );
  });

  test('API: UserPoolClientType AuthSessionValidity — session expires after 3 minutes by default', async () => {
    const time = manualClock();
    const timed = await startTestPool({ clock: time.clock });
    try {
      await createUser(timed.client, 'erin');
      const fresh = await initiate(timed.client, 'erin');
      time.advance(3 * 60_000 - 1000);
      assert.ok((await respond(timed.client, fresh.Session, 'erin', 'right')).AuthenticationResult);
      const stale = await initiate(timed.client, 'erin');
      time.advance(3 * 60_000);
      await rejectsWith(
        respond(timed.client, stale.Session, 'erin', 'right'),
        'NotAuthorizedException',
        'Invalid session for the user.',
      );
    } finally {
      await timed.close();
    }
  });

  test('API: AdminDisableUser — a disabled user → NotAuthorizedException "User is disabled."', async () => {
    await createUser(pool.client, 'frank');
    const started = await initiate(pool.client, 'frank');
    await pool.client.send(new AdminDisableUserCommand({ UserPoolId: POOL.userPoolId, Username: 'frank' }));
    await rejectsWith(initiate(pool.client, 'frank'), 'NotAuthorizedException', 'User is disabled.');
    await rejectsWith(
      respond(pool.client, started.Session, 'frank', 'right'),
      'NotAuthorizedException',
      'User is disabled.',
    );
  });

  test('DG: cognito-user-pool-managing-errors — PreventUserExistenceErrors ENABLED: unknown user gets a challenge, triggers see userNotFound, verify fails', async () => {
    pool.calls.define.length = 0;
    pool.calls.verify.length = 0;
    const started = await initiate(pool.client, 'ghost');
    assert.equal(started.ChallengeName, 'CUSTOM_CHALLENGE');
    assert.equal(started.ChallengeParameters?.USERNAME, 'ghost');
    assert.equal(pool.calls.define[0]?.request.userNotFound, true);
    assert.deepEqual(pool.calls.define[0]?.request.userAttributes, {});
    // Even an answer the (naive) verify trigger accepts cannot sign in a user that does not exist.
    await rejectsWith(
      respond(pool.client, started.Session, 'ghost', 'right'),
      'NotAuthorizedException',
      'Incorrect username or password.',
    );
    assert.equal(pool.calls.verify[0]?.request.userNotFound, true);
    assert.equal(pool.calls.define[1]?.request.session[0]?.challengeResult, false);
    assert.ok(!pool.emulator.listUsernames().includes('ghost'));
  });

  test('DG: cognito-user-pool-managing-errors — PreventUserExistenceErrors LEGACY: unknown user → UserNotFoundException', async () => {
    const legacy = await startTestPool({ preventUserExistenceErrors: false });
    try {
      await rejectsWith(initiate(legacy.client, 'ghost'), 'UserNotFoundException', 'User does not exist.');
      assert.equal(legacy.calls.define.length, 0);
    } finally {
      await legacy.close();
    }
  });

  test('API: AdminInitiateAuth / AdminRespondToAuthChallenge — ClientMetadata reaches the triggers only on respond', async () => {
    pool.calls.define.length = 0;
    pool.calls.create.length = 0;
    pool.calls.verify.length = 0;
    const started = await initiate(pool.client, 'alice', { clientMetadata: { step: 'initiate' } });
    assert.equal(pool.calls.define[0]?.request.clientMetadata, undefined);
    assert.equal(pool.calls.create[0]?.request.clientMetadata, undefined);
    await respond(pool.client, started.Session, 'alice', 'right', { step: 'respond' });
    assert.deepEqual(pool.calls.verify[0]?.request.clientMetadata, { step: 'respond' });
    assert.deepEqual(pool.calls.define[1]?.request.clientMetadata, { step: 'respond' });
  });

  test('docs/cognito.md Trigger events — a throwing trigger → UserLambdaValidationException "<Trigger> failed with error <msg>."', async () => {
    const failing = await startTestPool({
      triggers: {
        async createAuthChallenge() {
          throw new Error('store unavailable');
        },
      },
    });
    try {
      await createUser(failing.client, 'gina');
      await rejectsWith(
        initiate(failing.client, 'gina'),
        'UserLambdaValidationException',
        'CreateAuthChallenge failed with error store unavailable.',
      );
    } finally {
      await failing.close();
    }
  });

  test('DG: cognito-user-identity-pools-working-with-aws-lambda-triggers — a trigger past the timeout → UnexpectedLambdaException', async () => {
    const slow = await startTestPool({
      triggerTimeoutMs: 50,
      triggers: {
        async defineAuthChallenge(event) {
          await new Promise((resolve) => setTimeout(resolve, 300).unref());
          return event;
        },
      },
    });
    try {
      await createUser(slow.client, 'hank');
      await rejectsWith(initiate(slow.client, 'hank'), 'UnexpectedLambdaException', /Socket timeout/);
    } finally {
      await slow.close();
    }
  });

  test('docs/cognito.md Trigger events — invalid trigger output → InvalidLambdaResponseException', async () => {
    const broken = await startTestPool({
      triggers: {
        // @ts-expect-error deliberately returns something that is not an event
        async defineAuthChallenge() {
          return 'tokens please';
        },
      },
    });
    try {
      await createUser(broken.client, 'ivy');
      await rejectsWith(initiate(broken.client, 'ivy'), 'InvalidLambdaResponseException');
    } finally {
      await broken.close();
    }
  });

  test('docs/cognito.md Wire — wrong ClientId → ResourceNotFoundException; other auth flows are not enabled', async () => {
    await rejectsWith(
      pool.client.send(
        new AdminInitiateAuthCommand({
          UserPoolId: POOL.userPoolId,
          ClientId: 'someotherclient',
          AuthFlow: 'CUSTOM_AUTH',
          AuthParameters: { USERNAME: 'alice', SECRET_HASH: secretHash('alice') },
        }),
      ),
      'ResourceNotFoundException',
    );
    await assert.rejects(
      pool.client.send(
        new AdminInitiateAuthCommand({
          UserPoolId: POOL.userPoolId,
          ClientId: POOL.clientId,
          AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: 'alice', PASSWORD: 'x', SECRET_HASH: secretHash('alice') },
        }),
      ),
      (e: Error) => e.name === 'InvalidParameterException' && !(e instanceof NotAuthorizedException),
    );
  });
});
