import type { Context } from 'hono';
import { googleIdentityOf } from '../cognito/google-identities.ts';
import type { IdTokenClaims } from '../cognito/id-token.ts';
import type { CognitoTokens } from '../cognito/types.ts';
import { ReauthRequiredError, RecoverySessionError, UnauthenticatedError } from '../errors.ts';
import { describeError } from '../logging/logger.ts';
import { cookieSpecs } from '../sessions/cookies.ts';
import { CSRF_TOKEN_TTL_SECONDS, issueCsrfToken, randomId } from '../sessions/csrf.ts';
import { deviceLabel } from '../sessions/device-label.ts';
import {
  type AuthMethod,
  openRefresh,
  type Provider,
  type Session,
  sealRefresh,
  sealSession,
  type User,
  userSchema,
} from '../sessions/session.ts';
import {
  isSteppedUp,
  recoverySessionMay,
  sessionCookieExpiry,
  sessionExpiry,
} from '../sessions/session-policy.ts';
import type { SessionRecord, SignInMethods } from '../store/types.ts';
import { clearCookie, readCookie, writeCookie } from './cookies.ts';
import type { AppEnv, Runtime } from './deps.ts';
import { securityEvent } from './security-events.ts';

type Ctx = Context<AppEnv>;

export function jarOf(rt: Pick<Runtime, 'config'>) {
  return cookieSpecs(rt.config.secureCookies);
}

/** A new CSRF token bound to `binding`, set as the CSRF cookie and returned for the JSON body. */
export function issueCsrf(c: Ctx, rt: Runtime, binding: string): string {
  const token = issueCsrfToken({ key: rt.keys.csrf, binding, now: rt.clock() });
  writeCookie(c, jarOf(rt).csrf, token, CSRF_TOKEN_TTL_SECONDS);
  return token;
}

/** Clears every auth cookie with the attributes it was set with. */
export function clearAuthCookies(c: Ctx, rt: Runtime): void {
  const jar = jarOf(rt);
  clearCookie(c, jar.session);
  clearCookie(c, jar.refresh);
  clearCookie(c, jar.ceremony);
}

/**
 * The API's `User`: `email` is the service's own (the standard attribute only
 * the service writes, through admin calls), `google.email` is Google's (a
 * custom attribute the hosted UI rewrites at every Google sign-in).
 */
export function userFrom(claims: IdTokenClaims, methods: SignInMethods): User {
  return {
    id: claims.username,
    email: claims.email || claims.googleEmail || '',
    emailVerified: claims.emailVerified,
    ...(claims.name ? { name: claims.name } : {}),
    ...(claims.picture ? { picture: claims.picture } : {}),
    providers: providersOf(methods),
    ...(methods.google && claims.googleEmail ? { google: { email: claims.googleEmail } } : {}),
  };
}

/** The API's `providers`, derived from the sign-in methods record. */
function providersOf(methods: SignInMethods): Provider[] {
  const providers: Provider[] = [];
  if (methods.passkeys > 0) providers.push('passkey');
  if (methods.google) providers.push('google');
  return providers;
}

/**
 * Verifies the ID token Cognito just issued and reads the user's sign-in
 * methods (creating the record for accounts older than it, and following
 * Cognito where the Google link changed outside this service).
 */
export async function userFromTokens(
  rt: Runtime,
  tokens: CognitoTokens,
): Promise<{ user: User; claims: IdTokenClaims }> {
  const claims = await rt.verifyIdToken(tokens.idToken);
  const googleLinked = googleIdentityOf(claims) !== null;
  const methods = await rt.store.ensureSignInMethods(claims.username, googleLinked);
  if (methods.google !== googleLinked && (await rt.store.setGoogleLinked(claims.username, googleLinked))) {
    methods.google = googleLinked;
  }
  return { user: userFrom(claims, methods), claims };
}

export function parseStoredUser(record: SessionRecord): User {
  return userSchema.parse(JSON.parse(record.user)) as User;
}

/** Seals the session cookie for `record`, expiring as `sessionCookieExpiry` says. */
export async function writeSessionCookie(
  c: Ctx,
  rt: Runtime,
  record: SessionRecord,
  user: User,
): Promise<Session> {
  const now = rt.clock();
  const session: Session = {
    sid: record.id,
    user,
    authMethod: record.authMethod,
    authTime: record.authTime,
    stepUpAt: record.stepUpAt,
    expiresAt: sessionCookieExpiry(now, record),
  };
  writeCookie(
    c,
    jarOf(rt).session,
    await sealSession(session, rt.keys, now),
    (session.expiresAt - now) / 1000,
  );
  return session;
}

