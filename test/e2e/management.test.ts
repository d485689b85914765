// Passkey management end to end in Chromium with two DevTools virtual
// authenticators ("this laptop" and "a security key") against the demo
// Expenser app, on a stack whose clock the test moves: add a second passkey,
// sign in with each, rename, delete, refuse deleting the last one, step-up
// after 5 minutes, autofill sign-in (conditional mediation), another user's
// passkey id → 404; screenshots of /login and /account at desktop and phone widths.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, CDPSession } from 'playwright-core';
import type { LocalStack } from '../../src/local/stack.ts';
import { messageFor } from '../../web/app/messages.ts';
import { TestBrowser } from '../support/browser.ts';
import {
  pageWithAuthenticator,
  screenshotFits,
  signUpInPage,
  virtualAuthenticator,
} from '../support/chromium.ts';
import { signUp, uniqueEmail } from '../support/flows.ts';
import {
  closeDemoInChromium,
  signOut,
  startDemoInChromium,
  waitForPasskeys,
  waitForStatus,
} from '../support/pages.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { manualClock } from '../support/stack.ts';

const time = manualClock();
let stack: LocalStack;
let browser: Browser;

before(async () => {
  ({ stack, browser } = await startDemoInChromium({ clock: time.clock }));
});

after(() => closeDemoInChromium(stack, browser));

/** Only `answering` responds to WebAuthn requests; the other authenticators wait (no user touch). */
async function onlyAnswering(cdp: CDPSession, all: string[], answering: string): Promise<void> {
  for (const authenticatorId of all) {
    await cdp.send('WebAuthn.setAutomaticPresenceSimulation', {
      authenticatorId,
      enabled: authenticatorId === answering,
    });
  }
}

