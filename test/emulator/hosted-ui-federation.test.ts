import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AdminDisableProviderForUserCommand,
  AdminGetUserCommand,
  AdminLinkProviderForUserCommand,
  AdminUpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { googleSubFor } from '../../src/local/google/index.ts';
import {
  CALLBACK,
  type FederatedPool,
  pkcePair,
  redeemCode,
  SIGNED_OUT,
  signInWithGoogle,
  startFederatedPool,
} from './hosted-ui-setup.ts';
import { createUser, initiate, POOL, rejectsWith, signIn, startTestPool } from './setup.ts';

function link(client: CognitoIdentityProviderClient, username: string, googleSub: string) {
  return client.send(
    new AdminLinkProviderForUserCommand({
      UserPoolId: POOL.userPoolId,
      DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: username },
      SourceUser: {
        ProviderName: 'Google',
        ProviderAttributeName: 'Cognito_Subject',
        ProviderAttributeValue: googleSub,
      },
    }),
  );
}

async function idTokenFor(pool: FederatedPool, email: string) {
  const { verifier, challenge } = pkcePair();
  const { callback } = await signInWithGoogle(pool, email, { challenge });
  assert.equal(
    callback.searchParams.get('error'),
    null,
    callback.searchParams.get('error_description') ?? '',
  );
  const res = await redeemCode(pool, callback.searchParams.get('code') ?? '', verifier);
  assert.equal(res.status, 200);
  const body = (await res.json()) as { id_token: string };
  return decodeJwt(body.id_token);
}

