// docs/security.md "CSRF" and "Input": every attack fails with the docs/api.md
// status and code, sets no session cookie, and stores nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestBrowser } from '../support/browser.ts';
import { assertRejected, signUp, uniqueEmail } from '../support/flows.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { manualClock, startTestStack, type TestStack } from '../support/stack.ts';

describe('CSRF protection', () => {
  let stack: TestStack;
  const time = manualClock();
  before(async () => {
    stack = await startTestStack({ clock: time.clock });
  });
  after(async () => {
    await stack.close();
  });

  async function expectCsrfFailure(
    browser: TestBrowser,
    options: Parameters<TestBrowser['request']>[2] = {},
  ) {
    const email = uniqueEmail();
    const response = await browser.request('POST', '/auth/signup/start', {
      body: { email },
      ...options,
    });
    assertRejected(response, 403, 'csrf_failed');
    assert.equal(
      response.setCookies.some((line) => /^(ceremony|code)=/.test(line)),
      false,
      'no ceremony or code started',
    );
    return response;
  }

  test('GET /auth/csrf returns a token equal to the cookie it sets (readable by scripts, SameSite=Strict)', async () => {
    const browser = new TestBrowser(stack);
    const response = await browser.get('/auth/csrf');
    assert.equal(response.status, 200);
    assert.equal(response.body.csrfToken, browser.cookie('csrf'));
    const line = response.setCookies.find((l) => l.startsWith('csrf=')) ?? '';
    assert.doesNotMatch(line, /HttpOnly/);
    assert.match(line, /SameSite=Strict/);
  });

  test('missing header → 403 csrf_failed', async () => {
    const browser = new TestBrowser(stack);
    await browser.primeCsrf();
    await expectCsrfFailure(browser, { csrf: false });
  });

  test('header not equal to the cookie → 403', async () => {
    const browser = new TestBrowser(stack);
    await browser.primeCsrf();
    const other = new TestBrowser(stack);
    const foreign = await other.primeCsrf();
    await expectCsrfFailure(browser, { csrf: false, headers: { 'x-csrf-token': foreign } });
  });

  test('attacker-chosen cookie and header with a forged signature → 403', async () => {
    const browser = new TestBrowser(stack);
    const forged = `AAAAAAAAAAAAAAAAAAAAAAAA.${Math.floor(Date.now() / 1000) + 3600}.forgedsignatureforgedsignatureforgedsig`;
    browser.cookies.set('csrf', forged);
    await expectCsrfFailure(browser);
  });

  test('an expired token → 403', async () => {
    const browser = new TestBrowser(stack);
    await browser.primeCsrf();
    time.advance(13 * 60 * 60 * 1000);
    try {
      await expectCsrfFailure(browser);
    } finally {
      time.set(Date.now());
    }
  });

  test('Sec-Fetch-Site: cross-site → 403 even with a valid token', async () => {
    const browser = new TestBrowser(stack);
    await browser.primeCsrf();
    await expectCsrfFailure(browser, { headers: { 'sec-fetch-site': 'cross-site' } });
  });

  test('an Origin not allowed → 403 even with a valid token', async () => {
    const browser = new TestBrowser(stack, { origin: 'https://evil.example' });
    await browser.primeCsrf();
    await expectCsrfFailure(browser);
  });

  test('Origin "null" (sandboxed frame) → 403', async () => {
    const browser = new TestBrowser(stack, { origin: 'null' });
    await browser.primeCsrf();
    await expectCsrfFailure(browser);
  });

  test('after sign-in the anonymous token is refused (bound to the session), the fresh one works', async () => {
    const browser = new TestBrowser(stack);
    const anonymous = await browser.primeCsrf();
    const created = await signUp(browser, new SoftAuthenticator(), uniqueEmail());
    assert.equal(created.status, 201);
    assert.notEqual(created.body.csrfToken, anonymous);
    const stale = await browser.request('POST', '/auth/refresh', {
      csrf: false,
      headers: { 'x-csrf-token': anonymous },
    });
    // The stale token no longer equals the cookie; put it in both places to test the binding itself.
    assert.equal(stale.status, 403);
    browser.cookies.set('csrf', anonymous);
    const bound = await browser.post('/auth/logout');
    assert.equal(bound.status, 403);
    assert.equal(bound.body.error.code, 'csrf_failed');
    assert.equal((await browser.get('/auth/me')).status, 200, 'the session survived the forged logout');
    browser.cookies.set('csrf', created.body.csrfToken);
    assert.equal((await browser.post('/auth/logout')).status, 200);
  });

  test("another session's token is refused", async () => {
    const alice = new TestBrowser(stack);
    const bob = new TestBrowser(stack);
    assert.equal((await signUp(alice, new SoftAuthenticator(), uniqueEmail('alice'))).status, 201);
    assert.equal((await signUp(bob, new SoftAuthenticator(), uniqueEmail('bob'))).status, 201);
    alice.cookies.set('csrf', bob.cookie('csrf') ?? '');
    const response = await alice.post('/auth/logout');
    assert.equal(response.status, 403);
    assert.equal((await alice.get('/auth/me')).status, 200);
  });
});

