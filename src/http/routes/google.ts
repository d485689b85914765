import { type Context, Hono } from 'hono';
import { linkedGoogleSubs } from '../../cognito/google-identities.ts';
import { createHostedUiClient, type HostedUiClient } from '../../cognito/hosted-ui.ts';
import type { IdTokenClaims } from '../../cognito/id-token.ts';
import type { CognitoTokens } from '../../cognito/types.ts';
import { sameText } from '../../constant-time.ts';
import { AuthError, LastSignInMethodError, NotFoundError, UnauthenticatedError } from '../../errors.ts';
import type { LogFields } from '../../logging/logger.ts';
import { adoptGoogleIdentity } from '../../oauth/adopt-google-identity.ts';
import { GoogleSignInError } from '../../oauth/errors.ts';
import { verifyCallbackIdToken } from '../../oauth/id-token.ts';
import { linkGoogleToUser, unlinkGoogleFromUser } from '../../oauth/link-google.ts';
import { federatedGoogleSub } from '../../oauth/linking.ts';
import { safeReturnTo } from '../../oauth/return-to.ts';
import {
  newTransaction,
  type OAuthTransaction,
  openTransaction,
  pkceChallenge,
  sealTransaction,
  TRANSACTION_TTL_SECONDS,
} from '../../oauth/transaction.ts';
import { callbackUrl, errorRedirect, frontendRedirect, type GoogleUrlSettings } from '../../oauth/urls.ts';
import { clearCookie, readCookie, writeCookie } from '../cookies.ts';
import type { AppEnv, Runtime } from '../deps.ts';
import { signInWithGrant } from '../grant-sign-in.ts';
import { notifyAccount } from '../notices.ts';
import type { FailureLimiter } from '../rate-limit.ts';
import { securityEvent } from '../security-events.ts';
import {
  endSessions,
  jarOf,
  requireSession,
  requireStepUp,
  startSession,
  updateCurrentUser,
} from '../sessions.ts';

/** The URL settings of the Google flow, from configuration. */
export function googleUrlSettings(rt: Pick<Runtime, 'config'>): GoogleUrlSettings {
  const { config } = rt;
  return {
    apiUrl: config.apiUrl,
    frontendUrl: config.frontendUrl,
    domain: config.cognito.domain,
    clientId: config.cognito.clientId,
  };
}

/** Name and code of an error and its cause, for a log line; never a message (it could quote a response). */
function errorFields(error: unknown): LogFields {
  const describe = (value: unknown) => {
    if (!(value instanceof Error)) return { name: typeof value, code: undefined };
    // A Google failure logs the code its redirect carries, not the AuthError code it maps to.
    const code = value instanceof GoogleSignInError ? value.redirectCode : (value as { code?: unknown }).code;
    return { name: value.name, code: typeof code === 'string' ? code : undefined };
  };
  const outer = describe(error);
  const cause = error instanceof Error && error.cause !== undefined ? describe(error.cause) : null;
  return {
    errorName: outer.name,
    errorCode: outer.code,
    ...(cause ? { causeName: cause.name, causeCode: cause.code } : {}),
  };
}

/**
 * `/auth/google*`: Google sign-in through the Cognito hosted UI (docs/api.md
 * "Google", docs/security.md "OAuth / OIDC"). `state`, `nonce` and the PKCE
 * verifier live in the sealed oauth cookie; the transaction id is also stored
 * server-side and consumed by the callback, so a callback works once, in the
 * browser that began it. Every failure is a `302` to `/login?error=<code>`.
 */