describe('federated users and PreSignUp_ExternalProvider (DG: user-pool-lambda-pre-sign-up, cognito-user-pools-identity-federation-consolidate-users)', () => {
  let pool: FederatedPool;
  let failNext: string | null = null;
  let linkInsideTrigger: { username: string } | null = null;
  before(async () => {
    pool = await startFederatedPool({
      async preSignUp(event) {
        if (failNext) {
          const message = failNext;
          failNext = null;
          throw new Error(message);
        }
        if (linkInsideTrigger) {
          const googleSub = event.userName.split('_')[1] ?? '';
          await link(pool.client, linkInsideTrigger.username, googleSub);
          linkInsideTrigger = null;
        }
        return event;
      },
    });
  });
  after(() => pool.close());

  test('DG: user-pool-lambda-pre-sign-up — PreSignUp_ExternalProvider runs on the first Google sign-in only; mapped attributes are rewritten at each sign-in', async () => {
    const before = pool.preSignUps.length;
    const first = await idTokenFor(pool, 'first.time@example.com');
    const googleSub = googleSubFor('first.time@example.com');
    assert.equal(pool.preSignUps.length, before + 1);
    const event = pool.preSignUps.at(-1);
    assert.equal(event?.triggerSource, 'PreSignUp_ExternalProvider');
    assert.equal(event?.userName, `google_${googleSub}`);
    assert.equal(event?.callerContext.clientId, POOL.clientId);
    // The event carries the mapped attributes: Google's email in custom:google_email, no standard email.
    assert.equal(event?.request.userAttributes['custom:google_email'], 'first.time@example.com');
    assert.equal(event?.request.userAttributes['custom:google_verified'], 'true');
    assert.equal(event?.request.userAttributes.email, undefined);

    await pool.client.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: POOL.userPoolId,
        Username: `google_${googleSub}`,
        UserAttributes: [
          { Name: 'custom:google_name', Value: 'Changed Locally' },
          { Name: 'name', Value: 'Set By The Service' },
        ],
      }),
    );
    const second = await idTokenFor(pool, 'first.time@example.com');
    assert.equal(pool.preSignUps.length, before + 1, 'no PreSignUp on the second sign-in');
    assert.equal(second.sub, first.sub);
    assert.equal(second['custom:google_name'], 'First Time', 'the mapped name is rewritten from Google');
    assert.equal(second.name, 'Set By The Service', 'an attribute that is not mapped is left alone');
  });

  test('DG: cognito-user-pools-specifying-attribute-mapping, amplify-js#7300 — mapped attributes are rewritten at each Google sign-in on the native user the identity is linked to; its own email stays', async () => {
    await createUser(pool.client, 'frank', 'frank@example.com');
    await pool.client.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: POOL.userPoolId,
        Username: 'frank',
        UserAttributes: [
          { Name: 'email_verified', Value: 'true' },
          { Name: 'name', Value: 'Frank Passkey' },
          { Name: 'custom:google_email', Value: 'stale@example.com' },
        ],
      }),
    );
    const googleSub = googleSubFor('frank.google@example.com');
    await link(pool.client, 'frank', googleSub);
    const claims = await idTokenFor(pool, 'frank.google@example.com');
    assert.equal(claims['cognito:username'], 'frank');
    assert.equal(claims['custom:google_email'], 'frank.google@example.com', 'rewritten from Google');
    assert.equal(claims['custom:google_verified'], 'true');
    assert.equal(claims['custom:google_name'], 'Frank Google');
    assert.equal(claims.email, 'frank@example.com', 'the standard email is not mapped: untouched');
    assert.equal(claims.email_verified, true);
    assert.equal(claims.name, 'Frank Passkey');

    // Rewritten again at the next sign-in, whatever was written in between.
    await pool.client.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: POOL.userPoolId,
        Username: 'frank',
        UserAttributes: [{ Name: 'custom:google_verified', Value: 'false' }],
      }),
    );
    const again = await idTokenFor(pool, 'frank.google@example.com');
    assert.equal(again['custom:google_verified'], 'true');
  });

  test('API: InitiateAuth — a federated (EXTERNAL_PROVIDER) user cannot sign in through CUSTOM_AUTH: NotAuthorizedException before any trigger; a native user linked to Google can', async () => {
    const googleSub = googleSubFor('nell.google@example.com');
    await idTokenFor(pool, 'nell.google@example.com');
    const federated = `google_${googleSub}`;
    const defines = pool.calls.define.length;
    await rejectsWith(initiate(pool.client, federated), 'NotAuthorizedException');
    assert.equal(pool.calls.define.length, defines, 'no trigger ran');

    await createUser(pool.client, 'olga', 'olga@example.com');
    await link(pool.client, 'olga', googleSubFor('olga.google@example.com'));
    const tokens = await signIn(pool.client, 'olga');
    const claims = decodeJwt(tokens.idToken);
    assert.equal(claims['cognito:username'], 'olga');
    assert.deepEqual(
      (claims.identities as { userId: string }[]).map((i) => i.userId),
      [googleSubFor('olga.google@example.com')],
    );
  });

  test('DG: user-pool-lambda-pre-sign-up — a PreSignUp throw redirects with error=invalid_request, "PreSignUp failed with error <msg>." and the state; no user is created', async () => {
    failNext = 'Sign-ups are closed';
    const { callback } = await signInWithGoogle(pool, 'refused@example.com', { state: 'st-refused' });
    assert.equal(callback.searchParams.get('error'), 'invalid_request');
    assert.equal(
      callback.searchParams.get('error_description'),
      'PreSignUp failed with error Sign-ups are closed.',
    );
    assert.equal(callback.searchParams.get('state'), 'st-refused');
    assert.equal(callback.searchParams.get('code'), null);
    assert.match(
      callback.search,
      /error_description=PreSignUp\+failed\+with\+error\+Sign-ups\+are\+closed\./,
    );
    assert.ok(!pool.emulator.listUsernames().includes(`google_${googleSubFor('refused@example.com')}`));
  });

  test('API: AdminLinkProviderForUser, DG: cognito-user-pools-identity-federation-consolidate-users — a linked Google identity signs in as the destination user, with no new federated user', async () => {
    const alice = await createUser(pool.client, 'alice', 'alice@example.com');
    const googleSub = googleSubFor('alice.google@example.com');
    await link(pool.client, 'alice', googleSub);
    const stored = await pool.client.send(
      new AdminGetUserCommand({ UserPoolId: POOL.userPoolId, Username: 'alice' }),
    );
    const identities = JSON.parse(stored.UserAttributes?.find((a) => a.Name === 'identities')?.Value ?? '[]');
    assert.equal(identities[0].userId, googleSub);
    assert.equal(identities[0].providerName, 'Google');

    const calls = pool.preSignUps.length;
    const claims = await idTokenFor(pool, 'alice.google@example.com');
    assert.equal(claims['cognito:username'], 'alice');
    assert.equal(claims.sub, alice.Attributes?.find((a) => a.Name === 'sub')?.Value);
    assert.equal(claims.email, 'alice@example.com', 'the linked user keeps its own attributes');
    assert.deepEqual(
      (claims.identities as { userId: string; providerName: string }[]).map((i) => [
        i.providerName,
        i.userId,
      ]),
      [['Google', googleSub]],
    );
    assert.equal(pool.preSignUps.length, calls, 'no PreSignUp for a linked identity');
    assert.ok(!pool.emulator.listUsernames().includes(`google_${googleSub}`));
  });

  test('API: AdminLinkProviderForUser — a Google identity that already signed in cannot be merged; a missing destination is UserNotFoundException; five links at most', async () => {
    await createUser(pool.client, 'bob', 'bob@example.com');
    await idTokenFor(pool, 'bob.google@example.com');
    await rejectsWith(
      link(pool.client, 'bob', googleSubFor('bob.google@example.com')),
      'InvalidParameterException',
      'Merging is not currently supported, provide a SourceUser that has not been used to sign into the user pool.',
    );
    await rejectsWith(link(pool.client, 'nobody', googleSubFor('x@example.com')), 'UserNotFoundException');

    await createUser(pool.client, 'carol', 'carol@example.com');
    for (let i = 0; i < 5; i++) await link(pool.client, 'carol', googleSubFor(`carol${i}@example.com`));
    await rejectsWith(
      link(pool.client, 'carol', googleSubFor('carol5@example.com')),
      'LimitExceededException',
    );
    await rejectsWith(
      link(pool.client, 'bob', googleSubFor('carol0@example.com')),
      'InvalidParameterException',
    );
  });

  test('amplify-flutter#1716, amplify-swift#2226 — what a link made inside PreSignUp_ExternalProvider does is undocumented: the emulator fails that sign-in so nothing relies on it; API: AdminLinkProviderForUser — the next lands on the linked user', async () => {
    await createUser(pool.client, 'dave', 'dave@example.com');
    linkInsideTrigger = { username: 'dave' };
    const googleSub = googleSubFor('dave.google@example.com');
    const { callback } = await signInWithGoogle(pool, 'dave.google@example.com');
    assert.equal(callback.searchParams.get('error'), 'invalid_request');
    assert.equal(callback.searchParams.get('code'), null);
    assert.ok(!pool.emulator.listUsernames().includes(`google_${googleSub}`), 'no federated user');
    const claims = await idTokenFor(pool, 'dave.google@example.com');
    assert.equal(claims['cognito:username'], 'dave');
  });

  test("API: AdminDisableProviderForUser — the link leaves the destination's identities; the next Google sign-in must become a new user, after PreSignUp_ExternalProvider", async () => {
    const erin = await createUser(pool.client, 'erin', 'erin@example.com');
    const googleSub = googleSubFor('erin.google@example.com');
    await link(pool.client, 'erin', googleSub);
    const linked = await idTokenFor(pool, 'erin.google@example.com');
    assert.equal(linked['cognito:username'], 'erin');
    assert.equal(linked.sub, erin.Attributes?.find((a) => a.Name === 'sub')?.Value);
    await pool.client.send(
      new AdminDisableProviderForUserCommand({
        UserPoolId: POOL.userPoolId,
        User: {
          ProviderName: 'Google',
          ProviderAttributeName: 'Cognito_Subject',
          ProviderAttributeValue: googleSub,
        },
      }),
    );
    const stored = await pool.client.send(
      new AdminGetUserCommand({ UserPoolId: POOL.userPoolId, Username: 'erin' }),
    );
    const identities = JSON.parse(stored.UserAttributes?.find((a) => a.Name === 'identities')?.Value ?? '[]');
    assert.deepEqual(identities, [], 'erin no longer lists the Google identity');
    assert.equal(stored.Enabled, true, 'erin herself is untouched');

    const calls = pool.preSignUps.length;
    const after = await idTokenFor(pool, 'erin.google@example.com');
    assert.equal(after['cognito:username'], `google_${googleSub}`);
    assert.notEqual(after.sub, linked.sub, 'a new user, not the previously linked one');
    assert.equal(pool.preSignUps.length, calls + 1, 'PreSignUp_ExternalProvider ran for the new user');
    assert.equal(pool.preSignUps.at(-1)?.triggerSource, 'PreSignUp_ExternalProvider');
    assert.deepEqual(
      (after.identities as { userId: string }[]).map((i) => i.userId),
      [googleSub],
    );
  });
});

