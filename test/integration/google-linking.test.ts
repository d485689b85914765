// Issue 3 item 4, docs/security.md "OAuth / OIDC": identities keyed by provider + sub;
// a Google identity is linked by email only to a verified-email account; an
// unverified (older) account is never merged into, its owner links explicitly.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { googleSubFor } from '../../src/local/google/index.ts';
import { legacyAccount } from '../support/account.ts';
import { TestBrowser } from '../support/browser.ts';
import { signIn, signUp, uniqueEmail } from '../support/flows.ts';
import { GoogleFlowWalker, hasSessionCookie, loginError } from '../support/google.ts';
import { codeIn, lastMailTo } from '../support/mailbox.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { manualClock, startTestStack, type TestStack } from '../support/stack.ts';

describe('account linking', () => {
  let stack: TestStack;
  const time = manualClock();

  before(async () => {
    stack = await startTestStack({ clock: time.clock });
  });
  after(() => stack.close());

  async function passkeyAccount(email: string) {
    const browser = new TestBrowser(stack);
    const authenticator = new SoftAuthenticator();
    const created = await signUp(browser, authenticator, email);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return { browser, authenticator, userId: created.body.user.id as string };
  }

  /** `POST /auth/google/link` (CSRF, step-up): the hosted-UI URL the browser goes to next. */
  async function startLink(browser: TestBrowser): Promise<string> {
    const response = await browser.post('/auth/google/link');
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.ok(browser.cookie('oauth'), 'the transaction is bound to this browser');
    return response.body.redirectTo;
  }

  test('Google with the verified email of a passkey account is the same person: it signs in to that account', async () => {
    const email = uniqueEmail('passkey');
    const { userId } = await passkeyAccount(email);
    const w = new GoogleFlowWalker(new TestBrowser(stack));
    const run = await w.run('/auth/google?returnTo=/expenses', { email });
    assert.equal(loginError(run.finalUrl), null, run.finalUrl);
    const me = await w.browser.get('/auth/me');
    assert.equal(me.body.user.id, userId);
    assert.deepEqual(me.body.user.providers, ['passkey', 'google']);
  });

  test('Google with the email of an older unverified account is never merged into it', async () => {
    const email = uniqueEmail('legacy');
    const legacy = await legacyAccount(stack, email);
    const w = new GoogleFlowWalker(new TestBrowser(stack));
    const run = await w.run('/auth/google?returnTo=/expenses', { email });
    assert.equal(loginError(run.finalUrl), null, run.finalUrl);
    const me = await w.browser.get('/auth/me');
    assert.notEqual(me.body.user.id, legacy.userId, 'a separate Google account');
    assert.deepEqual(me.body.user.providers, ['google']);
    const passkey = await signIn(new TestBrowser(stack), legacy.authenticator);
    assert.deepEqual(passkey.body.user.providers, ['passkey'], 'nothing was linked to the older account');
  });

  test('passkey sign-up with the email of a Google-only account: 202, a "you have an account" mail, no code, nothing created', async () => {
    const email = uniqueEmail('google-first');
    const w = new GoogleFlowWalker(new TestBrowser(stack));
    const run = await w.run('/auth/google?returnTo=/expenses', { email });
    assert.equal(loginError(run.finalUrl), null, run.finalUrl);
    assert.equal(hasSessionCookie(w.browser), true);
    const users = stack.cognito.listUsernames().length;
    const other = new TestBrowser(stack);
    await other.primeCsrf();
    const started = await other.post('/auth/signup/start', { email });
    assert.equal(started.status, 202);
    const mail = await lastMailTo(stack, email);
    assert.equal(codeIn(mail), null, 'the mail carries no code');
    assert.match(mail.subject, /already have/);
    const guess = await other.post('/auth/signup/verify-email', { email, code: '000000' });
    assert.equal(guess.body.error.code, 'code_invalid');
    assert.equal(other.cookie('ceremony'), undefined);
    assert.equal(stack.cognito.listUsernames().length, users);
  });

  test('a passkey user links Google explicitly; /auth/me lists both; Google then signs in to that account', async () => {
    const email = uniqueEmail('linker');
    const { browser, authenticator, userId } = await passkeyAccount(email);
    const w = new GoogleFlowWalker(browser);
    const run = await w.run(await startLink(browser), { email });
    assert.equal(run.finalUrl, `${stack.config.frontendUrl}/account`);
    const me = await browser.get('/auth/me');
    assert.equal(me.body.user.id, userId);
    assert.deepEqual(me.body.user.providers, ['passkey', 'google']);
    const federated = `google_${googleSubFor(email)}`;
    assert.equal(
      stack.cognito.listUsernames().some((name) => name.toLowerCase() === federated),
      false,
      'the federated user of the round trip was replaced by the link',
    );

    // Google now signs in to the passkey account.
    const google = new GoogleFlowWalker(new TestBrowser(stack));
    const signedIn = await google.run('/auth/google?returnTo=/expenses', { email });
    assert.equal(signedIn.finalUrl, `${stack.config.frontendUrl}/expenses`);
    const viaGoogle = await google.browser.get('/auth/me');
    assert.equal(viaGoogle.body.user.id, userId);
    assert.equal(viaGoogle.body.session.authMethod, 'google');
    assert.deepEqual(viaGoogle.body.user.providers, ['passkey', 'google']);

    // And the passkey still works, listing both providers.
    const passkey = new TestBrowser(stack);
    const again = await signIn(passkey, authenticator);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body.user.providers, ['passkey', 'google']);
  });

  test('linking needs a signed-in session, and GET /auth/google no longer links', async () => {
    const browser = new TestBrowser(stack);
    await browser.primeCsrf();
    const response = await browser.post('/auth/google/link');
    assert.equal(response.status, 401, JSON.stringify(response.body));
    assert.equal(response.body.error.code, 'unauthenticated');
    assert.equal(browser.cookie('oauth'), undefined);

    // `GET /auth/google?intent=link` of earlier versions is a plain sign-in now, even when signed in.
    const email = uniqueEmail('oldlink');
    const { browser: signedIn, userId } = await passkeyAccount(uniqueEmail('oldlink-passkey'));
    const run = await new GoogleFlowWalker(signedIn).run('/auth/google?intent=link&returnTo=/account', {
      email,
    });
    const me = await signedIn.get('/auth/me');
    assert.notEqual(me.body.user.id, userId, run.finalUrl);
    assert.deepEqual(me.body.user.providers, ['google'], 'the Google identity has an account of its own');
  });

  test('linking needs a step-up within the last 5 minutes', async () => {
    const { browser } = await passkeyAccount(uniqueEmail('stale'));
    time.advance(6 * 60 * 1000);
    try {
      const response = await browser.post('/auth/google/link');
      assert.equal(response.status, 401);
      assert.equal(response.body.error.code, 'reauth_required');
      assert.equal(browser.cookie('oauth'), undefined);
    } finally {
      time.advance(-6 * 60 * 1000);
    }
  });

  test('a silent Google round trip is never a step-up for a passkey user', async () => {
    const email = uniqueEmail('silent');
    const { browser } = await passkeyAccount(email);
    await new GoogleFlowWalker(browser).run(await startLink(browser), { email });
    time.advance(6 * 60 * 1000);
    try {
      // A stolen session (or anyone at the keyboard) signs in with Google again: fresh auth_time.
      const google = new GoogleFlowWalker(new TestBrowser(stack));
      await google.run('/auth/google?returnTo=/account', { email });
      assert.equal((await google.browser.get('/auth/me')).body.session.authMethod, 'google');
      const options = await google.browser.post('/auth/passkeys/options');
      assert.equal(options.status, 401, JSON.stringify(options.body));
      assert.equal(options.body.error.code, 'reauth_required');
      const unlink = await google.browser.request('DELETE', '/auth/google');
      assert.equal(unlink.body.error.code, 'reauth_required');
    } finally {
      time.advance(-6 * 60 * 1000);
    }
  });

  test('unlinking Google: other sessions end, User.google goes, that Google account no longer reaches the account', async () => {
    const email = uniqueEmail('unlink');
    const { browser, userId } = await passkeyAccount(email);
    await new GoogleFlowWalker(browser).run(await startLink(browser), { email });
    const me = await browser.get('/auth/me');
    assert.deepEqual(me.body.user.providers, ['passkey', 'google']);
    assert.equal(me.body.user.google?.email, email, 'User.google.email names the linked account');
    // A Google session elsewhere (perhaps the attacker's back door).
    const google = new GoogleFlowWalker(new TestBrowser(stack));
    await google.run('/auth/google?returnTo=/account', { email });
    assert.equal((await google.browser.get('/auth/me')).body.user.id, userId);

    const unlinked = await browser.request('DELETE', '/auth/google');
    assert.equal(unlinked.status, 204, JSON.stringify(unlinked.body));
    const after = await browser.get('/auth/me');
    assert.deepEqual(after.body.user.providers, ['passkey']);
    assert.equal(after.body.user.google, undefined);
    assert.equal((await google.browser.get('/auth/me')).status, 401, 'the Google session ended');
    const again = await browser.request('DELETE', '/auth/google');
    assert.equal(again.status, 404, JSON.stringify(again.body));

    // Signing in with that Google account no longer reaches this account.
    const back = new GoogleFlowWalker(new TestBrowser(stack));
    const run = await back.run('/auth/google?returnTo=/account', { email });
    const landed = (await back.browser.get('/auth/me')).body?.user?.id;
    assert.notEqual(landed, userId, run.finalUrl);
  });

  test('GET /auth/google refuses a cross-site navigation', async () => {
    const browser = new TestBrowser(stack);
    const response = await browser.get('/auth/google?returnTo=/expenses', {
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    assert.equal(response.status, 302);
    assert.equal(loginError(response.headers.get('location') ?? ''), 'google_state_invalid');
    assert.equal(browser.cookie('oauth'), undefined);
  });

  test('a Google account with its own expenser account cannot be linked to another', async () => {
    const googleEmail = uniqueEmail('own');
    const own = new GoogleFlowWalker(new TestBrowser(stack));
    await own.run('/auth/google?returnTo=/', { email: googleEmail });
    const ownId = (await own.browser.get('/auth/me')).body.user.id;
    // The Google account predates the link attempt (the stack's clock is manual).
    time.advance(5000);

    const { browser, userId } = await passkeyAccount(uniqueEmail('other'));
    const w = new GoogleFlowWalker(browser);
    const run = await w.run(await startLink(browser), { email: googleEmail });
    // A failed link goes back to the account page it began on, not to the sign-in page.
    const landed = new URL(run.finalUrl);
    assert.equal(landed.pathname, '/account', run.finalUrl);
    assert.equal(landed.searchParams.get('error'), 'google_account_in_use');
    const me = await browser.get('/auth/me');
    assert.equal(me.body.user.id, userId, 'still signed in as before');
    assert.deepEqual(me.body.user.providers, ['passkey']);
    assert.ok(stack.cognito.listUsernames().includes(ownId), 'the Google account was not destroyed');
  });

  test('an account whose email is verified is linked automatically; the retry lands on it', async () => {
    const email = uniqueEmail('verified');
    const client = new CognitoIdentityProviderClient({
      endpoint: stack.cognito.url,
      region: stack.config.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const created = await client.send(
      new AdminCreateUserCommand({
        UserPoolId: stack.config.cognito.userPoolId,
        Username: 'verified-native-user',
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
    client.destroy();
    const w = new GoogleFlowWalker(new TestBrowser(stack));
    const run = await w.run('/auth/google?returnTo=/expenses', { email });
    assert.equal(run.finalUrl, `${stack.config.frontendUrl}/expenses`);
    const me = await w.browser.get('/auth/me');
    assert.equal(me.body.user.id, created.User?.Username);
    assert.deepEqual(me.body.user.providers, ['google']);
  });
});
