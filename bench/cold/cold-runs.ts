// One cold start per call: a fresh process for one of our functions, driven
// through a real passkey sign-in step, then kept warm for a few more
// (peer-runs.ts does the same for the sample's).
import { randomBytes, randomUUID } from 'node:crypto';
import { CHALLENGE_TTL_MS } from '../../src/passkeys/ceremony-options.ts';
import { apiGatewayProxy, gatewayStack } from '../../test/support/api-gateway.ts';
import { TestBrowser } from '../../test/support/browser.ts';
import { FunctionProcess, type FunctionProcessOptions, type Invocation } from './function-process.ts';
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
export async function coldRun(
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

/** A VerifyAuthChallengeResponse event of the local pool for the bench's user. */
export function cognitoEvent(world: SignInWorld, request: Record<string, unknown>) {
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

export function assertAnswerCorrect(result: unknown, who: string): void {
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

/** A handler that does nothing: what node plus the harness costs before any bundle. */
export function runBare(options: RunOptions): Promise<ColdRun> {
  return coldRun(
    { PATH: process.env.PATH ?? '' },
    options,
    async (proc) => [{ label: 'noop', ...(await proc.invoke({})) }],
    async () => [],
  );
}
