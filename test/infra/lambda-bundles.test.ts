import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { bundleFunction, type FunctionName, PROJECT_ROOT } from '../../infra/bundle.ts';
import { localDefaults } from '../../src/local/local-config.ts';
import type { UserPoolTriggers } from '../../src/triggers/types.ts';
import { stepUpByEmail } from '../support/account.ts';
import { apiGatewayProxy, gatewayStack, type LambdaHandler } from '../support/api-gateway.ts';
import { TestBrowser } from '../support/browser.ts';
import { signIn, signUp, uniqueEmail } from '../support/flows.ts';
import { GoogleFlowWalker, hasSessionCookie, loginError } from '../support/google.ts';
import { lastCodeTo } from '../support/mailbox.ts';
import { startSecretsManager } from '../support/secrets-manager.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { startTestStack, TEST_SECRET_KEY, type TestStack } from '../support/stack.ts';

// Bundles live inside the project so `@aws-sdk/*` (external, as in the Lambda
// runtime) resolves from node_modules.
const OUT = join(PROJECT_ROOT, 'node_modules', '.cache', `expenser-bundle-test-${process.pid}`);
const FRONTEND = 'https://app.example.com';
const API_DOMAIN = 'api.example.com';

interface Bundle {
  handler: LambdaHandler;
  createApiHandler?: (env: Record<string, string>) => Promise<LambdaHandler>;
}

async function load(name: FunctionName): Promise<Bundle> {
  const { file } = await bundleFunction(name, join(OUT, name));
  return (await import(pathToFileURL(file).href)) as Bundle;
}

