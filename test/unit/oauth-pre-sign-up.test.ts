// The PreSignUp trigger's linking policy for PreSignUp_ExternalProvider
// (DG: user-pool-lambda-pre-sign-up; docs/cognito.md "Hosted UI / OAuth"), with fake lookups.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CognitoUser } from '../../src/cognito/types.ts';
import { parsePreSignUpRefusal } from '../../src/oauth/linking.ts';
import { createPreSignUpHandler, type PreSignUpDeps } from '../../src/triggers/pre-sign-up.ts';
import type { PreSignUpEvent } from '../../src/triggers/types.ts';

function externalEvent(email: string, emailVerified = 'true'): PreSignUpEvent {
  return {
    version: '1',
    triggerSource: 'PreSignUp_ExternalProvider',
    region: 'us-east-1',
    userPoolId: 'us-east-1_TestPool1',
    userName: 'Google_1029384756',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'client' },
    // What Cognito passes once Google is mapped to custom attributes (src/cognito/google-attributes.ts).
    request: { userAttributes: { 'custom:google_email': email, 'custom:google_verified': emailVerified } },
    response: {},
  };
}

function user(username: string, emailVerified: boolean, status = 'FORCE_CHANGE_PASSWORD'): CognitoUser {
  return {
    username,
    sub: username,
    enabled: true,
    status,
    attributes: { email: 'ada@example.com', email_verified: emailVerified ? 'true' : 'false' },
    createdAt: 0,
  };
}

function fakes(users: CognitoUser[], pending: string[] = [], unlinked = new Set<string>()) {
  const calls = {
    links: [] as [string, string][],
    lookups: [] as string[],
    claims: [] as [string, string][],
  };
  const deps: PreSignUpDeps = {
    async findUsersByEmail(email) {
      calls.lookups.push(email);
      return users;
    },
    async linkGoogle(username, sub) {
      calls.links.push([username, sub]);
    },
    async claimGoogleEmail(username, email) {
      calls.claims.push([username, email]);
      return true;
    },
    async consumePendingLink(username) {
      const index = pending.indexOf(username);
      if (index < 0) return false;
      pending.splice(index, 1);
      return true;
    },
    async wasUnlinked(username, sub) {
      return unlinked.has(`${username}|${sub}`);
    },
  };
  return { deps, calls };
}

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return parsePreSignUpRefusal(`PreSignUp failed with error ${(error as Error).message}.`);
  }
  return 'accepted';
}

