import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { computeSecretHash, createCognitoAdapter } from '../../src/cognito/cognito-adapter.ts';
import {
  CustomAuthRejectedError,
  RefreshRejectedError,
  UnlinkRejectedError,
  UserExistsError,
} from '../../src/cognito/errors.ts';
import { createIdTokenVerifier } from '../../src/cognito/id-token.ts';
import type { CognitoAdapter } from '../../src/cognito/types.ts';
import { googleSubFor } from '../../src/local/google/index.ts';
import {
  type FederatedPool,
  pkcePair,
  redeemCode,
  signInWithGoogle,
  startFederatedPool,
} from './hosted-ui-setup.ts';
import { POOL, startTestPool, type TestPool } from './setup.ts';

describe('createCognitoAdapter against the emulator', () => {
  let pool: TestPool;
  let cognito: CognitoAdapter;
  before(async () => {
    pool = await startTestPool();
    cognito = createCognitoAdapter({ client: pool.client, ...POOL });
  });
  after(() => pool.close());

  test('DG: signing-up-users-in-your-app "Computing secret hash values" — Base64(HMAC-SHA256(secret, username + clientId))', () => {
    // Reference value from: printf 'alicelocalclient' | openssl dgst -sha256 -hmac s3cr3t -binary | base64
    assert.equal(
      computeSecretHash('alice', 'localclient', 's3cr3t'),
      'M6gjJU0lUWvfU2QkJr5L9w+HYSSS6pH2JwG347FSFjM=',
    );
  });

  test('API: AdminCreateUser / AdminGetUser — createUser, getUser, UserExistsError on duplicate', async () => {
    const user = await cognito.createUser({
      username: 'alice',
      email: 'alice@example.com',
      emailVerified: true,
      name: 'Alice',
    });
    assert.equal(user.username, 'alice');
    assert.equal(user.status, 'FORCE_CHANGE_PASSWORD');
    assert.equal(user.enabled, true);
    assert.deepEqual(
      { email: user.attributes.email, verified: user.attributes.email_verified, name: user.attributes.name },
      { email: 'alice@example.com', verified: 'true', name: 'Alice' },
    );
    assert.deepEqual(await cognito.getUser('alice'), user);
    await assert.rejects(
      cognito.createUser({ username: 'alice', email: 'a2@example.com', emailVerified: false }),
      (e: Error) =>
        e instanceof UserExistsError &&
        e.name === 'UserExistsError' &&
        (e.cause as Error).name === 'UsernameExistsException',
    );
  });

  test("API: AdminCreateUser / AdminUpdateUserAttributes — Google's values go into their custom attributes; no email leaves email out", async () => {
    const google = {
      email: 'nia@gmail.example',
      emailVerified: true,
      name: 'Nia G',
      picture: 'https://pictures.example/nia',
    };
    const created = await cognito.createUser({
      username: 'nia',
      email: 'nia@example.com',
      emailVerified: true,
      google,
    });
    assert.deepEqual(
      [
        created.attributes['custom:google_email'],
        created.attributes['custom:google_verified'],
        created.attributes['custom:google_name'],
        created.attributes['custom:google_picture'],
        created.attributes.name,
      ],
      ['nia@gmail.example', 'true', 'Nia G', 'https://pictures.example/nia', undefined],
      "Google's name is not the account's own",
    );
    await cognito.setGoogleAttributes('nia', { email: 'nia.new@gmail.example', emailVerified: false });
    const updated = await cognito.getUser('nia');
    assert.equal(updated?.attributes['custom:google_email'], 'nia.new@gmail.example');
    assert.equal(updated?.attributes['custom:google_verified'], 'false');
    assert.equal(updated?.attributes.email, 'nia@example.com', 'the standard email is untouched');

    const bare = await cognito.createUser({ username: 'noemail', email: '', emailVerified: false });
    assert.equal(bare.attributes.email, undefined);
    assert.equal(bare.attributes.email_verified, undefined);
  });

  test('API: AdminGetUser / AdminDeleteUser — getUser is null and deleteUser is quiet for a missing user', async () => {
    assert.equal(await cognito.getUser('nobody'), null);
    await cognito.deleteUser('nobody');
    await cognito.createUser({ username: 'temp', email: 'temp@example.com', emailVerified: false });
    await cognito.deleteUser('temp');
    assert.equal(await cognito.getUser('temp'), null);
  });

  test('API: AdminInitiateAuth + AdminRespondToAuthChallenge — signInWithCustomChallenge returns tokens', async () => {
    const tokens = await cognito.signInWithCustomChallenge({ username: 'ALICE', answer: 'right' });
    assert.ok(tokens.accessToken && tokens.idToken && tokens.refreshToken);
    assert.equal(tokens.expiresInSeconds, 3600);
    // Responded with the real username from ChallengeParameters.USERNAME.
    assert.equal(pool.calls.verify.at(-1)?.userName, 'alice');
  });

  test('DG: user-pool-lambda-define-auth-challenge — a failed challenge or unknown user → CustomAuthRejectedError', async () => {
    for (const username of ['alice', 'ghost']) {
      await assert.rejects(
        cognito.signInWithCustomChallenge({ username, answer: 'wrong' }),
        (e: Error) =>
          e instanceof CustomAuthRejectedError && (e.cause as Error).name === 'NotAuthorizedException',
      );
    }
  });

  test('API: GetTokensFromRefreshToken + RevokeToken — refresh rotates; revoked or reused → RefreshRejectedError', async () => {
    const tokens = await cognito.signInWithCustomChallenge({ username: 'alice', answer: 'right' });
    const refreshed = await cognito.refresh(tokens.refreshToken ?? '');
    assert.ok(refreshed.refreshToken && refreshed.refreshToken !== tokens.refreshToken);
    await assert.rejects(cognito.refresh(tokens.refreshToken ?? ''), (e: Error) => {
      return e instanceof RefreshRejectedError && (e.cause as Error).name === 'RefreshTokenReuseException';
    });
    await cognito.revoke(refreshed.refreshToken ?? '');
    await assert.rejects(cognito.refresh(refreshed.refreshToken ?? ''), RefreshRejectedError);
  });

  test('API: AdminUserGlobalSignOut — globalSignOut invalidates refresh tokens', async () => {
    const tokens = await cognito.signInWithCustomChallenge({ username: 'alice', answer: 'right' });
    await cognito.globalSignOut('alice');
    await assert.rejects(cognito.refresh(tokens.refreshToken ?? ''), RefreshRejectedError);
  });

  test('API: AdminUserGlobalSignOut — globalSignOut of a user that no longer exists is quiet', async () => {
    await cognito.globalSignOut('nobody-here');
  });

  test('API: AdminUpdateUserAttributes — setVerifiedEmail sets email and email_verified true in one call', async () => {
    await cognito.createUser({ username: 'mover', email: 'old@example.com', emailVerified: false });
    await cognito.setVerifiedEmail('mover', 'new@example.com');
    const user = await cognito.getUser('mover');
    assert.equal(user?.attributes.email, 'new@example.com');
    assert.equal(user?.attributes.email_verified, 'true');
    assert.deepEqual(await cognito.findUsersByEmail('old@example.com'), []);
    assert.deepEqual(
      (await cognito.findUsersByEmail('new@example.com')).map((u) => u.username),
      ['mover'],
    );
  });
});