export function googleRoutes(
  rt: Runtime,
  limiter: FailureLimiter,
  options: { hostedUi?: HostedUiClient } = {},
) {
  const app = new Hono<AppEnv>();
  const jar = jarOf(rt);
  const urls = googleUrlSettings(rt);
  const hostedUi =
    options.hostedUi ??
    createHostedUiClient({
      issuer: rt.config.cognito.issuer,
      clientId: rt.config.cognito.clientId,
      clientSecret: rt.config.cognito.clientSecret,
      redirectUri: callbackUrl(urls),
    });

  /** Failures go back to the sign-in page; a failed link goes back to the account page it began on. */
  const fail = (c: Context<AppEnv>, error: unknown, options: { linking?: boolean } = {}) => {
    const code = error instanceof GoogleSignInError ? error.redirectCode : 'google_failed';
    const fields = { code, ...errorFields(error) };
    if (error instanceof GoogleSignInError) c.get('log').info('google sign-in refused', fields);
    else c.get('log').warn('google sign-in failed', fields);
    return c.redirect(errorRedirect(urls, options.linking ? '/account' : '/login', code), 302);
  };

  /** Stores and binds a transaction; returns the hosted-UI URL to send the browser to. */
  const begin = async (c: Context<AppEnv>, tx: OAuthTransaction): Promise<string> => {
    const now = rt.clock();
    const expiresAt = tx.createdAt + TRANSACTION_TTL_SECONDS * 1000;
    await rt.store.putChallenge({
      id: tx.id,
      challenge: tx.state,
      purpose: 'oauth',
      ...(tx.linkUser ? { userId: tx.linkUser.id } : {}),
      expiresAt,
    });
    const location = await hostedUi.authorizationUrl({
      state: tx.state,
      nonce: tx.nonce,
      codeChallenge: pkceChallenge(tx.codeVerifier),
    });
    writeCookie(c, jar.oauth, await sealTransaction(tx, rt.keys.oauth, now), TRANSACTION_TTL_SECONDS);
    return location.toString();
  };

  app.get('/', async (c) => {
    try {
      // A cross-site navigation (a link on another site) cannot start a sign-in in this browser.
      if (c.req.header('sec-fetch-site') === 'cross-site') {
        throw new GoogleSignInError('google_state_invalid', 'Google sign-in began on another site.');
      }
      await limiter.assertRequestAllowed(rt.clientIp(c), 'google');
      const returnTo = safeReturnTo(c.req.query('returnTo'));
      return c.redirect(await begin(c, newTransaction({ returnTo, intent: 'signin', now: rt.clock() })), 302);
    } catch (error) {
      clearCookie(c, jar.oauth);
      // Limits answer as every endpoint does (429 rate_limited); everything else, Google
      // failures (AuthErrors too) included, goes back to /login.
      if (error instanceof AuthError && !(error instanceof GoogleSignInError)) throw error;
      return fail(c, error);
    }
  });

  /** Linking on purpose: CSRF (middleware) and a step-up, then the browser goes to the hosted UI. */
  app.post('/link', async (c) => {
    const current = await requireSession(c, rt);
    requireStepUp(rt, current);
    const linkUser = { id: current.session.user.id, sid: current.session.sid };
    const tx = newTransaction({ returnTo: '/account', intent: 'link', linkUser, now: rt.clock() });
    return c.json({ redirectTo: await begin(c, tx) });
  });

  /** Unlinking: step-up, never the last way in, every other session ends, never relinked by email. */
  app.delete('/', async (c) => {
    const current = await requireSession(c, rt);
    requireStepUp(rt, current);
    const { user } = current.session;
    const cognitoUser = await rt.cognito.getUser(user.id);
    const googleSub = linkedGoogleSubs(cognitoUser?.attributes.identities)[0] ?? null;
    const outcome = await unlinkGoogleFromUser(rt, { userId: user.id, googleSub });
    if (outcome === 'not-linked') throw new NotFoundError('No Google account is linked.');
    if (outcome === 'last-sign-in-method') throw new LastSignInMethodError();
    securityEvent(c, 'google_unlinked', { userId: user.id });
    await endSessions(c, rt, { userId: user.id, except: current.record.id, reason: 'google_unlinked' });
    await updateCurrentUser(c, rt, current, { google: null });
    await notifyAccount(c, rt, user, 'google-unlinked');
    return c.body(null, 204);
  });

  app.get('/callback', async (c) => {
    const sealed = readCookie(c, jar.oauth);
    // The transaction is over whatever happens next (single use).
    clearCookie(c, jar.oauth);
    const tx = await openTransaction(sealed, rt.keys.oauth, rt.clock());
    try {
      return await completeCallback(c, tx);
    } catch (error) {
      return fail(c, error, { linking: tx?.intent === 'link' });
    }
  });

  async function completeCallback(c: Context<AppEnv>, tx: OAuthTransaction | null) {
    const state = c.req.query('state');
    if (!tx || !state || !sameText(state, tx.state)) {
      throw new GoogleSignInError(
        'google_state_invalid',
        'No matching Google sign-in began in this browser.',
      );
    }
    const stored = await rt.store.consumeChallenge(tx.id);
    if (stored?.purpose !== 'oauth' || !sameText(stored.challenge, tx.state)) {
      throw new GoogleSignInError('google_state_invalid', 'This Google sign-in was already completed.');
    }

    const error = c.req.query('error');
    if (error !== undefined) {
      // `error` is an OAuth error code (DG: authorization-endpoint); `error_description` is
      // Cognito's free text, not a fixed string, and is never read.
      if (error === 'access_denied')
        throw new GoogleSignInError('google_cancelled', 'Google sign-in cancelled.');
      throw new GoogleSignInError('google_failed', 'The hosted UI returned an error.');
    }
    if (!c.req.query('code')) throw new GoogleSignInError('google_failed', 'The callback carries no code.');

    // The registered redirect URI plus the query as received (behind API Gateway the
    // request URL's host need not be the public one).
    const current = new URL(callbackUrl(urls));
    current.search = new URL(c.req.url).search;
    const tokens = await hostedUi.exchangeCode({
      callbackUrl: current,
      state: tx.state,
      nonce: tx.nonce,
      codeVerifier: tx.codeVerifier,
    });
    const claims = await verifyCallbackIdToken({
      idToken: tokens.idToken,
      expectedNonce: tx.nonce,
      verify: rt.verifyIdToken,
    });

    if (tx.intent === 'link') await completeLink(c, tx, tokens, claims);
    else await completeSignIn(c, tokens, claims);
    return c.redirect(frontendRedirect(urls, tx.returnTo), 302);
  }

  /** The tokens of a round trip that signs nobody in are not kept (best effort). */
  async function discardTokens(c: Context<AppEnv>, tokens: CognitoTokens): Promise<void> {
    if (!tokens.refreshToken) return;
    await rt.cognito.revoke(tokens.refreshToken).catch((error: unknown) => {
      c.get('log').warn('could not revoke round-trip token', errorFields(error));
    });
  }

  /**
   * intent=signin. Every account is a native Cognito user: a federated user cannot be
   * signed in through the API's auth flows (API: InitiateAuth), so a passkey added later
   * could never sign it in. A Google identity linked to a native user signs in as that
   * user (API: AdminLinkProviderForUser), and these tokens start the session. On the
   * identity's first sign-in Cognito created its federated user instead: that user is
   * replaced by a native account (`adoptGoogleIdentity`), which is then signed in through
   * CUSTOM_AUTH with a one-time grant, as at sign-up. A Google round trip is never a
   * step-up: Cognito's auth_time cannot tell a silent one.
   */
  async function completeSignIn(c: Context<AppEnv>, tokens: CognitoTokens, claims: IdTokenClaims) {
    const googleSub = federatedGoogleSub(claims);
    if (googleSub === null) {
      await startSession(c, rt, { tokens, authMethod: 'google', stepUp: false });
      return;
    }
    await discardTokens(c, tokens);
    const adopted = await adoptGoogleIdentity(
      { store: rt.store, cognito: rt.cognito, clock: rt.clock, log: c.get('log') },
      {
        federatedUsername: claims.username,
        googleSub,
        profile: claims.google ?? { email: '', emailVerified: false },
      },
    );
    const linkedByEmail = adopted.via === 'linked-by-email' && adopted.linked;
    if (adopted.via === 'created') {
      securityEvent(c, 'account_created', { userId: adopted.userId, authMethod: 'google' });
    }
    if (linkedByEmail) securityEvent(c, 'google_linked', { userId: adopted.userId });
    const native = await signInWithGrant(rt, adopted.userId);
    const { user } = await startSession(c, rt, { tokens: native, authMethod: 'google', stepUp: false });
    // The same verified email: the account's owner is told Google now signs in to it.
    if (linkedByEmail) await notifyAccount(c, rt, user, 'google-linked');
  }

  /** intent=link: attaches the Google identity to the signed-in user who began the transaction. */
  async function completeLink(
    c: Context<AppEnv>,
    tx: OAuthTransaction,
    tokens: CognitoTokens,
    claims: IdTokenClaims,
  ): Promise<void> {
    const { session } = c.var.auth;
    // Only "this session has ended" means the link cannot finish; any other failure is a failure.
    const current =
      session && tx.linkUser?.sid === session.sid
        ? await requireSession(c, rt).catch((error: unknown) => {
            if (error instanceof UnauthenticatedError) return null;
            throw error;
          })
        : null;
    // The tokens of this round trip are not kept: the user stays in the session they linked from.
    await discardTokens(c, tokens);
    if (!current || current.session.user.id !== tx.linkUser?.id) {
      throw new GoogleSignInError('reauth_required', 'The sign-in that began the link has ended.');
    }
    const { user } = current.session;
    const outcome = await linkGoogleToUser(rt, { userId: user.id, claims });
    const google = claims.google;
    if (google && outcome === 'linked') await rt.cognito.setGoogleAttributes(user.id, google);
    await updateCurrentUser(c, rt, current, google?.email ? { google: { email: google.email } } : {});
    if (outcome === 'linked') {
      securityEvent(c, 'google_linked', { userId: user.id });
      await notifyAccount(c, rt, user, 'google-linked');
    }
  }

  return app;
}
