// One cold start per call: a fresh process for one function, driven through a
// real passkey sign-in step, then kept warm for a few more.
import { randomBytes, randomUUID } from 'node:crypto';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { CHALLENGE_TTL_MS } from '../../src/passkeys/ceremony-options.ts';
import { apiGatewayProxy, gatewayStack } from '../../test/support/api-gateway.ts';
import { TestBrowser } from '../../test/support/browser.ts';
import { FunctionProcess, type FunctionProcessOptions, type Invocation } from './function-process.ts';
import { putPeerChallenge } from './peer-table.ts';
import { API_DOMAIN, FRONTEND, RP_ID, type SignInWorld } from './sign-in-world.ts';

export interface ColdRun {
  /** Spawn → last cold response, without the bench's own time between requests. */
  coldMs: number;
  spawnToReadyMs: number;
  /** Node's own start-up before the bundle is imported, measured in the child. */
  bootMs: number;
  /** Importing the bundle (module load, top-level await included): Lambda's INIT. */
  initMs: number;
  /** Handler time of each cold request, measured in the child. */
  requests: { label: string; handlerMs: number }[];
  /** RSS after the last cold response. */
  rssMb: number;
  /** CPU time of the process (user + system, all threads) from its start to the last cold response. */
  cpuMs: number;
  maxRssMb: number;
  /** Handler time per warm repetition (for the API: options + verify of one sign-in). */
  warmMs: number[];
  /** Child-clock microseconds: bundle import, and the span of the cold requests (for CPU profiles). */
  phases: { init: [number, number]; invoke: [number, number] };
}

/** One request of a cold run. */
type Call = Invocation & { label: string };

export interface RunOptions {
  bundleFile: string;
  warm: number;
  profile?: FunctionProcessOptions['profile'];
}

/** Runs `drive` against a fresh process, then reports its cold and warm numbers and exits it. */
async function coldRun(
  env: Record<string, string>,
  { bundleFile, profile }: RunOptions,
  drive: (proc: FunctionProcess) => Promise<Call[]>,
  warm: (proc: FunctionProcess) => Promise<number[]>,
): Promise<ColdRun> {
  const proc = new FunctionProcess({ bundleFile, env, ...(profile ? { profile } : {}) });
  try {
    const ready = await proc.ready;
    const requests = await drive(proc);
    const coldMs = proc.coldMs();
    const last = requests.at(-1);
    const warmMs = await warm(proc);
    const { maxRssKb } = await proc.exit();
    return {
      coldMs,
      spawnToReadyMs: ready.spawnToReadyMs,
      bootMs: ready.bootMs,
      initMs: ready.initMs,
      requests: requests.map(({ label, handlerMs }) => ({ label, handlerMs })),
      rssMb: (last?.rssBytes ?? 0) / 2 ** 20,
      cpuMs: last?.cpuMs ?? 0,
      maxRssMb: maxRssKb / 1024,
      warmMs,
      phases: {
        init: [ready.marks.importStart, ready.marks.importEnd],
        invoke: [requests[0]?.start ?? 0, last?.end ?? 0],
      },
    };
  } catch (error) {
    proc.kill();
    throw error;
  }
}

/** The browser-side of our API: cookies and CSRF header kept by TestBrowser, requests as API Gateway events. */
function apiBrowser(proc: FunctionProcess, log: Call[]): TestBrowser {
  const gateway = apiGatewayProxy(
    async (event) => {
      const { path } = event as { path: string };
      const call = await proc.invoke(event);
      log.push({ label: path.replace('/auth/', '').replace('passkey/', ''), ...call });
      return call.result;
    },
    { domainName: API_DOMAIN },
  );
  return new TestBrowser(gatewayStack(gateway, FRONTEND), { origin: FRONTEND });
}