describe('createCognitoAdapter: linking and unlinking Google against the emulator', () => {
  let pool: FederatedPool;
  let cognito: CognitoAdapter;
  before(async () => {
    pool = await startFederatedPool();
    cognito = createCognitoAdapter({ client: pool.client, ...POOL });
  });
  after(() => pool.close());

  async function idTokenAfterGoogle(email: string): Promise<string> {
    const { verifier, challenge } = pkcePair();
    const { callback } = await signInWithGoogle(pool, email, { challenge });
    const res = await redeemCode(pool, callback.searchParams.get('code') ?? '', verifier);
    assert.equal(res.status, 200);
    return ((await res.json()) as { id_token: string }).id_token;
  }
  async function usernameAfterGoogle(email: string): Promise<unknown> {
    return decodeJwt(await idTokenAfterGoogle(email))['cognito:username'];
  }

  test("DG: amazon-cognito-user-pools-using-the-id-token — IdTokenClaims: email is the service's own, googleEmail is Google's while Google is linked", async () => {
    const verify = createIdTokenVerifier({
      issuer: pool.emulator.issuer,
      jwksUri: pool.emulator.jwksUri,
      clientId: POOL.clientId,
    });
    // A Google-only account has no standard email: its email, name and picture are Google's.
    const only = await verify(await idTokenAfterGoogle('kim.only@example.com'));
    assert.equal(only.email, 'kim.only@example.com');
    assert.equal(only.emailVerified, true);
    assert.equal(only.googleEmail, 'kim.only@example.com');
    assert.equal(only.name, 'Kim Only');
    assert.match(only.picture ?? '', /^https:\/\//);

    // A passkey account with Google linked keeps its own email and name.
    await cognito.createUser({
      username: 'lee',
      email: 'lee@example.com',
      emailVerified: false,
      name: 'Lee P',
    });
    const googleSub = googleSubFor('lee.google@example.com');
    await cognito.linkGoogle('lee', googleSub);
    const linked = await verify(await idTokenAfterGoogle('lee.google@example.com'));
    assert.equal(linked.username, 'lee');
    assert.equal(linked.email, 'lee@example.com');
    assert.equal(linked.emailVerified, false, "never Google's verified flag on a linked account");
    assert.equal(linked.name, 'Lee P');
    assert.equal(linked.googleEmail, 'lee.google@example.com');

    // After the unlink, the mapped attribute is still stored but the claim is gone.
    await cognito.unlinkGoogle('lee', googleSub);
    assert.equal((await cognito.getUser('lee'))?.attributes['custom:google_email'], 'lee.google@example.com');
    const unlinked = await verify(
      (await cognito.signInWithCustomChallenge({ username: 'lee', answer: 'right' })).idToken,
    );
    assert.equal(unlinked.googleEmail, undefined);
    assert.deepEqual(unlinked.identities, []);
  });

  test('API: AdminLinkProviderForUser / AdminDisableProviderForUser — unlinkGoogle removes the link; the identity then becomes a new user', async () => {
    await cognito.createUser({ username: 'gina', email: 'gina@example.com', emailVerified: false });
    const googleSub = googleSubFor('gina.google@example.com');
    await cognito.linkGoogle('gina', googleSub);
    assert.equal(await usernameAfterGoogle('gina.google@example.com'), 'gina');

    await cognito.unlinkGoogle('gina', googleSub);
    const gina = await cognito.getUser('gina');
    assert.equal(gina?.attributes.identities, undefined, 'no Google entry left in identities');
    assert.equal(gina?.enabled, true);
    assert.equal(await usernameAfterGoogle('gina.google@example.com'), `google_${googleSub}`);
    // Unlinking again, or for a user that does not exist, is a no-op.
    await cognito.unlinkGoogle('gina', googleSub);
    await cognito.unlinkGoogle('nobody-here', googleSub);
  });

  test('API: AdminDisableProviderForUser — unlinkGoogle never touches an identity the named user does not hold', async () => {
    await cognito.createUser({ username: 'hank', email: 'hank@example.com', emailVerified: false });
    await cognito.createUser({ username: 'ivy', email: 'ivy@example.com', emailVerified: false });
    const hanksGoogle = googleSubFor('hank.google@example.com');
    await cognito.linkGoogle('hank', hanksGoogle);
    await cognito.unlinkGoogle('ivy', hanksGoogle);
    assert.equal(await usernameAfterGoogle('hank.google@example.com'), 'hank', 'still linked to hank');
  });

  test('API: AdminDisableProviderForUser — a Google-only account is its identity, not a link: UnlinkRejectedError, nothing changed', async () => {
    const googleSub = googleSubFor('jo.google@example.com');
    assert.equal(await usernameAfterGoogle('jo.google@example.com'), `google_${googleSub}`);
    await assert.rejects(cognito.unlinkGoogle(`google_${googleSub}`, googleSub), UnlinkRejectedError);
    // API: InitiateAuth — nor can it be signed in through CUSTOM_AUTH.
    await assert.rejects(
      cognito.signInWithCustomChallenge({ username: `google_${googleSub}`, answer: 'right' }),
      (e: Error) =>
        e instanceof CustomAuthRejectedError && (e.cause as Error).name === 'NotAuthorizedException',
    );
    const jo = await cognito.getUser(`google_${googleSub}`);
    assert.equal(jo?.enabled, true);
    assert.equal(await usernameAfterGoogle('jo.google@example.com'), `google_${googleSub}`);
  });
});
