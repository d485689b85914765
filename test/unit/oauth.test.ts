// docs/security.md "OAuth / OIDC": returnTo is a relative same-origin path or `/`;
// state, nonce and PKCE verifier per transaction, sealed into the browser's cookie,
// short-lived; linking never merges into an account whose email is unverified.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { calculatePKCECodeChallenge } from 'openid-client';
import { AuthError } from '../../src/errors.ts';
import { GoogleSignInError } from '../../src/oauth/errors.ts';
import { decideFirstSignIn, federatedGoogleSub, googleSubOf } from '../../src/oauth/linking.ts';
import { safeReturnTo } from '../../src/oauth/return-to.ts';
import {
  newTransaction,
  openTransaction,
  pkceChallenge,
  sealTransaction,
  TRANSACTION_TTL_SECONDS,
} from '../../src/oauth/transaction.ts';
import { errorRedirect, hostedUiLogoutUrl } from '../../src/oauth/urls.ts';
import { deriveKeys } from '../../src/sessions/keys.ts';
import { TEST_SECRET_KEY } from '../support/stack.ts';

describe('safeReturnTo (RFC 9700 §4.11: no open redirector)', () => {
  for (const hostile of [
    'https://evil.example',
    '//evil.example',
    '/\\evil.example',
    '\\/evil.example',
    'javascript:alert(1)',
    '/%0d%0aSet-Cookie:x',
    ' /x',
    '/x y',
    '/\tevil',
    'evil.example/x',
    '',
    `/${'a'.repeat(600)}`,
  ]) {
    test(`${JSON.stringify(hostile.slice(0, 40))} falls back to /`, () => {
      const result = safeReturnTo(hostile);
      // Percent-encoded CR/LF stay encoded and harmless; everything else is refused outright.
      if (hostile.startsWith('/%0d')) assert.equal(result, hostile);
      else assert.equal(result, '/');
    });
  }

  test('missing or non-string values fall back to /', () => {
    assert.equal(safeReturnTo(undefined), '/');
    assert.equal(safeReturnTo(null), '/');
  });

  test('relative paths with query and fragment are kept', () => {
    assert.equal(safeReturnTo('/expenses'), '/expenses');
    assert.equal(safeReturnTo('/account?tab=security#google'), '/account?tab=security#google');
  });

  test('dot segments are resolved and cannot climb out of the origin', () => {
    assert.equal(safeReturnTo('/a/../../b'), '/b');
  });
});

describe('OAuth transaction', () => {
  const keys = deriveKeys(TEST_SECRET_KEY);
  const now = Date.UTC(2026, 0, 1);

  test('each transaction has its own unguessable state, nonce and verifier', () => {
    const a = newTransaction({ returnTo: '/', intent: 'signin', now });
    const b = newTransaction({ returnTo: '/', intent: 'signin', now });
    for (const field of ['id', 'state', 'nonce', 'codeVerifier'] as const) {
      assert.notEqual(a[field], b[field]);
      assert.match(a[field], /^[A-Za-z0-9_-]+$/);
    }
    assert.ok(a.state.length >= 43 && a.nonce.length >= 43);
    assert.ok(a.codeVerifier.length >= 43 && a.codeVerifier.length <= 128, 'RFC 7636 §4.1 length');
  });

  test('the S256 challenge matches openid-client', async () => {
    const tx = newTransaction({ returnTo: '/', intent: 'signin', now });
    assert.equal(pkceChallenge(tx.codeVerifier), await calculatePKCECodeChallenge(tx.codeVerifier));
  });

  test('seal and open round-trip, with the link user', async () => {
    const tx = newTransaction({
      returnTo: '/account',
      intent: 'link',
      linkUser: { id: 'u1', sid: 's1' },
      now,
    });
    const sealed = await sealTransaction(tx, keys.oauth, now);
    assert.ok(!sealed.includes(tx.state) && !sealed.includes(tx.codeVerifier), 'encrypted, not just signed');
    assert.deepEqual(await openTransaction(sealed, keys.oauth, now + 1000), tx);
  });

  test('expires after at most 600 s', async () => {
    const tx = newTransaction({ returnTo: '/', intent: 'signin', now });
    const sealed = await sealTransaction(tx, keys.oauth, now);
    assert.ok(TRANSACTION_TTL_SECONDS <= 600);
    assert.equal(await openTransaction(sealed, keys.oauth, now + (TRANSACTION_TTL_SECONDS + 1) * 1000), null);
  });

  test('tampered, foreign-key or other-purpose values are refused', async () => {
    const tx = newTransaction({ returnTo: '/', intent: 'signin', now });
    const sealed = await sealTransaction(tx, keys.oauth, now);
    const flipped = `${sealed.slice(0, -3)}${sealed.at(-3) === 'A' ? 'B' : 'A'}${sealed.slice(-2)}`;
    assert.equal(await openTransaction(flipped, keys.oauth, now), null);
    assert.equal(await openTransaction(sealed, keys.session, now), null);
    const otherSecret = deriveKeys(`${TEST_SECRET_KEY}-other-secret-key`);
    assert.equal(await openTransaction(sealed, otherSecret.oauth, now), null);
    assert.equal(await openTransaction(undefined, keys.oauth, now), null);
  });
});

