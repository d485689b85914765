import assert from 'node:assert/strict';
import {
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { PutItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { LocalStack } from '../../src/local/stack.ts';
import { TestBrowser, type TestResponse } from './browser.ts';
import { signIn, signUp } from './flows.ts';
import { GoogleFlowWalker } from './google.ts';
import { type EmulatedStack as Stack, withLocalCognito, withLocalDynamoDb } from './local-clients.ts';
import { lastCodeTo, mailTo, type StoredMail } from './mailbox.ts';
import { SoftAuthenticator } from './soft-authenticator.ts';

/** The Cognito user's attributes (AdminGetUser), or null when the user does not exist. */
export async function cognitoAttributes(
  stack: Stack,
  username: string,
): Promise<Record<string, string> | null> {
  return withLocalCognito(stack, async (client) => {
    try {
      const out = await client.send(
        new AdminGetUserCommand({ UserPoolId: stack.config.cognito.userPoolId, Username: username }),
      );
      return Object.fromEntries((out.UserAttributes ?? []).map((a) => [a.Name ?? '', a.Value ?? '']));
    } catch (error) {
      if (error instanceof Error && error.name === 'UserNotFoundException') return null;
      throw error;
    }
  });
}

/** The Cognito user (AdminGetUser): status and attributes. Throws when it does not exist. */
export async function cognitoUser(
  stack: Stack,
  username: string,
): Promise<{ UserStatus: string; attributes: Record<string, string> }> {
  return withLocalCognito(stack, async (client) => {
    const out = await client.send(
      new AdminGetUserCommand({ UserPoolId: stack.config.cognito.userPoolId, Username: username }),
    );
    return {
      UserStatus: out.UserStatus ?? '',
      attributes: Object.fromEntries((out.UserAttributes ?? []).map((a) => [a.Name ?? '', a.Value ?? ''])),
    };
  });
}

/** Every item of the user's partition (sessions, sign-in methods, unlinked identities). */
export async function partitionItems(stack: Stack, userId: string) {
  return withLocalDynamoDb(stack, async (client) => {
    const out = await client.send(
      new QueryCommand({
        TableName: stack.config.dynamodb.tableName,
        ConsistentRead: true,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: `USER#${userId}` } },
      }),
    );
    return out.Items ?? [];
  });
}

/**
 * Turns an account into one from before verified sign-up: Cognito's
 * `email_verified` false and the email claim in its old shape (no `verified`
 * attribute). Sign in again afterwards for a session that sees it.
 */
export async function makeLegacy(stack: Stack, userId: string, email: string): Promise<void> {
  await withLocalCognito(stack, (client) =>
    client.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: stack.config.cognito.userPoolId,
        Username: userId,
        UserAttributes: [{ Name: 'email_verified', Value: 'false' }],
      }),
    ),
  );
  await withLocalDynamoDb(stack, (client) =>
    client.send(
      new PutItemCommand({
        TableName: stack.config.dynamodb.tableName,
        Item: {
          pk: { S: `EMAIL#${email}` },
          sk: { S: 'EMAIL' },
          userId: { S: userId },
          createdAt: { N: String(Date.now()) },
        },
      }),
    ),
  );
}

/** The email claim as versions before verified sign-up wrote it: no `verified` attribute (Cognito untouched). */
export async function makeClaimLegacy(stack: Stack, email: string): Promise<void> {
  await withLocalDynamoDb(stack, (client) =>
    client.send(
      new UpdateItemCommand({
        TableName: stack.config.dynamodb.tableName,
        Key: { pk: { S: `EMAIL#${email}` }, sk: { S: 'EMAIL' } },
        UpdateExpression: 'REMOVE verified',
      }),
    ),
  );
}

/** A passkey account made by the ordinary sign-up (stepped up by it), in `browser` or a new one. */
export async function passkeyAccount(stack: LocalStack, email: string, browser = new TestBrowser(stack)) {
  const authenticator = new SoftAuthenticator();
  const created = await signUp(browser, authenticator, email);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return { browser, authenticator, email, userId: created.body.user.id as string };
}

/** An account from before verified sign-up, signed in afresh so that its session sees the unverified email. */
export async function legacyAccount(stack: LocalStack, email: string) {
  const account = await passkeyAccount(stack, email);
  await makeLegacy(stack, account.userId, email);
  const browser = new TestBrowser(stack);
  const signedIn = await signIn(browser, account.authenticator);
  assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
  assert.equal(signedIn.body.user.emailVerified, false);
  return { ...account, browser };
}

/** A Google-only account: a Google sign-in with a new email. The session is not stepped up. */
export async function googleAccount(stack: LocalStack, email: string) {
  const walker = new GoogleFlowWalker(new TestBrowser(stack));
  const run = await walker.run('/auth/google?returnTo=/account', { email });
  assert.equal(run.finalUrl, `${stack.config.frontendUrl}/account`, run.finalUrl);
  const me = await walker.browser.get('/auth/me');
  assert.equal(me.status, 200, JSON.stringify(me.body));
  return { browser: walker.browser, walker, email, userId: me.body.user.id as string };
}

/** Step-up by emailed code: start, the code from the mailbox, verify. Returns the verify response. */
export async function stepUpByEmail(browser: TestBrowser, email: string): Promise<TestResponse> {
  const started = await browser.post('/auth/stepup/email/start');
  assert.equal(started.status, 202, JSON.stringify(started.body));
  const code = await lastCodeTo(browser.stack, email);
  return browser.post('/auth/stepup/email/verify', { code });
}

/** The mails to `to` of one kind, told apart by subject. */
export async function mailsWithSubject(
  stack: LocalStack,
  to: string,
  subject: RegExp,
): Promise<StoredMail[]> {
  return (await mailTo(stack, to)).filter((mail) => subject.test(mail.subject));
}
