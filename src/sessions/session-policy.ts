import type { SessionRecord } from '../store/types.ts';
import type { Session } from './session.ts';

/**
 * The session model as plain rules over plain data (no HTTP, no AWS): how long
 * each thing lives, when a renewal must ask Cognito, which refresh cookie is
 * current, and what counts as a step-up.
 */

/** The session cookie lives at most this long; the browser client renews it through `/auth/refresh`. */
export const SESSION_COOKIE_MS = 10 * 60 * 1000;
/** A session ends 30 days after its sign-in, whatever its renewals. */
export const SESSION_ABSOLUTE_MS = 30 * 24 * 60 * 60 * 1000;
/** A replaced refresh cookie presented within this time gets the same successor (concurrent tabs). */
export const REFRESH_GRACE_MS = 10 * 1000;
/** Renewal asks Cognito when its tokens expire within this margin. */
export const COGNITO_RENEWAL_MARGIN_MS = 60 * 1000;
/** Sensitive changes need a step-up at most this old. */
export const STEP_UP_WINDOW_MS = 5 * 60 * 1000;
/** A recovery session ends this long after its sign-in; it is never renewed. */
export const RECOVERY_SESSION_MS = 10 * 60 * 1000;

/** When a session signed in now by `authMethod` ends for good: 30 days, a recovery session 10 minutes. */
export function sessionExpiry(now: number, authMethod: Session['authMethod']): number {
  return now + (authMethod === 'recovery' ? RECOVERY_SESSION_MS : SESSION_ABSOLUTE_MS);
}

/**
 * Everything a recovery session may do (shared contract, "Passkey
 * management"): read the user, add a passkey, sign out. Keyed by method and
 * route pattern; anything else that opens a session answers
 * `403 recovery_session`.
 */
const RECOVERY_SESSION_ROUTES: ReadonlySet<string> = new Set([
  'GET /auth/me',
  'GET /auth/csrf',
  'POST /auth/passkeys/options',
  'POST /auth/passkeys',
  'POST /auth/logout',
]);

/** Whether a recovery session may use the route `method routePath` (a pattern, e.g. `/auth/passkeys/:id`). */
export function recoverySessionMay(method: string, routePath: string): boolean {
  return RECOVERY_SESSION_ROUTES.has(`${method.toUpperCase()} ${routePath}`);
}

/**
 * When a session cookie issued now must expire: ≤ 10 minutes, never after the
 * Cognito tokens behind it (so a disabled user is noticed at the next renewal
 * that asks Cognito, within the tokens' 15 minutes), never after the session.
 */
export function sessionCookieExpiry(
  now: number,
  record: Pick<SessionRecord, 'tokensExpireAt' | 'expiresAt'>,
): number {
  return Math.max(now + 1000, Math.min(now + SESSION_COOKIE_MS, record.tokensExpireAt, record.expiresAt));
}

/** Whether a renewal now must ask Cognito for fresh tokens (it also notices a disabled or deleted user). */
export function renewalNeedsCognito(now: number, record: Pick<SessionRecord, 'tokensExpireAt'>): boolean {
  return record.tokensExpireAt - now <= COGNITO_RENEWAL_MARGIN_MS;
}

export type RefreshCookieStanding =
  /** The current cookie: renew normally. */
  | 'current'
  /** The cookie replaced moments ago by a concurrent renewal: hand out the same successor. */
  | 'grace'
  /** A cookie presented again after its replacement: theft — end every session of the user. */
  | 'reused';

/** Where a refresh cookie of `generation` stands against its session record (shared contract, "Session"). */
export function refreshCookieStanding(
  now: number,
  generation: number,
  record: Pick<SessionRecord, 'generation' | 'graceUntil'>,
): RefreshCookieStanding {
  if (generation === record.generation) return 'current';
  if (generation === record.generation - 1 && now < record.graceUntil) return 'grace';
  return 'reused';
}

/**
 * Step-up (ASVS 5.0 §7.5): a user-verified passkey ceremony, or for a user
 * with no passkey an emailed step-up code, within the window (both set
 * `stepUpAt`). A Google round trip never counts — Cognito's `auth_time` cannot
 * tell a silent one from a real one. A recovery session counts as stepped up
 * for its whole (10-minute) life: the emailed code was its proof, and adding a
 * passkey is all it may do.
 */
export function isSteppedUp(
  now: number,
  session: Pick<Session, 'stepUpAt' | 'authMethod' | 'expiresAt'>,
): boolean {
  if (session.authMethod === 'recovery') return now < session.expiresAt;
  return session.stepUpAt !== null && now - session.stepUpAt <= STEP_UP_WINDOW_MS;
}
