// Issue 11 item 1: every account is a native Cognito user. A Google identity's
// first sign-in replaces the Google_<sub> user Cognito creates with a native
// user (API: AdminLinkProviderForUser takes only a source that never signed in),
// links the identity to it, and signs it in through CUSTOM_AUTH with a one-time
// grant; later Google sign-ins land on the native user. Failures leave nothing
// half-made, and the next attempt works.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { linkedGoogleSubs } from '../../src/cognito/google-identities.ts';
import type { CognitoAdapter } from '../../src/cognito/types.ts';
import { googleSubFor } from '../../src/local/google/index.ts';
import {
  cognitoAttributes,
  cognitoUser,
  legacyAccount,
  mailsWithSubject,
  passkeyAccount,
  stepUpByEmail,
} from '../support/account.ts';
import { TestBrowser } from '../support/browser.ts';
import { signIn, uniqueEmail } from '../support/flows.ts';
import { GoogleFlowWalker, hasSessionCookie, loginError } from '../support/google.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const GOOGLE_LINKED = /^Google sign-in was linked/;
const isCallback = (url: URL) => url.pathname === '/auth/google/callback';

type Fault = { when: 'before' | 'after'; times: number };

describe('every account is a native Cognito user', () => {
  let stack: TestStack;
  /** Injected Cognito faults, by adapter method: thrown before or after the real call. */
  const faults = new Map<keyof CognitoAdapter, Fault>();

  function inject(method: keyof CognitoAdapter, when: Fault['when'] = 'before', times = 1) {
    faults.set(method, { when, times });
  }

  function faulty(cognito: CognitoAdapter): CognitoAdapter {
    const wrapped = { ...cognito };
    for (const method of Object.keys(cognito) as (keyof CognitoAdapter)[]) {
      const real = cognito[method] as (...args: unknown[]) => Promise<unknown>;
      const fail = (when: Fault['when']) => {
        const fault = faults.get(method);
        if (fault?.when !== when) return;
        if (--fault.times <= 0) faults.delete(method);
        throw new Error(`injected ${method} fault`);
      };
      wrapped[method] = (async (...args: unknown[]) => {
        fail('before');
        const result = await real(...args);
        fail('after');
        return result;
      }) as never;
    }
    return wrapped;
  }

  before(async () => {
    stack = await startTestStack({ wrapCognito: faulty });
  });
  after(() => stack.close());

  const federatedExists = (email: string) =>
    stack.cognito.listUsernames().some((name) => name.toLowerCase() === `google_${googleSubFor(email)}`);

  async function googleSignIn(email: string, browser = new TestBrowser(stack)) {
    const walker = new GoogleFlowWalker(browser);
    const run = await walker.run('/auth/google?returnTo=/expenses', { email });
    const me = await walker.browser.get('/auth/me');
    return { run, walker, me, error: loginError(run.finalUrl) };
  }

  /** Usernames holding `email` (the standard attribute) in Cognito. */
  async function holdersOf(email: string): Promise<string[]> {
    const holders: string[] = [];
    for (const name of stack.cognito.listUsernames()) {
      if ((await cognitoAttributes(stack, name))?.email === email) holders.push(name);
    }
    return holders;
  }

  test('a Google-only user adds a passkey and signs in with it: CUSTOM_AUTH of a native user; Google still lands on it', async () => {
    const email = uniqueEmail('google-then-passkey');
    const first = await googleSignIn(email);
    assert.equal(first.error, null, first.run.finalUrl);
    const userId = first.me.body.user.id as string;
    assert.deepEqual(first.me.body.user.providers, ['google']);
    assert.equal(first.me.body.user.google?.email, email, "Google's email shows in the first session");
    const native = await cognitoUser(stack, userId);
    assert.equal(native.UserStatus, 'FORCE_CHANGE_PASSWORD', 'native, not EXTERNAL_PROVIDER');
    assert.equal(federatedExists(email), false, 'the Google_ user is gone');
    assert.equal(await stack.store.findGoogleAccountReservation(googleSubFor(email)), null, 'released');

    const browser = first.walker.browser;
    assert.equal((await stepUpByEmail(browser, email)).status, 204);
    const authenticator = new SoftAuthenticator();
    const options = await browser.post('/auth/passkeys/options');
    assert.equal(options.status, 200, JSON.stringify(options.body));
    const credential = await authenticator.register(options.body.options, { origin: stack.origin });
    assert.equal((await browser.post('/auth/passkeys', { credential })).status, 201);
    assert.equal((await browser.post('/auth/logout')).status, 200);

    const viaPasskey = await signIn(new TestBrowser(stack), authenticator);
    assert.equal(viaPasskey.status, 200, JSON.stringify(viaPasskey.body));
    assert.equal(viaPasskey.body.user.id, userId);
    assert.deepEqual(viaPasskey.body.user.providers, ['passkey', 'google']);

    const preSignUps = stack.cognito.counts().triggers.PreSignUp ?? 0;
    const again = await googleSignIn(email);
    assert.equal(again.me.body.user.id, userId, 'Cognito sends the linked identity to the native user');
    assert.equal(again.me.body.session.authMethod, 'google');
    assert.equal(stack.cognito.counts().triggers.PreSignUp ?? 0, preSignUps, 'no new federated user');
  });

  test('Google with the verified email of a passkey account: linked to it, told once, and Google shows in the first session', async () => {
    const email = uniqueEmail('same-person');
    const { userId } = await passkeyAccount(stack, email);
    const { me, error } = await googleSignIn(email);
    assert.equal(error, null);
    assert.equal(me.body.user.id, userId);
    assert.deepEqual(me.body.user.providers, ['passkey', 'google']);
    assert.equal(me.body.user.google?.email, email);
    assert.deepEqual(linkedGoogleSubs((await cognitoUser(stack, userId)).attributes.identities), [
      googleSubFor(email),
    ]);
    assert.equal(federatedExists(email), false);
    assert.deepEqual(await holdersOf(email), [userId], 'no second account');
    assert.equal((await mailsWithSubject(stack, email, GOOGLE_LINKED)).length, 1);
  });

  test('an older account with the email unverified is never merged into: a new account owns the address', async () => {
    const email = uniqueEmail('squatted');
    const squatter = await legacyAccount(stack, email);
    const { me } = await googleSignIn(email);
    const userId = me.body.user.id as string;
    assert.notEqual(userId, squatter.userId);
    assert.deepEqual(me.body.user.providers, ['google']);
    assert.deepEqual(await stack.store.findEmailClaim(email), { userId, verified: true });
    const untouched = await cognitoUser(stack, squatter.userId);
    assert.equal(untouched.attributes.identities, undefined, 'nothing linked to the older account');
    assert.equal(untouched.attributes['custom:google_email'], undefined);
    assert.equal((await mailsWithSubject(stack, email, GOOGLE_LINKED)).length, 0);
  });

  test('an identity the account unlinked is never linked to it again by email, and leaves no user behind; linking on purpose still works', async () => {
    const email = uniqueEmail('unlinked');
    const { browser, userId } = await passkeyAccount(stack, email);
    assert.equal((await googleSignIn(email)).me.body.user.id, userId, 'linked by email');
    // The sign-up session is stepped up (a user-verified registration) for 5 minutes.
    assert.equal((await browser.request('DELETE', '/auth/google')).status, 204);
    const users = stack.cognito.listUsernames().length;

    const back = await googleSignIn(email);
    assert.equal(back.error, 'account_exists_sign_in_with_passkey', back.run.finalUrl);
    assert.equal(hasSessionCookie(back.walker.browser), false);
    assert.equal(federatedExists(email), false, 'the Google_ user of the refused attempt is deleted');
    assert.equal(stack.cognito.listUsernames().length, users, 'nothing created');
    assert.equal((await cognitoUser(stack, userId)).attributes.identities, undefined);

    const link = await browser.post('/auth/google/link');
    assert.equal(link.status, 200, JSON.stringify(link.body));
    const linked = await new GoogleFlowWalker(browser).run(link.body.redirectTo, { email });
    assert.equal(linked.finalUrl, `${stack.config.frontendUrl}/account`);
    assert.deepEqual((await browser.get('/auth/me')).body.user.providers, ['passkey', 'google']);
  });

  test('a Google_ user that holds passkeys (from before native accounts) is never deleted: the sign-in fails', async () => {
    const email = uniqueEmail('old-federated');
    const walker = new GoogleFlowWalker(new TestBrowser(stack));
    const run = await walker.run('/auth/google?returnTo=/', { email, stopAt: isCallback });
    const federated = stack.cognito
      .listUsernames()
      .find((name) => name.toLowerCase() === `google_${googleSubFor(email)}`);
    assert.ok(run.callbackUrl && federated);
    await stack.store.ensureSignInMethods(federated, true);
    await stack.store.addCredential({
      id: 'b2xkLWZlZGVyYXRlZC1wYXNza2V5',
      userId: federated,
      publicKey: 'pQECAyYgASFYIBb0dtTeSGnsU2bTGNmVv3Xl7o6o1QF3wPzP7y7QMnvP',
      counter: 0,
      transports: [],
      deviceType: 'multiDevice',
      backedUp: true,
      aaguid: '00000000-0000-0000-0000-000000000000',
      nickname: 'Passkey',
      createdAt: Date.now(),
      lastUsedAt: null,
    });
    const delivered = await walker.run(run.callbackUrl);
    assert.equal(loginError(delivered.finalUrl), 'google_failed');
    assert.ok(stack.cognito.listUsernames().includes(federated), 'still there');
    assert.equal((await stack.store.listCredentials(federated)).length, 1);
  });

  test('the link fails after the Google_ user was deleted: nothing changed, the next attempt links', async () => {
    const email = uniqueEmail('link-fault');
    const { userId } = await passkeyAccount(stack, email);
    inject('linkGoogle');
    const failed = await googleSignIn(email);
    assert.equal(failed.error, 'google_failed');
    assert.equal(hasSessionCookie(failed.walker.browser), false);
    assert.equal(federatedExists(email), false);
    const owner = await cognitoUser(stack, userId);
    assert.equal(owner.attributes.identities, undefined);
    assert.deepEqual(await stack.store.ensureSignInMethods(userId, false), { passkeys: 1, google: false });
    assert.equal((await mailsWithSubject(stack, email, GOOGLE_LINKED)).length, 0);

    const retried = await googleSignIn(email);
    assert.equal(retried.error, null);
    assert.equal(retried.me.body.user.id, userId);
    assert.deepEqual(retried.me.body.user.providers, ['passkey', 'google']);
    assert.equal((await mailsWithSubject(stack, email, GOOGLE_LINKED)).length, 1);
  });

  test('a new account whose link fails is removed again with its claim and reservation; the next attempt creates one', async () => {
    const email = uniqueEmail('new-link-fault');
    const users = stack.cognito.listUsernames().length;
    inject('linkGoogle');
    const failed = await googleSignIn(email);
    assert.equal(failed.error, 'google_failed');
    assert.equal(stack.cognito.listUsernames().length, users, 'no native user, no Google_ user');
    assert.equal(await stack.store.findEmailClaim(email), null);
    assert.equal(await stack.store.findGoogleAccountReservation(googleSubFor(email)), null);

    const retried = await googleSignIn(email);
    assert.equal(retried.error, null);
    const userId = retried.me.body.user.id as string;
    assert.deepEqual(await stack.store.findEmailClaim(email), { userId, verified: true });
    assert.deepEqual(await holdersOf(email), [userId]);
  });

  test('the native user was created but the call failed as if cut off: the next attempt takes it up, no second account', async () => {
    const email = uniqueEmail('cut-off');
    inject('createUser', 'after');
    const failed = await googleSignIn(email);
    assert.equal(failed.error, 'google_failed');
    const [created, ...others] = await holdersOf(email);
    assert.ok(created);
    assert.deepEqual(others, []);
    assert.deepEqual(await stack.store.findEmailClaim(email), { userId: created, verified: true });

    const retried = await googleSignIn(email);
    assert.equal(retried.error, null);
    assert.equal(retried.me.body.user.id, created);
    assert.deepEqual(await holdersOf(email), [created]);
    assert.deepEqual(linkedGoogleSubs((await cognitoUser(stack, created)).attributes.identities), [
      googleSubFor(email),
    ]);
  });

  test('linked, but the grant sign-in failed: the next Google sign-in lands on the native user directly', async () => {
    const email = uniqueEmail('grant-fault');
    inject('signInWithCustomChallenge');
    const failed = await googleSignIn(email);
    assert.equal(failed.error, 'google_failed');
    const [created] = await holdersOf(email);
    assert.ok(created);
    const preSignUps = stack.cognito.counts().triggers.PreSignUp ?? 0;
    const retried = await googleSignIn(email);
    assert.equal(retried.me.body.user.id, created);
    assert.equal(stack.cognito.counts().triggers.PreSignUp ?? 0, preSignUps, 'already linked');
    assert.deepEqual(await holdersOf(email), [created]);
  });

  test('two first sign-ins of one Google identity at once: one native account, both signed in to it', async () => {
    const email = uniqueEmail('twins');
    const one = new GoogleFlowWalker(new TestBrowser(stack));
    const two = new GoogleFlowWalker(new TestBrowser(stack));
    const first = await one.run('/auth/google?returnTo=/expenses', { email, stopAt: isCallback });
    const second = await two.run('/auth/google?returnTo=/expenses', { email, stopAt: isCallback });
    assert.ok(first.callbackUrl && second.callbackUrl);
    const [a, b] = await Promise.all([one.run(first.callbackUrl), two.run(second.callbackUrl)]);
    assert.equal(loginError(a.finalUrl), null, a.finalUrl);
    assert.equal(loginError(b.finalUrl), null, b.finalUrl);
    const ids = await Promise.all(
      [one, two].map(async (w) => (await w.browser.get('/auth/me')).body.user.id),
    );
    assert.equal(ids[0], ids[1]);
    assert.deepEqual(await holdersOf(email), [ids[0]]);
    assert.equal(federatedExists(email), false);
  });
});
