import assert from 'node:assert/strict';
import type { TestBrowser, TestResponse } from './browser.ts';
import { lastCodeTo } from './mailbox.ts';
import type { AssertionTamper, RegistrationTamper, SoftAuthenticator } from './soft-authenticator.ts';

/** Sign-up up to the creation options: start, the code from the mailbox, verify-email. */
export async function signUpOptions(browser: TestBrowser, email: string): Promise<TestResponse> {
  if (!browser.cookie('csrf') && !browser.cookie('__Host-csrf')) await browser.primeCsrf();
  const started = await browser.post('/auth/signup/start', { email });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  const code = await lastCodeTo(browser.stack, email);
  return browser.post('/auth/signup/verify-email', { email, code });
}

/** Start → code → verify-email → authenticator → verify, for sign-up. Returns the verify response. */
export async function signUp(
  browser: TestBrowser,
  authenticator: SoftAuthenticator,
  email: string,
  tamper?: RegistrationTamper,
): Promise<TestResponse> {
  const options = await signUpOptions(browser, email);
  assert.equal(options.status, 200, JSON.stringify(options.body));
  const credential = await authenticator.register(options.body.options, {
    origin: browser.stack.origin,
    ...(tamper ? { tamper } : {}),
  });
  return browser.post('/auth/passkey/register/verify', { credential });
}

/** Options → authenticator → verify, for sign-in (usernameless without `email`). */
export async function signIn(
  browser: TestBrowser,
  authenticator: SoftAuthenticator,
  options: { email?: string; tamper?: AssertionTamper; credentialId?: string } = {},
): Promise<TestResponse> {
  const credential = await assertion(browser, authenticator, options);
  return browser.post('/auth/passkey/login/verify', { credential });
}

/** Just the assertion (for replays and tampering in tests). */
export async function assertion(
  browser: TestBrowser,
  authenticator: SoftAuthenticator,
  options: { email?: string; tamper?: AssertionTamper; credentialId?: string } = {},
) {
  if (!browser.cookie('csrf') && !browser.cookie('__Host-csrf')) await browser.primeCsrf();
  const response = await browser.post(
    '/auth/passkey/login/options',
    options.email ? { email: options.email } : {},
  );
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return authenticator.authenticate(response.body.options, {
    origin: browser.stack.origin,
    ...(options.credentialId ? { credentialId: options.credentialId } : {}),
    ...(options.tamper ? { tamper: options.tamper } : {}),
  });
}

/** Asserts the uniform sign-in failure: status, code, and that no session or refresh cookie was set. */
export function assertRejected(response: TestResponse, status = 401, code = 'passkey_rejected'): void {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.equal(response.body?.error?.code, code);
  const setsSession = response.setCookies.some((line) => /^(__Host-)?session=[^;]+/.test(line));
  const setsRefresh = response.setCookies.some((line) => /^(__Secure-)?refresh=[^;]+/.test(line));
  assert.equal(setsSession, false, 'no session cookie may be set');
  assert.equal(setsRefresh, false, 'no refresh cookie may be set');
}

let counter = 0;
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}.${process.pid}.${counter}.${Date.now()}@example.com`;
}
