// docs/security.md "Sessions and cookies": attributes, size, and every forged
// or foreign session value refused with 401 and the cookie cleared.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createCognitoAdapter } from '../../src/cognito/cognito-adapter.ts';
import { TestBrowser } from '../support/browser.ts';
import { signUp, uniqueEmail } from '../support/flows.ts';
import { withLocalCognito } from '../support/local-clients.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

describe('session cookies', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(async () => {
    await stack.close();
  });

  async function signedIn() {
    const browser = new TestBrowser(stack);
    const created = await signUp(browser, new SoftAuthenticator(), uniqueEmail());
    assert.equal(created.status, 201);
    return browser;
  }

  async function expectRefusedSession(browser: TestBrowser, value: string) {
    browser.cookies.set('session', value);
    const me = await browser.get('/auth/me');
    assert.equal(me.status, 401);
    assert.equal(me.body.error.code, 'unauthenticated');
    assert.ok(
      me.setCookies.some((line) => /^session=;/.test(line) && /Max-Age=0/i.test(line)),
      'the bad session cookie is cleared',
    );
  }

  test('a tampered session cookie → 401 and cleared', async () => {
    const browser = await signedIn();
    const value = browser.cookie('session') ?? '';
    const parts = value.split('.');
    parts[3] = `${parts[3]?.slice(0, -2)}${parts[3]?.endsWith('AA') ? 'BB' : 'AA'}`;
    await expectRefusedSession(browser, parts.join('.'));
  });

  test('a CSRF token or a refresh cookie presented as the session → 401', async () => {
    const browser = await signedIn();
    await expectRefusedSession(browser, browser.cookie('csrf') ?? '');
    const other = await signedIn();
    await expectRefusedSession(other, other.cookie('refresh') ?? '');
  });

  test('a genuine Cognito ID token and access token presented as the session → 401', async () => {
    // Tokens never leave the server through the API, so mint real ones the way
    // the API does after sign-up: a one-time grant answered through CUSTOM_AUTH.
    const browser = await signedIn();
    const userId = (await browser.get('/auth/me')).body.user.id as string;
    await withLocalCognito(stack, async (client) => {
      const cognito = createCognitoAdapter({
        client,
        userPoolId: stack.config.cognito.userPoolId,
        clientId: stack.config.cognito.clientId,
        clientSecret: stack.config.cognito.clientSecret,
      });
      await stack.store.putGrant({ id: 'test-grant-for-id-token', userId, expiresAt: Date.now() + 60_000 });
      const tokens = await cognito.signInWithCustomChallenge({
        username: userId,
        answer: JSON.stringify({ kind: 'grant', grantId: 'test-grant-for-id-token' }),
      });
      await expectRefusedSession(browser, tokens.idToken);
      await expectRefusedSession(browser, tokens.accessToken);
    });
  });

  test('a session sealed with another SECRET_KEY → 401', async () => {
    const foreign = await startTestStack({ env: { SECRET_KEY: 'P9o8I7u6Y5t4R3e2W1q0A9s8D7f6G5h4J3k2' } });
    try {
      const browser = new TestBrowser(foreign);
      assert.equal((await signUp(browser, new SoftAuthenticator(), uniqueEmail())).status, 201);
      const mine = new TestBrowser(stack);
      await expectRefusedSession(mine, browser.cookie('session') ?? '');
    } finally {
      await foreign.close();
    }
  });
});

describe('cookies over HTTPS', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack({ env: { API_GATEWAY_INVOKE_URL: 'https://auth.example.com' } });
  });
  after(async () => {
    await stack.close();
  });

  test('__Host-/__Secure- prefixes, Secure, HttpOnly and SameSite as docs/api.md says; HSTS sent', async () => {
    const browser = new TestBrowser(stack);
    const csrf = await browser.get('/auth/csrf');
    assert.match(csrf.headers.get('strict-transport-security') ?? '', /max-age=\d+/);
    const created = await signUp(browser, new SoftAuthenticator(), uniqueEmail());
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const line = (name: string) => created.setCookies.find((l) => l.startsWith(`${name}=`)) ?? '';
    const session = line('__Host-session');
    assert.match(session, /; Path=\/(;|$)/);
    assert.match(session, /; HttpOnly/);
    assert.match(session, /; Secure/);
    assert.match(session, /; SameSite=Lax/);
    assert.doesNotMatch(session, /Domain=/i);
    const refresh = line('__Host-refresh');
    assert.match(refresh, /; Path=\/;/);
    assert.match(refresh, /; HttpOnly/);
    assert.match(refresh, /; Secure/);
    assert.match(refresh, /; SameSite=Strict/);
    const csrfCookie = line('__Host-csrf');
    assert.match(csrfCookie, /; Secure/);
    assert.match(csrfCookie, /; SameSite=Strict/);
    assert.doesNotMatch(csrfCookie, /HttpOnly/);
    for (const l of created.setCookies) assert.ok((l.split(';')[0] ?? '').length <= 4096);
  });
});
