import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorContext, HostedUiSettings } from './context.ts';
import { signInWithGoogle } from './federation.ts';
import { createGoogleClient, FederationError, type GoogleClient } from './google-client.ts';
import { errorRedirectUrl, readCookie, redirect, sendErrorPage } from './hosted-ui-http.ts';
import {
  CODE_VALIDITY_MS,
  FEDERATION_VALIDITY_MS,
  newAuthorizationCode,
  newOpaqueId,
  pruneHostedUiState,
  SESSION_VALIDITY_MS,
  takeOnce,
} from './oauth-state.ts';
import { revokeEndpoint, tokenEndpoint, userInfoEndpoint } from './oauth-token.ts';
import type { StoredUser } from './user-pool.ts';

/** Cognito's hosted-UI session cookie on its domain. */
const SESSION_COOKIE = 'cognito';
const CODE_CHALLENGE = /^[A-Za-z0-9\-._~]{43,128}$/;
const PROMPT_VALUES = new Set(['login', 'none', 'consent', 'select_account']);

/**
 * The `prompt` to send on to the IdP (DG: authorization-endpoint, "prompt",
 * https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html):
 * Cognito passes the OIDC `prompt` values to the third-party IdP the user signs in
 * with, except `none`, which only governs its own session. Unknown values are dropped.
 */
export function promptForIdp(prompt: string | null): string | undefined {
  const values = (prompt ?? '').split(' ').filter((v) => PROMPT_VALUES.has(v) && v !== 'none');
  return values.length > 0 ? [...new Set(values)].join(' ') : undefined;
}

export interface HostedUiOptions {
  ctx: EmulatorContext;
  settings: HostedUiSettings;
  baseUrl: () => string;
  afterMutation: () => Promise<void>;
}

type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

/**
 * The hosted UI on the emulator's origin (the pool's "domain"): /oauth2/authorize,
 * /oauth2/idpresponse, /oauth2/token, /oauth2/revoke, /oauth2/userInfo and
 * /logout, federating to Google only. Returns a handler that answers false
 * for paths it does not own. Nothing here logs codes, tokens or states.
 */