describe('bundled Lambda entry points, invoked with documented events against the local stack', () => {
  const bundles = {} as Record<FunctionName, Bundle>;
  /** The trigger source of every event the bundled PreSignUp answered. */
  const preSignUpSources: string[] = [];
  let stack: TestStack;

  before(async () => {
    mkdirSync(OUT, { recursive: true });
    for (const name of [
      'api',
      'preSignUp',
      'defineAuthChallenge',
      'createAuthChallenge',
      'verifyAuthChallenge',
    ] as const) {
      bundles[name] = await load(name);
    }
    const trigger = (name: FunctionName) => (event: unknown) => bundles[name].handler(event, {}) as never;
    const triggers: UserPoolTriggers = {
      preSignUp: (event) => {
        preSignUpSources.push(event.triggerSource);
        return trigger('preSignUp')(event);
      },
      defineAuthChallenge: trigger('defineAuthChallenge'),
      createAuthChallenge: trigger('createAuthChallenge'),
      verifyAuthChallengeResponse: trigger('verifyAuthChallenge'),
    };
    stack = await startTestStack({
      env: { RP_ID: 'example.com', RP_ORIGIN: FRONTEND, RP_NAME: 'Expenser' },
      triggers,
    });
    // The functions' environment, as the CDK stack sets it (endpoints point at the local stack).
    Object.assign(process.env, {
      AWS_REGION: stack.config.region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      DYNAMODB_TABLE_NAME: stack.config.dynamodb.tableName,
      DYNAMODB_ENDPOINT: stack.dynamodbEndpoint,
      COGNITO_ENDPOINT: stack.cognito.url,
      RP_ID: 'example.com',
      RP_NAME: 'Expenser',
      RP_ORIGIN: FRONTEND,
      LOG_LEVEL: 'silent',
    });
  });

  after(async () => {
    await stack?.close();
    rmSync(OUT, { recursive: true, force: true });
  });

  async function apiBrowser(
    payload: '1.0' | '2.0' = '1.0',
    extraEnv: Record<string, string> = {},
  ): Promise<TestBrowser> {
    const defaults = localDefaults(0);
    const create = bundles.api.createApiHandler ?? assert.fail('the API bundle exports createApiHandler');
    const arn = (name: string) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}`;
    const secretsManager = await startSecretsManager({
      [arn('key')]: TEST_SECRET_KEY,
      [arn('client')]: defaults.COGNITO_APP_CLIENT_SECRET ?? '',
    });
    let handler: LambdaHandler;
    try {
      process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = secretsManager.url;
      handler = await create({
        ...(process.env as Record<string, string>),
        COGNITO_USER_POOL_ID: stack.config.cognito.userPoolId,
        COGNITO_APP_CLIENT_ID: stack.config.cognito.clientId,
        COGNITO_APP_CLIENT_SECRET_SECRET_ARN: arn('client'),
        SECRET_KEY_SECRET_ARN: arn('key'),
        COGNITO_ENDPOINT: stack.cognito.url,
        API_GATEWAY_INVOKE_URL: `https://${API_DOMAIN}`,
        API_FRONTEND_URL: FRONTEND,
        MAIL_FROM: stack.config.mail.from,
        MAIL_ENDPOINT: stack.mail.endpoint,
        MAIL_START_FLOOR_MS: '20',
        ...extraEnv,
      });
    } finally {
      await secretsManager.close();
    }
    assert.deepEqual(
      secretsManager.requests.map((r) => r.secretId).sort(),
      [arn('client'), arn('key')],
      'both secrets read once from Secrets Manager',
    );
    for (const request of secretsManager.requests) {
      assert.equal(request.target, 'secretsmanager.GetSecretValue');
      assert.match(request.authorization, /\/us-east-1\/secretsmanager\/aws4_request, SignedHeaders=/);
    }
    const gateway = apiGatewayProxy(handler, { domainName: API_DOMAIN, payload });
    return new TestBrowser(gatewayStack(gateway, FRONTEND, stack.mail), { origin: FRONTEND });
  }

  test('trigger bundles answer Cognito-shaped events as documented', async () => {
    const base = {
      version: '1',
      region: 'us-east-1',
      userPoolId: 'us-east-1_LocalPool1',
      userName: 'a1b2',
      callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'client' },
    };
    const define = (await bundles.defineAuthChallenge.handler(
      {
        ...base,
        triggerSource: 'DefineAuthChallenge_Authentication',
        request: { userAttributes: {}, session: [] },
        response: {},
      },
      {},
    )) as { response: Record<string, unknown> };
    assert.deepEqual(define.response, {
      issueTokens: false,
      failAuthentication: false,
      challengeName: 'CUSTOM_CHALLENGE',
    });
    const create = (await bundles.createAuthChallenge.handler(
      {
        ...base,
        triggerSource: 'CreateAuthChallenge_Authentication',
        request: { userAttributes: {}, challengeName: 'CUSTOM_CHALLENGE', session: [] },
        response: {},
      },
      {},
    )) as { response: { publicChallengeParameters: Record<string, string> } };
    assert.deepEqual(create.response.publicChallengeParameters, { type: 'PASSKEY' });
    await assert.rejects(
      bundles.preSignUp.handler(
        { ...base, triggerSource: 'PreSignUp_SignUp', request: { userAttributes: {} }, response: {} },
        {},
      ),
      /Self-service sign-up is disabled/,
    );
    // A Google identity's first sign-in passes as it is: nothing confirmed, verified or looked up.
    const external = (await bundles.preSignUp.handler(
      {
        ...base,
        userName: 'Google_1029384756',
        triggerSource: 'PreSignUp_ExternalProvider',
        request: { userAttributes: { 'custom:google_email': 'ada@example.com' } },
        response: {},
      },
      {},
    )) as { response: Record<string, unknown> };
    assert.deepEqual(external.response, {
      autoConfirmUser: false,
      autoVerifyEmail: false,
      autoVerifyPhone: false,
    });
    const verify = (await bundles.verifyAuthChallenge.handler(
      {
        ...base,
        triggerSource: 'VerifyAuthChallengeResponse_Authentication',
        request: {
          userAttributes: {},
          privateChallengeParameters: {},
          challengeAnswer: '{"kind":"nonsense"}',
        },
        response: {},
      },
      {},
    )) as { response: { answerCorrect: boolean } };
    assert.equal(verify.response.answerCorrect, false);
  });

  test('passkey sign-up, sign-in, /auth/me, refresh and logout through API Gateway events and the bundled functions', async () => {
    const browser = await apiBrowser();
    const authenticator = new SoftAuthenticator();
    const email = uniqueEmail('bundle');

    const health = await browser.get('/auth/health');
    assert.equal(health.status, 200);
    assert.equal(health.headers.get('strict-transport-security') !== null, true, 'HTTPS security headers');

    const registered = await signUp(browser, authenticator, email);
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    assert.ok(browser.cookie('__Host-session'), 'a secure session cookie behind API Gateway');

    const signedOut = new TestBrowser(browser.stack, { origin: FRONTEND });
    const signedIn = await signIn(signedOut, authenticator, { email });
    assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
    const me = await signedOut.get('/auth/me');
    assert.equal(me.status, 200, JSON.stringify(me.body));
    assert.equal(me.body.user.email, email);
    const held = authenticator.credentials[0] ?? assert.fail('no credential');
    const stored = await stack.store.getCredential(held.id);
    assert.equal(stored?.counter, held.signCount, 'the bundled verify trigger recorded the counter');
    assert.ok(stored?.lastUsedAt, 'and the use');

    // Refresh and logout (RevokeToken, sent unsigned): the session record decides.
    const oldRefresh = signedOut.cookie('__Host-refresh') ?? assert.fail('no refresh cookie');
    const refreshed = await signedOut.post('/auth/refresh');
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    const rotated = signedOut.cookie('__Host-refresh') ?? assert.fail('no rotated refresh cookie');
    assert.notEqual(rotated, oldRefresh, 'every renewal replaces the refresh cookie');
    const refuses = async (refreshToken: string) => {
      const other = new TestBrowser(browser.stack, { origin: FRONTEND });
      other.cookies.set('__Host-refresh', refreshToken);
      await other.primeCsrf();
      const response = await other.post('/auth/refresh');
      assert.equal(response.status, 401, JSON.stringify(response.body));
      assert.equal(response.body.error.code, 'unauthenticated');
    };
    assert.equal((await signedOut.post('/auth/logout')).status, 200);
    assert.equal((await signedOut.get('/auth/me')).status, 401);
    // The session has ended: neither the replaced nor the current refresh cookie renews it.
    await refuses(oldRefresh);
    await refuses(rotated);

    const replay = await signIn(new TestBrowser(browser.stack, { origin: FRONTEND }), authenticator, {
      email,
      tamper: { signCount: 1 },
    });
    assert.equal(replay.status, 401, 'a regressed counter is refused by the bundled trigger');
  });

  test('account recovery through the bundled API and verify trigger: code, recovery session, new passkey', async () => {
    const owner = await apiBrowser();
    const lost = new SoftAuthenticator();
    const email = uniqueEmail('bundle-recover');
    const created = await signUp(owner, lost, email);
    assert.equal(created.status, 201, JSON.stringify(created.body));

    const rescue = new TestBrowser(owner.stack, { origin: FRONTEND, ip: '198.51.100.61' });
    await rescue.primeCsrf();
    const started = await rescue.post('/auth/recovery/start', { email });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.ok(rescue.cookie('__Host-code'), 'the code is bound to this browser');
    const code = await lastCodeTo(owner.stack, email);
    const calls = stack.cognito.counts();
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const refused = await rescue.post('/auth/recovery/verify', { email, code: wrong });
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.deepEqual(stack.cognito.counts(), calls, 'a wrong code never reaches Cognito');

    const recovered = await rescue.post('/auth/recovery/verify', { email, code });
    assert.equal(recovered.status, 200, JSON.stringify(recovered.body));
    assert.equal(
      (stack.cognito.counts().triggers.VerifyAuthChallengeResponse ?? 0) -
        (calls.triggers.VerifyAuthChallengeResponse ?? 0),
      1,
      'the bundled verify trigger consumed the grant',
    );
    assert.equal((await rescue.get('/auth/me')).body.session.authMethod, 'recovery');
    assert.equal((await owner.get('/auth/me')).status, 401, 'the other session ended');
    const renewal = await rescue.post('/auth/refresh');
    assert.equal(renewal.status, 403, JSON.stringify(renewal.body));
    assert.equal(renewal.body.error.code, 'recovery_session');

    const found = new SoftAuthenticator();
    const options = await rescue.post('/auth/passkeys/options');
    assert.equal(options.status, 200, JSON.stringify(options.body));
    const credential = await found.register(options.body.options, { origin: FRONTEND });
    assert.equal((await rescue.post('/auth/passkeys', { credential })).status, 201);
    assert.equal((await rescue.get('/auth/me')).body.session.authMethod, 'passkey');
    const lostId = lost.credentials[0]?.id ?? assert.fail('no credential');
    assert.equal((await rescue.request('DELETE', `/auth/passkeys/${lostId}`)).status, 204);
    const signedIn = await signIn(new TestBrowser(owner.stack, { origin: FRONTEND }), found, { email });
    assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
  });

  test('the bundled API behind an HTTP API (payload 2.0): sign-up, /auth/me and logout, cookies in their own list', async () => {
    const browser = await apiBrowser('2.0');
    const registered = await signUp(browser, new SoftAuthenticator(), uniqueEmail('bundle-v2'));
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    assert.ok(browser.cookie('__Host-session'), 'Set-Cookie reaches the browser through `cookies`');
    const me = await browser.get('/auth/me');
    assert.equal(me.status, 200, JSON.stringify(me.body));
    assert.equal((await browser.post('/auth/logout')).status, 200);
    assert.equal((await browser.get('/auth/me')).status, 401);
  });

  test('the bundled API writes EMF metrics to stdout for sign-ups, sign-ins and refusals, with no user in them', async () => {
    const browser = await apiBrowser('1.0', { METRICS_NAMESPACE: 'ExpenserAuth/BundleTest' });
    const emf: Record<string, unknown>[] = [];
    const write = process.stdout.write;
    // Only the EMF lines are taken; everything else (the test runner's own output) passes through.
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      if (typeof chunk === 'string' && chunk.startsWith('{"_aws"')) {
        emf.push(JSON.parse(chunk));
        return true;
      }
      return write.call(process.stdout, chunk, ...rest);
    }) as typeof process.stdout.write;
    const email = uniqueEmail('bundle-metrics');
    const authenticator = new SoftAuthenticator();
    try {
      assert.equal((await signUp(browser, authenticator, email)).status, 201);
      const other = new TestBrowser(browser.stack, { origin: FRONTEND });
      assert.equal((await signIn(other, authenticator, { email })).status, 200);
      const tampered = new TestBrowser(browser.stack, { origin: FRONTEND });
      assert.equal((await signIn(tampered, authenticator, { email, tamper: { signCount: 1 } })).status, 401);
    } finally {
      process.stdout.write = write;
    }
    const counted = emf.map((line) => {
      const directive = (
        line._aws as {
          CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
        }
      ).CloudWatchMetrics[0];
      assert.equal(directive?.Namespace, 'ExpenserAuth/BundleTest');
      const dims = (directive?.Dimensions[0] ?? []).map((d) => `${d}=${line[d]}`).join(',');
      return `${directive?.Metrics[0]?.Name}{${dims}}`;
    });
    for (const expected of [
      'SignUp{Method=passkey,Outcome=success}',
      'SignIn{Method=passkey,Outcome=success}',
      'Refusal{Reason=passkey_rejected}',
      'SignIn{Method=passkey,Outcome=failure}',
    ]) {
      assert.ok(counted.includes(expected), `${expected} in ${counted.join(' ')}`);
    }
    assert.doesNotMatch(JSON.stringify(emf), new RegExp(email.split('@')[0] ?? email));
  });

  test('Google first sign-ins pass the bundled PreSignUp, which reaches nothing: same verified email links, creation, an explicit link, a Google-only user adds a passkey and signs in with it', async () => {
    // The HTTP side is the in-process app here, which applies the linking rules; the bundled
    // PreSignUp only lets each first sign-in's federated user be created (then replaced by a
    // native user), and the bundled custom-auth triggers sign that native user in.
    // Passkeys are bound to the front end's origin (RP_ORIGIN), as in AWS.
    const before = preSignUpSources.length;
    const passkeyBrowser = () => new TestBrowser({ ...stack, origin: FRONTEND }, { origin: FRONTEND });
    const email = uniqueEmail('bundle-google');
    const owner = passkeyBrowser();
    const created = await signUp(owner, new SoftAuthenticator(), email);
    assert.equal(created.status, 201, JSON.stringify(created.body));

    // A verified account and Google's verified identity with its email are one person.
    const same = new GoogleFlowWalker(new TestBrowser(stack));
    const run = await same.run('/auth/google?returnTo=/expenses', { email });
    assert.equal(loginError(run.finalUrl), null, run.finalUrl);
    const sameMe = await same.browser.get('/auth/me');
    assert.equal(sameMe.body.user.id, created.body.user.id);

    const fresh = new GoogleFlowWalker(new TestBrowser(stack));
    const newEmail = uniqueEmail('bundle-new');
    const welcomed = await fresh.run('/auth/google?returnTo=/expenses', { email: newEmail });
    assert.equal(welcomed.finalUrl, `${stack.config.frontendUrl}/expenses`);
    assert.ok(hasSessionCookie(fresh.browser));
    assert.deepEqual(
      preSignUpSources.slice(before).filter((source) => source === 'PreSignUp_ExternalProvider').length,
      2,
      'the bundled PreSignUp answered both first sign-ins',
    );
    const googleOnly = (await fresh.browser.get('/auth/me')).body.user.id as string;
    assert.doesNotMatch(googleOnly, /^google_/i, 'a native user');

    // The Google-only user adds a passkey (step-up by emailed code) and signs in with it:
    // CUSTOM_AUTH for a native user, through the bundled define, create and verify triggers.
    const adder = fresh.browser;
    adder.origin = FRONTEND;
    assert.equal((await stepUpByEmail(adder, newEmail)).status, 204);
    const authenticator = new SoftAuthenticator();
    const options = await adder.post('/auth/passkeys/options');
    assert.equal(options.status, 200, JSON.stringify(options.body));
    const credential = await authenticator.register(options.body.options, { origin: FRONTEND });
    assert.equal((await adder.post('/auth/passkeys', { credential })).status, 201);
    const viaPasskey = await signIn(passkeyBrowser(), authenticator);
    assert.equal(viaPasskey.status, 200, JSON.stringify(viaPasskey.body));
    assert.equal(viaPasskey.body.user.id, googleOnly);
    assert.deepEqual(viaPasskey.body.user.providers, ['passkey', 'google']);

    const linker = passkeyBrowser();
    assert.equal((await signUp(linker, new SoftAuthenticator(), uniqueEmail('bundle-linker'))).status, 201);
    const link = new GoogleFlowWalker(linker);
    const started = await linker.post('/auth/google/link');
    assert.equal(started.status, 200, JSON.stringify(started.body));
    const linked = await link.run(started.body.redirectTo, { email: uniqueEmail('bundle-linked') });
    assert.equal(linked.finalUrl, `${stack.config.frontendUrl}/account`);
    const me = await linker.get('/auth/me');
    assert.deepEqual(me.body.user.providers, ['passkey', 'google']);
  });
});
