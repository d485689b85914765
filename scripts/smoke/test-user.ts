import { randomBytes, randomUUID } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { buildRegistrationOptions, newChallenge } from '../../src/passkeys/ceremony-options.ts';
import { registrationResponseSchema } from '../../src/passkeys/schemas.ts';
import { verifyPasskeyRegistration } from '../../src/passkeys/verify-registration.ts';
import type { Store } from '../../src/store/types.ts';
import { SoftAuthenticator } from '../../test/support/soft-authenticator.ts';

/** A throw-away account: a new Cognito username, a random address and a software passkey. */
export interface TestUser {
  userId: string;
  email: string;
  authenticator: SoftAuthenticator;
}

export interface TestUserOptions {
  cognito: CognitoIdentityProviderClient;
  userPoolId: string;
  store: Store;
}

/** Names a test user; nothing is created yet, so the caller can clean up whatever a failed creation left. */
export function newTestUser(emailDomain: string): TestUser {
  return {
    userId: randomUUID(),
    email: `smoke+${randomBytes(6).toString('hex')}@${emailDomain}`,
    authenticator: new SoftAuthenticator(),
  };
}

/**
 * Creates the account the way sign-up leaves it, without sending mail or
 * calling the API: the passkey is made by the software authenticator from
 * creation options and checked by the service's own registration
 * verification; the Cognito user is created with a verified email and no
 * invitation; the email claim, credential and sign-in methods go into the
 * table through the service's store.
 */
export async function createTestUser(
  user: TestUser,
  { cognito, userPoolId, store, rp }: TestUserOptions & { rp: { id: string; name: string; origin: string } },
): Promise<void> {
  const relyingParty = { id: rp.id, name: rp.name, origins: [rp.origin] };
  const challenge = newChallenge();
  const options = await buildRegistrationOptions({
    rp: relyingParty,
    userId: user.userId,
    email: user.email,
    displayName: 'Smoke test',
    challenge,
    exclude: [],
  });
  // Parsed as the API parses a registration body, then verified by the same code.
  const response = registrationResponseSchema.parse(
    await user.authenticator.register(options, { origin: rp.origin }),
  );
  const credential = await verifyPasskeyRegistration({
    response,
    expectedChallenge: challenge,
    rp: relyingParty,
    userId: user.userId,
    nickname: 'Smoke test',
    now: Date.now(),
  });
  await cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: user.userId,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: user.email },
        { Name: 'email_verified', Value: 'true' },
      ],
    }),
  );
  await store.createAccount({ userId: user.userId, email: user.email, credential });
  await waitUntilListed(store, user.userId, credential.id);
}

/**
 * Sign-in options list a user's passkeys through `gsi1`, which DynamoDB
 * updates shortly after the write (GSI reads are eventually consistent): wait
 * until it lists the new one, as a person signing in minutes later would.
 */
async function waitUntilListed(store: Store, userId: string, credentialId: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await store.listCredentials(userId)).some((c) => c.id === credentialId)) {
    if (Date.now() > deadline) throw new Error('the new credential was not listed by gsi1 within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Removes everything the smoke test created, whatever state a failure left:
 * the Cognito user (absent is fine), the email claim, credentials and
 * sign-in methods, and any session record still there.
 */
export async function deleteTestUser(
  user: TestUser,
  { cognito, userPoolId, store }: TestUserOptions,
): Promise<void> {
  try {
    await cognito.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: user.userId }));
  } catch (error) {
    if ((error as { name?: unknown }).name !== 'UserNotFoundException') throw error;
  }
  await store.deleteAccount({ userId: user.userId, email: user.email });
  for (const session of await store.listSessions(user.userId)) {
    await store.deleteSession(user.userId, session.id);
  }
}
