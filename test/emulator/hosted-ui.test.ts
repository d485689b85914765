import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AdminGetUserCommand, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { googleSubFor } from '../../src/local/google/index.ts';
import { TestBrowser } from './hosted-ui-browser.ts';
import {
  APP_ORIGIN,
  authorizeUrl,
  basicAuth,
  CALLBACK,
  type FederatedPool,
  pkcePair,
  postForm,
  redeemCode,
  SIGNED_OUT,
  signInWithGoogle,
  startFederatedPool,
} from './hosted-ui-setup.ts';
import { manualClock, POOL } from './setup.ts';

describe('hosted UI with Google federation (DG: authorization-endpoint, token-endpoint, logout-endpoint, revocation-endpoint)', () => {
  let pool: FederatedPool;
  before(async () => {
    pool = await startFederatedPool();
  });
  after(() => pool.close());

  test('DG: authorization-endpoint, token-endpoint — openid-client discovers the pool, signs in through Google, gets verified tokens with nonce, identities and the federated username', async () => {
    const config = await oidc.discovery(
      new URL(pool.emulator.issuer),
      POOL.clientId,
      undefined,
      oidc.ClientSecretBasic(POOL.clientSecret),
      { execute: [oidc.allowInsecureRequests] },
    );
    const meta = config.serverMetadata();
    assert.equal(meta.authorization_endpoint, `${pool.emulator.url}/oauth2/authorize`);
    assert.equal(meta.token_endpoint, `${pool.emulator.url}/oauth2/token`);
    assert.equal(meta.revocation_endpoint, `${pool.emulator.url}/oauth2/revoke`);
    assert.deepEqual(meta.code_challenge_methods_supported, ['S256']);

    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      scope: 'openid email profile',
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      identity_provider: 'Google',
    });
    const browser = new TestBrowser();
    const page = await browser.follow(url.href, APP_ORIGIN);
    assert.equal(new URL(page.url).origin, pool.google.url);
    const callback = new URL(await browser.submitGoogleForm(page, 'Grace.Hopper@Example.com', APP_ORIGIN));
    assert.equal(callback.origin + callback.pathname, CALLBACK);
    assert.equal(callback.searchParams.get('state'), state);
    assert.deepEqual([...callback.searchParams.keys()].sort(), ['code', 'state']);
    // The emulator's hosted-UI session cookie lives on its own origin only.
    assert.ok(browser.cookies(pool.emulator.url).get('cognito'));

    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    assert.equal(tokens.token_type.toLowerCase(), 'bearer');
    assert.equal(tokens.expires_in, 3600);
    assert.equal(tokens.refresh_token?.split('.').length, 5);
    const jwks = createRemoteJWKSet(new URL(pool.emulator.jwksUri));
    const { payload: id } = await jwtVerify(tokens.id_token ?? '', jwks, {
      issuer: pool.emulator.issuer,
      audience: POOL.clientId,
    });
    const googleSub = googleSubFor('grace.hopper@example.com');
    assert.equal(id.nonce, nonce);
    assert.equal(id.token_use, 'id');
    assert.equal(id['cognito:username'], `google_${googleSub}`);
    // Google is mapped to custom attributes only (DG: cognito-user-pools-specifying-attribute-mapping):
    // a Google-only user has no standard email, email_verified or name.
    assert.equal(id['custom:google_email'], 'grace.hopper@example.com');
    assert.equal(id['custom:google_verified'], 'true');
    assert.equal(id['custom:google_name'], 'Grace Hopper');
    assert.equal(id.email, undefined);
    assert.equal(id.email_verified, undefined);
    assert.equal(id.name, undefined);
    assert.equal(typeof id.auth_time, 'number');
    const identities = id.identities as Record<string, unknown>[];
    assert.equal(identities.length, 1);
    assert.deepEqual(
      { ...identities[0], dateCreated: undefined },
      {
        userId: googleSub,
        providerName: 'Google',
        providerType: 'Google',
        issuer: null,
        primary: 'true',
        dateCreated: undefined,
      },
    );
    assert.match(String(identities[0]?.dateCreated), /^\d{13}$/);
    const access = decodeJwt(tokens.access_token);
    assert.equal(access.scope, 'openid email profile');
    assert.equal(access.username, `google_${googleSub}`);

    const user = await pool.client.send(
      new AdminGetUserCommand({ UserPoolId: POOL.userPoolId, Username: `Google_${googleSub}` }),
    );
    assert.equal(user.UserStatus, 'EXTERNAL_PROVIDER');
    assert.equal(user.Username, `google_${googleSub}`);
    // No standard email to search by: Google's lives in a custom attribute, which ListUsers
    // cannot filter on (API: ListUsers, "Filter").
    const byEmail = await pool.client.send(
      new ListUsersCommand({ UserPoolId: POOL.userPoolId, Filter: `email = "grace.hopper@example.com"` }),
    );
    assert.deepEqual(byEmail.Users, []);
    const listed = await pool.client.send(
      new ListUsersCommand({ UserPoolId: POOL.userPoolId, Filter: `username = "google_${googleSub}"` }),
    );
    const attribute = listed.Users?.[0]?.Attributes?.find((a) => a.Name === 'identities')?.Value ?? '[]';
    assert.deepEqual(
      (JSON.parse(attribute) as Record<string, unknown>[]).map(({ dateCreated, ...rest }) => ({
        ...rest,
        dateCreatedIsNumber: typeof dateCreated === 'number',
      })),
      [
        {
          userId: googleSub,
          providerName: 'Google',
          providerType: 'Google',
          issuer: null,
          primary: true,
          dateCreatedIsNumber: true,
        },
      ],
    );

    // DG: token-endpoint, refresh_token grant: new tokens with the same auth_time and scopes.
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token ?? '');
    assert.equal(decodeJwt(refreshed.id_token ?? '').auth_time, id.auth_time);
    assert.equal(decodeJwt(refreshed.access_token).scope, 'openid email profile');
  });

  test('DG: authorization-endpoint — an unregistered redirect_uri or an unknown client is a 400 page, never a redirect', async () => {
    const cases: Record<string, string>[] = [
      { redirect_uri: 'https://evil.example/cb' },
      { redirect_uri: `${CALLBACK}/` },
      { client_id: 'someoneelse' },
    ];
    for (const extra of cases) {
      const res = await fetch(authorizeUrl(pool, { extra }), { redirect: 'manual' });
      assert.equal(res.status, 400, JSON.stringify(extra));
      assert.equal(res.headers.get('location'), null);
      await res.arrayBuffer();
    }
  });

  test('DG: authorization-endpoint — PKCE plain (explicit or implied) is refused with error=invalid_request and the state', async () => {
    const cases: Record<string, string>[] = [
      { code_challenge: pkcePair().verifier, code_challenge_method: 'plain' },
      { code_challenge: pkcePair().challenge },
    ];
    for (const extra of cases) {
      const res = await fetch(authorizeUrl(pool, { extra, state: 'st-plain' }), { redirect: 'manual' });
      assert.equal(res.status, 302);
      const location = new URL(res.headers.get('location') ?? '');
      assert.equal(location.origin + location.pathname, CALLBACK);
      assert.equal(location.searchParams.get('error'), 'invalid_request');
      assert.equal(location.searchParams.get('state'), 'st-plain');
    }
    const wrongType = await fetch(authorizeUrl(pool, { extra: { response_type: 'token' } }), {
      redirect: 'manual',
    });
    assert.equal(
      new URL(wrongType.headers.get('location') ?? '').searchParams.get('error'),
      'unsupported_response_type',
    );
    const badScope = await fetch(authorizeUrl(pool, { extra: { scope: 'openid admin' } }), {
      redirect: 'manual',
    });
    assert.equal(new URL(badScope.headers.get('location') ?? '').searchParams.get('error'), 'invalid_scope');
  });

  test('DG: token-endpoint — a code is single use: the second redemption is invalid_grant', async () => {
    const { verifier, challenge } = pkcePair();
    const { callback } = await signInWithGoogle(pool, 'reuse@example.com', { challenge });
    const code = callback.searchParams.get('code') ?? '';
    const first = await redeemCode(pool, code, verifier);
    assert.equal(first.status, 200);
    const body = (await first.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), [
      'access_token',
      'expires_in',
      'id_token',
      'refresh_token',
      'token_type',
    ]);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(first.headers.get('cache-control'), 'no-store');
    const second = await redeemCode(pool, code, verifier);
    assert.equal(second.status, 400);
    assert.deepEqual(await second.json(), { error: 'invalid_grant' });
  });

  test('DG: token-endpoint — a wrong code_verifier is invalid_grant (and burns the code); so are a missing verifier and another redirect_uri', async () => {
    const { verifier, challenge } = pkcePair();
    const { callback } = await signInWithGoogle(pool, 'pkce@example.com', { challenge });
    const code = callback.searchParams.get('code') ?? '';
    const wrong = await redeemCode(pool, code, pkcePair().verifier);
    assert.deepEqual([wrong.status, await wrong.json()], [400, { error: 'invalid_grant' }]);
    const right = await redeemCode(pool, code, verifier);
    assert.deepEqual([right.status, await right.json()], [400, { error: 'invalid_grant' }]);

    const again = await signInWithGoogle(pool, 'pkce@example.com', { challenge });
    const missing = await redeemCode(pool, again.callback.searchParams.get('code') ?? '');
    assert.deepEqual([missing.status, await missing.json()], [400, { error: 'invalid_grant' }]);

    const third = await signInWithGoogle(pool, 'pkce@example.com', { challenge });
    const otherRedirect = await redeemCode(pool, third.callback.searchParams.get('code') ?? '', verifier, {
      redirect_uri: `${APP_ORIGIN}/other`,
    });
    assert.deepEqual([otherRedirect.status, await otherRedirect.json()], [400, { error: 'invalid_grant' }]);
  });

  test('DG: token-endpoint — wrong client secret (Basic or post) or none is invalid_client; client_secret_post works; unknown grant is unsupported_grant_type', async () => {
    const { verifier, challenge } = pkcePair();
    const { callback } = await signInWithGoogle(pool, 'client@example.com', { challenge });
    const code = callback.searchParams.get('code') ?? '';
    const token = `${pool.emulator.url}/oauth2/token`;
    const body = { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier };
    for (const [form, auth] of [
      [body, basicAuth(POOL.clientId, 'not-the-secret')],
      [{ ...body, client_id: POOL.clientId, client_secret: 'not-the-secret' }, null],
      [{ ...body, client_id: POOL.clientId }, null],
    ] as const) {
      const res = await postForm(token, form, auth);
      assert.deepEqual([res.status, await res.json()], [400, { error: 'invalid_client' }]);
    }
    // The code survived the failed client authentications.
    const post = await postForm(
      token,
      { ...body, client_id: POOL.clientId, client_secret: POOL.clientSecret },
      null,
    );
    assert.equal(post.status, 200);
    await post.arrayBuffer();
    const grant = await postForm(token, { grant_type: 'password', username: 'x', password: 'y' });
    assert.deepEqual([grant.status, await grant.json()], [400, { error: 'unsupported_grant_type' }]);
  });

  test('DG: logout-endpoint — /logout ends the hosted-UI session and redirects only to the registered sign-out URL', async () => {
    const { browser } = await signInWithGoogle(pool, 'logout@example.com');
    const jar = browser.cookies(pool.emulator.url);
    const sessionCookie = jar.get('cognito');
    assert.ok(sessionCookie);
    // With a live session and no identity_provider the hosted UI signs in silently.
    const silent = await browser.request(authorizeUrl(pool, { omit: ['identity_provider'] }));
    assert.equal(new URL(silent.headers.get('location') ?? '').origin, APP_ORIGIN);
    assert.ok(new URL(silent.headers.get('location') ?? '').searchParams.get('code'));

    const logout = (logoutUri: string, clientId: string = POOL.clientId) =>
      browser.request(
        `${pool.emulator.url}/logout?${new URLSearchParams({ client_id: clientId, logout_uri: logoutUri })}`,
      );
    for (const [uri, client] of [
      ['https://evil.example/', POOL.clientId],
      [`${SIGNED_OUT}?next=x`, POOL.clientId],
      [SIGNED_OUT, 'someoneelse'],
    ] as const) {
      const refused = await logout(uri, client);
      assert.equal(refused.status, 400);
      assert.equal(refused.headers.get('location'), null);
      await refused.arrayBuffer();
    }
    assert.ok(jar.get('cognito'), 'a refused logout keeps the session');

    const res = await logout(SIGNED_OUT);
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), SIGNED_OUT);
    assert.match(
      res.headers.get('set-cookie') ?? '',
      /^cognito=; Path=\/; Max-Age=0; HttpOnly; SameSite=Lax/,
    );
    assert.equal(jar.get('cognito'), undefined);
    // The old cookie value no longer names a session either.
    const replayed = await fetch(authorizeUrl(pool, { omit: ['identity_provider'] }), {
      redirect: 'manual',
      headers: { cookie: `cognito=${sessionCookie}` },
    });
    assert.equal(new URL(replayed.headers.get('location') ?? '').origin, pool.google.url);
    const after = await browser.request(authorizeUrl(pool, { omit: ['identity_provider'] }));
    assert.equal(new URL(after.headers.get('location') ?? '').origin, pool.google.url);
  });

  test('DG: revocation-endpoint — 200 with an empty body for a garbage token; a revoked refresh token is then invalid_grant', async () => {
    const revoke = `${pool.emulator.url}/oauth2/revoke`;
    const garbage = await postForm(revoke, { token: 'not-a-token' });
    assert.equal(garbage.status, 200);
    assert.equal(await garbage.text(), '');

    const { verifier, challenge } = pkcePair();
    const { callback } = await signInWithGoogle(pool, 'revoke@example.com', { challenge });
    const tokens = (await (
      await redeemCode(pool, callback.searchParams.get('code') ?? '', verifier)
    ).json()) as {
      refresh_token: string;
    };
    const revoked = await postForm(revoke, { token: tokens.refresh_token });
    assert.equal(revoked.status, 200);
    assert.equal(await revoked.text(), '');
    const refresh = await postForm(`${pool.emulator.url}/oauth2/token`, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
    });
    assert.deepEqual([refresh.status, await refresh.json()], [400, { error: 'invalid_grant' }]);
  });

  test('DG: authorization-endpoint — Google answering access_denied comes back as error=access_denied with the client state; an unknown IdP state is a 400 page', async () => {
    const browser = new TestBrowser();
    const first = await browser.request(authorizeUrl(pool, { state: 'st-denied' }));
    const googleUrl = new URL(first.headers.get('location') ?? '');
    assert.equal(googleUrl.origin, pool.google.url);
    assert.equal(googleUrl.searchParams.get('redirect_uri'), `${pool.emulator.url}/oauth2/idpresponse`);
    assert.equal(googleUrl.searchParams.get('code_challenge_method'), 'S256');
    assert.notEqual(googleUrl.searchParams.get('state'), 'st-denied');
    const idpState = googleUrl.searchParams.get('state') ?? '';
    const denied = await browser.request(
      `${pool.emulator.url}/oauth2/idpresponse?${new URLSearchParams({ error: 'access_denied', state: idpState })}`,
    );
    const location = new URL(denied.headers.get('location') ?? '');
    assert.equal(location.origin + location.pathname, CALLBACK);
    assert.equal(location.searchParams.get('error'), 'access_denied');
    assert.equal(location.searchParams.get('state'), 'st-denied');
    // The IdP state was single use.
    const replay = await browser.request(
      `${pool.emulator.url}/oauth2/idpresponse?${new URLSearchParams({ code: 'x', state: idpState })}`,
    );
    assert.equal(replay.status, 400);
    assert.equal(replay.headers.get('location'), null);
  });

  test('DG: authorization-endpoint — prompt goes on to Google (not none): with select_account the signed-in Google user is asked which account, and may use another', async () => {
    const email = 'chooser@example.com';
    const browser = new TestBrowser();
    // A first sign-in leaves a session at Google (the stand-in).
    const first = await signInWithGoogle(pool, email, {}, browser);
    assert.ok(first.callback.searchParams.get('code'));
    // Without prompt: Google signs the same person straight back in (no page).
    const silent = await browser.follow(authorizeUrl(pool, { state: 'st-silent' }), APP_ORIGIN);
    assert.equal(new URL(silent.url).origin, APP_ORIGIN);
    assert.ok(new URL(silent.url).searchParams.get('code'));

    for (const [sent, forwarded] of [
      ['select_account', 'select_account'],
      ['none', null],
      ['bogus', null],
      ['none select_account', 'select_account'],
    ] as const) {
      const res = await browser.request(authorizeUrl(pool, { extra: { prompt: sent } }));
      const googleUrl = new URL(res.headers.get('location') ?? '');
      assert.equal(googleUrl.origin, pool.google.url);
      assert.equal(googleUrl.searchParams.get('prompt'), forwarded, `prompt=${sent}`);
    }

    // select_account: the chooser names the signed-in account and offers another one.
    const chooser = await browser.follow(
      authorizeUrl(pool, { state: 'st-choose', extra: { prompt: 'select_account' } }),
      APP_ORIGIN,
    );
    assert.equal(new URL(chooser.url).origin, pool.google.url);
    const html = (await chooser.response?.text()) ?? '';
    assert.match(html, /Choose an account/);
    assert.match(html, new RegExp(`>${email}</button>`));
    const another = /href="([^"]+)">Use another account/.exec(html)?.[1] ?? '';
    assert.ok(another, 'a "Use another account" link');
    const form = await browser.follow(
      new URL(another.replaceAll('&amp;', '&'), chooser.url).href,
      APP_ORIGIN,
    );
    const callback = new URL(await browser.submitGoogleForm(form, 'someone.else@example.com', APP_ORIGIN));
    assert.equal(callback.searchParams.get('state'), 'st-choose', callback.href);
    assert.ok(callback.searchParams.get('code'));
  });

  test('the Google stand-in refuses an email without a complete domain ("x@y")', async () => {
    const browser = new TestBrowser();
    const page = await browser.follow(
      authorizeUrl(pool, { extra: { prompt: 'select_account' } }),
      APP_ORIGIN,
    );
    const html = (await page.response?.text()) ?? '';
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1] ?? '';
    for (const email of ['x@y', 'ada@example', 'a b@example.com', 'ada@-example.com']) {
      const posted = await browser.request(new URL(action, page.url).href, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email }).toString(),
      });
      assert.equal(posted.status, 400, email);
      assert.match(await posted.text(), /Enter a complete email address, like name@example\.com\./);
    }
  });
});

