import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { importJWK, jwtVerify } from 'jose';
import { type EmulatorContext, safeEqual } from './context.ts';
import { CognitoServiceError } from './errors.ts';
import { FormError, readForm, sendEmpty, sendJson } from './hosted-ui-http.ts';
import { takeOnce } from './oauth-state.ts';
import {
  type AuthenticationResult,
  findRefreshRecord,
  issueTokens,
  refreshTokens,
} from './refresh-tokens.ts';

type OAuthError = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type';

const oauthError = (res: ServerResponse, error: OAuthError) => sendJson(res, 400, { error });

/**
 * Client authentication at the token and revocation endpoints: HTTP Basic
 * (id and secret form-urlencoded, RFC 6749 §2.3.1) or client_secret_post.
 */
function authenticateClient(ctx: EmulatorContext, req: IncomingMessage, form: URLSearchParams): boolean {
  let id = form.get('client_id');
  let secret = form.get('client_secret');
  const header = String(req.headers.authorization ?? '');
  if (/^basic /i.test(header)) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    try {
      id = decodeURIComponent(decoded.slice(0, colon).replaceAll('+', ' '));
      secret = decodeURIComponent(decoded.slice(colon + 1).replaceAll('+', ' '));
    } catch {
      return false;
    }
  }
  return id === ctx.settings.clientId && secret !== null && safeEqual(secret, ctx.settings.clientSecret);
}

function tokenResponse(result: AuthenticationResult, withIdToken: boolean) {
  return {
    ...(withIdToken ? { id_token: result.IdToken } : {}),
    access_token: result.AccessToken,
    ...(result.RefreshToken ? { refresh_token: result.RefreshToken } : {}),
    expires_in: result.ExpiresIn,
    token_type: 'Bearer',
  };
}

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

/**
 * The form body of a token or revocation request from our authenticated client;
 * null after answering `invalid_request` (unreadable form) or `invalid_client`.
 */
async function readClientForm(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<URLSearchParams | null> {
  let form: URLSearchParams;
  try {
    form = await readForm(req);
  } catch (error) {
    if (error instanceof FormError) {
      oauthError(res, 'invalid_request');
      return null;
    }
    throw error;
  }
  if (!authenticateClient(ctx, req, form)) {
    oauthError(res, 'invalid_client');
    return null;
  }
  return form;
}

/**
 * DG: token-endpoint. `authorization_code`: single-use code bound to the
 * client, the same redirect_uri and (when a challenge was sent) the S256
 * code_verifier; `refresh_token`: the emulator's refresh-token records, with
 * rotation when enabled. Errors are 400 `{"error": ...}`.
 */
export async function tokenEndpoint(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  afterMutation: () => Promise<void>,
): Promise<void> {
  const form = await readClientForm(ctx, req, res);
  if (!form) return;
  const grantType = form.get('grant_type');

  if (grantType === 'authorization_code') {
    const code = form.get('code');
    if (!code) return oauthError(res, 'invalid_request');
    // Taken at the first attempt: a code is never good twice, even after a failed try.
    const record = takeOnce(ctx.hostedUiState.codes, code, ctx.clock());
    if (!record || record.clientId !== ctx.settings.clientId) return oauthError(res, 'invalid_grant');
    if (form.get('redirect_uri') !== record.redirectUri) return oauthError(res, 'invalid_grant');
    if (record.codeChallenge !== undefined) {
      const verifier = form.get('code_verifier') ?? '';
      if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier) || !safeEqual(s256(verifier), record.codeChallenge)) {
        return oauthError(res, 'invalid_grant');
      }
    }
    const user = ctx.pool.find(record.sub);
    if (!user?.enabled) return oauthError(res, 'invalid_grant');
    // auth_time is when the user signed in at the hosted UI, not when the code is redeemed.
    const scope = record.scope.join(' ');
    const result = await issueTokens(ctx, user, {
      lineage: { authTime: record.authTime, originJti: randomUUID(), eventId: randomUUID(), scope },
      withRefreshToken: true,
      ...(record.nonce === undefined ? {} : { nonce: record.nonce }),
    });
    await afterMutation();
    return sendJson(res, 200, tokenResponse(result, record.scope.includes('openid')));
  }

  if (grantType === 'refresh_token') {
    const token = form.get('refresh_token');
    if (!token) return oauthError(res, 'invalid_request');
    try {
      const result = await refreshTokens(ctx, token);
      await afterMutation();
      return sendJson(res, 200, tokenResponse(result, true));
    } catch (error) {
      if (error instanceof CognitoServiceError) return oauthError(res, 'invalid_grant');
      throw error;
    }
  }

  return oauthError(res, grantType ? 'unsupported_grant_type' : 'invalid_request');
}

/** DG: revocation-endpoint — 200 with an empty body, whether or not the token was one of ours. */
export async function revokeEndpoint(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  afterMutation: () => Promise<void>,
): Promise<void> {
  const form = await readClientForm(ctx, req, res);
  if (!form) return;
  const token = form.get('token');
  if (!token) return oauthError(res, 'invalid_request');
  const record = await findRefreshRecord(ctx, token);
  if (record) {
    record.revoked = true;
    await afterMutation();
  }
  return sendEmpty(res, 200);
}

/** DG: userinfo-endpoint — the user's attributes for a valid access token with the openid scope. */
export async function userInfoEndpoint(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const header = String(req.headers.authorization ?? '');
  const token = /^bearer /i.test(header) ? header.slice(7).trim() : '';
  const deny = () =>
    sendJson(res, 401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
  if (!token) return deny();
  try {
    const key = await importJWK(ctx.keys.access.publicJwk, 'RS256');
    const { payload } = await jwtVerify(token, key, {
      issuer: ctx.issuer,
      currentDate: new Date(ctx.clock()),
      algorithms: ['RS256'],
    });
    const scopes = String(payload.scope ?? '').split(' ');
    if (payload.token_use !== 'access' || !scopes.includes('openid')) return deny();
    const user = typeof payload.sub === 'string' ? ctx.pool.find(payload.sub) : undefined;
    if (!user?.enabled) return deny();
    return sendJson(res, 200, { ...user.attributes, username: user.username });
  } catch {
    return deny();
  }
}