/** Sets a sealed refresh cookie, kept until the session's absolute end. */
export function writeRefreshCookie(c: Ctx, rt: Runtime, sealed: string, record: SessionRecord): void {
  writeCookie(c, jarOf(rt).refresh, sealed, (record.expiresAt - rt.clock()) / 1000);
}

export function sealRefreshFor(
  rt: Runtime,
  input: { sid: string; userId: string; generation: number; refreshToken: string; expiresAt: number },
): Promise<string> {
  const { expiresAt, ...state } = input;
  return sealRefresh(state, rt.keys, { now: rt.clock(), expiresAt });
}

/**
 * Turns tokens Cognito has just issued into a new session: a record in the
 * table (new id, so no fixation), session and refresh cookies, a fresh CSRF
 * token. A session this browser already had is ended: signing in again
 * replaces it rather than adding one. `stepUp` is true for user-verified
 * passkey ceremonies only. A `recovery` session ends 10 minutes after its
 * sign-in (`sessionExpiry`), and its cookies with it.
 */
export async function startSession(
  c: Ctx,
  rt: Runtime,
  input: { tokens: CognitoTokens; authMethod: AuthMethod; stepUp: boolean },
): Promise<{ user: User; csrfToken: string; session: Session }> {
  const { tokens, authMethod, stepUp } = input;
  if (!tokens.refreshToken) throw new Error('Cognito issued no refresh token at sign-in');
  const { user, claims } = await userFromTokens(rt, tokens);
  const now = rt.clock();
  const id = randomId();
  const expiresAt = sessionExpiry(now, authMethod);
  const refreshCookie = await sealRefreshFor(rt, {
    sid: id,
    userId: user.id,
    generation: 1,
    refreshToken: tokens.refreshToken,
    expiresAt,
  });
  const record: SessionRecord = {
    id,
    userId: user.id,
    createdAt: now,
    lastSeenAt: now,
    authMethod,
    device: deviceLabel(c.req.header('user-agent')),
    authTime: claims.authTime,
    stepUpAt: stepUp ? now : null,
    generation: 1,
    refreshCookie,
    graceUntil: 0,
    tokensExpireAt: now + tokens.expiresInSeconds * 1000,
    user: JSON.stringify(user),
    expiresAt,
  };
  await rt.store.putSession(record);
  await replacePriorSession(c, rt);
  const session = await writeSessionCookie(c, rt, record, user);
  writeRefreshCookie(c, rt, refreshCookie, record);
  clearCookie(c, jarOf(rt).ceremony);
  const csrfToken = issueCsrf(c, rt, id);
  securityEvent(c, 'signed_in', { userId: user.id, authMethod });
  return { user, csrfToken, session };
}

/** The session this browser held before signing in again ends (it is replaced, not kept beside). */
async function replacePriorSession(c: Ctx, rt: Runtime): Promise<void> {
  const { session, refresh, sid } = c.var.auth;
  const userId = session?.user.id ?? refresh?.userId;
  if (!sid || !userId) return;
  await endSession(c, rt, { userId, sid, reason: 'replaced' });
}

/** A signed-in request: the session cookie, and its record, which must still exist. */
export interface CurrentSession {
  session: Session;
  record: SessionRecord;
}

/**
 * The live session of this request (one strongly consistent read of its
 * record); `401 unauthenticated` otherwise. A session cookie whose record is
 * gone has been ended: every auth cookie is cleared. A recovery session opens
 * only for the routes `recoverySessionMay` lists; anything else answers
 * `403 recovery_session` here, once for every route.
 */
export async function requireSession(c: Ctx, rt: Runtime): Promise<CurrentSession> {
  const { session, sessionCookieSid } = c.var.auth;
  if (!session) {
    // An expired or invalid session cookie goes; the refresh cookie stays so the client can renew.
    if (sessionCookieSid !== null || readCookie(c, jarOf(rt).session) !== undefined)
      clearCookie(c, jarOf(rt).session);
    throw new UnauthenticatedError();
  }
  const record = await rt.store.getSession(session.user.id, session.sid);
  if (!record) {
    clearAuthCookies(c, rt);
    throw new UnauthenticatedError('Your session has ended. Sign in again.');
  }
  if (record.authMethod === 'recovery' && !recoverySessionMay(c.req.method, c.req.routePath))
    throw new RecoverySessionError();
  return { session, record };
}

