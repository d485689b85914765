import type { Context } from 'hono';
import type { IdTokenClaims } from '../cognito/id-token.ts';
import type { CognitoTokens } from '../cognito/types.ts';
import { cookieSpecs } from '../sessions/cookies.ts';
import { CSRF_TOKEN_TTL_SECONDS, issueCsrfToken, randomId } from '../sessions/csrf.ts';
import {
  type AuthMethod,
  type Provider,
  type RefreshState,
  type Session,
  sealRefresh,
  sealSession,
  type User,
} from '../sessions/session.ts';
import { clearCookie, writeCookie } from './cookies.ts';
import type { Runtime } from './deps.ts';

/** Refresh cookies live as long as Cognito's refresh token (30 days by default). */
export const REFRESH_TTL_SECONDS = 30 * 24 * 60 * 60;

export function jarOf(rt: Runtime) {
  return cookieSpecs(rt.config.secureCookies);
}

/** A new CSRF token bound to `binding`, set as the CSRF cookie and returned for the JSON body. */
export function issueCsrf(c: Context, rt: Runtime, binding: string): string {
  const token = issueCsrfToken({ key: rt.keys.csrf, binding, now: rt.clock() });
  writeCookie(c, jarOf(rt).csrf, token, CSRF_TOKEN_TTL_SECONDS);
  return token;
}

/** Seals the session into its cookie, lifetime following the access token. */
export async function writeSessionCookie(c: Context, rt: Runtime, session: Session): Promise<void> {
  const now = rt.clock();
  writeCookie(
    c,
    jarOf(rt).session,
    await sealSession(session, rt.keys, now),
    (session.expiresAt - now) / 1000,
  );
}

/** The API's `User` from verified ID-token claims. */
export function userFromClaims(claims: IdTokenClaims, providers: Provider[]): User {
  return {
    id: claims.username,
    email: claims.email,
    emailVerified: claims.emailVerified,
    ...(claims.name ? { name: claims.name } : {}),
    ...(claims.picture ? { picture: claims.picture } : {}),
    providers,
  };
}

/** Seals a (possibly rotated) Cognito refresh token into the refresh cookie. */
export async function writeRefreshCookie(c: Context, rt: Runtime, state: RefreshState): Promise<void> {
  const now = rt.clock();
  const sealed = await sealRefresh(state, rt.keys, { now, expiresAt: now + REFRESH_TTL_SECONDS * 1000 });
  writeCookie(c, jarOf(rt).refresh, sealed, REFRESH_TTL_SECONDS);
}

/**
 * Turns tokens Cognito has just issued into a fresh session (new `sid`, so no
 * fixation), refresh cookie and CSRF token (shared/SECURITY.md "Sessions").
 * The ID token is verified before any claim is used.
 */
export async function establishSession(
  c: Context,
  rt: Runtime,
  input: { tokens: CognitoTokens; authMethod: AuthMethod },
): Promise<{ user: User; csrfToken: string; session: Session }> {
  const { tokens, authMethod } = input;
  const claims = await rt.verifyIdToken(tokens.idToken);
  const now = rt.clock();
  const providers: Provider[] = [];
  if (authMethod === 'passkey' || (await rt.store.listCredentials(claims.username)).length > 0)
    providers.push('passkey');
  if (claims.identities.some((identity) => identity.providerName.toLowerCase() === 'google'))
    providers.push('google');
  const user = userFromClaims(claims, providers);
  const session: Session = {
    sid: randomId(),
    user,
    authMethod,
    authTime: claims.authTime,
    accessToken: tokens.accessToken,
    expiresAt: now + tokens.expiresInSeconds * 1000,
  };
  const jar = jarOf(rt);
  await writeSessionCookie(c, rt, session);
  if (tokens.refreshToken) {
    await writeRefreshCookie(c, rt, {
      sid: session.sid,
      userId: user.id,
      authMethod,
      refreshToken: tokens.refreshToken,
    });
  }
  clearCookie(c, jar.ceremony);
  const csrfToken = issueCsrf(c, rt, session.sid);
  return { user, csrfToken, session };
}

/** Clears every auth cookie with the attributes it was set with. */
export function clearAuthCookies(c: Context, rt: Runtime): void {
  const jar = jarOf(rt);
  clearCookie(c, jar.session);
  clearCookie(c, jar.refresh);
  clearCookie(c, jar.ceremony);
}

export function describeSession(session: Session) {
  return {
    authMethod: session.authMethod,
    authTime: new Date(session.authTime * 1000).toISOString(),
    expiresAt: new Date(session.expiresAt).toISOString(),
  };
}
