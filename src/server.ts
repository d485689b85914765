// `expenser-auth/server`: verify the session cookie on any server (Node.js, edge
// runtimes, Next.js proxy.ts) with SESSION_VERIFY_KEY, no network call.
export type { AuthMethod, Provider, User } from './sessions/session.ts';
export {
  cookieValue,
  type VerifiedSession,
  type VerifySessionOptions,
  verifySession,
  verifySessionCookie,
} from './sessions/verify-session.ts';

/** Cookie names as the API sets them: `__Host-` prefixed on HTTPS, bare on plain-HTTP localhost. */
export function authCookieNames(secureCookies = true): { session: string; refresh: string; csrf: string } {
  const prefix = secureCookies ? '__Host-' : '';
  return { session: `${prefix}session`, refresh: `${prefix}refresh`, csrf: `${prefix}csrf` };
}
