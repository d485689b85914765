import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createAuthClient, ExpenserAuthError } from '../../web/client/index.ts';

type Handler = (method: string, path: string, headers: Record<string, string>) => Response;

/** A fake `fetch` that records calls and answers with `handler`. */
function fakeFetch(handler: Handler) {
  const calls: { method: string; path: string; headers: Record<string, string>; credentials?: string }[] = [];
  const fetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(String(input), 'https://app.example.com');
    const headers = (init.headers ?? {}) as Record<string, string>;
    const method = init.method ?? 'GET';
    calls.push({
      method,
      path: url.pathname,
      headers,
      ...(init.credentials ? { credentials: init.credentials } : {}),
    });
    return handler(method, url.pathname, headers);
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const apiError = (status: number, code: string, headers?: Record<string, string>) =>
  json(status, { error: { code, message: `message for ${code}` } }, headers);

describe('browser client (web/client)', () => {
  test('state-changing calls carry the CSRF token fetched once and kept from responses', async () => {
    let token = 't1';
    const { fetch, calls } = fakeFetch((method, path) => {
      if (path === '/auth/csrf') return json(200, { csrfToken: token });
      if (method === 'PATCH') return json(200, { passkey: { id: 'p1', nickname: 'Work' } });
      if (path === '/auth/logout') {
        token = 't2';
        return json(200, { redirectTo: null, csrfToken: 't2' });
      }
      return json(404, {});
    });
    const auth = createAuthClient({ fetch, rpId: 'app.example.com' });
    assert.equal((await auth.passkeys.rename('p1', 'Work')).nickname, 'Work');
    await auth.signOut();
    await auth.passkeys.rename('p1', 'Work');
    assert.deepEqual(
      calls.map((c) => `${c.method} ${c.path} ${c.headers['X-CSRF-Token'] ?? '-'}`),
      [
        'GET /auth/csrf -',
        'PATCH /auth/passkeys/p1 t1',
        'POST /auth/logout t1',
        'PATCH /auth/passkeys/p1 t2',
      ],
    );
    assert.ok(calls.every((c) => c.credentials === 'include'));
  });

  test('one transparent refresh and retry on 401 unauthenticated, shared by concurrent calls', async () => {
    let refreshed = false;
    const { fetch, calls } = fakeFetch((_method, path) => {
      if (path === '/auth/csrf') return json(200, { csrfToken: 't' });
      if (path === '/auth/refresh') {
        refreshed = true;
        return json(200, { csrfToken: 't' });
      }
      return refreshed ? json(200, { passkeys: [] }) : apiError(401, 'unauthenticated');
    });
    const auth = createAuthClient({ fetch, rpId: 'x' });
    assert.deepEqual(await Promise.all([auth.passkeys.list(), auth.passkeys.list()]), [[], []]);
    assert.equal(calls.filter((c) => c.path === '/auth/refresh').length, 1);
  });

  test('me() is null when the refresh fails too; errors are typed by the API code', async () => {
    const { fetch, calls } = fakeFetch((_method, path) => {
      if (path === '/auth/csrf') return json(200, { csrfToken: 't' });
      if (path === '/auth/passkeys/options') return apiError(429, 'rate_limited', { 'Retry-After': '30' });
      return apiError(401, 'unauthenticated');
    });
    const auth = createAuthClient({ fetch, rpId: 'x' });
    assert.equal(await auth.me(), null);
    assert.equal(calls.filter((c) => c.path === '/auth/me').length, 1, 'no retry after a failed refresh');
    const error = await auth.passkeys.add().catch((e: unknown) => e);
    assert.ok(error instanceof ExpenserAuthError);
    assert.equal(error.code, 'rate_limited');
    assert.equal(error.status, 429);
    assert.equal(error.retryAfterSeconds, 30);
  });

  test('network failures become network_error; Google URLs are relative to the API', async () => {
    const auth = createAuthClient({
      baseUrl: 'https://api.example.com/',
      rpId: 'example.com',
      fetch: (async () => {
        throw new TypeError('Failed to fetch');
      }) as typeof fetch,
    });
    await assert.rejects(
      auth.me(),
      (e: unknown) => e instanceof ExpenserAuthError && e.code === 'network_error',
    );
    assert.equal(
      auth.googleSignInUrl('/expenses'),
      'https://api.example.com/auth/google?returnTo=%2Fexpenses',
    );
  });

  test('sign-up: start, then one verify-email per code even when the passkey prompt fails and is retried', async () => {
    const { fetch, calls } = fakeFetch((_method, path) => {
      if (path === '/auth/csrf') return json(200, { csrfToken: 't' });
      if (path === '/auth/signup/start') return json(202, { status: 'code_sent' });
      if (path === '/auth/signup/verify-email') {
        return json(200, { options: { challenge: 'c', rp: { name: 'x' }, user: {}, pubKeyCredParams: [] } });
      }
      return json(404, {});
    });
    const auth = createAuthClient({ fetch, rpId: 'x' });
    await auth.signUp.start({ email: 'ada@example.com', displayName: 'Ada' });
    // Node has no WebAuthn: the prompt fails as in a browser that closed it, before any credential exists.
    for (const code of ['123456', '123 456']) {
      await assert.rejects(
        auth.signUp.verify({ email: 'ada@example.com', code }),
        (e: unknown) => e instanceof ExpenserAuthError && e.code === 'passkey_unsupported',
      );
    }
    await assert.rejects(auth.signUp.verify({ email: 'ada@example.com', code: '654321' }));
    assert.deepEqual(
      calls.filter((c) => c.path !== '/auth/csrf').map((c) => `${c.method} ${c.path}`),
      ['POST /auth/signup/start', 'POST /auth/signup/verify-email', 'POST /auth/signup/verify-email'],
      'the same code is redeemed once; another code is sent again; register/verify never without a credential',
    );
  });

  test('recovery: start and verify post the email and the code; a wrong code is code_invalid', async () => {
    const bodies: unknown[] = [];
    const fetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
      const path = new URL(String(input), 'https://app.example.com').pathname;
      if (path === '/auth/csrf') return json(200, { csrfToken: 't' });
      bodies.push({ path, body: JSON.parse(String(init.body)) });
      if (path === '/auth/recovery/start') return json(202, { status: 'code_sent' });
      const { code } = JSON.parse(String(init.body)) as { code: string };
      if (code !== '111111') return apiError(400, 'code_invalid');
      return json(200, { user: { id: 'u1', email: 'ada@example.com' }, csrfToken: 't2' });
    }) as typeof globalThis.fetch;
    const auth = createAuthClient({ fetch, rpId: 'x' });
    await auth.recovery.start('ada@example.com');
    await assert.rejects(
      auth.recovery.verify('ada@example.com', '000000'),
      (e: unknown) => e instanceof ExpenserAuthError && e.code === 'code_invalid' && e.status === 400,
    );
    assert.equal((await auth.recovery.verify('ada@example.com', '111111')).id, 'u1');
    assert.deepEqual(bodies, [
      { path: '/auth/recovery/start', body: { email: 'ada@example.com' } },
      { path: '/auth/recovery/verify', body: { email: 'ada@example.com', code: '000000' } },
      { path: '/auth/recovery/verify', body: { email: 'ada@example.com', code: '111111' } },
    ]);
  });

  test('step-up by email, email change and verification, account deletion: methods, paths, bodies', async () => {
    const user = { id: 'u1', email: 'new@example.com', emailVerified: true, providers: ['google'] };
    const sent: string[] = [];
    const fetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
      const path = new URL(String(input), 'https://app.example.com').pathname;
      const method = init.method ?? 'GET';
      if (path === '/auth/csrf') return json(200, { csrfToken: 't' });
      if (path === '/auth/me') return json(200, { user, session: {} });
      sent.push(
        `${method} ${path} ${init.body ?? '-'} ${(init.headers as Record<string, string>)['X-CSRF-Token']}`,
      );
      if (path.endsWith('/start')) return json(202, { status: 'code_sent' });
      if (path === '/auth/stepup/email/verify' || method === 'DELETE')
        return new Response(null, { status: 204 });
      return json(200, { user });
    }) as typeof globalThis.fetch;
    const auth = createAuthClient({ fetch, rpId: 'app.example.com' });
    await auth.stepUp.startEmail();
    await auth.stepUp.verifyEmail('123456');
    await auth.email.startChange('new@example.com');
    assert.deepEqual(await auth.email.verifyChange('234567'), user);
    await auth.email.startVerification();
    assert.deepEqual(await auth.email.verify('345678'), user);
    await auth.deleteAccount();
    assert.deepEqual(sent, [
      'POST /auth/stepup/email/start - t',
      'POST /auth/stepup/email/verify {"code":"123456"} t',
      'POST /auth/email/change/start {"email":"new@example.com"} t',
      'POST /auth/email/change/verify {"code":"234567"} t',
      'POST /auth/email/verify/start - t',
      'POST /auth/email/verify {"code":"345678"} t',
      'DELETE /auth/account - t',
    ]);
  });
});