describe('linking rules', () => {
  const passkeyUser = { username: '5b0c8f3e-0000-4000-8000-000000000001', status: 'FORCE_CHANGE_PASSWORD' };

  test('no account with the email → create', () => {
    assert.deepEqual(decideFirstSignIn({ googleEmailVerified: true, candidates: [] }), { action: 'create' });
  });

  test('an unverified account with the email never blocks a Google-verified email → create, never link', () => {
    const decision = decideFirstSignIn({
      googleEmailVerified: true,
      candidates: [{ ...passkeyUser, emailVerified: false }],
    });
    assert.deepEqual(decision, { action: 'create' });
  });

  test('an unverified account and an email Google did not verify → refuse', () => {
    const decision = decideFirstSignIn({
      googleEmailVerified: false,
      candidates: [{ ...passkeyUser, emailVerified: false }],
    });
    assert.deepEqual(decision, { action: 'refuse' });
  });

  test('the verified owner beside an unverified account → link to the owner; two verified → refuse', () => {
    const owner = { username: 'owner', status: 'FORCE_CHANGE_PASSWORD', emailVerified: true };
    const squatter = { ...passkeyUser, emailVerified: false };
    assert.deepEqual(decideFirstSignIn({ googleEmailVerified: true, candidates: [squatter, owner] }), {
      action: 'link',
      username: 'owner',
    });
    assert.deepEqual(
      decideFirstSignIn({
        googleEmailVerified: true,
        candidates: [owner, { ...owner, username: 'other' }],
      }),
      { action: 'refuse' },
    );
  });

  test('a verified account and a Google-verified email → link', () => {
    const decision = decideFirstSignIn({
      googleEmailVerified: true,
      candidates: [{ ...passkeyUser, emailVerified: true }],
    });
    assert.deepEqual(decision, { action: 'link', username: passkeyUser.username });
  });

  test('an email Google did not verify never links', () => {
    const decision = decideFirstSignIn({
      googleEmailVerified: false,
      candidates: [{ ...passkeyUser, emailVerified: true }],
    });
    assert.deepEqual(decision, { action: 'refuse' });
  });

  test('federated users with the email are not link targets', () => {
    const decision = decideFirstSignIn({
      googleEmailVerified: true,
      candidates: [
        { username: 'Google_999', status: 'EXTERNAL_PROVIDER', emailVerified: true },
        { username: 'google_998', status: '', emailVerified: true },
      ],
    });
    assert.deepEqual(decision, { action: 'create' });
  });

  test('googleSubOf reads Google_ and google_ usernames only', () => {
    assert.equal(googleSubOf('Google_1234'), '1234');
    assert.equal(googleSubOf('google_1234'), '1234');
    assert.equal(googleSubOf('5b0c8f3e'), null);
    assert.equal(googleSubOf('Facebook_1'), null);
  });

  test("federatedGoogleSub: the identity's own federated user, in either case; never a native user it is linked to", () => {
    const google = [{ providerName: 'Google', userId: '1234' }];
    assert.equal(federatedGoogleSub({ username: 'Google_1234', identities: google }), '1234');
    assert.equal(federatedGoogleSub({ username: 'google_1234', identities: google }), '1234');
    assert.equal(federatedGoogleSub({ username: passkeyUser.username, identities: google }), null);
    assert.equal(
      federatedGoogleSub({ username: 'google_1234', identities: [{ providerName: 'Google', userId: '99' }] }),
      null,
      'a username that is not the identity in the token',
    );
    assert.equal(federatedGoogleSub({ username: 'google_1234', identities: [] }), null);
  });
});

describe('Google URLs', () => {
  const settings = {
    apiUrl: 'https://api.example.com',
    frontendUrl: 'https://app.example.com',
    domain: 'https://auth.example.com',
    clientId: 'client123',
  };

  test('logout URL names the client and the registered sign-out URL', () => {
    const url = new URL(hostedUiLogoutUrl(settings) ?? '');
    assert.equal(url.origin + url.pathname, 'https://auth.example.com/logout');
    assert.equal(url.searchParams.get('client_id'), 'client123');
    assert.equal(url.searchParams.get('logout_uri'), 'https://app.example.com/login');
  });

  test('no hosted-UI domain, no logout URL', () => {
    assert.equal(hostedUiLogoutUrl({ ...settings, domain: undefined }), null);
  });

  test('error redirects go to the login page with the code', () => {
    assert.equal(
      errorRedirect(settings, '/login', 'account_exists_sign_in_with_passkey'),
      'https://app.example.com/login?error=account_exists_sign_in_with_passkey',
    );
    assert.equal(new GoogleSignInError('google_failed', 'x').redirectCode, 'google_failed');
  });

  test('a Google failure is an AuthError with a code of the contract; its redirect code is kept apart', () => {
    const error = new GoogleSignInError('reauth_required', 'x', { cause: 'why' });
    assert.ok(error instanceof AuthError);
    assert.deepEqual(
      [error.name, error.code, error.status, error.redirectCode, error.cause],
      ['GoogleSignInError', 'reauth_required', 401, 'reauth_required', 'why'],
    );
    const state = new GoogleSignInError('google_state_invalid', 'x');
    assert.deepEqual(
      [state.code, state.status, state.redirectCode],
      ['csrf_failed', 403, 'google_state_invalid'],
    );
  });
});
