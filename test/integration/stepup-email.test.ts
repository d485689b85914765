// docs/api.md "Passkey management": a user with no passkey steps up with an
// emailed code bound to the session; a Google round trip never counts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { googleAccount, mailsWithSubject, passkeyAccount, stepUpByEmail } from '../support/account.ts';
import { assertError, TestBrowser } from '../support/browser.ts';
import { mailedAddresses, otherCode } from '../support/codes.ts';
import { GoogleFlowWalker } from '../support/google.ts';
import { lastCodeTo, mailTo } from '../support/mailbox.ts';
import { manualClock, startTestStack, type TestStack } from '../support/stack.ts';

const MINUTE = 60 * 1000;
const STEP_UP_SUBJECT = /^Your confirmation code/;

describe('step-up by emailed code (docs/api.md "Passkey management")', () => {
  let stack: TestStack;
  const time = manualClock();
  const mailed = mailedAddresses();
  const { email } = mailed;

  before(async () => {
    stack = await startTestStack({ clock: time.clock });
  });
  after(() => stack.close());

  test('a Google sign-in is no step-up; the emailed code is, for 5 minutes', async () => {
    const { browser, email: address } = await googleAccount(stack, email('google-only'));
    // Signed in with Google a moment ago: still not stepped up (the temporary rule is gone).
    assertError(await browser.post('/auth/passkeys/options'), 401, 'reauth_required');
    assertError(await browser.request('DELETE', '/auth/account'), 401, 'reauth_required');

    const started = await browser.post('/auth/stepup/email/start');
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.deepEqual(started.body, { status: 'code_sent' });
    const [mail] = await mailsWithSubject(stack, address, STEP_UP_SUBJECT);
    assert.ok(mail, 'the code went to the account address');
    const code = await lastCodeTo(stack, address);

    assertError(
      await browser.post('/auth/stepup/email/verify', { code: otherCode(code) }),
      400,
      'code_invalid',
    );
    const verified = await browser.post('/auth/stepup/email/verify', { code });
    assert.equal(verified.status, 204, JSON.stringify(verified.body));
    assertError(await browser.post('/auth/stepup/email/verify', { code }), 400, 'code_invalid');

    const options = await browser.post('/auth/passkeys/options');
    assert.equal(options.status, 200, JSON.stringify(options.body));
    // Stepped up, unlinking is refused only because Google is the one way in.
    assertError(await browser.request('DELETE', '/auth/google'), 409, 'last_sign_in_method');

    time.advance(6 * MINUTE);
    try {
      // /auth/refresh never renews the step-up time.
      assert.equal((await browser.post('/auth/refresh')).status, 200);
      assertError(await browser.post('/auth/passkeys/options'), 401, 'reauth_required');
    } finally {
      time.advance(-6 * MINUTE);
    }
  });

  test('a fresh Google round trip never counts, even seconds after signing in', async () => {
    const address = email('silent');
    const { browser } = await googleAccount(stack, address);
    // The same browser goes round Google again (a silent sign-in replaces the session).
    await new GoogleFlowWalker(browser).run('/auth/google?returnTo=/account', { email: address });
    const me = await browser.get('/auth/me');
    assert.equal(me.body.session.authMethod, 'google');
    assertError(await browser.post('/auth/passkeys/options'), 401, 'reauth_required');
  });

  test('a code mailed for one session does not step up another session of the same user', async () => {
    const address = email('two-sessions');
    const first = await googleAccount(stack, address);
    const second = new GoogleFlowWalker(new TestBrowser(stack));
    await second.run('/auth/google?returnTo=/account', { email: address });
    assert.equal((await second.browser.get('/auth/me')).body.user.id, first.userId);

    assert.equal((await first.browser.post('/auth/stepup/email/start')).status, 202);
    const code = await lastCodeTo(stack, address);
    // The other session has no code of its own: the first session's code is no good there.
    assertError(await second.browser.post('/auth/stepup/email/verify', { code }), 400, 'code_invalid');
    assertError(await second.browser.post('/auth/passkeys/options'), 401, 'reauth_required');
    // Nor did that try burn the first session's code.
    assert.equal((await first.browser.post('/auth/stepup/email/verify', { code })).status, 204);
    assert.equal((await first.browser.post('/auth/passkeys/options')).status, 200);
  });

  test('five wrong codes burn the code (429); a new start sends a new one', async () => {
    const address = email('burn');
    const { browser } = await googleAccount(stack, address);
    assert.equal((await browser.post('/auth/stepup/email/start')).status, 202);
    const code = await lastCodeTo(stack, address);
    const wrong = otherCode(code);
    for (let i = 0; i < 4; i++) {
      assertError(await browser.post('/auth/stepup/email/verify', { code: wrong }), 400, 'code_invalid');
    }
    assertError(await browser.post('/auth/stepup/email/verify', { code: wrong }), 429, 'rate_limited');
    assertError(await browser.post('/auth/stepup/email/verify', { code }), 400, 'code_invalid');
    assert.equal((await stepUpByEmail(browser, address)).status, 204);
  });

  test('a user with a passkey steps up with it: no code is mailed', async () => {
    const address = email('has-passkey');
    const { browser } = await passkeyAccount(stack, address);
    const before = (await mailTo(stack, address)).length;
    assertError(await browser.post('/auth/stepup/email/start'), 400, 'invalid_request');
    assert.equal((await mailTo(stack, address)).length, before, 'nothing was mailed');
    assertError(await browser.post('/auth/stepup/email/verify', { code: '123456' }), 400, 'code_invalid');
  });

  test('signed out: 401; without the CSRF header: 403', async () => {
    const browser = new TestBrowser(stack);
    await browser.primeCsrf();
    assertError(await browser.post('/auth/stepup/email/start'), 401, 'unauthenticated');
    assertError(await browser.post('/auth/stepup/email/verify', { code: '123456' }), 401, 'unauthenticated');
    const { browser: signedIn, email: address } = await googleAccount(stack, email('csrf'));
    const before = (await mailTo(stack, address)).length;
    assertError(
      await signedIn.post('/auth/stepup/email/start', undefined, { csrf: false }),
      403,
      'csrf_failed',
    );
    assert.equal((await mailTo(stack, address)).length, before);
  });

  test('no code appears in any log line', () => mailed.assertNoCodeLogged(stack, 4));
});
