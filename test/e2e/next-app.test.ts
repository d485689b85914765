// The Next.js example (examples/next-app) as a team gets it: the package packed
// and installed from its tarball into a project of its own, type-checked
// against each entry point, the construct synthesized from it, the app built
// and served by `next start` beside the local stack, whose /auth it forwards.
// Chromium with a DevTools virtual authenticator: sign-up with the emailed code,
// the server-rendered /expenses (and its redirect when signed out), sign-out,
// username-first, usernameless and autofill sign-in, renewal of an expired
// session cookie by the proxy, passkey management, account deletion.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  buildNextExample,
  freePort,
  type NextExampleEnv,
  packPackage,
  preparePackedProject,
  type RunningNext,
  stackEnvFor,
  startNextExample,
} from '../../scripts/next-example/project.ts';
import { type LocalStack, startLocalStack } from '../../src/local/stack.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { sessionVerifyKey } from '../../src/sessions/session-verify-key.ts';
import {
  launchChromium,
  pageWithAuthenticator,
  signUpInPage,
  virtualAuthenticator,
} from '../support/chromium.ts';
import { uniqueEmail } from '../support/flows.ts';
import { CHECK_FILES } from '../support/packed-checks.ts';
import { TEST_SECRET_KEY } from '../support/stack.ts';

const dir = mkdtempSync(join(tmpdir(), 'expenser-next-'));
const appDir = join(dir, 'app');
let stack: LocalStack;
let next: RunningNext;
let browser: Browser;
const timings: Record<string, number> = {};

async function timed<T>(name: string, step: () => T | Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await step();
  } finally {
    timings[name] = Date.now() - started;
  }
}

