import { type Context, Hono } from 'hono';
import { LinkRejectedError } from '../../cognito/errors.ts';
import { createHostedUiClient, type HostedUiClient } from '../../cognito/hosted-ui.ts';
import type { IdTokenClaims } from '../../cognito/id-token.ts';
import type { CognitoTokens } from '../../cognito/types.ts';
import type { LogFields } from '../../logging/logger.ts';
import { GoogleSignInError } from '../../oauth/errors.ts';
import { sameText, verifyCallbackIdToken } from '../../oauth/id-token.ts';
import {
  decideExplicitLink,
  googleSubOf,
  parsePreSignUpRefusal,
  pendingLinkId,
} from '../../oauth/linking.ts';
import { safeReturnTo } from '../../oauth/return-to.ts';
import {
  newTransaction,
  type OAuthTransaction,
  openTransaction,
  pkceChallenge,
  sealTransaction,
  TRANSACTION_TTL_SECONDS,
} from '../../oauth/transaction.ts';
import {
  callbackUrl,
  frontendRedirect,
  type GoogleUrlSettings,
  loginErrorRedirect,
} from '../../oauth/urls.ts';
import { openSession } from '../../sessions/session.ts';
import { clearCookie, readCookie, writeCookie } from '../cookies.ts';
import type { AppEnv, Runtime } from '../deps.ts';
import { REAUTH_WINDOW_SECONDS } from '../require-session.ts';
import { establishSession, jarOf, writeSessionCookie } from '../session-cookies.ts';

/** Automatic restarts after the PreSignUp trigger linked an account (one is enough). */
const MAX_RESTARTS = 1;

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
    const code = (value as { code?: unknown }).code;
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
 * `/auth/google*`: Google sign-in through the Cognito hosted UI (shared/API.md
 * "Google", shared/SECURITY.md "OAuth / OIDC"). `state`, `nonce` and the PKCE
 * verifier live in the sealed oauth cookie; the transaction id is also stored
 * server-side and consumed by the callback, so a callback works once, in the
 * browser that began it. Every failure is a `302` to `/login?error=<code>`.
 */