describe('hosted UI timing (DG: authorization-endpoint, token-endpoint)', () => {
  const time = manualClock();
  let pool: FederatedPool;
  before(async () => {
    pool = await startFederatedPool({ clock: time.clock });
  });
  after(() => pool.close());

  test('DG: token-endpoint — auth_time is the hosted-UI sign-in, also for a silent sign-in from its session; a code expires after 5 minutes', async () => {
    const signedInAt = Math.floor(time.clock() / 1000);
    const { verifier, challenge } = pkcePair();
    const { callback, browser } = await signInWithGoogle(pool, 'timing@example.com', { challenge });
    time.advance(2 * 60_000);
    const first = (await (
      await redeemCode(pool, callback.searchParams.get('code') ?? '', verifier)
    ).json()) as {
      id_token: string;
    };
    assert.equal(decodeJwt(first.id_token).auth_time, signedInAt);
    assert.equal(decodeJwt(first.id_token).iat, signedInAt + 120);

    const silent = await browser.request(authorizeUrl(pool, { omit: ['identity_provider'], challenge }));
    const code = new URL(silent.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const second = (await (await redeemCode(pool, code, verifier)).json()) as { id_token: string };
    assert.equal(decodeJwt(second.id_token).auth_time, signedInAt);

    const late = await browser.request(authorizeUrl(pool, { omit: ['identity_provider'], challenge }));
    time.advance(5 * 60_000);
    const expired = await redeemCode(
      pool,
      new URL(late.headers.get('location') ?? '').searchParams.get('code') ?? '',
      verifier,
    );
    assert.deepEqual([expired.status, await expired.json()], [400, { error: 'invalid_grant' }]);
  });
});