async function credentialsOf(cdp: CDPSession, authenticatorId: string) {
  return (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
}

test('manage passkeys with two authenticators, step-up, autofill, and screenshots', async () => {
  const { page, cdp, authenticatorId: laptop, context } = await pageWithAuthenticator(browser);
  const email = uniqueEmail('manage-e2e');
  const error = () => page.locator('#error');

  // Sign up with the laptop's authenticator, then plug in a security key.
  await page.goto(`${stack.url}/login`);
  for (const width of [1280, 375]) await screenshotFits(page, 'login', width);
  await page.setViewportSize({ width: 1280, height: 900 });
  assert.equal(
    await page
      .locator('input')
      .evaluateAll((inputs) => inputs.every((i) => (i as HTMLInputElement).labels?.length)),
    true,
    'every field is labelled',
  );
  assert.equal(await page.getAttribute('#signin-email', 'autocomplete'), 'username webauthn');
  assert.equal(await page.getAttribute('a#google-signin', 'href'), '/auth/google?returnTo=/expenses');
  await signUpInPage(page, stack, email, { name: 'Ada Lovelace' });
  await page.waitForURL('**/expenses');
  for (const width of [1280, 375]) await screenshotFits(page, 'expenses', width);
  // Phone width: the total row spans the columns shown above it, and dates keep to one line.
  const table = await page.evaluate(() => {
    const shown = (row: Element | null) =>
      [...(row?.children ?? [])]
        .filter((cell) => getComputedStyle(cell).display !== 'none')
        .reduce((n, cell) => n + ((cell as HTMLTableCellElement).colSpan || 1), 0);
    const date = document.querySelector('tbody td.date') as HTMLElement;
    return {
      body: shown(document.querySelector('tbody tr')),
      foot: shown(document.querySelector('tfoot tr')),
      head: shown(document.querySelector('thead tr')),
      dateLines: (() => {
        const range = document.createRange();
        range.selectNodeContents(date);
        return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
      })(),
    };
  });
  assert.deepEqual(table, { body: 3, foot: 3, head: 3, dateLines: 1 });
  await page.setViewportSize({ width: 1280, height: 900 });
  const { authenticatorId: key } = await cdp.send(
    'WebAuthn.addVirtualAuthenticator',
    virtualAuthenticator('usb'),
  );
  const both = [laptop, key];

  await page.goto(`${stack.url}/account`);
  await waitForPasskeys(page, 1);
  // Linking Google is a POST (CSRF, step-up), started by a button, no longer a link.
  assert.equal(await page.locator('button#link-google').count(), 1);
  // Where you are signed in: this browser, without a "Sign out" of its own.
  await page.waitForSelector('#session-list[aria-busy="false"]');
  assert.equal(await page.locator('#session-list li.session').count(), 1);
  assert.match((await page.locator('#session-list .session-device').textContent()) ?? '', /This device$/);
  assert.equal(await page.locator('#session-list [data-action="end-session"]').count(), 0);

  // The name asked for at sign-up is shown; no developer-only refresh button.
  assert.equal(await page.locator('#me-name').textContent(), 'Ada Lovelace');
  assert.equal(await page.locator('#refresh').count(), 0);

  // The only passkey with no Google link cannot be deleted: the button says so up front.
  const laptopId =
    (await page.locator('#passkey-list li.passkey').first().getAttribute('data-passkey-id')) ?? '';
  const item = (id: string) => page.locator(`#passkey-list li[data-passkey-id="${id}"]`);
  assert.equal(await item(laptopId).locator('[data-action="delete"]').isDisabled(), true);
  assert.equal(
    await item(laptopId).locator('[data-action="delete"]').getAttribute('aria-describedby'),
    'only-passkey-hint',
  );
  assert.match((await page.locator('#only-passkey-hint').textContent()) ?? '', /cannot be deleted/);
  for (const width of [1280, 375]) await screenshotFits(page, 'account-one-passkey', width);
  await page.setViewportSize({ width: 1280, height: 900 });

  // Add a second passkey on the security key (the laptop, which holds an excluded credential, stays silent).
  await onlyAnswering(cdp, both, key);
  await page.fill('#add-nickname', 'Blue security key');
  await page.click('#add-passkey');
  await waitForPasskeys(page, 2);
  await waitForStatus(page, 'Added “Blue security key”.');
  assert.equal((await credentialsOf(cdp, key)).length, 1, 'the security key holds the new passkey');
  assert.equal((await credentialsOf(cdp, laptop)).length, 1);
  // DevTools reports ids in base64; the API in base64url.
  const keyId = Buffer.from((await credentialsOf(cdp, key))[0]?.credentialId ?? '', 'base64').toString(
    'base64url',
  );
  assert.equal(await item(keyId).locator('.passkey-name').textContent(), 'Blue security key');
  await onlyAnswering(cdp, both, laptop);
  for (const width of [1280, 375]) await screenshotFits(page, 'account', width);
  await page.setViewportSize({ width: 1280, height: 900 });

  // Sign in with each authenticator.
  for (const [authenticatorId, label] of [
    [laptop, 'laptop'],
    [key, 'security key'],
  ] as const) {
    await signOut(page);
    await onlyAnswering(cdp, both, authenticatorId);
    const before = (await credentialsOf(cdp, authenticatorId))[0]?.signCount ?? 0;
    await page.click('#signin-usernameless');
    await page.waitForURL('**/expenses');
    await page.waitForSelector('body[data-signed-in="true"]');
    const afterCount = (await credentialsOf(cdp, authenticatorId))[0]?.signCount ?? 0;
    assert.equal(afterCount, before + 1, `signed in with the ${label}`);
  }

  // Rename the security key's passkey, from the keyboard.
  await page.goto(`${stack.url}/account`);
  await waitForPasskeys(page, 2);
  await item(keyId).locator('[data-action="rename"]').focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('Backup key');
  await page.keyboard.press('Enter');
  await waitForStatus(page, 'Renamed to “Backup key”.');
  assert.equal(await item(keyId).locator('.passkey-name').textContent(), 'Backup key');
  assert.equal((await stack.store.getCredential(keyId))?.nickname, 'Backup key');

  // A name of spaces: the message says which field and why.
  await item(keyId).locator('[data-action="rename"]').click();
  await item(keyId).locator('input[name="nickname"]').fill('   ');
  await item(keyId).locator('[data-action="save"]').click();
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(await error().textContent(), 'The passkey name cannot be empty or only spaces.');
  await item(keyId).locator('[data-action="cancel"]').click();

  // Five minutes later deleting needs a step-up; confirming with a passkey completes the delete.
  time.advance(5 * 60 * 1000 + 1000);
  await page.reload();
  await waitForPasskeys(page, 2);
  await item(laptopId).locator('[data-action="delete"]').click();
  await item(laptopId).locator('[data-action="confirm-delete"]').click();
  await page.waitForSelector('#reauth-box:not([hidden])');
  // One message, in the box: the change goes ahead by itself after the confirmation.
  assert.equal(await error().isHidden(), true);
  assert.match((await page.locator('#reauth-text').textContent()) ?? '', /goes ahead by itself/);
  assert.doesNotMatch((await page.locator('#reauth-box').textContent()) ?? '', /try again/);
  await waitForPasskeys(page, 2);
  assert.ok(await stack.store.getCredential(laptopId), 'nothing deleted before the step-up');
  await onlyAnswering(cdp, both, key);
  await page.click('#reauth');
  await waitForPasskeys(page, 1);
  await waitForStatus(page, 'Deleted “Passkey”.');
  assert.equal(await item(keyId).count(), 1, 'the security key passkey remains');
  assert.equal(await stack.store.getCredential(laptopId), null);

  // Another user's passkey id → 404, through the same API the page uses.
  const other = new TestBrowser(stack);
  const otherAuthenticator = new SoftAuthenticator();
  assert.equal((await signUp(other, otherAuthenticator, uniqueEmail('other'))).status, 201);
  const foreignId = otherAuthenticator.credentials[0]?.id ?? '';
  const answers = await page.evaluate(async (id) => {
    const csrf = document.cookie.replace(/(?:^|.*;\s*)csrf=([^;]*).*$/, '$1');
    const call = async (method: string, body?: unknown) => {
      const response = await fetch(`/auth/passkeys/${id}`, {
        method,
        headers: { 'X-CSRF-Token': csrf, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return {
        status: response.status,
        code: ((await response.json()) as { error: { code: string } }).error.code,
      };
    };
    return [await call('PATCH', { nickname: 'mine now' }), await call('DELETE')];
  }, foreignId);
  assert.deepEqual(answers, [
    { status: 404, code: 'not_found' },
    { status: 404, code: 'not_found' },
  ]);
  assert.equal((await stack.store.getCredential(foreignId))?.nickname, 'Passkey');

  // Autofill: focusing the email field lets the authenticator answer the conditional request.
  await signOut(page);
  const beforeAutofill = (await credentialsOf(cdp, key))[0]?.signCount ?? 0;
  await page.focus('#signin-email');
  await page.waitForURL('**/expenses');
  await page.waitForSelector('body[data-signed-in="true"]');
  assert.equal(
    (await credentialsOf(cdp, key))[0]?.signCount,
    beforeAutofill + 1,
    'signed in through autofill',
  );

  // Another session of the user (an API client) is listed and signed out from the page;
  // "Sign out everywhere" ends this one too.
  const elsewhere = new TestBrowser(stack);
  await elsewhere.primeCsrf();
  await page.goto(`${stack.url}/account`);
  await page.waitForSelector('#session-list[aria-busy="false"]');
  const cookies = await context.cookies();
  for (const cookie of cookies) elsewhere.cookies.set(cookie.name, cookie.value);
  const moreSessions = await page.evaluate(async () => {
    const csrf = document.cookie.replace(/(?:^|.*;\s*)csrf=([^;]*).*$/, '$1');
    const response = await fetch('/auth/sessions', { headers: { 'X-CSRF-Token': csrf } });
    return ((await response.json()) as { sessions: unknown[] }).sessions.length;
  });
  assert.equal(moreSessions, 1);
  await page.click('#signout-everywhere');
  await page.waitForURL('**/login?signedOut=1');
  assert.equal((await elsewhere.get('/auth/me')).status, 401, 'a copy of the cookies ended too');
  await context.close();
});

test('/login?error=<code> shows a human message for every code, and never echoes the code', async () => {
  const page = await browser.newPage();
  for (const code of [
    'access_denied',
    'reauth_required',
    'account_exists_sign_in_with_passkey',
    'state_mismatch',
    'google_failed',
    'rate_limited',
  ]) {
    await page.goto(`${stack.url}/login?error=${code}`);
    assert.equal(await page.locator('#error').textContent(), messageFor(code));
    assert.equal(await page.locator('body').getAttribute('data-signed-in'), 'false');
  }
  await page.goto(`${stack.url}/login?error=%3Cscript%3Ealert(1)%3C/script%3E`);
  assert.equal(await page.locator('#error').textContent(), messageFor('unknown'));
  assert.doesNotMatch(await page.content(), /<script>alert/);
  await page.close();
});
