// End to end in Chromium with DevTools virtual authenticators, against the
// demo Expenser app, reading every code from the local mailbox
// (aws-ses-v2-local): sign-up by code (wrong code, a new code, one passkey
// prompt); recovery after the only authenticator is gone (a new passkey, the
// lost one deleted, signed in with the new one); a Google-only account
// stepping up by an emailed code; changing the email and deleting the account
// (step-up by passkey, the email free again).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { LocalStack } from '../../src/local/stack.ts';
import { messageFor } from '../../web/app/messages.ts';
import { makeLegacy } from '../support/account.ts';
import {
  pageWithAuthenticator,
  screenshotFits,
  signUpInPage,
  virtualAuthenticator,
} from '../support/chromium.ts';
import { otherCode } from '../support/codes.ts';
import { uniqueEmail } from '../support/flows.ts';
import { codeIn, lastCodeTo, mailTo } from '../support/mailbox.ts';
import {
  closeDemoInChromium,
  me,
  signOut,
  startDemoInChromium,
  waitForError,
  waitForPasskeys,
  waitForStatus,
} from '../support/pages.ts';
import { manualClock } from '../support/stack.ts';

const time = manualClock();
let stack: LocalStack;
let browser: Browser;

before(async () => {
  ({ stack, browser } = await startDemoInChromium({ clock: time.clock }));
});

after(() => closeDemoInChromium(stack, browser));

