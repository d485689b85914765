// "Every malformed, oversized, wrong-type or hostile request gets the 4xx and
// error code of docs/api.md; none gets a 500" — a table of hostile bodies and
// cookies thrown at every endpoint.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TestBrowser } from '../support/browser.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const ENDPOINTS = [
  '/auth/signup/start',
  '/auth/signup/verify-email',
  '/auth/recovery/start',
  '/auth/recovery/verify',
  '/auth/passkey/register/verify',
  '/auth/passkey/login/options',
  '/auth/passkey/login/verify',
  '/auth/refresh',
  '/auth/logout',
];

const deep = (depth: number): string => (depth === 0 ? '1' : `{"a":${deep(depth - 1)}}`);
const credentialWith = (patch: Record<string, unknown>) =>
  JSON.stringify({
    credential: {
      id: 'AAAA',
      rawId: 'AAAA',
      type: 'public-key',
      response: {
        clientDataJSON: 'e30',
        authenticatorData: 'AAAA',
        signature: 'AAAA',
        attestationObject: 'oA',
      },
      clientExtensionResults: {},
      ...patch,
    },
  });

const BODIES = [
  '',
  ' ',
  'null',
  'true',
  '1e309',
  '"string"',
  '[1,2,3]',
  '{"email": ["a@example.com"]}',
  '{"email": "a@example.com\\u2028"}',
  '{"email": "\\ud800@example.com"}',
  '{"email": "ａ@ｅｘａｍｐｌｅ.ｃｏｍ"}',
  `{"email": "${'x'.repeat(60_000)}"}`,
  deep(500),
  '{"__proto__": {"isAdmin": true}, "email": "a@example.com"}',
  credentialWith({ response: 'x' }),
  credentialWith({ response: { clientDataJSON: '!!!', authenticatorData: 'x', signature: 'x' } }),
  credentialWith({ id: 'x'.repeat(5000), rawId: 'x'.repeat(5000) }),
  credentialWith({ type: 'password' }),
  credentialWith({}),
  '{"credential": {"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {"clientDataJSON": "bm90IGpzb24", "attestationObject": "AAAA", "authenticatorData": "AAAA", "signature": "AAAA"}}}',
];

let stack: TestStack;
before(async () => {
  stack = await startTestStack({
    env: { RATE_LIMIT_IP_FAILURES: '100000', RATE_LIMIT_ACCOUNT_FAILURES: '100000' },
  });
});
after(async () => {
  await stack.close();
});

test('hostile bodies on every endpoint get a 4xx with an docs/api.md error body, never a 500', async () => {
  const browser = new TestBrowser(stack);
  await browser.primeCsrf();
  await browser.post('/auth/passkey/login/options', {});
  for (const path of ENDPOINTS) {
    for (const rawBody of BODIES) {
      const response = await browser.request('POST', path, { rawBody });
      const label = `${path} ← ${rawBody.slice(0, 50)}`;
      assert.ok(response.status < 500, `${label} → ${response.status} ${JSON.stringify(response.body)}`);
      if (response.status >= 400) {
        assert.equal(typeof response.body?.error?.code, 'string', label);
        assert.equal(typeof response.body?.error?.message, 'string', label);
        assert.deepEqual(Object.keys(response.body), ['error'], label);
      }
      assert.equal(
        response.setCookies.some((line) => /^session=[^;]+/.test(line)),
        false,
        `${label} set a session cookie`,
      );
    }
  }
  assert.equal(stack.cognito.listUsernames().length, 0, 'no user was created');
});

test('garbage, oversized and foreign cookies never cause a 500', async () => {
  const cookies = [
    'session=garbage; refresh=garbage; csrf=garbage; ceremony=garbage',
    `session=${'a.'.repeat(3000)}`,
    'session=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..AAAA.AAAA.AAAA',
    'refresh=%ZZ%; session=%00',
  ];
  for (const cookie of cookies) {
    for (const [method, path] of [
      ['GET', '/auth/me'],
      ['GET', '/auth/csrf'],
      ['POST', '/auth/refresh'],
      ['POST', '/auth/logout'],
      ['POST', '/auth/passkey/login/verify'],
    ] as const) {
      const response = await stack.app.request(
        path,
        {
          method,
          headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': 'garbage' },
          ...(method === 'POST' ? { body: '{}' } : {}),
        },
        { incoming: { socket: { remoteAddress: '192.0.2.1' } } },
      );
      assert.ok(response.status < 500, `${method} ${path} with ${cookie.slice(0, 40)} → ${response.status}`);
    }
  }
});
