import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Store } from '../../src/store/types.ts';
import { TestBrowser } from '../support/browser.ts';
import { assertRejected, signIn, signUp, uniqueEmail } from '../support/flows.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

describe('rate limits (failures per trusted client IP and per account)', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack({ env: { RATE_LIMIT_IP_FAILURES: '3', RATE_LIMIT_ACCOUNT_FAILURES: '4' } });
  });
  after(async () => {
    await stack.close();
  });

  test('an address over its failure budget gets 429 with Retry-After; X-Forwarded-For changes nothing', async () => {
    const owner = new SoftAuthenticator();
    assert.equal((await signUp(new TestBrowser(stack), owner, uniqueEmail())).status, 201);
    const attacker = new TestBrowser(stack, { ip: '192.0.2.10' });
    for (let i = 0; i < 3; i += 1) {
      assertRejected(await signIn(attacker, owner, { tamper: { badSignature: true } }));
    }
    const spoofed = await signIn(attacker, owner, { tamper: { badSignature: true } });
    assertRejected(spoofed, 429, 'rate_limited');
    assert.ok(Number(spoofed.headers.get('retry-after')) >= 1);
    // A valid assertion from the blocked address is refused too, and a forged
    // X-Forwarded-For does not buy a fresh budget.
    const credential = await signIn(attacker, owner, {});
    assertRejected(credential, 429, 'rate_limited');
    const forwarded = await attacker.request('POST', '/auth/passkey/login/verify', {
      body: { credential: {} },
      headers: { 'x-forwarded-for': '10.9.8.7' },
    });
    assert.equal(forwarded.status, 429);
  });

  test('a flood against one account from many addresses never locks its owner out', async () => {
    const owner = new SoftAuthenticator();
    const created = await signUp(new TestBrowser(stack), owner, uniqueEmail('owner'));
    assert.equal(created.status, 201);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      const attacker = new TestBrowser(stack, { ip: `198.18.0.${i + 1}` });
      const response = await signIn(attacker, owner, { tamper: { badSignature: true } });
      assert.equal(
        response.setCookies.some((l) => l.startsWith('session=')),
        false,
      );
      statuses.push(response.status);
    }
    assert.ok(statuses.includes(429), `per-account failures beyond the budget answer 429 (${statuses})`);
    const ownerBrowser = new TestBrowser(stack, { ip: '203.0.113.99' });
    const signedIn = await signIn(ownerBrowser, owner);
    assert.equal(signedIn.status, 200, 'the owner signs in with a valid passkey despite the flood');
  });
});

describe('no half-created account when a step of sign-up fails', () => {
  let stack: TestStack;
  let failCreateAccount = false;
  before(async () => {
    // Fault injection: DynamoDB cannot be made to fail on demand, so the store the
    // HTTP app uses is wrapped to throw as an outage would (the only mock here).
    stack = await startTestStack({
      wrapStore: (store: Store): Store => ({
        ...store,
        createAccount: async (input) => {
          if (failCreateAccount)
            throw Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' });
          return store.createAccount(input);
        },
      }),
    });
  });
  after(async () => {
    await stack.close();
  });

  test('storing the credential fails after the Cognito user was created → user removed, 500 without details, retry works', async () => {
    const email = uniqueEmail();
    const browser = new TestBrowser(stack);
    const authenticator = new SoftAuthenticator();
    const users = stack.cognito.listUsernames().length;
    failCreateAccount = true;
    const failed = await signUp(browser, authenticator, email);
    failCreateAccount = false;
    assert.equal(failed.status, 500);
    assert.deepEqual(Object.keys(failed.body.error).sort(), ['code', 'message']);
    assert.equal(failed.body.error.code, 'internal_error');
    assert.equal(
      failed.setCookies.some((l) => l.startsWith('session=')),
      false,
    );
    assert.equal(stack.cognito.listUsernames().length, users, 'the Cognito user was removed again');
    assert.equal(await stack.store.findUserIdByEmail(email), null);
    assert.equal(await stack.store.getCredential(authenticator.credentials[0]?.id ?? ''), null);

    const retry = await signUp(browser, new SoftAuthenticator(), email);
    assert.equal(retry.status, 201, 'the same email can sign up again');
  });
});