test('sign-up: email, the code from the mailbox (a wrong one, a new one), one passkey prompt, signed in', async () => {
  const { page, cdp, authenticatorId, context } = await pageWithAuthenticator(browser);
  const email = uniqueEmail('signup-e2e');
  await page.goto(`${stack.url}/login`);
  await page.waitForSelector('body[data-signed-in="false"]');

  await page.fill('#signup-email', email);
  await page.fill('#signup-name', 'Grace Hopper');
  await page.click('#signup');
  await page.waitForSelector('#signup-code-form:not([hidden])');
  assert.equal(await page.locator('#signup-form').isHidden(), true, 'the code step replaces the form');
  assert.equal(await page.locator('#signup-code-to').textContent(), email);
  assert.equal(
    await page.evaluate(() => document.activeElement?.id),
    'signup-code',
    'the code field has the focus',
  );
  for (const [name, value] of [
    ['autocomplete', 'one-time-code'],
    ['inputmode', 'numeric'],
    ['pattern', '[0-9]{6}'],
  ]) {
    assert.equal(await page.getAttribute('#signup-code', name ?? ''), value);
  }
  await screenshotFits(page, 'signup-code', 375);
  await page.setViewportSize({ width: 1280, height: 900 });
  const first = await lastCodeTo(stack, email);

  // A wrong code: a clear message, nothing created.
  await page.fill('#signup-code', otherCode(first));
  await page.click('#signup-verify');
  await waitForError(page, messageFor('code_invalid'));
  assert.equal((await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials.length, 0);

  // A new code replaces the first one.
  await page.click('#signup-resend');
  await waitForStatus(page, `We sent a new code to ${email}. Earlier codes no longer work.`);
  const codes = (await mailTo(stack, email)).map(codeIn);
  assert.equal(codes.length, 2, 'two code mails');
  const second = codes[1] ?? '';
  if (second !== first) {
    await page.fill('#signup-code', first);
    await page.click('#signup-verify');
    await waitForError(page, messageFor('code_invalid'));
  }

  // Typed as mails print it, "123 456": the field keeps the digits.
  await page.fill('#signup-code', '');
  await page.locator('#signup-code').pressSequentially(`${second.slice(0, 3)} ${second.slice(3)}`);
  assert.equal(await page.inputValue('#signup-code'), second);
  await page.click('#signup-verify');
  await page.waitForURL('**/expenses');
  await page.waitForSelector('body[data-signed-in="true"]');

  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  assert.equal(credentials.length, 1, 'one authenticator prompt, one passkey');
  const signedIn = await me(page);
  assert.equal(signedIn.body.user.email, email);
  assert.equal(signedIn.body.user.emailVerified, true);
  assert.equal(signedIn.body.user.name, 'Grace Hopper');
  await page.goto(`${stack.url}/account`);
  await waitForPasskeys(page, 1);
  assert.equal(await page.locator('#verify-email').count(), 0, 'a verified email has no banner');
  await context.close();
});

test('recovery: the only authenticator is gone → "Lost your passkey?" → code → a new passkey; the old one deleted', async () => {
  const { page, cdp, authenticatorId: lost, context } = await pageWithAuthenticator(browser);
  const email = uniqueEmail('recover-e2e');
  await page.goto(`${stack.url}/login`);
  await signUpInPage(page, stack, email);
  await page.waitForURL('**/expenses');
  const userId = (await me(page)).body.user.id;
  await signOut(page);

  // The device with the passkey is gone; this one has an empty authenticator.
  await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: lost });
  const { authenticatorId: fresh } = await cdp.send(
    'WebAuthn.addVirtualAuthenticator',
    virtualAuthenticator(),
  );
  await page.locator('#signin-email').evaluate((input, value) => {
    (input as HTMLInputElement).value = value;
  }, email);
  await page.click('#signin');
  await waitForError(page, messageFor('passkey_not_found'));
  assert.match(messageFor('passkey_not_found'), /Lost your passkey\?/);

  await page.click('#recover summary');
  await page.waitForFunction(
    (typed) => (document.getElementById('recover-email') as HTMLInputElement).value === typed,
    email,
  );
  await page.click('#recover-send');
  await page.waitForSelector('#recover-code-form:not([hidden])');
  assert.equal(await page.locator('#recover-code-to').textContent(), email);
  await screenshotFits(page, 'recover-code', 375);
  await page.setViewportSize({ width: 1280, height: 900 });
  const mailsBefore = (await mailTo(stack, email)).length;
  await page.fill('#recover-code', await lastCodeTo(stack, email));
  await page.click('#recover-verify');

  // A recovery session: the page asks for a new passkey at once and says why nothing else opens.
  await page.waitForURL('**/account');
  await page.waitForSelector('body[data-page="recovery"][data-signed-in="true"]');
  assert.match((await page.locator('#recovery-box').textContent()) ?? '', /only add a passkey/);
  assert.equal(await page.locator('nav a').count(), 0, 'no links to pages a recovery session cannot open');
  await screenshotFits(page, 'recovery', 375);
  await page.setViewportSize({ width: 1280, height: 900 });
  const session = await me(page);
  assert.equal(session.body.session.authMethod, 'recovery');
  assert.equal(session.body.user.id, userId);
  const listed = await page.evaluate(async () => (await fetch('/auth/passkeys')).status);
  assert.equal(listed, 403, 'the recovery session cannot list passkeys');
  await page.goto(`${stack.url}/expenses`);
  await page.waitForSelector('body[data-page="recovery"]');
  assert.ok((await mailTo(stack, email)).length > mailsBefore, 'a notice of the recovery sign-in');

  // The new passkey turns the session into a normal one; the lost passkey can go at once.
  await page.fill('#recovery-nickname', 'New phone');
  await page.click('#recovery-add-passkey');
  await page.waitForURL('**/account?recovered=1');
  await page.waitForSelector('body[data-page="account"]');
  await waitForStatus(page, 'Your new passkey is ready.', 'prefix');
  await waitForPasskeys(page, 2);
  assert.equal((await me(page)).body.session.authMethod, 'passkey');
  const freshId = Buffer.from(
    (await cdp.send('WebAuthn.getCredentials', { authenticatorId: fresh })).credentials[0]?.credentialId ??
      '',
    'base64',
  ).toString('base64url');
  const lostItem = page.locator(`#passkey-list li.passkey:not([data-passkey-id="${freshId}"])`);
  assert.equal(await lostItem.count(), 1);
  const lostId = (await lostItem.getAttribute('data-passkey-id')) ?? '';
  await lostItem.locator('[data-action="delete"]').click();
  await lostItem.locator('[data-action="confirm-delete"]').click();
  await waitForPasskeys(page, 1);
  assert.equal(await page.locator('#reauth-box').isHidden(), true, 'adding the passkey was the step-up');
  assert.equal(await stack.store.getCredential(lostId), null);

  // Signed out, the new passkey signs in.
  await signOut(page);
  await page.click('#signin-usernameless');
  await page.waitForURL('**/expenses');
  const back = await me(page);
  assert.equal(back.body.user.id, userId);
  assert.equal(back.body.session.authMethod, 'passkey');
  await context.close();
});

test('an account with no passkey (Google) confirms deleting itself with an emailed code', async () => {
  const { page, context } = await pageWithAuthenticator(browser);
  const email = uniqueEmail('google-stepup-e2e');
  await page.goto(`${stack.url}/login`);
  await page.click('#google-signin');
  await page.waitForSelector('input[name="email"]');
  await page.fill('input[name="email"]', email);
  await page.click('button[type="submit"]');
  await page.waitForURL(`${stack.url}/expenses`);
  await page.goto(`${stack.url}/account`);
  await waitForPasskeys(page, 0);

  await page.click('#delete-account');
  await page.fill('#delete-account-email', email);
  await page.click('#delete-account-confirm');
  // A Google round trip is no step-up: the box offers a code by email, not a passkey prompt.
  await page.waitForSelector('#reauth-box:not([hidden])');
  assert.equal(await page.locator('#reauth').isHidden(), true);
  assert.match(
    (await page.locator('#reauth-text').textContent()) ?? '',
    new RegExp(`code we email to ${email}`),
  );
  await page.click('#reauth-send');
  await page.waitForSelector('#reauth-code-form:not([hidden])');
  await page.fill('#reauth-code', await lastCodeTo(stack, email));
  await page.click('#reauth-verify');

  await page.waitForURL('**/login?deleted=1');
  await page.waitForSelector('body[data-signed-in="false"]');
  assert.equal(await page.locator('#status').textContent(), 'Your account has been deleted.');
  assert.equal((await me(page)).status, 401);
  await context.close();
});

