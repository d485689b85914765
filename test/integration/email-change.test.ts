// docs/api.md "Email, recovery and the account": changing the email (step-up):
// a code to the new address, a notice to the old one, every other session ends.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AdminDeleteUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import {
  cognitoAttributes,
  googleAccount,
  mailsWithSubject,
  passkeyAccount,
  stepUpByEmail,
} from '../support/account.ts';
import { assertError, TestBrowser } from '../support/browser.ts';
import { mailedAddresses, otherCode } from '../support/codes.ts';
import { signIn, signUp } from '../support/flows.ts';
import { withLocalCognito } from '../support/local-clients.ts';
import { codeIn, lastCodeTo, lastMailTo, mailTo } from '../support/mailbox.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { manualClock, startTestStack, type TestStack } from '../support/stack.ts';

const MINUTE = 60 * 1000;
const CHANGE_CODE = /^Confirm your new email address/;
const CHANGED_NOTICE = /^Your email address was changed/;

describe('changing the email (docs/api.md "Email, recovery and the account")', () => {
  let stack: TestStack;
  const time = manualClock();
  const mailed = mailedAddresses();
  const { email } = mailed;

  before(async () => {
    stack = await startTestStack({ clock: time.clock });
  });
  after(() => stack.close());

  test('code to the new address, notice to the old one, other sessions end, the addresses swap owners', async () => {
    const oldAddress = email('before');
    const newAddress = email('after');
    const { browser, authenticator, userId } = await passkeyAccount(stack, oldAddress);
    const elsewhere = new TestBrowser(stack);
    assert.equal((await signIn(elsewhere, authenticator)).status, 200);

    const started = await browser.post('/auth/email/change/start', {
      email: ` ${newAddress.toUpperCase()} `,
    });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.deepEqual(started.body, { status: 'code_sent' });
    assert.equal((await mailsWithSubject(stack, newAddress, CHANGE_CODE)).length, 1);
    const code = await lastCodeTo(stack, newAddress);
    // Until the code is entered, nothing changed.
    assert.equal((await browser.get('/auth/me')).body.user.email, oldAddress);
    assert.deepEqual(await stack.store.findEmailClaim(newAddress), null);

    assertError(
      await browser.post('/auth/email/change/verify', { code: otherCode(code) }),
      400,
      'code_invalid',
    );
    const changed = await browser.post('/auth/email/change/verify', { code });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(changed.body.user.email, newAddress);
    assert.equal(changed.body.user.emailVerified, true);
    assert.equal(changed.body.user.id, userId);
    assertError(await browser.post('/auth/email/change/verify', { code }), 400, 'code_invalid');

    // This session goes on with the new address; the other one has ended.
    const me = await browser.get('/auth/me');
    assert.equal(me.body.user.email, newAddress);
    assert.equal((await elsewhere.post('/auth/refresh')).status, 401);
    assert.equal((await elsewhere.get('/auth/me')).status, 401);
    // Renewals keep the new address (the stored user was rewritten).
    time.advance(11 * MINUTE);
    try {
      const renewed = await browser.post('/auth/refresh');
      assert.equal(renewed.status, 200, JSON.stringify(renewed.body));
      assert.equal(renewed.body.user.email, newAddress);
    } finally {
      time.advance(-11 * MINUTE);
    }

    const attributes = await cognitoAttributes(stack, userId);
    assert.equal(attributes?.email, newAddress);
    assert.equal(attributes?.email_verified, 'true');
    assert.deepEqual(await stack.store.findEmailClaim(newAddress), { userId, verified: true });
    assert.equal(await stack.store.findEmailClaim(oldAddress), null);

    const notices = await mailsWithSubject(stack, oldAddress, CHANGED_NOTICE);
    assert.equal(notices.length, 1, 'the old address is told');
    assert.equal(codeIn(notices[0] as never), null, 'a notice carries no code');

    // The new address signs in (username-first), and its sign-in shows it.
    const again = new TestBrowser(stack);
    const signedIn = await signIn(again, authenticator, { email: newAddress });
    assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
    assert.equal(signedIn.body.user.email, newAddress);
    assert.equal(signedIn.body.user.emailVerified, true);

    // The new address recovers the account; the old one no longer does (no mail at all).
    const lostDevice = new TestBrowser(stack);
    await lostDevice.primeCsrf();
    const beforeOld = (await mailTo(stack, oldAddress)).length;
    assert.equal((await lostDevice.post('/auth/recovery/start', { email: oldAddress })).status, 202);
    assert.equal((await mailTo(stack, oldAddress)).length, beforeOld, 'the old address gets nothing');
    assert.equal((await lostDevice.post('/auth/recovery/start', { email: newAddress })).status, 202);
    const recovered = await lostDevice.post('/auth/recovery/verify', {
      email: newAddress,
      code: await lastCodeTo(stack, newAddress),
    });
    assert.equal(recovered.status, 200, JSON.stringify(recovered.body));
    assert.equal(recovered.body.user.id, userId);
    assert.equal((await lostDevice.get('/auth/me')).body.session.authMethod, 'recovery');
    // A recovery session may only add a passkey: not change the email, nor delete the account.
    assertError(
      await lostDevice.post('/auth/email/change/start', { email: oldAddress }),
      403,
      'recovery_session',
    );
    assertError(await lostDevice.request('DELETE', '/auth/account'), 403, 'recovery_session');

    // The old address is free: it signs up as a new account.
    const newcomer = await signUp(new TestBrowser(stack), new SoftAuthenticator(), oldAddress);
    assert.equal(newcomer.status, 201, JSON.stringify(newcomer.body));
    assert.notEqual(newcomer.body.user.id, userId);

    // And signing up with the new address finds it taken: the mail offers sign-in, no code.
    const taken = new TestBrowser(stack);
    await taken.primeCsrf();
    assert.equal((await taken.post('/auth/signup/start', { email: newAddress })).status, 202);
    assert.equal(codeIn(await lastMailTo(stack, newAddress)), null);
  });

  test('an address another account holds verified: 202 all the same, that address is told, no usable code', async () => {
    const ownerAddress = email('owner');
    const owner = await passkeyAccount(stack, ownerAddress);
    const { browser, userId, email: mine } = await passkeyAccount(stack, email('mover'));
    const before = await mailTo(stack, ownerAddress);

    const started = await browser.post('/auth/email/change/start', { email: ownerAddress });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.deepEqual(started.body, { status: 'code_sent' });
    const mails = (await mailTo(stack, ownerAddress)).slice(before.length);
    assert.equal(mails.length, 1);
    assert.match(mails[0]?.subject ?? '', /^Your email address and /);
    assert.equal(codeIn(mails[0] as never), null, 'the owner is told, not sent a code');

    // No code was sent, so none works; and the claims are untouched.
    for (const guess of ['000000', '123456']) {
      assertError(await browser.post('/auth/email/change/verify', { code: guess }), 400, 'code_invalid');
    }
    assert.deepEqual(await stack.store.findEmailClaim(ownerAddress), {
      userId: owner.userId,
      verified: true,
    });
    assert.deepEqual(await stack.store.findEmailClaim(mine), { userId, verified: true });
    assert.equal((await browser.get('/auth/me')).body.user.email, mine);
    assert.equal((await owner.browser.get('/auth/me')).status, 200, "the owner's session is untouched");
  });

  test('the address verified by someone else while the code was on its way stays theirs', async () => {
    const contested = email('contested');
    const { browser, userId, email: mine } = await passkeyAccount(stack, email('slow'));
    assert.equal((await browser.post('/auth/email/change/start', { email: contested })).status, 202);
    const code = await lastCodeTo(stack, contested);
    const winner = await passkeyAccount(stack, contested);
    assertError(await browser.post('/auth/email/change/verify', { code }), 400, 'code_invalid');
    assert.deepEqual(await stack.store.findEmailClaim(contested), { userId: winner.userId, verified: true });
    assert.deepEqual(await stack.store.findEmailClaim(mine), { userId, verified: true });
  });

  test('needs a step-up; the code is bound to the session that asked; same address → 400', async () => {
    const address = email('bound');
    const { browser, authenticator } = await passkeyAccount(stack, address);
    assertError(await browser.post('/auth/email/change/start', { email: address }), 400, 'invalid_request');
    assertError(
      await browser.post('/auth/email/change/start', { email: 'not an email' }),
      400,
      'invalid_request',
    );

    const target = email('target');
    time.advance(6 * MINUTE);
    try {
      assertError(await browser.post('/auth/email/change/start', { email: target }), 401, 'reauth_required');
      assert.equal((await mailTo(stack, target)).length, 0, 'nothing was mailed');
    } finally {
      time.advance(-6 * MINUTE);
    }

    assert.equal((await browser.post('/auth/email/change/start', { email: target })).status, 202);
    const code = await lastCodeTo(stack, target);
    const other = new TestBrowser(stack);
    assert.equal((await signIn(other, authenticator)).status, 200);
    assertError(await other.post('/auth/email/change/verify', { code }), 400, 'code_invalid');
    assert.equal((await other.get('/auth/me')).body.user.email, address);
    // The code still works where it was asked for; the other session then ends.
    assert.equal((await browser.post('/auth/email/change/verify', { code })).status, 200);
    assert.equal((await other.get('/auth/me')).status, 401);
  });

  test('a Google-only account changes its email after stepping up by email', async () => {
    const googleAddress = email('google-change');
    const { browser, userId } = await googleAccount(stack, googleAddress);
    const target = email('google-new');
    assertError(await browser.post('/auth/email/change/start', { email: target }), 401, 'reauth_required');
    assert.equal((await stepUpByEmail(browser, googleAddress)).status, 204);
    assert.equal((await browser.post('/auth/email/change/start', { email: target })).status, 202);
    const changed = await browser.post('/auth/email/change/verify', {
      code: await lastCodeTo(stack, target),
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(changed.body.user.email, target);
    assert.deepEqual(await stack.store.findEmailClaim(target), { userId, verified: true });
    assert.equal(await stack.store.findEmailClaim(googleAddress), null);
    assert.equal((await mailsWithSubject(stack, googleAddress, CHANGED_NOTICE)).length, 1);
  });

  test('nothing half-done: when Cognito fails after the claim moved, the claim moves back', async () => {
    const oldAddress = email('undo-old');
    const newAddress = email('undo-new');
    const { browser, userId } = await passkeyAccount(stack, oldAddress);
    assert.equal((await browser.post('/auth/email/change/start', { email: newAddress })).status, 202);
    const code = await lastCodeTo(stack, newAddress);
    // The Cognito user vanishes behind the service's back: AdminUpdateUserAttributes fails.
    await withLocalCognito(stack, (client) =>
      client.send(
        new AdminDeleteUserCommand({ UserPoolId: stack.config.cognito.userPoolId, Username: userId }),
      ),
    );
    const failed = await browser.post('/auth/email/change/verify', { code });
    assert.equal(failed.status, 500, JSON.stringify(failed.body));
    assert.deepEqual(await stack.store.findEmailClaim(oldAddress), { userId, verified: true });
    assert.equal(await stack.store.findEmailClaim(newAddress), null);
    assert.equal((await mailsWithSubject(stack, oldAddress, CHANGED_NOTICE)).length, 0);
  });

  test('hostile bodies on the signed-in email endpoints: 400 invalid_request naming the field, never 500', async () => {
    const { browser, email: mine } = await passkeyAccount(stack, email('hostile'));
    const bodies = [
      '',
      'null',
      '[]',
      '{"email":123}',
      '{"email":"a@b"}',
      `{"email":"${'a'.repeat(300)}@example.com"}`,
      '{"email":"x\\u0000@example.com"}',
      '{"code":123456}',
      '{"code":"12345"}',
      '{"code":"abcdef"}',
      '{"__proto__":{"code":"123456"}}',
      '{"constructor":{"prototype":{"email":"x@example.com"}}}',
    ];
    for (const path of [
      '/auth/email/change/start',
      '/auth/email/change/verify',
      '/auth/stepup/email/verify',
    ]) {
      for (const rawBody of bodies) {
        const response = await browser.request('POST', path, { rawBody });
        const label = `${path} ← ${rawBody.slice(0, 40)}`;
        assert.equal(response.status, 400, `${label} → ${response.status}`);
        assert.equal(response.body?.error?.code, 'invalid_request', label);
        assert.match(response.body?.error?.message, /"(email|code|body)"/, label);
      }
    }
    assert.equal((await browser.get('/auth/me')).body.user.email, mine);
  });

  test('no code appears in any log line', () => mailed.assertNoCodeLogged(stack, 5));
});