before(async () => {
  const tarball = await timed('pack (npm run build + npm pack)', () => packPackage(join(dir, 'pack')));
  await timed('install the tarball into a fresh project', () =>
    preparePackedProject({ dir: appDir, tarball, files: CHECK_FILES }),
  );
  const [stackPort, nextPort] = [await freePort(), await freePort()];
  const appUrl = `http://localhost:${nextPort}`;
  const env: NextExampleEnv = {
    apiUrl: `http://127.0.0.1:${stackPort}`,
    sessionVerifyKey: sessionVerifyKey(TEST_SECRET_KEY),
    secureCookies: false,
  };
  await timed('next build', () => buildNextExample(appDir, env));
  stack = await startLocalStack({
    port: stackPort,
    env: { SECRET_KEY: TEST_SECRET_KEY, ...stackEnvFor(appUrl) },
    logger: createLogger({ level: 'silent' }),
  });
  next = await timed('next start', () => startNextExample(appDir, nextPort, env));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await next?.close();
  await stack?.close();
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(
    `# Next.js example timings: ${Object.entries(timings)
      .map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`)
      .join(', ')}\n`,
  );
});

test('a fresh project type-checks against every entry point of the packed tarball', () => {
  const tsc = spawnSync(
    process.execPath,
    [join(appDir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.check.json'],
    { cwd: appDir, encoding: 'utf8' },
  );
  assert.equal(tsc.status, 0, `tsc on the entry points:\n${tsc.stdout}${tsc.stderr}`);
});

test('the construct from the tarball synthesizes with the Lambda bundles the package ships', () => {
  const synth = spawnSync(process.execPath, ['check/synth.mjs'], { cwd: appDir, encoding: 'utf8' });
  assert.equal(synth.status, 0, `synth:\n${synth.stdout}${synth.stderr}`);
  const { functions } = JSON.parse(synth.stdout.trim().split('\n').at(-1) ?? '{}');
  assert.ok(functions >= 5, `the API and the four triggers (${functions} functions)`);
});

/** Types into a React-controlled field without focusing it (focus would answer the autofill request). */
async function typeWithoutFocus(page: Page, selector: string, value: string): Promise<void> {
  await page.locator(selector).evaluate((input, text) => {
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
    setter?.call(input, text);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

/**
 * Chromium's virtual authenticator answers a conditional (autofill) request at
 * once, with no field focused, so to sign in with a button instead the
 * autofill request of each page is held at the network (its options never
 * arrive), as if the person never picked a suggestion. The first `{}` options
 * request of a page is its autofill one (the hook starts it on mount).
 */
async function holdAutofill(page: Page): Promise<void> {
  const held = new Set<string>();
  await page.route('**/auth/passkey/login/options', async (route) => {
    const pageUrl = route.request().frame().url();
    if (route.request().postData() === '{}' && !held.has(pageUrl)) {
      held.add(pageUrl);
      return; // never answered; the page navigates away from it
    }
    await route.continue();
  });
}

async function signOut(page: Page): Promise<void> {
  await page.click('#signout');
  await page.waitForURL('**/login?signedOut=1');
  await page.waitForSelector('body[data-signed-in="false"]');
}

test('sign-up, server-rendered expenses, sign-out and three ways to sign in, through the forwarded /auth', async () => {
  const { page, context, cdp, authenticatorId: laptop } = await pageWithAuthenticator(browser);
  const email = uniqueEmail('next-e2e');
  const expenses = `${next.url}/expenses`;

  // Signed out: the proxy sends the protected page to /login with where to come back.
  await page.goto(expenses);
  await page.waitForURL('**/login?returnTo=%2Fexpenses');
  await page.waitForSelector('body[data-signed-in="false"]');
  assert.equal(await page.getAttribute('#signin-email', 'autocomplete'), 'username webauthn');
  assert.equal(await page.getAttribute('a#google-signin', 'href'), '/auth/google?returnTo=/expenses');

  await signUpInPage(page, stack, email, { name: 'Ada Lovelace' });
  await page.waitForURL('**/expenses');
  await page.waitForSelector('body[data-signed-in="true"]');
  assert.match((await page.locator('#me').textContent()) ?? '', new RegExp(email.replace(/\./g, '\\.')));
  assert.equal(await page.locator('table tbody tr').count(), 5);
  // Rendered on the server: the HTML itself names the user (the cookie went to the app's origin).
  const html = await (await context.request.get(expenses)).text();
  assert.ok(html.includes(email), 'the server-rendered HTML holds the signed-in user');
  const cookieNames = (await context.cookies(next.url)).map((c) => c.name).sort();
  assert.deepEqual(
    cookieNames,
    ['csrf', 'refresh', 'session'],
    'the API’s cookies belong to the app’s origin',
  );
  assert.deepEqual(
    (await page.evaluate(() => document.cookie)).split('; ').map((c) => c.split('=')[0]),
    ['csrf'],
    'no session token is readable by script',
  );
  // No open redirect: a signed-in visit to /login follows only a same-origin relative returnTo.
  for (const returnTo of ['//evil.invalid/x', '/\\evil.invalid/x', 'https://evil.invalid/x']) {
    await page.goto(`${next.url}/login?returnTo=${encodeURIComponent(returnTo)}`);
    await page.waitForURL((url) => url.origin === new URL(next.url).origin && url.pathname === '/expenses');
  }

  await holdAutofill(page);
  await signOut(page);
  await page.goto(expenses);
  await page.waitForURL('**/login?returnTo=%2Fexpenses');

  // Username-first: the options request names the email.
  await typeWithoutFocus(page, '#signin-email', email);
  const usernameFirst = page.waitForRequest((r) => r.url().endsWith('/auth/passkey/login/options'));
  await page.click('#signin');
  assert.deepEqual((await usernameFirst).postDataJSON(), { email });
  await page.waitForURL('**/expenses');
  await page.waitForSelector('body[data-signed-in="true"]');
  await signOut(page);

  // Usernameless: no email in the request.
  const usernameless = page.waitForRequest((r) => r.url().endsWith('/auth/passkey/login/options'));
  await page.click('#signin-usernameless');
  assert.deepEqual((await usernameless).postDataJSON(), {});
  await page.waitForURL('**/expenses');
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  // Autofill: the request starts when the login page mounts, and the authenticator answers it.
  const before = (await cdp.send('WebAuthn.getCredentials', { authenticatorId: laptop })).credentials[0];
  const autofilled = page.waitForResponse((r) => r.url().endsWith('/auth/passkey/login/verify'));
  await page.click('#signout');
  await page.waitForURL('**/login?signedOut=1').catch(() => undefined);
  // Focusing the field, as a person does, lets the authenticator answer if it has not yet.
  await page.focus('#signin-email').catch(() => undefined);
  assert.equal((await autofilled).status(), 200);
  await page.waitForURL('**/expenses');
  await page.waitForSelector('body[data-signed-in="true"]');
  const afterAutofill = (await cdp.send('WebAuthn.getCredentials', { authenticatorId: laptop }))
    .credentials[0];
  assert.equal(afterAutofill?.signCount, (before?.signCount ?? 0) + 1, 'signed in through autofill');

  // The short session cookie expired (the browser dropped it): the proxy renews it through
  // /auth/refresh and the page renders signed in, without a detour through /login.
  await context.clearCookies({ name: 'session' });
  const renewed = await page.goto(expenses);
  assert.equal(renewed?.request().redirectedFrom(), null, 'no redirect');
  assert.equal(new URL(page.url()).pathname, '/expenses');
  assert.match((await page.locator('#me').textContent()) ?? '', new RegExp(email.replace(/\./g, '\\.')));
  assert.ok(
    (await context.cookies(next.url)).some((c) => c.name === 'session'),
    'the renewed session cookie reached the browser',
  );
  // The client's CSRF token changed with the renewal: its next change still works.
  await page.goto(`${next.url}/account`);
  await page.waitForFunction(() => document.getElementById('passkey-list')?.dataset.count === '1');
  assert.equal((await page.locator('#session-list li.session').count()) >= 1, true);
  assert.match(
    (await page.locator('#session-list .session-device').first().textContent()) ?? '',
    /This device$/,
  );
  assert.equal(await page.locator('#me-name').textContent(), 'Ada Lovelace');
  assert.equal(
    await page.locator('#passkey-list [data-action="delete"]').isDisabled(),
    true,
    'the only way to sign in cannot be deleted',
  );

  // A second authenticator (a security key) gets a passkey; then the laptop's is deleted.
  const { authenticatorId: key } = await cdp.send(
    'WebAuthn.addVirtualAuthenticator',
    virtualAuthenticator('usb'),
  );
  await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId: laptop, enabled: false });
  await page.fill('#add-nickname', 'Security key');
  await page.click('#add-passkey');
  await page.waitForFunction(() => document.getElementById('passkey-list')?.dataset.count === '2');
  assert.equal((await cdp.send('WebAuthn.getCredentials', { authenticatorId: key })).credentials.length, 1);
  const laptopItem = page.locator('#passkey-list li.passkey', { hasNotText: 'Security key' });
  await laptopItem.locator('[data-action="delete"]').click();
  await laptopItem.locator('[data-action="confirm-delete"]').click();
  await page.waitForFunction(() => document.getElementById('passkey-list')?.dataset.count === '1');
  assert.equal(await page.locator('#passkey-list .passkey-name').textContent(), 'Security key');

  // Signed out entirely (both cookies gone): the protected page redirects.
  await context.clearCookies();
  await holdAutofill(page);
  await page.goto(`${next.url}/account`);
  await page.waitForURL('**/login?returnTo=%2Faccount');

  // Sign in with the security key and delete the account (the sign-in is the step-up).
  await page.click('#signin-usernameless');
  await page.waitForURL('**/account');
  await page.click('#delete-account');
  await page.fill('#delete-account-email', email);
  await page.click('#delete-account-confirm');
  await page.waitForURL('**/login?deleted=1');
  assert.equal(await stack.store.findEmailClaim(email), null, 'the account is gone');
  await context.close();
});
