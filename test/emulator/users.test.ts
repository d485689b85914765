import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  ListUsersCommand,
  UserNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { PreSignUpEvent } from '../../src/triggers/types.ts';
import { createUser, POOL, rejectsWith, startTestPool, type TestPool } from './setup.ts';

const attrs = (list: { Name?: string; Value?: string }[] | undefined) =>
  Object.fromEntries((list ?? []).map(({ Name, Value }) => [Name, Value]));

describe('users', () => {
  let pool: TestPool;
  const preSignUps: PreSignUpEvent[] = [];
  before(async () => {
    pool = await startTestPool({
      triggers: {
        async preSignUp(event) {
          preSignUps.push(structuredClone(event));
          if (event.request.userAttributes.email?.endsWith('@blocked.example'))
            throw new Error('Domain not allowed');
          return event;
        },
      },
    });
  });
  after(() => pool.close());

  test('API: AdminCreateUser — SUPPRESS without TemporaryPassword → FORCE_CHANGE_PASSWORD, enabled, random sub', async () => {
    const user = await createUser(pool.client, 'alice');
    assert.equal(user.Username, 'alice');
    assert.equal(user.UserStatus, 'FORCE_CHANGE_PASSWORD');
    assert.equal(user.Enabled, true);
    assert.ok(user.UserCreateDate instanceof Date);
    const a = attrs(user.Attributes);
    assert.match(a.sub ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(a.email, 'alice@example.com');
    assert.equal(a.email_verified, 'true');
  });

  test('DG: user-pool-lambda-pre-sign-up — PreSignUp_AdminCreateUser fires with the attributes and ClientMetadata', async () => {
    preSignUps.length = 0;
    await pool.client.send(
      new AdminCreateUserCommand({
        UserPoolId: POOL.userPoolId,
        Username: 'bob',
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: 'bob@example.com' }],
        ClientMetadata: { source: 'test' },
      }),
    );
    assert.equal(preSignUps.length, 1);
    const event = preSignUps[0];
    assert.equal(event?.triggerSource, 'PreSignUp_AdminCreateUser');
    assert.equal(event?.userName, 'bob');
    assert.equal(event?.userPoolId, POOL.userPoolId);
    assert.equal(event?.region, POOL.region);
    assert.equal(event?.callerContext.clientId, 'CLIENT_ID_NOT_APPLICABLE');
    assert.deepEqual(event?.request.userAttributes, { email: 'bob@example.com' });
    assert.deepEqual(event?.request.clientMetadata, { source: 'test' });
  });

  test('DG: user-pool-lambda-pre-sign-up — a throwing PreSignUp → UserLambdaValidationException, no user created', async () => {
    await rejectsWith(
      createUser(pool.client, 'mallory', 'm@blocked.example'),
      'UserLambdaValidationException',
      'PreSignUp failed with error Domain not allowed.',
    );
    assert.ok(!pool.emulator.listUsernames().includes('mallory'));
  });

  test('API: AdminCreateUser, UsernameConfigurationType — in a case-insensitive pool (as the stack creates it) a duplicate in another case → UsernameExistsException', async () => {
    assert.equal(POOL.caseSensitive, false, 'the stack creates a case-insensitive pool');
    await assert.rejects(createUser(pool.client, 'ALICE'), UsernameExistsException);
  });

  test('API: AdminGetUser — by username (any case) or sub; attributes under UserAttributes', async () => {
    const byName = await pool.client.send(
      new AdminGetUserCommand({ UserPoolId: POOL.userPoolId, Username: 'Alice' }),
    );
    assert.equal(byName.Username, 'alice');
    const sub = attrs(byName.UserAttributes).sub ?? '';
    const bySub = await pool.client.send(
      new AdminGetUserCommand({ UserPoolId: POOL.userPoolId, Username: sub }),
    );
    assert.equal(bySub.Username, 'alice');
    assert.equal(bySub.UserStatus, 'FORCE_CHANGE_PASSWORD');
  });

  test('API: AdminGetUser — unknown → UserNotFoundException "User does not exist."', async () => {
    const call = pool.client.send(
      new AdminGetUserCommand({ UserPoolId: POOL.userPoolId, Username: 'nobody' }),
    );
    await assert.rejects(
      call,
      (e: Error) => e instanceof UserNotFoundException && e.message === 'User does not exist.',
    );
  });

  test('API: AdminUpdateUserAttributes — set, blank deletes, a new email becomes unverified', async () => {
    await createUser(pool.client, 'carol');
    await pool.client.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: POOL.userPoolId,
        Username: 'carol',
        UserAttributes: [
          { Name: 'name', Value: 'Carol' },
          { Name: 'email', Value: 'carol2@example.com' },
        ],
      }),
    );
    let a = attrs(
      (await pool.client.send(new AdminGetUserCommand({ UserPoolId: POOL.userPoolId, Username: 'carol' })))
        .UserAttributes,
    );
    assert.equal(a.name, 'Carol');
    assert.equal(a.email, 'carol2@example.com');
    assert.equal(a.email_verified, 'false');
    await pool.client.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: POOL.userPoolId,
        Username: 'carol',
        UserAttributes: [
          { Name: 'name', Value: '' },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
    a = attrs(
      (await pool.client.send(new AdminGetUserCommand({ UserPoolId: POOL.userPoolId, Username: 'carol' })))
        .UserAttributes,
    );
    assert.equal(a.name, undefined);
    assert.equal(a.email_verified, 'true');
  });

  test('API: AdminUpdateUserAttributes — sub is immutable, unknown attributes rejected → InvalidParameterException', async () => {
    for (const attribute of [
      { Name: 'sub', Value: 'x' },
      { Name: 'favourite_colour', Value: 'blue' },
    ]) {
      await rejectsWith(
        pool.client.send(
          new AdminUpdateUserAttributesCommand({
            UserPoolId: POOL.userPoolId,
            Username: 'carol',
            UserAttributes: [attribute],
          }),
        ),
        'InvalidParameterException',
      );
    }
  });

  test('API: AdminDisableUser / AdminEnableUser — Enabled flag', async () => {
    await pool.client.send(new AdminDisableUserCommand({ UserPoolId: POOL.userPoolId, Username: 'carol' }));
    const disabled = await pool.client.send(
      new AdminGetUserCommand({ UserPoolId: POOL.userPoolId, Username: 'carol' }),
    );
    assert.equal(disabled.Enabled, false);
    await pool.client.send(new AdminEnableUserCommand({ UserPoolId: POOL.userPoolId, Username: 'carol' }));
    const enabled = await pool.client.send(
      new AdminGetUserCommand({ UserPoolId: POOL.userPoolId, Username: 'carol' }),
    );
    assert.equal(enabled.Enabled, true);
  });

  test('API: ListUsers — Filter email = "x" (case-insensitive) and ^= prefix', async () => {
    const exact = await pool.client.send(
      new ListUsersCommand({ UserPoolId: POOL.userPoolId, Filter: 'email = "ALICE@example.com"' }),
    );
    assert.deepEqual(
      exact.Users?.map((u) => u.Username),
      ['alice'],
    );
    const prefix = await pool.client.send(
      new ListUsersCommand({ UserPoolId: POOL.userPoolId, Filter: 'email ^= "b"' }),
    );
    assert.deepEqual(
      prefix.Users?.map((u) => u.Username),
      ['bob'],
    );
    const all = await pool.client.send(new ListUsersCommand({ UserPoolId: POOL.userPoolId }));
    assert.deepEqual(all.Users?.map((u) => u.Username).sort(), ['alice', 'bob', 'carol']);
    await rejectsWith(
      pool.client.send(new ListUsersCommand({ UserPoolId: POOL.userPoolId, Filter: 'custom:x = "y"' })),
      'InvalidParameterException',
    );
  });

  test('API: ListUsers — Limit and PaginationToken page through every user', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await pool.client.send(
        new ListUsersCommand({ UserPoolId: POOL.userPoolId, Limit: 2, PaginationToken: token }),
      );
      seen.push(...(page.Users ?? []).map((u) => u.Username ?? ''));
      token = page.PaginationToken;
    } while (token);
    assert.deepEqual(seen.sort(), ['alice', 'bob', 'carol']);
  });

  test('API: AdminDeleteUser — removes the user; deleting again → UserNotFoundException', async () => {
    await pool.client.send(new AdminDeleteUserCommand({ UserPoolId: POOL.userPoolId, Username: 'bob' }));
    assert.ok(!pool.emulator.listUsernames().includes('bob'));
    await assert.rejects(
      pool.client.send(new AdminDeleteUserCommand({ UserPoolId: POOL.userPoolId, Username: 'bob' })),
      UserNotFoundException,
    );
  });

  test('docs/cognito.md Wire — unknown pool → ResourceNotFoundException', async () => {
    await rejectsWith(
      pool.client.send(new AdminGetUserCommand({ UserPoolId: 'us-east-1_Other', Username: 'alice' })),
      'ResourceNotFoundException',
      'User pool us-east-1_Other does not exist.',
    );
  });

  test('docs/cognito.md Wire — missing required member → InvalidParameterException', async () => {
    await rejectsWith(
      pool.client.send(new AdminGetUserCommand({ UserPoolId: POOL.userPoolId, Username: undefined })),
      'InvalidParameterException',
      /Member must not be null/,
    );
  });

  test('docs/cognito.md Wire — JSON 1.1 error body with __type and x-amzn-ErrorType; unknown operation', async () => {
    const response = await fetch(pool.emulator.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSCognitoIdentityProviderService.AdminGetUser',
      },
      body: JSON.stringify({ UserPoolId: POOL.userPoolId, Username: 'nobody' }),
    });
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('content-type'), 'application/x-amz-json-1.1');
    assert.equal(response.headers.get('x-amzn-errortype'), 'UserNotFoundException:');
    assert.deepEqual(await response.json(), {
      __type: 'UserNotFoundException',
      message: 'User does not exist.',
    });

    const unknown = await fetch(pool.emulator.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSCognitoIdentityProviderService.CreateUserPool',
      },
      body: '{}',
    });
    assert.equal(unknown.status, 400);
    assert.equal(((await unknown.json()) as { __type: string }).__type, 'UnknownOperationException');
  });

  test('counts() reports operations and triggers served; resetCounts() clears them', async () => {
    const counts = pool.emulator.counts();
    assert.ok((counts.operations.AdminCreateUser ?? 0) >= 3);
    assert.ok((counts.triggers.PreSignUp ?? 0) >= 3);
    pool.emulator.resetCounts();
    assert.deepEqual(pool.emulator.counts(), { operations: {}, triggers: {} });
  });
});

