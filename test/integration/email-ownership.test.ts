// docs/api.md "Email, recovery and the account" and docs/security.md "Email
// codes": an address belongs to the account that proved it. Older accounts
// verify through /auth/email/verify*; meanwhile their unverified email never
// blocks the real owner's sign-up or Google sign-in.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cognitoAttributes, legacyAccount, mailsWithSubject, passkeyAccount } from '../support/account.ts';
import { assertError, TestBrowser } from '../support/browser.ts';
import { mailedAddresses, otherCode } from '../support/codes.ts';
import { signIn, signUp } from '../support/flows.ts';
import { GoogleFlowWalker, loginError } from '../support/google.ts';
import { codeIn, lastCodeTo, mailTo } from '../support/mailbox.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const VERIFY_CODE = /^Confirm your email address/;

describe('email ownership (docs/api.md "Email, recovery and the account")', () => {
  let stack: TestStack;
  const mailed = mailedAddresses();
  const { email } = mailed;

  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack.close());

  test('an older unverified account verifies its own address by code', async () => {
    const address = email('legacy');
    const { browser, userId } = await legacyAccount(stack, address);
    assert.deepEqual(await stack.store.findEmailClaim(address), { userId, verified: false });

    const started = await browser.post('/auth/email/verify/start');
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.deepEqual(started.body, { status: 'code_sent' });
    assert.equal((await mailsWithSubject(stack, address, VERIFY_CODE)).length, 1);
    const code = await lastCodeTo(stack, address);
    assertError(await browser.post('/auth/email/verify', { code: otherCode(code) }), 400, 'code_invalid');
    const verified = await browser.post('/auth/email/verify', { code });
    assert.equal(verified.status, 200, JSON.stringify(verified.body));
    assert.equal(verified.body.user.emailVerified, true);
    assert.equal(verified.body.user.email, address);
    assert.equal((await browser.get('/auth/me')).body.user.emailVerified, true);
    assert.equal((await cognitoAttributes(stack, userId))?.email_verified, 'true');
    assert.deepEqual(await stack.store.findEmailClaim(address), { userId, verified: true });
    assertError(await browser.post('/auth/email/verify', { code }), 400, 'code_invalid');
    // Verified now: nothing left to verify.
    assertError(await browser.post('/auth/email/verify/start'), 400, 'invalid_request');
  });

  test('a verified account has nothing to verify; signed out: 401', async () => {
    const { browser } = await passkeyAccount(stack, email('already'));
    assertError(await browser.post('/auth/email/verify/start'), 400, 'invalid_request');
    const anonymous = new TestBrowser(stack);
    await anonymous.primeCsrf();
    assertError(await anonymous.post('/auth/email/verify/start'), 401, 'unauthenticated');
    assertError(await anonymous.post('/auth/email/verify', { code: '123456' }), 401, 'unauthenticated');
  });

  test("an attacker's unverified account never blocks the owner's sign-up; then it can only change its email", async () => {
    const victim = email('victim');
    const squatter = await legacyAccount(stack, victim);

    // The owner signs up: a code, not "you already have an account".
    const owner = new TestBrowser(stack);
    await owner.primeCsrf();
    assert.equal((await owner.post('/auth/signup/start', { email: victim })).status, 202);
    assert.ok(codeIn((await mailTo(stack, victim)).at(-1) as never), 'the owner gets a code');
    const ownerAuthenticator = new SoftAuthenticator();
    const created = await signUp(owner, ownerAuthenticator, victim);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const ownerId = created.body.user.id;
    assert.deepEqual(await stack.store.findEmailClaim(victim), { userId: ownerId, verified: true });
    // The owner signs in by email: the options name the owner's passkey only.
    const options = await owner.post('/auth/passkey/login/options', { email: victim });
    assert.deepEqual(
      options.body.options.allowCredentials.map((c: { id: string }) => c.id),
      [ownerAuthenticator.credentials[0]?.id],
    );

    // The squatter's session cannot verify the address any more: nothing usable is mailed.
    const before = (await mailTo(stack, victim)).length;
    const started = await squatter.browser.post('/auth/email/verify/start');
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.equal((await mailTo(stack, victim)).length, before, 'the owner is not mailed about the squatter');
    for (const guess of ['000000', '654321']) {
      assertError(await squatter.browser.post('/auth/email/verify', { code: guess }), 400, 'code_invalid');
    }
    assert.deepEqual(await stack.store.findEmailClaim(victim), { userId: ownerId, verified: true });
    assert.equal((await cognitoAttributes(stack, squatter.userId))?.email_verified, 'false');

    // It changes to an address of its own (its passkey sign-in is a step-up); the owner's claim stays.
    const own = email('own');
    const fresh = new TestBrowser(stack);
    assert.equal((await signIn(fresh, squatter.authenticator)).status, 200);
    assert.equal((await fresh.post('/auth/email/change/start', { email: own })).status, 202);
    const changed = await fresh.post('/auth/email/change/verify', { code: await lastCodeTo(stack, own) });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(changed.body.user.email, own);
    assert.equal(changed.body.user.emailVerified, true);
    assert.deepEqual(await stack.store.findEmailClaim(own), { userId: squatter.userId, verified: true });
    assert.deepEqual(await stack.store.findEmailClaim(victim), { userId: ownerId, verified: true });
    assert.equal(
      (await mailsWithSubject(stack, victim, /^Your email address was changed/)).length,
      0,
      'an unverified former address is not told',
    );
  });

  test("an attacker's unverified account never blocks the owner's Google sign-in", async () => {
    const victim = email('victim-google');
    const squatter = await legacyAccount(stack, victim);
    const walker = new GoogleFlowWalker(new TestBrowser(stack));
    const run = await walker.run('/auth/google?returnTo=/expenses', { email: victim });
    assert.equal(loginError(run.finalUrl), null, run.finalUrl);
    assert.equal(run.finalUrl, `${stack.config.frontendUrl}/expenses`);
    const me = await walker.browser.get('/auth/me');
    assert.equal(me.status, 200);
    assert.notEqual(me.body.user.id, squatter.userId, 'never merged into the unverified account');
    assert.deepEqual(me.body.user.providers, ['google']);
    assert.equal(me.body.user.emailVerified, true);
    // The Google account now holds the address; the squatter's claim was taken over.
    assert.deepEqual(await stack.store.findEmailClaim(victim), { userId: me.body.user.id, verified: true });
    // The squatter still signs in with its passkey, to an account still unverified.
    const back = await signIn(new TestBrowser(stack), squatter.authenticator);
    assert.equal(back.status, 200);
    assert.equal(back.body.user.id, squatter.userId);
    assert.equal(back.body.user.emailVerified, false);
    assert.deepEqual(back.body.user.providers, ['passkey']);
  });

  test('no code appears in any log line', () => mailed.assertNoCodeLogged(stack, 3));
});
