// Shared setup for the emulator tests: a pool, stub triggers that record the
// events they receive, and an SDK v3 client pointed at the emulator.
import { createHmac } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminInitiateAuthCommand,
  type AdminInitiateAuthCommandOutput,
  AdminRespondToAuthChallengeCommand,
  type AdminRespondToAuthChallengeCommandOutput,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { USERNAMES_CASE_SENSITIVE } from '../../src/cognito/pool-settings.ts';
import type { Clock } from '../../src/errors.ts';
import {
  type CognitoEmulator,
  type CognitoEmulatorOptions,
  startCognitoEmulator,
} from '../../src/local/cognito/index.ts';
import type {
  CreateAuthChallengeEvent,
  DefineAuthChallengeEvent,
  UserPoolTriggers,
  VerifyAuthChallengeResponseEvent,
} from '../../src/triggers/types.ts';

export const POOL = {
  region: 'us-east-1',
  userPoolId: 'us-east-1_LocalPool1',
  userPoolName: 'expenser-local',
  clientId: 'localclient0123456789',
  clientSecret: 'localsecret0123456789abcdefghij',
  clientName: 'expenser-web',
  // The pool the deployed stack creates (src/cognito/pool-settings.ts); users.test.ts also
  // checks a case-sensitive one, Cognito's default.
  caseSensitive: USERNAMES_CASE_SENSITIVE,
} as const;

/** Base64(HMAC-SHA256(clientSecret, username + clientId)), written out independently of the adapter. */
export function secretHash(username: string, secret: string = POOL.clientSecret): string {
  return createHmac('sha256', secret)
    .update(username + POOL.clientId)
    .digest('base64');
}

/** A clock tests can move. */
export function manualClock(start = Date.now()) {
  let now = start;
  const clock: Clock = () => now;
  const advance = (ms: number): void => {
    now += ms;
  };
  return { clock, advance };
}

export interface TriggerCalls {
  define: DefineAuthChallengeEvent[];
  create: CreateAuthChallengeEvent[];
  verify: VerifyAuthChallengeResponseEvent[];
}

/**
 * Stub triggers: Define asks for CUSTOM_CHALLENGE first, issues tokens after
 * `rounds` correct answers, fails on a wrong one; Create's private parameter is
 * the expected answer; Verify compares.
 */
export function stubTriggers(calls: TriggerCalls, { rounds = 1 } = {}): UserPoolTriggers {
  return {
    async defineAuthChallenge(event) {
      calls.define.push(structuredClone(event));
      const { session } = event.request;
      const last = session.at(-1);
      if (session.length === 0) return { ...event, response: { challengeName: 'CUSTOM_CHALLENGE' } };
      if (last?.challengeResult !== true) return { ...event, response: { failAuthentication: true } };
      if (session.length >= rounds) return { ...event, response: { issueTokens: true } };
      return { ...event, response: { challengeName: 'CUSTOM_CHALLENGE' } };
    },
    async createAuthChallenge(event) {
      calls.create.push(structuredClone(event));
      const round = event.request.session.length + 1;
      return {
        ...event,
        response: {
          publicChallengeParameters: { hint: `say right (round ${round})` },
          privateChallengeParameters: { expected: 'right' },
          challengeMetadata: `ROUND_${round}`,
        },
      };
    },
    async verifyAuthChallengeResponse(event) {
      calls.verify.push(structuredClone(event));
      const answerCorrect =
        event.request.challengeAnswer === event.request.privateChallengeParameters.expected;
      return { ...event, response: { answerCorrect } };
    },
  };
}

export interface TestPool {
  emulator: CognitoEmulator;
  client: CognitoIdentityProviderClient;
  calls: TriggerCalls;
  close(): Promise<void>;
}

export function sdkClient(url: string): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint: url,
    region: POOL.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

/** An emulator with the stub triggers (overridable) and a client; `close()` stops both. */
export async function startTestPool(
  options: Partial<CognitoEmulatorOptions> & { rounds?: number } = {},
): Promise<TestPool> {
  const calls: TriggerCalls = { define: [], create: [], verify: [] };
  const { rounds, triggers, ...rest } = options;
  const emulator = await startCognitoEmulator({
    ...POOL,
    triggers: { ...stubTriggers(calls, { rounds }), ...triggers },
    ...rest,
  });
  const client = sdkClient(emulator.url);
  return {
    emulator,
    client,
    calls,
    async close() {
      client.destroy();
      await emulator.close();
    },
  };
}

export async function createUser(
  client: CognitoIdentityProviderClient,
  username: string,
  email = `${username}@example.com`,
) {
  const out = await client.send(
    new AdminCreateUserCommand({
      UserPoolId: POOL.userPoolId,
      Username: username,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'email_verified', Value: 'true' },
      ],
    }),
  );
  if (!out.User) throw new Error('AdminCreateUser returned no user');
  return out.User;
}

export function initiate(
  client: CognitoIdentityProviderClient,
  username: string,
  extra: { secretHash?: string; clientMetadata?: Record<string, string> } = {},
): Promise<AdminInitiateAuthCommandOutput> {
  return client.send(
    new AdminInitiateAuthCommand({
      UserPoolId: POOL.userPoolId,
      ClientId: POOL.clientId,
      AuthFlow: 'CUSTOM_AUTH',
      AuthParameters: { USERNAME: username, SECRET_HASH: extra.secretHash ?? secretHash(username) },
      ClientMetadata: extra.clientMetadata,
    }),
  );
}

export function respond(
  client: CognitoIdentityProviderClient,
  session: string | undefined,
  username: string,
  answer: string,
  clientMetadata?: Record<string, string>,
): Promise<AdminRespondToAuthChallengeCommandOutput> {
  return client.send(
    new AdminRespondToAuthChallengeCommand({
      UserPoolId: POOL.userPoolId,
      ClientId: POOL.clientId,
      ChallengeName: 'CUSTOM_CHALLENGE',
      Session: session,
      ChallengeResponses: { USERNAME: username, ANSWER: answer, SECRET_HASH: secretHash(username) },
      ClientMetadata: clientMetadata,
    }),
  );
}

/** Initiate + one correct answer; returns the tokens. */
export async function signIn(client: CognitoIdentityProviderClient, username: string) {
  const started = await initiate(client, username);
  const realUsername = started.ChallengeParameters?.USERNAME ?? username;
  const done = await respond(client, started.Session, realUsername, 'right');
  const result = done.AuthenticationResult;
  if (!result?.AccessToken || !result.IdToken || !result.RefreshToken)
    throw new Error('sign-in returned no tokens');
  return {
    accessToken: result.AccessToken,
    idToken: result.IdToken,
    refreshToken: result.RefreshToken,
    result,
  };
}

/** Asserts a rejected promise carries the given Cognito exception name (and message, when given). */
export async function rejectsWith(
  promise: Promise<unknown>,
  name: string,
  message?: string | RegExp,
): Promise<void> {
  try {
    await promise;
  } catch (error) {
    const e = error as Error;
    if (e.name !== name) throw new Error(`expected ${name}, got ${e.name}: ${e.message}`);
    if (typeof message === 'string' && e.message !== message) {
      throw new Error(`expected message ${JSON.stringify(message)}, got ${JSON.stringify(e.message)}`);
    }
    if (message instanceof RegExp && !message.test(e.message)) {
      throw new Error(`expected message matching ${message}, got ${JSON.stringify(e.message)}`);
    }
    return;
  }
  throw new Error(`expected ${name}, but the call succeeded`);
}