describe("a case-sensitive pool (API: UsernameConfigurationType, CaseSensitive true: Cognito's default)", () => {
  let pool: TestPool;
  before(async () => {
    pool = await startTestPool({ caseSensitive: true });
  });
  after(() => pool.close());

  test('API: UsernameConfigurationType — usernames differing in case are two users; AdminGetUser needs the exact capitalization', async () => {
    await createUser(pool.client, 'Dana', 'dana.upper@example.com');
    await createUser(pool.client, 'dana', 'dana.lower@example.com');
    const get = (username: string) =>
      pool.client.send(new AdminGetUserCommand({ UserPoolId: POOL.userPoolId, Username: username }));
    assert.equal(attrs((await get('Dana')).UserAttributes).email, 'dana.upper@example.com');
    assert.equal(attrs((await get('dana')).UserAttributes).email, 'dana.lower@example.com');
    await rejectsWith(get('DANA'), 'UserNotFoundException', 'User does not exist.');
    await rejectsWith(createUser(pool.client, 'Dana'), 'UsernameExistsException');
    await pool.client.send(new AdminDeleteUserCommand({ UserPoolId: POOL.userPoolId, Username: 'Dana' }));
    assert.equal(attrs((await get('dana')).UserAttributes).email, 'dana.lower@example.com', 'only Dana went');
  });
});