export function createHostedUi({ ctx, settings, baseUrl, afterMutation }: HostedUiOptions) {
  const state = ctx.hostedUiState;
  const google: GoogleClient | null = settings.google ? createGoogleClient(settings.google) : null;
  const secure = () => baseUrl().startsWith('https:');

  const sessionCookie = (id: string, maxAgeSeconds: number) =>
    `${SESSION_COOKIE}=${id}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure() ? '; Secure' : ''}`;

  function currentSession(req: IncomingMessage): { user: StoredUser; authTime: number } | null {
    const id = readCookie(req, SESSION_COOKIE);
    const session = id ? state.sessions.get(id) : undefined;
    if (!session || ctx.clock() >= session.expiresAt) return null;
    const user = ctx.pool.find(session.sub);
    return user?.enabled ? { user, authTime: session.authTime } : null;
  }

  function issueCode(
    user: StoredUser,
    grant: {
      clientId: string;
      redirectUri: string;
      scope: string[];
      codeChallenge?: string;
      nonce?: string;
    },
    authTime: number,
  ): string {
    const code = newAuthorizationCode();
    state.codes.set(code, {
      clientId: grant.clientId,
      redirectUri: grant.redirectUri,
      scope: grant.scope,
      ...(grant.codeChallenge === undefined ? {} : { codeChallenge: grant.codeChallenge }),
      ...(grant.nonce === undefined ? {} : { nonce: grant.nonce }),
      sub: user.sub,
      authTime,
      expiresAt: ctx.clock() + CODE_VALIDITY_MS,
    });
    return code;
  }

  /**
   * DG: authorization-endpoint. Client and exact redirect_uri are checked
   * first; until both are good the answer is an error page, never a redirect
   * (RFC 6749 §4.1.2.1). PKCE is optional, as in Cognito, but only S256.
   */
  const authorize: Route = async (req, res, url) => {
    const q = url.searchParams;
    if (q.get('client_id') !== ctx.settings.clientId) {
      return sendErrorPage(res, 400, 'invalid_request', 'Unknown or missing client_id.');
    }
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!settings.callbackUrls.includes(redirectUri)) {
      return sendErrorPage(res, 400, 'redirect_mismatch', 'redirect_uri is not a registered callback URL.');
    }
    const clientState = q.get('state') ?? undefined;
    const fail = (error: string, description?: string) =>
      redirect(res, errorRedirectUrl(redirectUri, error, description, clientState));

    if (q.get('response_type') !== 'code') return fail('unsupported_response_type');
    const codeChallenge = q.get('code_challenge') ?? undefined;
    const method = q.get('code_challenge_method');
    if (codeChallenge !== undefined || method !== null) {
      // Without a method RFC 7636 means "plain", which Cognito does not accept.
      if (method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256');
      if (!codeChallenge || !CODE_CHALLENGE.test(codeChallenge))
        return fail('invalid_request', 'invalid code_challenge');
    }
    const requested = q.get('scope');
    const scope = requested === null ? [...settings.scopes] : requested.split(' ').filter(Boolean);
    if (scope.length === 0 || scope.some((s) => !settings.scopes.includes(s))) return fail('invalid_scope');
    const provider = q.get('identity_provider');
    if (provider !== null && provider !== 'Google')
      return fail('invalid_request', 'identity_provider not found');
    const grant = {
      clientId: ctx.settings.clientId,
      redirectUri,
      scope,
      ...(codeChallenge === undefined ? {} : { codeChallenge }),
      ...(q.get('nonce') === null ? {} : { nonce: q.get('nonce') as string }),
    };

    // No identity_provider: Cognito would show its sign-in page; a live hosted-UI
    // session signs in silently, otherwise Google is the only way in.
    const signedIn = provider === null ? currentSession(req) : null;
    if (signedIn) {
      const target = new URL(redirectUri);
      target.searchParams.set('code', issueCode(signedIn.user, grant, signedIn.authTime));
      if (clientState !== undefined) target.searchParams.set('state', clientState);
      return redirect(res, target.href);
    }
    if (!google) return fail('invalid_request', 'No identity provider is configured.');
    pruneHostedUiState(state, ctx.clock());
    try {
      const prompt = promptForIdp(q.get('prompt'));
      const { url: googleUrl, checks } = await google.begin(
        `${baseUrl()}/oauth2/idpresponse`,
        ['openid', 'email', 'profile'].join(' '),
        prompt ? { prompt } : {},
      );
      state.pending.set(checks.state, {
        ...grant,
        ...(clientState === undefined ? {} : { state: clientState }),
        google: checks,
        expiresAt: ctx.clock() + FEDERATION_VALIDITY_MS,
      });
      return redirect(res, googleUrl.href);
    } catch (error) {
      if (error instanceof FederationError) return fail(error.error, error.message);
      throw error;
    }
  };

  /** The IdP's redirect back (docs/cognito.md: `https://<domain>/oauth2/idpresponse`). */
  const idpResponse: Route = async (_req, res, url) => {
    const q = url.searchParams;
    const pending = takeOnce(state.pending, q.get('state') ?? '', ctx.clock());
    if (!pending || !google) return sendErrorPage(res, 400, 'invalid_state', 'Unknown or expired sign-in.');
    const fail = (error: string, description?: string) =>
      redirect(res, errorRedirectUrl(pending.redirectUri, error, description, pending.state));
    const idpError = q.get('error');
    if (idpError !== null) {
      return fail(
        idpError === 'access_denied' ? 'access_denied' : 'server_error',
        q.get('error_description') ?? undefined,
      );
    }
    let user: StoredUser;
    try {
      const identity = await google.finish(
        new URL(`${baseUrl()}${url.pathname}${url.search}`),
        pending.google,
      );
      user = await signInWithGoogle(ctx, identity, pending.clientId);
    } catch (error) {
      if (error instanceof FederationError) return fail(error.error, error.message);
      throw error;
    } finally {
      await afterMutation();
    }
    const authTime = Math.floor(ctx.clock() / 1000);
    const code = issueCode(user, pending, authTime);
    const sessionId = newOpaqueId();
    state.sessions.set(sessionId, {
      sub: user.sub,
      authTime,
      expiresAt: ctx.clock() + SESSION_VALIDITY_MS,
    });
    const target = new URL(pending.redirectUri);
    target.searchParams.set('code', code);
    if (pending.state !== undefined) target.searchParams.set('state', pending.state);
    return redirect(res, target.href, { 'set-cookie': sessionCookie(sessionId, SESSION_VALIDITY_MS / 1000) });
  };

  /** DG: logout-endpoint — ends the hosted-UI session; only to a registered sign-out URL. */
  const logout: Route = async (req, res, url) => {
    const q = url.searchParams;
    const logoutUri = q.get('logout_uri') ?? '';
    if (q.get('client_id') !== ctx.settings.clientId || !settings.logoutUrls.includes(logoutUri)) {
      return sendErrorPage(res, 400, 'invalid_request', 'Unknown client_id or unregistered logout_uri.');
    }
    const id = readCookie(req, SESSION_COOKIE);
    if (id) state.sessions.delete(id);
    return redirect(res, logoutUri, { 'set-cookie': sessionCookie('', 0) });
  };

  const routes: Record<string, Route> = {
    'GET /oauth2/authorize': authorize,
    'GET /oauth2/idpresponse': idpResponse,
    'GET /logout': logout,
    'POST /oauth2/token': (req, res) => tokenEndpoint(ctx, req, res, afterMutation),
    'POST /oauth2/revoke': (req, res) => revokeEndpoint(ctx, req, res, afterMutation),
    'GET /oauth2/userInfo': (req, res) => userInfoEndpoint(ctx, req, res),
    'POST /oauth2/userInfo': (req, res) => userInfoEndpoint(ctx, req, res),
  };

  return async function hostedUi(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const key = `${req.method} ${url.pathname}`;
    const route = routes[key];
    if (!route) return false;
    ctx.counts.operations[key] = (ctx.counts.operations[key] ?? 0) + 1;
    await route(req, res, url);
    return true;
  };
}
