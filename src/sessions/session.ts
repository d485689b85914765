import * as z from 'zod/mini';
import type { Keys } from './keys.ts';
import { seal, unseal } from './seal.ts';

export type AuthMethod = 'passkey' | 'google';
export type Provider = 'passkey' | 'google';

/** The `User` of shared/API.md. */
export interface User {
  id: string;
  email: string;
  emailVerified: boolean;
  name?: string;
  picture?: string;
  providers: Provider[];
}

/** What the sealed session cookie holds. */
export interface Session {
  /** Random id of this sign-in; the CSRF token is bound to it. Kept across refreshes. */
  sid: string;
  user: User;
  authMethod: AuthMethod;
  /** Epoch seconds of the last real authentication (Cognito `auth_time`, kept on refresh). */
  authTime: number;
  /** Cognito access token, for calls to Cognito on the user's behalf. */
  accessToken: string;
  /** Epoch ms; follows the access token's expiry. */
  expiresAt: number;
}

/** What the sealed refresh cookie holds. */
export interface RefreshState {
  sid: string;
  userId: string;
  authMethod: AuthMethod;
  refreshToken: string;
}

const SESSION_PURPOSE = 'session';
const REFRESH_PURPOSE = 'refresh';

const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  emailVerified: z.boolean(),
  name: z.optional(z.string()),
  picture: z.optional(z.string()),
  providers: z.array(z.enum(['passkey', 'google'])),
});

const sessionSchema = z.object({
  sid: z.string(),
  user: userSchema,
  am: z.enum(['passkey', 'google']),
  at: z.number(),
  tok: z.string(),
  exp: z.number(),
});

const refreshSchema = z.object({
  sid: z.string(),
  uid: z.string(),
  am: z.enum(['passkey', 'google']),
  rt: z.string(),
});

export function sealSession(session: Session, keys: Keys, now: number): Promise<string> {
  return seal(
    {
      sid: session.sid,
      user: session.user,
      am: session.authMethod,
      at: session.authTime,
      tok: session.accessToken,
    },
    { key: keys.session, purpose: SESSION_PURPOSE, expiresAt: session.expiresAt, now },
  );
}

/** The session in a cookie value, or null if it is missing, tampered, of another purpose or expired. */
export async function openSession(
  value: string | undefined,
  keys: Keys,
  now: number,
  options: { ignoreExpiry?: boolean } = {},
): Promise<Session | null> {
  const payload = await unseal(value, { key: keys.session, purpose: SESSION_PURPOSE, now, ...options });
  const parsed = sessionSchema.safeParse(payload);
  if (!parsed.success) return null;
  const p = parsed.data;
  const user: User = { ...p.user };
  return { sid: p.sid, user, authMethod: p.am, authTime: p.at, accessToken: p.tok, expiresAt: p.exp * 1000 };
}

export function sealRefresh(
  state: RefreshState,
  keys: Keys,
  options: { now: number; expiresAt: number },
): Promise<string> {
  return seal(
    { sid: state.sid, uid: state.userId, am: state.authMethod, rt: state.refreshToken },
    { key: keys.refresh, purpose: REFRESH_PURPOSE, expiresAt: options.expiresAt, now: options.now },
  );
}

export async function openRefresh(
  value: string | undefined,
  keys: Keys,
  now: number,
): Promise<RefreshState | null> {
  const payload = await unseal(value, { key: keys.refresh, purpose: REFRESH_PURPOSE, now });
  const parsed = refreshSchema.safeParse(payload);
  if (!parsed.success) return null;
  return {
    sid: parsed.data.sid,
    userId: parsed.data.uid,
    authMethod: parsed.data.am,
    refreshToken: parsed.data.rt,
  };
}