test('change the email (a code to the new address), then delete the account after a passkey step-up; the email is free again', async () => {
  const { page, context } = await pageWithAuthenticator(browser);
  const email = uniqueEmail('change-e2e');
  const newEmail = uniqueEmail('changed-e2e');
  await page.goto(`${stack.url}/login`);
  await signUpInPage(page, stack, email);
  await page.waitForURL('**/expenses');

  // Just signed up: stepped up, so the change starts at once.
  await page.goto(`${stack.url}/account`);
  await waitForPasskeys(page, 1);
  await page.click('#change-email');
  await page.fill('#change-email-input', newEmail);
  await page.click('#change-email-send');
  await page.waitForSelector('#change-email-code-form:not([hidden])');
  assert.equal(await page.locator('#change-email-code-to').textContent(), newEmail);
  await screenshotFits(page, 'change-email-code', 375);
  await page.setViewportSize({ width: 1280, height: 900 });
  const toOld = (await mailTo(stack, email)).length;
  await page.fill('#change-email-code', await lastCodeTo(stack, newEmail));
  await page.click('#change-email-verify');
  await waitForStatus(page, `Your email is now ${newEmail}. Your other devices were signed out.`);
  assert.equal(await page.locator('#current-email').textContent(), newEmail);
  assert.equal(await page.locator('#me strong').textContent(), newEmail);
  const notices = (await mailTo(stack, email)).slice(toOld);
  assert.equal(notices.length, 1, 'the old address is told');
  assert.ok(notices[0]);
  assert.equal(codeIn(notices[0]), null, 'a notice carries no code');
  await page.reload();
  assert.equal(await page.locator('#me strong').textContent(), newEmail, 'the page shows the new email');

  // Five minutes later, deleting asks for the passkey first; typing the email is the confirmation.
  time.advance(5 * 60 * 1000 + 1000);
  await page.reload();
  await waitForPasskeys(page, 1);
  await page.click('#delete-account');
  assert.match((await page.locator('#delete-account-what').textContent()) ?? '', /cannot be undone/);
  await page.fill('#delete-account-email', email);
  await page.click('#delete-account-confirm');
  assert.equal(
    await page
      .locator('#delete-account-email')
      .evaluate((input) => (input as HTMLInputElement).validity.valid),
    false,
    'the old address does not confirm',
  );
  assert.equal(await page.locator('#reauth-box').isHidden(), true, 'nothing was sent');
  await page.fill('#delete-account-email', newEmail.toUpperCase());
  await page.click('#delete-account-confirm');
  await page.waitForSelector('#reauth-box:not([hidden])');
  assert.equal(
    await page.locator('#reauth-email').isHidden(),
    true,
    'a passkey user confirms with the passkey',
  );
  await page.click('#reauth');
  await page.waitForURL('**/login?deleted=1');
  assert.equal(await page.locator('#status').textContent(), 'Your account has been deleted.');
  assert.equal((await me(page)).status, 401);

  // The address can sign up again.
  await signUpInPage(page, stack, newEmail);
  await page.waitForURL('**/expenses');
  assert.equal((await me(page)).body.user.email, newEmail);
  await context.close();
});

test('an account from before verified sign-up verifies its email from the banner', async () => {
  const { page, context } = await pageWithAuthenticator(browser);
  const email = uniqueEmail('legacy-e2e');
  await page.goto(`${stack.url}/login`);
  await signUpInPage(page, stack, email);
  await page.waitForURL('**/expenses');
  await makeLegacy(stack, (await me(page)).body.user.id, email);
  await signOut(page);
  await page.click('#signin-usernameless');
  await page.waitForURL('**/expenses');
  await page.goto(`${stack.url}/account`);
  await page.waitForSelector('#verify-email');
  await screenshotFits(page, 'account-verify-email', 375);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.click('#verify-email-send');
  await page.waitForSelector('#verify-email-code-form:not([hidden])');
  await page.fill('#verify-email-code', await lastCodeTo(stack, email));
  await page.click('#verify-email-verify');
  await waitForStatus(page, `Your email ${email} is verified.`);
  await page.reload();
  await waitForPasskeys(page, 1);
  assert.equal(await page.locator('#verify-email').count(), 0);
  await context.close();
});
