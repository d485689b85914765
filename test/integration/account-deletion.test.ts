// docs/api.md "Email, recovery and the account": DELETE /auth/account (CSRF,
// step-up) deletes the Cognito user, every credential, the email claim and
// every session, revokes every refresh token, mails a notice and frees the email.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { googleSubFor } from '../../src/local/google/index.ts';
import type { Store } from '../../src/store/types.ts';
import {
  cognitoAttributes,
  cognitoUser,
  googleAccount,
  mailsWithSubject,
  partitionItems,
  passkeyAccount,
  stepUpByEmail,
} from '../support/account.ts';
import { assertError, TestBrowser, type TestResponse } from '../support/browser.ts';
import { assertRejected, signIn, signUp, uniqueEmail } from '../support/flows.ts';
import { GoogleFlowWalker } from '../support/google.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { manualClock, startTestStack, type TestStack } from '../support/stack.ts';

const MINUTE = 60 * 1000;
const DELETED_NOTICE = /^Your account was deleted/;

describe('deleting the account (docs/api.md "Email, recovery and the account")', () => {
  let stack: TestStack;
  const time = manualClock();
  /** Fault injection: the next deleteAccount fails before doing anything. */
  let failNextDeletion = false;

  before(async () => {
    stack = await startTestStack({
      clock: time.clock,
      wrapStore: (store: Store): Store => ({
        ...store,
        async deleteAccount(input) {
          if (failNextDeletion) {
            failNextDeletion = false;
            throw new Error('injected: the table is unavailable');
          }
          return store.deleteAccount(input);
        },
      }),
    });
  });
  after(() => stack.close());

  const clearsCookie = (response: TestResponse, name: string) =>
    response.setCookies.some(
      (line) => new RegExp(`^(__Host-)?${name}=;`).test(line) && /Max-Age=0/i.test(line),
    );

  test('everything goes: Cognito user, credentials, claim, sessions; refresh fails; a notice; the email signs up again', async () => {
    const address = uniqueEmail('delete');
    const { browser, authenticator, userId } = await passkeyAccount(stack, address);
    const second = new SoftAuthenticator();
    const options = await browser.post('/auth/passkeys/options');
    const added = await browser.post('/auth/passkeys', {
      credential: await second.register(options.body.options, { origin: stack.origin }),
    });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    const elsewhere = new TestBrowser(stack);
    assert.equal((await signIn(elsewhere, second)).status, 200);
    const credentialIds = [authenticator.credentials[0]?.id ?? '', second.credentials[0]?.id ?? ''];

    const deleted = await browser.request('DELETE', '/auth/account');
    assert.equal(deleted.status, 204, JSON.stringify(deleted.body));
    assert.ok(clearsCookie(deleted, 'session'), 'the session cookie is cleared');
    assert.ok(clearsCookie(deleted, 'refresh'), 'the refresh cookie is cleared');

    assert.equal(await cognitoAttributes(stack, userId), null, 'the Cognito user is gone');
    for (const id of credentialIds) assert.equal(await stack.store.getCredential(id), null);
    assert.equal(await stack.store.findEmailClaim(address), null);
    assert.deepEqual(await stack.store.listSessions(userId), []);
    assert.deepEqual(await partitionItems(stack, userId), [], 'no session, methods or other record is left');

    // Every copy of every session is dead, refresh included.
    assert.equal((await elsewhere.post('/auth/refresh')).status, 401);
    assert.equal((await elsewhere.get('/auth/me')).status, 401);
    assert.equal((await browser.get('/auth/me')).status, 401);
    // The passkeys no longer sign in.
    assertRejected(await signIn(new TestBrowser(stack), authenticator));

    assert.equal((await mailsWithSubject(stack, address, DELETED_NOTICE)).length, 1, 'a notice is mailed');

    // The email is free: a new sign-up gets a code and a new account.
    const again = await signUp(new TestBrowser(stack), new SoftAuthenticator(), address);
    assert.equal(again.status, 201, JSON.stringify(again.body));
    assert.notEqual(again.body.user.id, userId);
  });

  test('needs a step-up and the CSRF header; nothing is deleted without them', async () => {
    const address = uniqueEmail('keep');
    const { browser, userId } = await passkeyAccount(stack, address);
    assertError(await browser.request('DELETE', '/auth/account', { csrf: false }), 403, 'csrf_failed');
    time.advance(6 * MINUTE);
    try {
      assertError(await browser.request('DELETE', '/auth/account'), 401, 'reauth_required');
    } finally {
      time.advance(-6 * MINUTE);
    }
    assert.notEqual(await cognitoAttributes(stack, userId), null);
    assert.deepEqual(await stack.store.findEmailClaim(address), { userId, verified: true });
    assert.equal((await browser.get('/auth/me')).status, 200);
    assert.equal((await mailsWithSubject(stack, address, DELETED_NOTICE)).length, 0);
    const anonymous = new TestBrowser(stack);
    await anonymous.primeCsrf();
    assertError(await anonymous.request('DELETE', '/auth/account'), 401, 'unauthenticated');
  });

  test('a failure part-way leaves the user able to retry, and the retry finishes the job', async () => {
    const address = uniqueEmail('retry');
    const { browser, userId, authenticator } = await passkeyAccount(stack, address);
    failNextDeletion = true;
    const failed = await browser.request('DELETE', '/auth/account');
    assert.equal(failed.status, 500, JSON.stringify(failed.body));
    // Cognito's user is gone already, so nobody can sign in; this session can still finish.
    assertRejected(await signIn(new TestBrowser(stack), authenticator));
    assert.equal((await browser.get('/auth/me')).status, 200);
    const retried = await browser.request('DELETE', '/auth/account');
    assert.equal(retried.status, 204, JSON.stringify(retried.body));
    assert.equal(await stack.store.findEmailClaim(address), null);
    assert.deepEqual(await partitionItems(stack, userId), []);
    assert.equal((await mailsWithSubject(stack, address, DELETED_NOTICE)).length, 1);
  });

  test('a Google-only account steps up by email and is deleted; Google then starts afresh', async () => {
    const address = uniqueEmail('google-delete');
    const { browser, userId } = await googleAccount(stack, address);
    assertError(await browser.request('DELETE', '/auth/account'), 401, 'reauth_required');
    assert.equal((await stepUpByEmail(browser, address)).status, 204);
    assert.equal((await browser.request('DELETE', '/auth/account')).status, 204);
    assert.equal(await cognitoAttributes(stack, userId), null);
    assert.equal(await stack.store.findEmailClaim(address), null, "the Google account's claim is released");
    assert.deepEqual(await partitionItems(stack, userId), []);
    assert.equal((await mailsWithSubject(stack, address, DELETED_NOTICE)).length, 1);

    const fresh = await googleAccount(stack, address);
    const me = await fresh.browser.get('/auth/me');
    assert.deepEqual(me.body.user.providers, ['google']);
    assert.deepEqual(await stack.store.findEmailClaim(address), { userId: fresh.userId, verified: true });
  });

  test('a passkey account with Google linked: the link goes with it', async () => {
    const address = uniqueEmail('linked-delete');
    const { browser, userId } = await passkeyAccount(stack, address);
    const link = await browser.post('/auth/google/link');
    assert.equal(link.status, 200, JSON.stringify(link.body));
    await new GoogleFlowWalker(browser).run(link.body.redirectTo, { email: address });
    assert.deepEqual((await browser.get('/auth/me')).body.user.providers, ['passkey', 'google']);
    assert.equal((await browser.request('DELETE', '/auth/account')).status, 204);
    // Google now signs in to a new (native) account of its own, not to the deleted one.
    const fresh = await googleAccount(stack, address);
    assert.notEqual(fresh.userId, userId);
    assert.equal((await cognitoUser(stack, fresh.userId)).UserStatus, 'FORCE_CHANGE_PASSWORD');
    assert.equal(await cognitoAttributes(stack, `google_${googleSubFor(address)}`), null);
  });
});
