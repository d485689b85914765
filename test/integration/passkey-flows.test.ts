import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestBrowser } from '../support/browser.ts';
import { assertion, signIn, signUp, uniqueEmail } from '../support/flows.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

describe('passkey flows through the HTTP app on the local stack', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(async () => {
    await stack.close();
  });

  test('sign-up with one authenticator prompt leaves the user signed in', async () => {
    const browser = new TestBrowser(stack);
    const authenticator = new SoftAuthenticator();
    const email = uniqueEmail();
    const response = await signUp(browser, authenticator, `  ${email.toUpperCase()} `);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.equal(response.body.user.email, email, 'email is trimmed and lower-cased');
    assert.equal(response.body.user.emailVerified, true);
    assert.deepEqual(response.body.user.providers, ['passkey']);
    assert.equal(typeof response.body.csrfToken, 'string');
    assert.equal(
      browser.cookie('csrf'),
      response.body.csrfToken,
      'a fresh CSRF token is set as cookie and body',
    );
    assert.ok(browser.cookie('session'));
    assert.ok(browser.cookie('refresh'));
    assert.equal(browser.cookie('ceremony'), undefined, 'the ceremony cookie is cleared');
    assert.equal(authenticator.credentials.length, 1, 'exactly one authenticator prompt');

    const session = response.setCookies.find((line) => line.startsWith('session='));
    assert.match(session ?? '', /HttpOnly/);
    assert.match(session ?? '', /SameSite=Lax/);
    assert.match(session ?? '', /Path=\//);
    const refresh = response.setCookies.find((line) => line.startsWith('refresh='));
    assert.match(refresh ?? '', /HttpOnly/);
    assert.match(refresh ?? '', /SameSite=Strict/);
    assert.match(refresh ?? '', /Path=\/;/);
    for (const line of response.setCookies)
      assert.ok((line.split(';')[0] ?? '').length <= 4096, 'cookie name+value ≤ 4096 bytes');

    const me = await browser.get('/auth/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.user.id, response.body.user.id);
    assert.equal(me.body.session.authMethod, 'passkey');
    assert.ok(Date.parse(me.body.session.expiresAt) > Date.now());
    assert.ok(Date.parse(me.body.session.authTime) <= Date.now());

    const stored = await stack.store.listCredentials(response.body.user.id);
    assert.equal(stored.length, 1);
    assert.equal(stored[0]?.id, authenticator.credentials[0]?.id);
    assert.ok(stack.cognito.listUsernames().includes(response.body.user.id));
  });

  test('sign-out, then username-first and usernameless sign-in, then refresh', async () => {
    const browser = new TestBrowser(stack);
    const authenticator = new SoftAuthenticator();
    const email = uniqueEmail();
    const created = await signUp(browser, authenticator, email);
    assert.equal(created.status, 201);
    const userId = created.body.user.id;

    const out = await browser.post('/auth/logout');
    assert.equal(out.status, 200);
    assert.equal(out.body.redirectTo, null);
    assert.equal(browser.cookie('session'), undefined);
    assert.equal(browser.cookie('refresh'), undefined);
    assert.equal((await browser.get('/auth/me')).status, 401);

    const options = await browser.post('/auth/passkey/login/options', { email });
    assert.deepEqual(
      options.body.options.allowCredentials.map((c: { id: string }) => c.id),
      [authenticator.credentials[0]?.id],
    );
    assert.equal(options.body.options.userVerification, 'required');

    const first = await signIn(browser, authenticator, { email });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.user.id, userId);
    assert.equal((await browser.get('/auth/me')).body.user.id, userId);
    await browser.post('/auth/logout');

    const usernameless = await browser.post('/auth/passkey/login/options', {});
    assert.deepEqual(usernameless.body.options.allowCredentials ?? [], []);
    const second = await signIn(browser, authenticator);
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.equal(second.body.user.id, userId);

    const [credential] = await stack.store.listCredentials(userId);
    assert.equal(credential?.counter, 2, 'the sign counter is persisted after each sign-in');
    assert.ok(credential?.lastUsedAt);

    const sessionBefore = browser.cookie('session');
    const refreshed = await browser.post('/auth/refresh');
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.equal(refreshed.body.user.id, userId);
    assert.equal(typeof refreshed.body.csrfToken, 'string');
    assert.notEqual(browser.cookie('session'), sessionBefore);
    assert.equal((await browser.get('/auth/me')).status, 200);
  });

  test('a refresh token is refused after logout revoked it, and after rotation', async () => {
    const browser = new TestBrowser(stack);
    const created = await signUp(browser, new SoftAuthenticator(), uniqueEmail());
    assert.equal(created.status, 201);
    const oldRefresh = browser.cookie('refresh');
    assert.equal((await browser.post('/auth/refresh')).status, 200);
    const rotated = browser.cookie('refresh');
    assert.notEqual(rotated, oldRefresh, 'every renewal replaces the refresh cookie');

    // The replaced cookie, within the grace period of concurrent tabs, gets the same successor;
    // presented later it is theft (test/integration/sessions.test.ts).
    const tab = new TestBrowser(stack);
    tab.cookies.set('refresh', oldRefresh ?? '');
    await tab.primeCsrf();
    const again = await tab.post('/auth/refresh');
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(tab.cookie('refresh'), rotated);

    await browser.post('/auth/logout');
    const replay = new TestBrowser(stack);
    replay.cookies.set('refresh', rotated ?? '');
    await replay.primeCsrf();
    const revoked = await replay.post('/auth/refresh');
    assert.equal(revoked.status, 401);
    assert.ok(
      revoked.setCookies.some((line) => /^refresh=;/.test(line)),
      'the refresh cookie is cleared',
    );
  });

  test('the unverified sign-up of earlier versions is gone: POST /auth/passkey/register/options → 404', async () => {
    const browser = new TestBrowser(stack);
    await browser.primeCsrf();
    const response = await browser.post('/auth/passkey/register/options', { email: uniqueEmail() });
    assert.equal(response.status, 404);
    assert.equal(browser.cookie('ceremony'), undefined);
  });

  test('login/options for an unknown email answers with the same shape and stable fake ids', async () => {
    const browser = new TestBrowser(stack);
    await browser.primeCsrf();
    const known = uniqueEmail();
    assert.equal((await signUp(new TestBrowser(stack), new SoftAuthenticator(), known)).status, 201);
    const a = await browser.post('/auth/passkey/login/options', { email: 'nobody@example.com' });
    const b = await browser.post('/auth/passkey/login/options', { email: 'nobody@example.com' });
    const k = await browser.post('/auth/passkey/login/options', { email: known });
    assert.equal(a.status, 200);
    assert.deepEqual(Object.keys(a.body.options).sort(), Object.keys(k.body.options).sort());
    assert.equal(a.body.options.allowCredentials.length, 1);
    assert.deepEqual(a.body.options.allowCredentials, b.body.options.allowCredentials);
    assert.deepEqual(
      Object.keys(a.body.options.allowCredentials[0]).sort(),
      Object.keys(k.body.options.allowCredentials[0]).sort(),
    );
  });

  test('a second sign-in from the same assertion (replay) is refused', async () => {
    const browser = new TestBrowser(stack);
    const authenticator = new SoftAuthenticator();
    assert.equal((await signUp(browser, authenticator, uniqueEmail())).status, 201);
    await browser.post('/auth/logout');
    const credential = await assertion(browser, authenticator);
    const ceremony = browser.cookie('ceremony');
    assert.equal((await browser.post('/auth/passkey/login/verify', { credential })).status, 200);
    await browser.post('/auth/logout');
    browser.cookies.set('ceremony', ceremony ?? '');
    const replay = await browser.post('/auth/passkey/login/verify', { credential });
    assert.equal(replay.status, 401);
    assert.equal(replay.body.error.code, 'passkey_rejected');
  });
});