describe('PreSignUp linking policy', () => {
  test("Google's email is read from custom:google_email; a standard email in the event is ignored", async () => {
    const { deps, calls } = fakes([user('verified-user', true)]);
    const event = externalEvent('ada@example.com');
    event.request.userAttributes = { email: 'ada@example.com', email_verified: 'true' };
    const out = await createPreSignUpHandler(deps)(event);
    assert.equal(out.response.autoConfirmUser, false);
    assert.deepEqual(calls.lookups, [], 'no Google email, no lookup and no link');
    assert.deepEqual(calls.links, []);

    const unverified = fakes([user('verified-user', true)]);
    const event2 = externalEvent('ada@example.com', 'false');
    event2.request.userAttributes.email_verified = 'true';
    assert.equal(
      await refusal(createPreSignUpHandler(unverified.deps)(event2)),
      'account_exists',
      'only custom:google_verified says whether Google verified it',
    );
    assert.deepEqual(unverified.calls.links, []);
  });

  test('a new email: the federated user is created', async () => {
    const { deps, calls } = fakes([]);
    const out = await createPreSignUpHandler(deps)(externalEvent(' Ada@Example.com '));
    assert.deepEqual(out.response, {
      autoConfirmUser: false,
      autoVerifyEmail: false,
      autoVerifyPhone: false,
    });
    assert.deepEqual(calls.lookups, ['ada@example.com']);
    assert.deepEqual(
      calls.claims,
      [['Google_1029384756', 'ada@example.com']],
      'the new account holds its email',
    );
  });

  test('an email Google did not verify is not claimed; refused or linked sign-ups claim nothing', async () => {
    const unverified = fakes([]);
    await createPreSignUpHandler(unverified.deps)(externalEvent('ada@example.com', 'false'));
    assert.deepEqual(unverified.calls.claims, []);
    const refused = fakes([user('legacy-user', false)]);
    await refusal(createPreSignUpHandler(refused.deps)(externalEvent('ada@example.com', 'false')));
    const verified = fakes([user('verified-user', true)]);
    await refusal(createPreSignUpHandler(verified.deps)(externalEvent('ada@example.com')));
    assert.deepEqual([...refused.calls.claims, ...verified.calls.claims], []);
  });

  test('an unverified (older) account never blocks a Google-verified email: created and claimed, nothing linked', async () => {
    const { deps, calls } = fakes([user('legacy-user', false)]);
    assert.equal(await refusal(createPreSignUpHandler(deps)(externalEvent('ada@example.com'))), 'accepted');
    assert.deepEqual(calls.links, []);
    assert.deepEqual(calls.claims, [['Google_1029384756', 'ada@example.com']], 'the claim is taken over');
  });

  test('an unverified account with an email Google did not verify either: refused, nothing linked', async () => {
    const { deps, calls } = fakes([user('legacy-user', false)]);
    assert.equal(
      await refusal(createPreSignUpHandler(deps)(externalEvent('ada@example.com', 'false'))),
      'account_exists',
    );
    assert.deepEqual(calls.links, []);
  });

  test('the verified owner beside an unverified squatter: linked to the owner', async () => {
    const { deps, calls } = fakes([user('squatter', false), user('owner', true)]);
    assert.equal(await refusal(createPreSignUpHandler(deps)(externalEvent('ada@example.com'))), 'linked');
    assert.deepEqual(calls.links, [['owner', '1029384756']]);
  });

  test('a verified account: linked, then refused with the linked marker so the retry lands on it', async () => {
    const { deps, calls } = fakes([user('verified-user', true)]);
    assert.equal(await refusal(createPreSignUpHandler(deps)(externalEvent('ada@example.com'))), 'linked');
    assert.deepEqual(calls.links, [['verified-user', '1029384756']]);
  });

  test('a verified account that unlinked this Google identity: refused, never linked back by email', async () => {
    const { deps, calls } = fakes([user('verified-user', true)], [], new Set(['verified-user|1029384756']));
    assert.equal(
      await refusal(createPreSignUpHandler(deps)(externalEvent('ada@example.com'))),
      'account_exists',
    );
    assert.deepEqual(calls.links, []);
  });

  test('Google did not verify the email: never linked', async () => {
    const { deps, calls } = fakes([user('verified-user', true)]);
    assert.equal(
      await refusal(createPreSignUpHandler(deps)(externalEvent('ada@example.com', 'false'))),
      'account_exists',
    );
    assert.deepEqual(calls.links, []);
  });

  test('the account owner began an explicit link: created (the API links it), pending link consumed', async () => {
    const pending = ['passkey-user'];
    const { deps, calls } = fakes([user('passkey-user', false)], pending);
    assert.equal(await refusal(createPreSignUpHandler(deps)(externalEvent('ada@example.com'))), 'accepted');
    assert.deepEqual(calls.links, []);
    assert.deepEqual(pending, []);
  });

  test('self-service sign-up stays refused; AdminCreateUser passes', async () => {
    const { deps } = fakes([]);
    const handler = createPreSignUpHandler(deps);
    await assert.rejects(handler({ ...externalEvent('a@b.co'), triggerSource: 'PreSignUp_SignUp' }));
    const out = await handler({ ...externalEvent('a@b.co'), triggerSource: 'PreSignUp_AdminCreateUser' });
    assert.equal(out.response.autoConfirmUser, false);
  });
});
