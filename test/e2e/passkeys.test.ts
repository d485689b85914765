// End to end in Chromium with a DevTools virtual authenticator, against the
// demo Expenser app served by the local stack: sign-up → me → sign-out →
// username-first sign-in → usernameless sign-in → refresh.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { LocalStack } from '../../src/local/stack.ts';
import { launchChromium, pageWithAuthenticator } from '../support/chromium.ts';
import { startDemoStack } from '../support/demo-stack.ts';

let stack: LocalStack;
let browser: Browser;

before(async () => {
  stack = await startDemoStack();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stack?.close();
});

test('passkey sign-up, sign-out, sign-in with and without email, and refresh in a real browser', async () => {
  const { page, cdp, authenticatorId, context } = await pageWithAuthenticator(browser);
  const email = `e2e.${Date.now()}@example.com`;
  const signedIn = () => page.waitForSelector('body[data-signed-in="true"]');
  const signedOut = () => page.waitForSelector('body[data-signed-in="false"]');
  const status = () => page.locator('#status').textContent();

  await page.goto(`${stack.url}/`);
  await page.waitForURL('**/login');
  await signedOut();
  await page.goto(`${stack.url}/expenses`);
  await page.waitForURL('**/login?returnTo=%2Fexpenses');
  await signedOut();

  await page.fill('#signup-email', email);
  await page.click('#signup');
  await page.waitForURL('**/expenses');
  await signedIn();
  assert.match((await page.locator('#me').textContent()) ?? '', new RegExp(email.replace(/\./g, '\\.')));
  assert.equal(await page.locator('table tbody tr').count(), 5, 'the protected page shows the expenses');
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  assert.equal(credentials.length, 1, 'one discoverable credential on the authenticator');
  assert.equal(credentials[0]?.isResidentCredential, true);

  // No token is readable by script: only the CSRF cookie is visible, nothing in storage.
  const visible = await page.evaluate(() => ({
    cookies: document.cookie,
    local: Object.keys(localStorage),
    session: Object.keys(sessionStorage),
  }));
  assert.deepEqual(
    visible.cookies.split('; ').map((c) => c.split('=')[0]),
    ['csrf'],
  );
  assert.deepEqual(visible.local, []);
  assert.deepEqual(visible.session, []);
  const cookies = await context.cookies();
  assert.equal(cookies.find((c) => c.name === 'session')?.httpOnly, true);
  assert.equal(cookies.find((c) => c.name === 'refresh')?.httpOnly, true);

  await page.click('#signout');
  await page.waitForURL('**/login?signedOut=1');
  await signedOut();
  assert.equal(await status(), 'Signed out.');
  await page.goto(`${stack.url}/expenses`);
  await page.waitForURL('**/login?returnTo=%2Fexpenses');

  // Username-first. The value is set without focusing the field, so the autofill
  // request (conditional mediation, covered in management.test.ts) stays unanswered
  // and the button's modal request is the one that signs in.
  await page.locator('#signin-email').evaluate((input, value) => {
    (input as HTMLInputElement).value = value;
  }, email);
  await page.click('#signin');
  await page.waitForURL('**/expenses');
  await signedIn();

  await page.click('#signout');
  await page.waitForURL('**/login?signedOut=1');
  await signedOut();

  await page.click('#signin-usernameless');
  await page.waitForURL('**/expenses');
  await signedIn();

  await page.goto(`${stack.url}/account`);
  await signedIn();
  await page.click('#refresh');
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Session refreshed.');
  await signedIn();

  const after = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  assert.equal(
    after.credentials[0]?.signCount,
    (credentials[0]?.signCount ?? 0) + 2,
    'two assertions were made',
  );
  await context.close();
});
