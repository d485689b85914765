// docs/api.md "Google" and docs/security.md "OAuth / OIDC" on the local stack:
// API → Cognito emulator hosted UI → Google stand-in (oidc-provider) → emulator → API.
// Every attack ends in a clean `302 /login?error=<code>` with no session cookie.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { linkedGoogleSubs } from '../../src/cognito/google-identities.ts';
import { googleSubFor } from '../../src/local/google/index.ts';
import { openTransaction, sealTransaction } from '../../src/oauth/transaction.ts';
import { deriveKeys } from '../../src/sessions/keys.ts';
import { openRefresh } from '../../src/sessions/session.ts';
import { cognitoUser } from '../support/account.ts';
import { TestBrowser } from '../support/browser.ts';
import { uniqueEmail } from '../support/flows.ts';
import { GoogleFlowWalker, hasSessionCookie, loginError } from '../support/google.ts';
import { startTestStack, TEST_SECRET_KEY, type TestStack } from '../support/stack.ts';

const keys = deriveKeys(TEST_SECRET_KEY);
const OAUTH_COOKIE = 'oauth';
const isCallback = (url: URL) => url.pathname === '/auth/google/callback';

describe('Google sign-in through the hosted UI', () => {
  let stack: TestStack;
  /** Every Location header and final URL the service produced, and every code and token seen. */
  const serviceUrls: string[] = [];
  const codes = new Set<string>();
  const tokens = new Set<string>();

  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack.close());

  function walker(browser = new TestBrowser(stack)) {
    return new GoogleFlowWalker(browser);
  }

  /** Records what the service produced in a run, and the codes the hosted UI issued. */
  function record(run: { finalUrl: string; hops: { url: string; location: string | null }[] }) {
    // A run stopped at the callback ends on the hosted UI's redirect, not on one of ours.
    if (!isCallback(new URL(run.finalUrl))) serviceUrls.push(run.finalUrl);
    for (const hop of run.hops) {
      const url = new URL(hop.url);
      if (url.origin === new URL(stack.url).origin && hop.location) serviceUrls.push(hop.location);
      const code = url.searchParams.get('code');
      if (code) codes.add(code);
    }
  }

  async function recordTokens(browser: TestBrowser) {
    const now = Date.now();
    const refresh = await openRefresh(browser.cookie('refresh'), keys, now);
    if (refresh) tokens.add(refresh.refreshToken);
  }

  /** Begins a flow and stops where the hosted UI hands the browser back to the callback. */
  async function toCallback(w: GoogleFlowWalker, email: string, start = '/auth/google?returnTo=/expenses') {
    const run = await w.run(start, { email, stopAt: isCallback });
    record(run);
    assert.ok(run.callbackUrl, `reached the callback, ended on ${run.finalUrl}`);
    return new URL(run.callbackUrl);
  }

  async function deliver(w: GoogleFlowWalker, callback: URL) {
    const run = await w.run(callback.toString());
    record(run);
    return run;
  }

  function assertRefused(w: GoogleFlowWalker, finalUrl: string, code: string) {
    assert.equal(loginError(finalUrl), code, `ended on ${finalUrl}`);
    assert.ok(finalUrl.startsWith(`${stack.config.frontendUrl}/login?`));
    assert.equal(hasSessionCookie(w.browser), false, 'no session cookie');
    assert.equal(w.browser.cookie('refresh'), undefined, 'no refresh cookie');
  }

  test('redirects to the hosted UI with PKCE S256, state, nonce and identity_provider=Google', async () => {
    const browser = new TestBrowser(stack);
    const response = await browser.get('/auth/google?returnTo=/expenses');
    assert.equal(response.status, 302);
    const location = new URL(response.headers.get('location') ?? '');
    serviceUrls.push(location.toString());
    assert.equal(`${location.origin}${location.pathname}`, `${stack.config.cognito.domain}/oauth2/authorize`);
    const p = location.searchParams;
    assert.equal(p.get('response_type'), 'code');
    assert.equal(p.get('client_id'), stack.config.cognito.clientId);
    assert.equal(p.get('redirect_uri'), `${stack.config.apiUrl}/auth/google/callback`);
    assert.equal(p.get('identity_provider'), 'Google');
    assert.equal(p.get('code_challenge_method'), 'S256');
    assert.match(p.get('code_challenge') ?? '', /^[\w-]{43}$/);
    assert.match(p.get('scope') ?? '', /\bopenid\b/);
    assert.ok((p.get('state') ?? '').length >= 43 && (p.get('nonce') ?? '').length >= 43);
    const cookie = response.setCookies.find((line) => line.startsWith(`${OAUTH_COOKIE}=`)) ?? '';
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
    assert.match(cookie, /Path=\//);
    const maxAge = Number(/Max-Age=(\d+)/i.exec(cookie)?.[1]);
    assert.ok(maxAge > 0 && maxAge <= 600, `Max-Age ${maxAge}`);
    const tx = await openTransaction(browser.cookie(OAUTH_COOKIE), keys.oauth, Date.now());
    assert.equal(tx?.state, p.get('state'));
    assert.equal(tx?.nonce, p.get('nonce'));
  });

  test('a new Google user lands on FRONTEND_URL + returnTo, signed in with authMethod google', async () => {
    const w = walker();
    const email = uniqueEmail('google');
    const run = await w.run('/auth/google?returnTo=/expenses', { email });
    record(run);
    assert.equal(run.finalUrl, `${stack.config.frontendUrl}/expenses`);
    assert.equal(w.browser.cookie(OAUTH_COOKIE), undefined, 'the oauth cookie is cleared');
    await recordTokens(w.browser);
    const me = await w.browser.get('/auth/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.session.authMethod, 'google');
    assert.equal(me.body.user.email, email);
    assert.equal(me.body.user.emailVerified, true);
    assert.deepEqual(me.body.user.providers, ['google']);
    // Every account is a native user: the federated user Cognito created for this first
    // sign-in is gone, and the Google identity is linked to the native one.
    assert.doesNotMatch(me.body.user.id, /^google_/i);
    const googleSub = googleSubFor(email);
    assert.equal(
      stack.cognito.listUsernames().some((name) => name.toLowerCase() === `google_${googleSub}`),
      false,
      'no federated user remains',
    );
    const native = await cognitoUser(stack, me.body.user.id);
    assert.equal(native.UserStatus, 'FORCE_CHANGE_PASSWORD', 'a native user, not EXTERNAL_PROVIDER');
    assert.deepEqual(linkedGoogleSubs(native.attributes.identities), [googleSub]);
    assert.equal(native.attributes.email, email);
    assert.equal(native.attributes.email_verified, 'true');
    assert.deepEqual(await stack.store.findEmailClaim(email), { userId: me.body.user.id, verified: true });

    // The same Google account signs in to the same user next time.
    const again = walker();
    const second = await again.run('/auth/google?returnTo=/', { email });
    record(second);
    assert.equal(second.finalUrl, `${stack.config.frontendUrl}/`);
    const meAgain = await again.browser.get('/auth/me');
    assert.equal(meAgain.body.user.id, me.body.user.id);
    await recordTokens(again.browser);

    // Refresh keeps the Google session.
    const refreshed = await again.browser.post('/auth/refresh');
    assert.equal(refreshed.status, 200);
    assert.equal(refreshed.body.session.authMethod, 'google');
  });

  test('logout of a Google session returns the hosted-UI logout URL, which ends there', async () => {
    const w = walker();
    const run = await w.run('/auth/google?returnTo=/', { email: uniqueEmail('google') });
    record(run);
    await recordTokens(w.browser);
    const out = await w.browser.post('/auth/logout');
    assert.equal(out.status, 200);
    const redirectTo = new URL(out.body.redirectTo);
    serviceUrls.push(redirectTo.toString());
    assert.equal(`${redirectTo.origin}${redirectTo.pathname}`, `${stack.config.cognito.domain}/logout`);
    assert.equal(redirectTo.searchParams.get('client_id'), stack.config.cognito.clientId);
    assert.equal(redirectTo.searchParams.get('logout_uri'), `${stack.config.frontendUrl}/login`);
    const ended = await w.run(redirectTo.toString());
    assert.equal(ended.finalUrl, `${stack.config.frontendUrl}/login`);
    assert.equal(hasSessionCookie(w.browser), false);
    assert.equal((await w.browser.get('/auth/me')).status, 401);
  });

  test('missing state', async () => {
    const w = walker();
    const callback = await toCallback(w, uniqueEmail('google'));
    callback.searchParams.delete('state');
    assertRefused(w, (await deliver(w, callback)).finalUrl, 'google_state_invalid');
  });

  test('forged state', async () => {
    const w = walker();
    const callback = await toCallback(w, uniqueEmail('google'));
    callback.searchParams.set('state', 'Zm9yZ2VkLXN0YXRlLWZvcmdlZC1zdGF0ZS1mb3JnZWQtc3RhdGU');
    assertRefused(w, (await deliver(w, callback)).finalUrl, 'google_state_invalid');
  });

  test('a state begun in one browser and completed in another', async () => {
    const victim = walker();
    const callback = await toCallback(victim, uniqueEmail('google'));
    const other = walker();
    assertRefused(other, (await deliver(other, callback)).finalUrl, 'google_state_invalid');
  });

  test('a replayed callback, even with a copied oauth cookie, and the same code twice', async () => {
    const w = walker();
    const callback = await toCallback(w, uniqueEmail('google'));
    const copied = w.browser.cookie(OAUTH_COOKIE) ?? '';
    const first = await deliver(w, callback);
    assert.equal(first.finalUrl, `${stack.config.frontendUrl}/expenses`);
    await recordTokens(w.browser);

    // Same browser: its oauth cookie is gone.
    const replay = walker();
    assertRefused(replay, (await deliver(replay, callback)).finalUrl, 'google_state_invalid');
    // Another browser carrying a copy of the cookie: the transaction id was consumed server-side.
    const thief = walker();
    thief.browser.cookies.set(OAUTH_COOKIE, copied);
    assertRefused(thief, (await deliver(thief, callback)).finalUrl, 'google_state_invalid');
  });

  test("a code injected with someone else's state (PKCE mismatch)", async () => {
    const attacker = walker();
    const attackerCallback = await toCallback(attacker, uniqueEmail('attacker'));
    const victim = walker();
    const victimCallback = await toCallback(victim, uniqueEmail('victim'));
    const injected = new URL(victimCallback);
    injected.searchParams.set('code', attackerCallback.searchParams.get('code') ?? '');
    assertRefused(victim, (await deliver(victim, injected)).finalUrl, 'google_failed');
  });

  test('nonce mismatch (the transaction expects another nonce)', async () => {
    const w = walker();
    const callback = await toCallback(w, uniqueEmail('google'));
    const now = Date.now();
    const tx = await openTransaction(w.browser.cookie(OAUTH_COOKIE), keys.oauth, now);
    assert.ok(tx);
    const other = { ...tx, nonce: 'bm9uY2UtdGhhdC13YXMtbmV2ZXItc2VudC10by10aGUtaG9zdGVkLXVp' };
    w.browser.cookies.set(OAUTH_COOKIE, await sealTransaction(other, keys.oauth, now));
    assertRefused(w, (await deliver(w, callback)).finalUrl, 'google_failed');
  });

  test('error=access_denied', async () => {
    const w = walker();
    const begun = await w.browser.get('/auth/google?returnTo=/expenses');
    const state = new URL(begun.headers.get('location') ?? '').searchParams.get('state') ?? '';
    const run = await w.run(
      `/auth/google/callback?error=access_denied&error_description=User+cancelled&state=${state}`,
    );
    assertRefused(w, run.finalUrl, 'google_cancelled');
  });

  for (const hostile of [
    'https://evil.example',
    '//evil.example',
    '/\\evil.example',
    'javascript:alert(1)',
  ]) {
    test(`returnTo ${hostile} falls back to /`, async () => {
      const w = walker();
      const begun = await w.browser.get(`/auth/google?returnTo=${encodeURIComponent(hostile)}`);
      assert.equal(begun.status, 302);
      const tx = await openTransaction(w.browser.cookie(OAUTH_COOKIE), keys.oauth, Date.now());
      assert.equal(tx?.returnTo, '/');
      if (hostile === 'https://evil.example') {
        const run = await w.run(begun.headers.get('location') ?? '', { email: uniqueEmail('google') });
        record(run);
        assert.equal(run.finalUrl, `${stack.config.frontendUrl}/`);
        await recordTokens(w.browser);
      }
    });
  }

  test('a callback without a transaction, or with a tampered cookie, is refused', async () => {
    const w = walker();
    w.browser.cookies.set(OAUTH_COOKIE, 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..AAAA.BBBB.CCCC');
    const run = await w.run('/auth/google/callback?code=abc&state=def');
    assertRefused(w, run.finalUrl, 'google_state_invalid');
  });

  test('no code or token in any Location header, final URL or log line the service produced', () => {
    assert.ok(codes.size >= 5, `codes seen: ${codes.size}`);
    assert.ok(tokens.size >= 4, `tokens seen: ${tokens.size}`);
    const secrets = [...codes, ...tokens];
    for (const url of serviceUrls) {
      for (const secret of secrets) assert.equal(url.includes(secret), false, `leak in ${url}`);
      assert.doesNotMatch(url, /eyJ[\w-]{10,}\.[\w-]{10,}/);
    }
    assert.ok(stack.logs.length > 20);
    for (const line of stack.logs) {
      for (const secret of secrets)
        assert.equal(line.includes(secret), false, `leak in ${line.slice(0, 200)}`);
      assert.doesNotMatch(line, /eyJ[\w-]{10,}\.[\w-]{10,}/, 'no JWT/JWE in logs');
      assert.doesNotMatch(line, /[?&]code=/, 'no code parameter in logs');
    }
  });
});