describe('federated users in other pool and app-client settings', () => {
  test('API: UserPoolClientType WriteAttributes — a mapped attribute the app client may not write fails every Google sign-in; nothing is created or rewritten', async () => {
    const pool = await startFederatedPool({
      writeAttributes: ['custom:google_email', 'custom:google_verified', 'custom:google_name'],
    });
    try {
      const { callback } = await signInWithGoogle(pool, 'pat@example.com', { state: 'st-write' });
      assert.equal(callback.searchParams.get('error'), 'invalid_request');
      assert.equal(callback.searchParams.get('state'), 'st-write');
      assert.equal(callback.searchParams.get('code'), null);
      assert.deepEqual(pool.emulator.listUsernames(), []);
      assert.equal(pool.preSignUps.length, 0);
    } finally {
      await pool.close();
    }
  });

  test('API: UserPoolClientType WriteAttributes — unset, the client writes the standard attributes only: a mapping to custom attributes fails', async () => {
    const pool = await startFederatedPool({ writeAttributes: null });
    try {
      const { callback } = await signInWithGoogle(pool, 'quinn@example.com');
      assert.equal(callback.searchParams.get('error'), 'invalid_request');
      assert.deepEqual(pool.emulator.listUsernames(), []);
    } finally {
      await pool.close();
    }
  });

  test('API: SchemaAttributeType Name — WriteAttributes and the AttributeMapping name standard attributes or custom ones of 1–20 characters; anything else is refused at start', async () => {
    const tooLong = `custom:${'x'.repeat(21)}`;
    await assert.rejects(
      startTestPool({ writeAttributes: ['custom:google_verified', tooLong, 'nick', 'custom:'] }),
      (error: Error) =>
        error instanceof TypeError &&
        error.message.includes(`writeAttributes: ${tooLong} is not a user pool attribute`) &&
        error.message.includes('writeAttributes: nick is not a user pool attribute') &&
        error.message.includes('writeAttributes: custom: is not a user pool attribute') &&
        !error.message.includes('custom:google_verified'),
    );
    await assert.rejects(
      startTestPool({
        hostedUi: {
          callbackUrls: [CALLBACK],
          logoutUrls: [SIGNED_OUT],
          google: {
            issuer: 'http://127.0.0.1:9',
            clientId: 'google-client',
            clientSecret: 'google-secret',
            attributeMapping: { email: 'email', [`custom:${'y'.repeat(20)}`]: 'name', [tooLong]: 'picture' },
          },
        },
      }),
      (error: Error) =>
        error instanceof TypeError &&
        error.message.includes(`attributeMapping: ${tooLong} is not a user pool attribute`) &&
        !error.message.includes('yyyy'),
    );
  });

  test('API: UsernameConfigurationType — in a case-sensitive pool the federated user is Google_<sub>, found only so', async () => {
    const pool = await startFederatedPool({ caseSensitive: true });
    try {
      const claims = await idTokenFor(pool, 'rae@example.com');
      const googleSub = googleSubFor('rae@example.com');
      assert.equal(claims['cognito:username'], `Google_${googleSub}`);
      assert.deepEqual(pool.emulator.listUsernames(), [`Google_${googleSub}`]);
      await rejectsWith(
        pool.client.send(
          new AdminGetUserCommand({ UserPoolId: POOL.userPoolId, Username: `google_${googleSub}` }),
        ),
        'UserNotFoundException',
      );
    } finally {
      await pool.close();
    }
  });
});
