// A pool with the hosted UI, federating to a real Google stand-in, and helpers
// that drive the redirect chain the way a browser would.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import {
  APP_CLIENT_WRITE_ATTRIBUTES,
  GOOGLE_ATTRIBUTE_MAPPING,
} from '../../src/cognito/google-attributes.ts';
import { type GoogleStandIn, startGoogleStandIn } from '../../src/local/google/index.ts';
import type { PreSignUpEvent, UserPoolTriggers } from '../../src/triggers/types.ts';
import { TestBrowser } from './hosted-ui-browser.ts';
import { POOL, startTestPool, type TestPool } from './setup.ts';

export const APP_ORIGIN = 'http://localhost:3999';
export const CALLBACK = `${APP_ORIGIN}/auth/google/callback`;
export const SIGNED_OUT = `${APP_ORIGIN}/signed-out`;
const GOOGLE_CLIENT = { id: 'emulator-google-client', secret: 'emulator-google-secret-0123456789' };

export interface FederatedPool extends TestPool {
  google: GoogleStandIn;
  preSignUps: PreSignUpEvent[];
}

export async function startFederatedPool(
  options: {
    preSignUp?: UserPoolTriggers['preSignUp'];
    clock?: () => number;
    caseSensitive?: boolean;
    /** The app client's WriteAttributes; null leaves them unset (Cognito's default). */
    writeAttributes?: string[] | null;
  } = {},
): Promise<FederatedPool> {
  const google = await startGoogleStandIn({});
  const preSignUps: PreSignUpEvent[] = [];
  const pool = await startTestPool({
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.caseSensitive === undefined ? {} : { caseSensitive: options.caseSensitive }),
    // The app client may write what Google is mapped to, as the stack's client (API: UserPoolClientType).
    ...(options.writeAttributes === null
      ? {}
      : { writeAttributes: options.writeAttributes ?? [...APP_CLIENT_WRITE_ATTRIBUTES] }),
    hostedUi: {
      callbackUrls: [CALLBACK],
      logoutUrls: [SIGNED_OUT],
      google: {
        issuer: google.issuer,
        clientId: GOOGLE_CLIENT.id,
        clientSecret: GOOGLE_CLIENT.secret,
        attributeMapping: { ...GOOGLE_ATTRIBUTE_MAPPING },
      },
    },
    triggers: {
      async preSignUp(event) {
        preSignUps.push(structuredClone(event));
        return options.preSignUp ? options.preSignUp(event) : event;
      },
    },
  });
  google.addClient({
    client_id: GOOGLE_CLIENT.id,
    client_secret: GOOGLE_CLIENT.secret,
    redirect_uris: [`${pool.emulator.url}/oauth2/idpresponse`],
  });
  return {
    ...pool,
    google,
    preSignUps,
    async close() {
      await pool.close();
      await google.close();
    },
  };
}

export function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface AuthorizeParams {
  state?: string;
  nonce?: string;
  challenge?: string;
  extra?: Record<string, string>;
  omit?: string[];
}

export function authorizeUrl(pool: FederatedPool, params: AuthorizeParams = {}): string {
  const query: Record<string, string> = {
    response_type: 'code',
    client_id: POOL.clientId,
    redirect_uri: CALLBACK,
    state: params.state ?? 'client-state-1',
    nonce: params.nonce ?? 'client-nonce-1',
    scope: 'openid email profile',
    identity_provider: 'Google',
    ...(params.challenge ? { code_challenge: params.challenge, code_challenge_method: 'S256' } : {}),
    ...params.extra,
  };
  for (const key of params.omit ?? []) delete query[key];
  return `${pool.emulator.url}/oauth2/authorize?${new URLSearchParams(query)}`;
}

/** authorize → stand-in page → form → idpresponse → the app's callback URL (not fetched). */
export async function signInWithGoogle(
  pool: FederatedPool,
  email: string,
  params: AuthorizeParams = {},
  browser = new TestBrowser(),
): Promise<{ callback: URL; browser: TestBrowser }> {
  const page = await browser.follow(authorizeUrl(pool, params), APP_ORIGIN);
  assert.equal(new URL(page.url).origin, pool.google.url, 'authorize should lead to the Google stand-in');
  const callback = new URL(await browser.submitGoogleForm(page, email, APP_ORIGIN));
  return { callback, browser };
}

export function basicAuth(id: string = POOL.clientId, secret: string = POOL.clientSecret): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

export async function postForm(
  url: string,
  body: Record<string, string>,
  authorization: string | null = basicAuth(),
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(authorization ? { authorization } : {}),
    },
    body: new URLSearchParams(body).toString(),
    redirect: 'manual',
  });
}

export function redeemCode(
  pool: FederatedPool,
  code: string,
  verifier?: string,
  extra: Record<string, string> = {},
) {
  return postForm(`${pool.emulator.url}/oauth2/token`, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: CALLBACK,
    ...(verifier ? { code_verifier: verifier } : {}),
    ...extra,
  });
}