export function googleRoutes(rt: Runtime, options: { hostedUi?: HostedUiClient } = {}) {
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

  const fail = (c: Context<AppEnv>, error: unknown) => {
    const code = error instanceof GoogleSignInError ? error.code : 'google_failed';
    const fields = { code, ...errorFields(error) };
    if (error instanceof GoogleSignInError) c.get('log').info('google sign-in refused', fields);
    else c.get('log').warn('google sign-in failed', fields);
    return c.redirect(loginErrorRedirect(urls, code), 302);
  };

  /** Stores and binds a transaction, then sends the browser to the hosted UI. */
  const begin = async (c: Context<AppEnv>, tx: OAuthTransaction) => {
    const now = rt.clock();
    const expiresAt = tx.createdAt + TRANSACTION_TTL_SECONDS * 1000;
    await rt.store.putChallenge({
      id: tx.id,
      challenge: tx.state,
      purpose: 'oauth',
      ...(tx.linkUser ? { userId: tx.linkUser.id } : {}),
      expiresAt,
    });
    if (tx.linkUser) {
      // Lets the PreSignUp trigger create the federated user that this link will replace
      // instead of refusing it for matching this (unverified) account's email.
      await rt.store.putChallenge({
        id: pendingLinkId(tx.linkUser.id),
        challenge: tx.id,
        purpose: 'google-link',
        userId: tx.linkUser.id,
        expiresAt,
      });
    }
    const location = await hostedUi.authorizationUrl({
      state: tx.state,
      nonce: tx.nonce,
      codeChallenge: pkceChallenge(tx.codeVerifier),
    });
    writeCookie(c, jar.oauth, await sealTransaction(tx, rt.keys.oauth, now), TRANSACTION_TTL_SECONDS);
    return c.redirect(location.toString(), 302);
  };

  app.get('/', async (c) => {
    try {
      const now = rt.clock();
      const returnTo = safeReturnTo(c.req.query('returnTo'));
      if (c.req.query('intent') === 'link') {
        const session = await openSession(readCookie(c, jar.session), rt.keys, now);
        if (!session || Math.floor(now / 1000) - session.authTime > REAUTH_WINDOW_SECONDS) {
          throw new GoogleSignInError('reauth_required', 'Linking Google needs a recent sign-in.');
        }
        const linkUser = { id: session.user.id, sid: session.sid };
        return await begin(c, newTransaction({ returnTo, intent: 'link', linkUser, now }));
      }
      return await begin(c, newTransaction({ returnTo, intent: 'signin', now }));
    } catch (error) {
      clearCookie(c, jar.oauth);
      return fail(c, error);
    }
  });

  app.get('/callback', async (c) => {
    const sealed = readCookie(c, jar.oauth);
    // The transaction is over whatever happens next (single use).
    clearCookie(c, jar.oauth);
    try {
      return await completeCallback(c, sealed);
    } catch (error) {
      return fail(c, error);
    }
  });

  async function completeCallback(c: Context<AppEnv>, sealed: string | undefined) {
    const now = rt.clock();
    const tx = await openTransaction(sealed, rt.keys.oauth, now);
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
      const refusal = parsePreSignUpRefusal(c.req.query('error_description'));
      if (refusal === 'linked' && tx.restarts < MAX_RESTARTS) {
        // The trigger has just linked Google to the account with this verified email; Cognito
        // could not finish that sign-in, the next one lands on the linked user.
        c.get('log').info('google identity linked by email; restarting sign-in');
        return begin(
          c,
          newTransaction({
            returnTo: tx.returnTo,
            intent: tx.intent,
            ...(tx.linkUser ? { linkUser: tx.linkUser } : {}),
            restarts: tx.restarts + 1,
            now,
          }),
        );
      }
      if (refusal === 'account_exists') {
        throw new GoogleSignInError(
          'account_exists_sign_in_with_passkey',
          'The account must link Google itself.',
        );
      }
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

    if (tx.intent === 'link') {
      await completeLink(c, tx, tokens, claims);
    } else {
      await establishSession(c, rt, { tokens, authMethod: 'google' });
      c.get('log').info('signed in with google', { userId: claims.username });
    }
    return c.redirect(frontendRedirect(urls, tx.returnTo), 302);
  }

  /** intent=link: attaches the Google identity to the signed-in user who began the transaction. */
  async function completeLink(
    c: Context<AppEnv>,
    tx: OAuthTransaction,
    tokens: CognitoTokens,
    claims: IdTokenClaims,
  ): Promise<void> {
    const now = rt.clock();
    const session = await openSession(readCookie(c, jar.session), rt.keys, now);
    if (!session || !tx.linkUser || session.user.id !== tx.linkUser.id || session.sid !== tx.linkUser.sid) {
      throw new GoogleSignInError('reauth_required', 'The sign-in that began the link has ended.');
    }
    await rt.store.consumeChallenge(pendingLinkId(session.user.id));
    const googleSub =
      claims.identities.find((identity) => identity.providerName.toLowerCase() === 'google')?.userId ??
      googleSubOf(claims.username);
    const federated = claims.username === session.user.id ? null : await rt.cognito.getUser(claims.username);
    const decision = decideExplicitLink({
      currentUsername: session.user.id,
      tokenUsername: claims.username,
      googleSub,
      federatedUserCreatedAt: federated?.createdAt ?? null,
      transactionCreatedAt: tx.createdAt,
      federatedUserHasPasskeys: federated
        ? (await rt.store.listCredentials(claims.username)).length > 0
        : false,
    });
    // The tokens of this round trip are not kept: the user stays in the session they linked from.
    if (tokens.refreshToken) {
      await rt.cognito.revoke(tokens.refreshToken).catch((error: unknown) => {
        c.get('log').warn('could not revoke link round-trip token', errorFields(error));
      });
    }
    if (decision.action === 'in-use') {
      throw new GoogleSignInError('google_account_in_use', 'This Google account has its own account.');
    }
    if (decision.action === 'replace-and-link') {
      // Cognito cannot merge a federated user into another (COGNITO.md "Hosted UI"):
      // the user this round trip created goes, then the identity is linked.
      await rt.cognito.deleteUser(decision.federatedUsername);
      try {
        await rt.cognito.linkGoogle(session.user.id, decision.googleSub);
      } catch (error) {
        if (error instanceof LinkRejectedError)
          throw new GoogleSignInError('google_account_in_use', 'Cognito refused the link.', { cause: error });
        throw error;
      }
    }
    const providers = session.user.providers.includes('google')
      ? session.user.providers
      : [...session.user.providers, 'google' as const];
    await writeSessionCookie(c, rt, { ...session, user: { ...session.user, providers } });
    c.get('log').info('google linked', { userId: session.user.id });
  }

  return app;
}