describe('input validation', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(async () => {
    await stack.close();
  });

  async function primed() {
    const browser = new TestBrowser(stack);
    await browser.primeCsrf();
    return browser;
  }

  test('a body that is not application/json → 415', async () => {
    const browser = await primed();
    for (const contentType of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const response = await browser.request('POST', '/auth/signup/start', {
        rawBody: 'email=a@example.com',
        contentType,
      });
      assert.equal(response.status, 415, contentType);
      assert.equal(response.body.error.code, 'unsupported_media_type');
    }
    const noType = await browser.request('POST', '/auth/passkey/login/options', {
      rawBody: '{}',
      contentType: null,
    });
    assert.equal(noType.status, 415);
  });

  test('a body over 64 KiB → 413 before parsing', async () => {
    const browser = await primed();
    const response = await browser.request('POST', '/auth/signup/start', {
      rawBody: JSON.stringify({ email: 'a@example.com', pad: 'x'.repeat(70 * 1024) }),
    });
    assert.equal(response.status, 413);
    assert.equal(response.body.error.code, 'payload_too_large');
  });

  test('malformed JSON and wrong shapes → 400 invalid_request naming the field, never 500', async () => {
    const browser = await primed();
    const cases: [string, string, string][] = [
      ['/auth/signup/start', '{"email":', 'JSON'],
      ['/auth/signup/start', '[]', 'body'],
      ['/auth/signup/start', '{"email": 42}', 'email'],
      ['/auth/signup/start', '{"email": "not-an-email"}', 'email'],
      ['/auth/signup/start', '{"email": "a\\u0000b@example.com"}', 'email'],
      ['/auth/signup/start', `{"email": "${'a'.repeat(300)}@example.com"}`, 'email'],
      ['/auth/signup/start', '{"email": "a@example.com", "displayName": {"x": 1}}', 'displayName'],
      ['/auth/passkey/login/options', '{"email": null}', 'email'],
      ['/auth/signup/verify-email', '{"email": "a@example.com", "code": "12345"}', 'code'],
      ['/auth/signup/verify-email', '{"email": "a@example.com", "code": 123456}', 'code'],
      ['/auth/signup/verify-email', '{"code": "123456"}', 'email'],
      ['/auth/passkey/login/verify', '{}', 'credential'],
      ['/auth/passkey/login/verify', '{"credential": {"id": "!!", "rawId": "x"}}', 'credential'],
      ['/auth/passkey/register/verify', '{"credential": "x"}', 'credential'],
      ['/auth/passkey/register/verify', 'null', 'body'],
    ];
    for (const [path, rawBody, field] of cases) {
      const response = await browser.request('POST', path, { rawBody });
      assert.equal(
        response.status,
        400,
        `${path} ${rawBody.slice(0, 60)} → ${JSON.stringify(response.body)}`,
      );
      assert.equal(response.body.error.code, 'invalid_request');
      assert.match(response.body.error.message, new RegExp(field), rawBody.slice(0, 60));
      assert.doesNotMatch(JSON.stringify(response.body), /at .*\.ts|stack/i);
    }
    // zod/mini has no messages of its own: the English ones must still reach the client.
    const wrongType = await browser.request('POST', '/auth/signup/start', {
      rawBody: '{"email": 42}',
    });
    assert.equal(
      wrongType.body.error.message,
      'Invalid field "email": Invalid input: expected string, received number.',
    );
  });

  test('__proto__ and constructor keys pollute nothing and extra fields are ignored', async () => {
    const browser = await primed();
    const response = await browser.request('POST', '/auth/signup/start', {
      rawBody: `{"email":"${uniqueEmail()}","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"admin":true}`,
    });
    assert.equal(response.status, 202);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.hasOwn(Object.prototype, 'polluted'), false);
  });

  test('every response carries the security headers', async () => {
    const browser = await primed();
    for (const response of [
      await browser.get('/auth/health'),
      await browser.get('/auth/me'),
      await browser.post('/auth/passkey/login/options', {}),
    ]) {
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
      assert.ok(response.headers.get('x-request-id'));
    }
    assert.deepEqual((await browser.get('/auth/health')).body, { status: 'ok' });
  });

  test('CORS: only allowed origins are echoed, with credentials; never *', async () => {
    const allowed = await stack.app.request('/auth/csrf', { headers: { origin: stack.origin } });
    assert.equal(allowed.headers.get('access-control-allow-origin'), stack.origin);
    assert.equal(allowed.headers.get('access-control-allow-credentials'), 'true');
    const evil = await stack.app.request('/auth/csrf', { headers: { origin: 'https://evil.example' } });
    assert.equal(evil.headers.get('access-control-allow-origin'), null);
  });
});
