// End to end in Chromium with a DevTools virtual authenticator, against the
// demo Expenser app served by the local stack: sign-up (with the emailed code
// from the local mailbox) → me → sign-out → username-first sign-in →
// usernameless sign-in; messages for a wrong email.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { LocalStack } from '../../src/local/stack.ts';
import { messageFor } from '../../web/app/messages.ts';
import { launchChromium, pageWithAuthenticator, signUpInPage } from '../support/chromium.ts';
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

test('passkey sign-up, sign-out, sign-in with and without email in a real browser', async () => {
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

  await signUpInPage(page, stack, email);
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
  assert.equal(await page.locator('#refresh').count(), 0, 'no developer-only "Refresh session" button');

  const after = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  assert.equal(
    after.credentials[0]?.signCount,
    (credentials[0]?.signCount ?? 0) + 2,
    'two assertions were made',
  );
  await context.close();
});

test('messages say what went wrong: no passkey on this device for an email, and which field is not right', async () => {
  const { page, context } = await pageWithAuthenticator(browser);
  const error = page.locator('#error');
  await page.goto(`${stack.url}/login`);
  await page.waitForSelector('body[data-signed-in="false"]');

  // An email this device holds no passkey for: Chromium answers NotAllowedError, as for a closed prompt.
  await page.locator('#signin-email').evaluate((input) => {
    (input as HTMLInputElement).value = `nobody.${Date.now()}@example.com`;
  });
  await page.click('#signin');
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(await error.textContent(), messageFor('passkey_not_found'));

  // "ada@example" passes the browser's email check; the server's 400 names the field.
  await page.fill('#signup-email', 'ada@example');
  await page.click('#signup');
  await page.waitForFunction(() => document.getElementById('error')?.textContent?.startsWith('The email'));
  assert.equal(
    await error.textContent(),
    'The email must be a complete email address, like name@example.com.',
  );
  await context.close();
});
