import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { SMOKE_STEPS } from '../../scripts/smoke/run-smoke.ts';
import { requestCounterKey } from '../../src/http/rate-limit.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SMOKE = join(ROOT, 'scripts', 'smoke.ts');

interface SmokeRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `node scripts/smoke.ts` as `npm run smoke` starts it. The environment is
 * built from scratch: local credentials (the SDK's chain stops there, so it
 * never asks an instance metadata service) and no AWS profile or region, so
 * nothing leaves 127.0.0.1.
 */
async function smoke(args: string[], env: Record<string, string> = {}): Promise<SmokeRun> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', SMOKE, ...args],
      {
        cwd: ROOT,
        timeout: 60_000,
        env: {
          PATH: process.env.PATH ?? '',
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
          AWS_EC2_METADATA_DISABLED: 'true',
          ...env,
        },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof code !== 'number') throw error;
    return { code, stdout: stdout ?? '', stderr: stderr ?? '' };
  }
}

/** A port on 127.0.0.1 that was free a moment ago and has nothing listening now. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const okLine = (step: string) => new RegExp(`^ {2}ok {4}${step} +\\d+ ms`, 'm');
const failLine = (step: string) => new RegExp(`^ {2}FAIL {2}${step} +\\d+ ms {2}(.*)$`, 'm');

/** A token, a sealed cookie or a CSRF token is a long base64url run; nothing printed may hold one. */
function assertNoSecrets(output: string): void {
  assert.doesNotMatch(output, /[A-Za-z0-9_-]{40,}/);
  assert.doesNotMatch(output, /\b(__Host-)?(session|refresh|csrf)=/);
}

/** The test user the run printed at its first step. */
function testUserOf(stdout: string): { userId: string; email: string } {
  const match = /ok {4}create test user +\d+ ms {2}(\S+) (\S+)$/m.exec(stdout);
  assert.ok(match?.[1] && match[2], stdout);
  return { userId: match[1], email: match[2] };
}

describe('npm run smoke -- --local', () => {
  test('signs a throw-away user in and out through the API of a local stack it starts, and passes', async () => {
    const run = await smoke(['--local']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    for (const step of SMOKE_STEPS) assert.match(run.stdout, okLine(step), `step "${step}"`);
    assert.doesNotMatch(run.stdout, /FAIL/);
    assert.match(run.stdout, /^ {2}SES sending identity .*: local SES \(aws-ses-v2-local\)$/m);
    assert.match(run.stdout, /^ {2}SES account: local SES \(aws-ses-v2-local\)$/m);
    assert.match(run.stdout, /^smoke test passed$/m);
    assertNoSecrets(run.stdout + run.stderr);
  });
});

describe('npm run smoke -- --api <url> fails at the first step that fails', () => {
  let stack: TestStack;
  /** Renewal answers 500 while set: a deployment whose refresh is broken. */
  let breakRenewal = false;
  before(async () => {
    stack = await startTestStack({
      wrapStore: (store) => ({
        ...store,
        renewSession: (...args) => {
          if (breakRenewal) throw new Error('injected: renewal fails');
          return store.renewSession(...args);
        },
      }),
    });
  });
  after(() => stack.close());

  /** The smoke test pointed at this stack as at a deployment: flags, and endpoint overrides for the emulators. */
  const smokeAgainstStack = (apiUrl = stack.url) =>
    smoke(
      [
        '--api',
        apiUrl,
        '--origin',
        stack.origin,
        '--rp-id',
        stack.config.rp.id,
        '--user-pool-id',
        stack.config.cognito.userPoolId,
        '--table',
        stack.config.dynamodb.tableName,
        '--mail-from',
        stack.config.mail.from,
      ],
      {
        COGNITO_ENDPOINT: stack.cognito.url,
        DYNAMODB_ENDPOINT: stack.dynamodbEndpoint,
        MAIL_ENDPOINT: stack.mail.endpoint,
        RATE_LIMIT_WINDOW_SECONDS: String(stack.config.rateLimit.windowSeconds),
      },
    );

  async function assertUserDeleted(user: { userId: string; email: string }): Promise<void> {
    assert.equal(stack.cognito.listUsernames().includes(user.userId), false, 'Cognito user left behind');
    assert.equal(await stack.store.findEmailClaim(user.email), null, 'email claim left behind');
    assert.deepEqual(await stack.store.listCredentials(user.userId), [], 'credential left behind');
    assert.deepEqual(await stack.store.listSessions(user.userId), [], 'session left behind');
  }

  test('a broken refresh: exit 1 at "refresh" with status and code, no later step, the user deleted', async () => {
    breakRenewal = true;
    const run = await smokeAgainstStack().finally(() => {
      breakRenewal = false;
    });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    for (const step of ['create test user', 'csrf', 'sign-in options', 'sign-in verify', 'me']) {
      assert.match(run.stdout, okLine(step), `step "${step}"`);
    }
    assert.equal(failLine('refresh').exec(run.stdout)?.[1], 'expected 200, got 500 internal_error');
    assert.doesNotMatch(run.stdout, /^ {2}(ok|FAIL) +sessions/m);
    assert.match(run.stdout, okLine('delete test user'));
    assert.match(run.stdout, /^smoke test FAILED at "refresh": expected 200, got 500 internal_error$/m);
    assertNoSecrets(run.stdout + run.stderr);
    await assertUserDeleted(testUserOf(run.stdout));
  });

  test('requests counted as from an unknown address (source IP not read): exit 1 at "source address"', async () => {
    await stack.store.recordFailure(
      requestCounterKey('signin-options', 'unknown'),
      stack.config.rateLimit.windowSeconds,
    );
    const run = await smokeAgainstStack();
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, okLine('csrf refused'));
    assert.match(
      failLine('source address').exec(run.stdout)?.[1] ?? '',
      /^1 sign-in option requests were counted/,
    );
    await assertUserDeleted(testUserOf(run.stdout));
  });

  test('nothing listening at --api: exit 1 at the first request, the user still deleted', async () => {
    const run = await smokeAgainstStack(`http://127.0.0.1:${await closedPort()}`);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.equal(failLine('csrf').exec(run.stdout)?.[1], 'no answer: fetch failed (ECONNREFUSED)');
    await assertUserDeleted(testUserOf(run.stdout));
  });
});
