import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { type GoogleStandIn, googleSubFor, startGoogleStandIn } from '../../src/local/google/index.ts';
import { TestBrowser } from '../emulator/hosted-ui-browser.ts';

const APP = 'http://127.0.0.1:9';
const REDIRECT = `${APP}/oauth2/idpresponse`;
const CLIENT = { client_id: 'standin-test-client', client_secret: 'standin-test-secret-0123456789' };

describe('Google stand-in: a real OpenID provider on 127.0.0.1 (OIDC Core, RFC 7636)', () => {
  let google: GoogleStandIn;
  let config: oidc.Configuration;
  const logged: string[] = [];
  const originals = { warn: console.warn, info: console.info, log: console.log, error: console.error };

  before(async () => {
    for (const name of ['warn', 'info', 'log', 'error'] as const) {
      console[name] = (...args: unknown[]) => {
        logged.push(args.map(String).join(' '));
      };
    }
    google = await startGoogleStandIn({ clients: [{ ...CLIENT, redirect_uris: [REDIRECT] }] });
    config = await oidc.discovery(
      new URL(google.issuer),
      CLIENT.client_id,
      undefined,
      oidc.ClientSecretBasic(CLIENT.client_secret),
      { execute: [oidc.allowInsecureRequests] },
    );
    oidc.enableNonRepudiationChecks(config);
  });
  after(async () => {
    Object.assign(console, originals);
    await google.close();
  });

  async function authorize(params: Record<string, string> = {}) {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid email profile',
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...params,
    });
    return { url, verifier, state, nonce };
  }

  async function signIn(email: string) {
    const { url, verifier, state, nonce } = await authorize();
    const browser = new TestBrowser();
    const page = await browser.follow(url.href, APP);
    const callback = new URL(await browser.submitGoogleForm(page, email, APP));
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    return { tokens, callback, browser };
  }

  test('OIDC Discovery — issuer is its URL; code flow, S256, RS256, the JWKS and userinfo are advertised', () => {
    const meta = config.serverMetadata();
    assert.equal(meta.issuer, google.url);
    assert.match(google.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(meta.code_challenge_methods_supported, ['S256']);
    assert.ok(meta.response_types_supported?.includes('code'));
    assert.deepEqual(meta.id_token_signing_alg_values_supported, ['RS256']);
    assert.ok(meta.jwks_uri && meta.userinfo_endpoint && meta.token_endpoint);
  });

  test('the sign-in page is marked as a LOCAL STAND-IN, asks for an email with one submit button, and needs no consent page', async () => {
    const { tokens, callback, browser } = await signIn('Ada.Lovelace@Example.com');
    assert.equal(callback.searchParams.get('iss'), google.issuer);
    // authorize → sign-in page → form post → resume → back to the client: one page only.
    const pages = browser.hops.filter((hop) => hop.status === 200);
    assert.equal(pages.length, 1);
    assert.ok(tokens.access_token);
  });

  test('OIDC Core §2 — RS256 ID tokens with Google-shaped claims: numeric sub stable per email, email_verified true, names and picture', async () => {
    const { tokens } = await signIn('Ada.Lovelace@Example.com');
    const idToken = tokens.id_token ?? '';
    assert.equal(decodeProtectedHeader(idToken).alg, 'RS256');
    const { payload } = await jwtVerify(
      idToken,
      createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri ?? '')),
      {
        issuer: google.issuer,
        audience: CLIENT.client_id,
      },
    );
    assert.match(payload.sub ?? '', /^1\d{20}$/);
    assert.equal(payload.sub, googleSubFor('ada.lovelace@example.com'));
    assert.equal(payload.email, 'ada.lovelace@example.com');
    assert.equal(payload.email_verified, true);
    assert.equal(payload.name, 'Ada Lovelace');
    assert.equal(payload.given_name, 'Ada');
    assert.equal(payload.family_name, 'Lovelace');
    assert.match(String(payload.picture), /^https:\/\//);
    const other = await signIn('charles.babbage@example.com');
    assert.notEqual(other.tokens.claims()?.sub, payload.sub);
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, payload.sub ?? '');
    assert.equal(userinfo.email, 'ada.lovelace@example.com');
  });

  test('RFC 6749 §4.1.2.1 — an unregistered redirect_uri gets an error page, not a redirect; a missing PKCE challenge is refused', async () => {
    const bad = await authorize({ redirect_uri: 'https://evil.example/cb' });
    const res = await fetch(bad.url, { redirect: 'manual' });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
    assert.match(await res.text(), /LOCAL STAND-IN for Google/);

    const url = new URL(config.serverMetadata().authorization_endpoint ?? '');
    url.search = new URLSearchParams({
      client_id: CLIENT.client_id,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'openid',
      state: 's',
    }).toString();
    const noPkce = await fetch(url, { redirect: 'manual' });
    const location = new URL(noPkce.headers.get('location') ?? '', url);
    assert.equal(location.origin, APP);
    assert.equal(location.searchParams.get('error'), 'invalid_request');
  });

  test('RFC 6749 §5.2 — a wrong client secret at the token endpoint is invalid_client; a code is single use', async () => {
    const { url, verifier, state } = await authorize();
    const browser = new TestBrowser();
    const callback = new URL(
      await browser.submitGoogleForm(await browser.follow(url.href, APP), 'x@example.com', APP),
    );
    assert.equal(callback.searchParams.get('state'), state);
    const token = config.serverMetadata().token_endpoint ?? '';
    const redeem = (secret: string) =>
      fetch(token, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${CLIENT.client_id}:${secret}`).toString('base64')}`,
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: callback.searchParams.get('code') ?? '',
          redirect_uri: REDIRECT,
          code_verifier: verifier,
        }),
      });
    const wrong = await redeem('not-the-secret');
    assert.equal(wrong.status, 401);
    assert.equal(((await wrong.json()) as { error: string }).error, 'invalid_client');
    const right = await redeem(CLIENT.client_secret);
    assert.equal(right.status, 200);
    await right.arrayBuffer();
    const again = await redeem(CLIENT.client_secret);
    assert.equal(((await again.json()) as { error: string }).error, 'invalid_grant');
  });

  test('addClient registers a client after start (the emulator listens after the stand-in)', async () => {
    google.addClient({
      client_id: 'late-client',
      client_secret: 'late-secret-0123456789',
      redirect_uris: [REDIRECT],
    });
    const late = await oidc.discovery(
      new URL(google.issuer),
      'late-client',
      undefined,
      oidc.ClientSecretBasic('late-secret-0123456789'),
      { execute: [oidc.allowInsecureRequests] },
    );
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(late, {
      redirect_uri: REDIRECT,
      scope: 'openid email',
      state: 'late',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const browser = new TestBrowser();
    const callback = new URL(
      await browser.submitGoogleForm(await browser.follow(url.href, APP), 'late@example.com', APP),
    );
    const tokens = await oidc.authorizationCodeGrant(late, callback, {
      pkceCodeVerifier: verifier,
      expectedState: 'late',
    });
    assert.equal(tokens.claims()?.email, 'late@example.com');
  });

  test('oidc-provider logs nothing: no development-mode notices, warnings or errors', () => {
    assert.deepEqual(logged, []);
  });
});