async function apiSignIn(browser: TestBrowser, world: SignInWorld): Promise<void> {
  const options = await browser.post('/auth/passkey/login/options', {});
  if (options.status !== 200)
    throw new Error(`login/options: ${options.status} ${JSON.stringify(options.body)}`);
  const credential = await world.authenticator.authenticate(options.body.options, { origin: FRONTEND });
  const verified = await browser.post('/auth/passkey/login/verify', { credential });
  if (verified.status !== 200)
    throw new Error(`login/verify: ${verified.status} ${JSON.stringify(verified.body)}`);
}

/** Our API: GET /auth/csrf, then a usernameless passkey sign-in (login/options, login/verify). */
export function runOurApi(world: SignInWorld, options: RunOptions): Promise<ColdRun> {
  const log: Call[] = [];
  let browser: TestBrowser | undefined;
  return coldRun(
    world.env.api,
    options,
    async (proc) => {
      browser = apiBrowser(proc, log);
      await browser.primeCsrf();
      await apiSignIn(browser, world);
      return [...log];
    },
    async () => {
      const warm: number[] = [];
      for (let i = 0; i < options.warm; i++) {
        log.length = 0;
        if (browser) await apiSignIn(browser, world);
        warm.push(log.reduce((sum, call) => sum + call.handlerMs, 0));
      }
      return warm;
    },
  );
}

/** A VerifyAuthChallengeResponse event as Cognito sends our trigger, for a ceremony stored as login/options stores it. */
async function ourVerifyEvent(world: SignInWorld) {
  const id = randomUUID();
  const challenge = randomBytes(32).toString('base64url');
  await world.stack.store.putChallenge({
    id,
    challenge,
    purpose: 'authentication',
    expiresAt: Date.now() + CHALLENGE_TTL_MS,
  });
  const credential = await world.authenticator.authenticate(
    { challenge, rpId: RP_ID, allowCredentials: [], userVerification: 'required' },
    { origin: FRONTEND },
  );
  return cognitoEvent(world, {
    userAttributes: { sub: world.user.id, email: world.user.email, email_verified: 'true' },
    privateChallengeParameters: { type: 'PASSKEY' },
    challengeAnswer: JSON.stringify({ kind: 'assertion', ceremonyId: id, credential }),
  });
}

function cognitoEvent(world: SignInWorld, request: Record<string, unknown>) {
  const { config } = world.stack;
  return {
    version: '1',
    region: config.region,
    userPoolId: config.cognito.userPoolId,
    userName: world.user.id,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: config.cognito.clientId },
    triggerSource: 'VerifyAuthChallengeResponse_Authentication',
    request: { userNotFound: false, ...request },
    response: {},
  };
}

function assertAnswerCorrect(result: unknown, who: string): void {
  if ((result as { response?: { answerCorrect?: boolean } }).response?.answerCorrect !== true)
    throw new Error(`${who} refused a valid assertion: ${JSON.stringify(result)}`);
}

/** Our VerifyAuthChallengeResponse trigger on one real assertion. */
export function runOurVerify(world: SignInWorld, options: RunOptions): Promise<ColdRun> {
  const verifyOnce = async (proc: FunctionProcess) => {
    const event = await ourVerifyEvent(world);
    const call = await proc.invoke(event);
    assertAnswerCorrect(call.result, 'our verify trigger');
    return call;
  };
  return coldRun(
    world.env.verify,
    options,
    async (proc) => {
      return [{ label: 'verify', ...(await verifyOnce(proc)) }];
    },
    async (proc) => {
      const warm: number[] = [];
      for (let i = 0; i < options.warm; i++) warm.push((await verifyOnce(proc)).handlerMs);
      return warm;
    },
  );
}

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

/** A handler that does nothing: what node plus the harness costs before any bundle. */
export function runBare(options: RunOptions): Promise<ColdRun> {
  return coldRun(
    { PATH: process.env.PATH ?? '' },
    options,
    async (proc) => [{ label: 'noop', ...(await proc.invoke({})) }],
    async () => [],
  );
}