/**
 * Sensitive changes need a recent step-up (`isSteppedUp`), else
 * `401 reauth_required`: a passkey ceremony, or `/auth/stepup/email/*` for a
 * user with no passkey.
 */
export function requireStepUp(rt: Runtime, current: CurrentSession): void {
  if (!isSteppedUp(rt.clock(), current.record)) throw new ReauthRequiredError();
}

/** Revokes the Cognito refresh token sealed in a session record (best effort: logged on failure). */
async function revokeRecordToken(c: Ctx, rt: Runtime, record: SessionRecord): Promise<void> {
  const state = await openRefresh(record.refreshCookie, rt.keys, rt.clock());
  if (!state) return;
  await rt.cognito.revoke(state.refreshToken).catch((error: unknown) => {
    c.var.log.warn('refresh token revocation failed', describeError(error));
  });
}

export type EndReason =
  | 'logout'
  | 'logout_everywhere'
  | 'ended_by_user'
  | 'replaced'
  | 'passkey_deleted'
  | 'google_unlinked'
  | 'refresh_reuse'
  | 'cognito_refused'
  | 'recovery'
  | 'email_changed'
  | 'account_deleted';

/** Ends one session: its record goes and its Cognito refresh token is revoked. Null if it had already ended. */
export async function endSession(
  c: Ctx,
  rt: Runtime,
  input: { userId: string; sid: string; reason: EndReason },
): Promise<SessionRecord | null> {
  const record = await rt.store.deleteSession(input.userId, input.sid);
  if (!record) return null;
  await revokeRecordToken(c, rt, record);
  securityEvent(c, 'session_ended', { userId: input.userId, reason: input.reason });
  return record;
}

/**
 * Ends every session of the user but `except` (evictions after a passkey
 * delete, a Google unlink). With `globalSignOut`, also every Cognito refresh
 * token of the user (AdminUserGlobalSignOut): logout everywhere and theft.
 */
export async function endSessions(
  c: Ctx,
  rt: Runtime,
  input: { userId: string; except?: string; reason: EndReason; globalSignOut?: boolean },
): Promise<number> {
  const sessions = await rt.store.listSessions(input.userId);
  const ended = await Promise.all(
    sessions
      .filter((record) => record.id !== input.except)
      .map((record) => endSession(c, rt, { userId: input.userId, sid: record.id, reason: input.reason })),
  );
  if (input.globalSignOut) await rt.cognito.globalSignOut(input.userId);
  return ended.filter(Boolean).length;
}

/** `GET /auth/me`'s `session`. */
export function describeSession(session: Session) {
  return {
    id: session.sid,
    authMethod: session.authMethod,
    authTime: new Date(session.authTime * 1000).toISOString(),
    expiresAt: new Date(session.expiresAt).toISOString(),
  };
}

/**
 * After this session changed the user's sign-in methods: the user's
 * `providers` are read again from the methods record (one strongly consistent
 * GetItem), and the session record and cookie are rewritten. `google` replaces
 * the linked Google account (null: none); `stepUpAt` records a fresh step-up;
 * `email` is the account's address as it now stands (changed or verified).
 * Returns the user as the session now holds it.
 */
export async function updateCurrentUser(
  c: Ctx,
  rt: Runtime,
  current: CurrentSession,
  change: {
    google?: { email: string } | null;
    stepUpAt?: number;
    email?: { address: string; verified: boolean };
  } = {},
): Promise<User> {
  const { record, session } = current;
  const { google: previous, ...rest } = session.user;
  const methods = await rt.store.ensureSignInMethods(
    record.userId,
    session.user.providers.includes('google'),
  );
  const google = change.google === undefined ? previous : (change.google ?? undefined);
  const user: User = {
    ...rest,
    ...(change.email ? { email: change.email.address, emailVerified: change.email.verified } : {}),
    providers: providersOf(methods),
    ...(methods.google && google ? { google } : {}),
  };
  const stored = { ...record, user: JSON.stringify(user), stepUpAt: change.stepUpAt ?? record.stepUpAt };
  await rt.store.updateSession(record.userId, record.id, {
    user: stored.user,
    ...(change.stepUpAt !== undefined ? { stepUpAt: change.stepUpAt } : {}),
  });
  await writeSessionCookie(c, rt, stored, user);
  return user;
}
