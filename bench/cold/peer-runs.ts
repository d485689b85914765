// The sample's functions through the same cold runs as ours (cold-runs.ts): its
// FIDO2 challenge API answering POST /sign-in-challenge, and its verify trigger
// answering the event Cognito sends after its client's FIDO2 answer.
import { randomBytes, randomUUID } from 'node:crypto';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { assertAnswerCorrect, type ColdRun, cognitoEvent, coldRun, type RunOptions } from './cold-runs.ts';
import { putPeerChallenge } from './peer-table.ts';
import { FRONTEND, RP_ID, type SignInWorld } from './sign-in-world.ts';

/** POST /sign-in-challenge through API Gateway (REST, proxy), as the sample's client calls it. */
function peerChallengeEvent() {
  return {
    resource: '/sign-in-challenge',
    path: '/sign-in-challenge',
    httpMethod: 'POST',
    headers: { origin: FRONTEND, 'content-type': 'application/json' },
    multiValueHeaders: { origin: [FRONTEND], 'content-type': ['application/json'] },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'f1d02c4e5b',
      resourcePath: '/sign-in-challenge',
      httpMethod: 'POST',
      path: '/v1/sign-in-challenge',
      stage: 'v1',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      identity: { sourceIp: '198.51.100.7', userAgent: 'bench' },
    },
    body: null,
    isBase64Encoded: false,
  };
}

function challengeOf(result: unknown): string {
  const { statusCode, body } = result as { statusCode: number; body: string };
  if (statusCode !== 200) throw new Error(`sample challenge API: ${statusCode} ${body}`);
  return (JSON.parse(body) as { challenge: string }).challenge;
}

/** The sample's FIDO2 challenge API: one usernameless sign-in challenge. Returns the run and the challenge. */
export async function runPeerChallenge(
  world: SignInWorld,
  options: RunOptions,
): Promise<{ run: ColdRun; challenge: string }> {
  let challenge = '';
  const run = await coldRun(
    world.env.peerChallenge,
    options,
    async (proc) => {
      const call = await proc.invoke(peerChallengeEvent());
      challenge = challengeOf(call.result);
      return [{ label: 'sign-in-challenge', ...call }];
    },
    async (proc) => {
      const warm: number[] = [];
      for (let i = 0; i < options.warm; i++) {
        const call = await proc.invoke(peerChallengeEvent());
        challengeOf(call.result);
        warm.push(call.handlerMs);
      }
      return warm;
    },
  );
  return { run, challenge };
}

/**
 * The event Cognito sends the sample's verify trigger after its client answered
 * the first custom challenge with a FIDO2 assertion (`signInMethod: FIDO2`):
 * `fido2options` as its CreateAuthChallenge attached them (a challenge of its
 * own and the user's credential ids), the assertion signed over the challenge
 * from the challenge API (the usernameless path: DeleteItem of the challenge,
 * GetItem of the credential, UpdateItem of its counter).
 */
async function peerVerifyEvent(world: SignInWorld, challenge: string) {
  const assertion: AuthenticationResponseJSON = await world.authenticator.authenticate(
    { challenge, rpId: RP_ID, allowCredentials: [], userVerification: 'required' },
    { origin: FRONTEND },
  );
  const fido2options = JSON.stringify({
    challenge: randomBytes(64).toString('base64url'),
    credentials: [{ id: assertion.id, transports: ['internal', 'hybrid'] }],
    timeout: 120_000,
    userVerification: 'required',
  });
  return cognitoEvent(world, {
    userAttributes: { sub: world.user.id, email: world.user.email, email_verified: 'true' },
    privateChallengeParameters: { challenge: 'PROVIDE_AUTH_PARAMETERS', fido2options },
    challengeAnswer: JSON.stringify({
      credentialIdB64: assertion.id,
      authenticatorDataB64: assertion.response.authenticatorData,
      clientDataJSON_B64: assertion.response.clientDataJSON,
      signatureB64: assertion.response.signature,
      userHandleB64: assertion.response.userHandle,
    }),
    clientMetadata: { signInMethod: 'FIDO2' },
  });
}

/** The sample's VerifyAuthChallengeResponse trigger on a real assertion over `challenge`. */
export function runPeerVerify(world: SignInWorld, challenge: string, options: RunOptions): Promise<ColdRun> {
  return coldRun(
    world.env.peerVerify,
    options,
    async (proc) => {
      const call = await proc.invoke(await peerVerifyEvent(world, challenge));
      assertAnswerCorrect(call.result, "the sample's verify trigger");
      return [{ label: 'verify', ...call }];
    },
    async (proc) => {
      const warm: number[] = [];
      for (let i = 0; i < options.warm; i++) {
        const next = randomBytes(64).toString('base64url');
        await putPeerChallenge(world.peer.client, world.peer.tableName, next);
        const call = await proc.invoke(await peerVerifyEvent(world, next));
        assertAnswerCorrect(call.result, "the sample's verify trigger");
        warm.push(call.handlerMs);
      }
      return warm;
    },
  );
}
