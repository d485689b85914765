// End to end in Chromium: "Continue with Google" on the demo app's login page →
// Cognito emulator hosted UI → Google stand-in (oidc-provider) → API callback →
// signed in; then the Google user adds a passkey, signs out (ending the hosted-UI
// session) and signs in with the passkey. That passkey sign-in is CUSTOM_AUTH,
// which Cognito (and the emulator) refuses for a federated user (API:
// InitiateAuth): it works because the Google account is a native user.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { LocalStack } from '../../src/local/stack.ts';
import { launchChromium, pageWithAuthenticator } from '../support/chromium.ts';
import { startDemoStack } from '../support/demo-stack.ts';
import { lastCodeTo } from '../support/mailbox.ts';

const SCREENSHOTS = 'test-results/screenshots';

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

async function me(page: Page) {
  return page.evaluate(async () => {
    const response = await fetch('/auth/me', { credentials: 'same-origin' });
    return { status: response.status, body: await response.json() };
  });
}

test('Continue with Google, then add a passkey and sign in with it, in a real browser', async () => {
  const { page, context, cdp, authenticatorId } = await pageWithAuthenticator(browser);
  const email = `e2e.google.${Date.now()}@example.com`;
  const locations: string[] = [];
  page.on('response', (response) => {
    const location = response.headers().location;
    if (location && response.url().startsWith(stack.url)) locations.push(location);
  });

  await page.goto(`${stack.url}/login`);
  await page.waitForSelector('body[data-signed-in="false"]');
  await page.click('#google-signin');
  await page.waitForSelector('input[name="email"]');
  assert.match(await page.title(), /LOCAL STAND-IN/);
  await page.fill('input[name="email"]', email);
  await page.click('button[type="submit"]');
  await page.waitForURL(`${stack.url}/expenses`);
  await page.waitForSelector('body[data-signed-in="true"]');

  const signedIn = await me(page);
  assert.equal(signedIn.status, 200);
  assert.equal(signedIn.body.session.authMethod, 'google');
  assert.equal(signedIn.body.user.email, email);
  assert.deepEqual(signedIn.body.user.providers, ['google']);
  assert.doesNotMatch(signedIn.body.user.id, /^google_/i, 'a native user, not the federated one');
  const cookies = await context.cookies(stack.url);
  assert.equal(
    cookies.some((c) => c.name === 'oauth'),
    false,
    'the oauth cookie is gone',
  );
  for (const location of locations) assert.doesNotMatch(location, /[?&](code|id_token|access_token)=/);

  // The Google user adds a passkey. A Google sign-in is no step-up, however recent: the page
  // asks for a code mailed to the account's address, then adds the passkey.
  await page.goto(`${stack.url}/account`);
  await page.waitForSelector('body[data-signed-in="true"]');
  await page.waitForFunction(
    () => document.getElementById('passkey-list')?.getAttribute('aria-busy') === 'false',
  );
  await page.click('#add-passkey');
  await page.waitForSelector('#reauth-box:not([hidden])');
  await page.click('#reauth-send');
  await page.waitForSelector('#reauth-code-form:not([hidden])');
  await page.fill('#reauth-code', await lastCodeTo(stack, email));
  await page.click('#reauth-verify');
  await page.waitForFunction(() => Number(document.getElementById('passkey-list')?.dataset.count ?? 0) === 1);
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  assert.equal(credentials.length, 1);

  // Signing out of a Google session goes through the hosted UI's /logout back to the login page,
  // which says so.
  const signOut = async () => {
    await page.click('#signout');
    await page.waitForURL(`${stack.url}/login**`);
    await page.waitForSelector('body[data-signed-in="false"]');
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Signed out.');
    assert.equal((await me(page)).status, 401);
  };
  await signOut();

  // "Continue with Google" again: Google asks which account (prompt=select_account) instead of
  // signing the same person straight back in, and offers another account.
  await page.click('#google-signin');
  await page.waitForSelector('#use-another-account');
  assert.equal(await page.locator('#choose-account').textContent(), email);
  await page.setViewportSize({ width: 375, height: 812 });
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/google-chooser-375.png`, fullPage: true });
  assert.equal(
    await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth),
    false,
    'the chooser fits 375 px',
  );
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.click('#choose-account');
  await page.waitForURL(`${stack.url}/expenses`);
  assert.equal((await me(page)).body.user.id, signedIn.body.user.id);
  await signOut();

  await page.click('#signin-usernameless');
  await page.waitForURL('**/expenses');
  await page.waitForSelector('body[data-signed-in="true"]');
  const viaPasskey = await me(page);
  assert.equal(viaPasskey.body.session.authMethod, 'passkey');
  assert.equal(viaPasskey.body.user.id, signedIn.body.user.id);
  assert.deepEqual(viaPasskey.body.user.providers, ['passkey', 'google']);
  await context.close();
});
