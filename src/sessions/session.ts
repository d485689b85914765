import * as z from 'zod/mini';
import type { Keys } from './keys.ts';
import { seal, unseal } from './seal.ts';

export type AuthMethod = 'passkey' | 'google' | 'recovery';
export type Provider = 'passkey' | 'google';

/** The `User` of the HTTP API. */
export interface User {
  id: string;
  email: string;
  emailVerified: boolean;
  name?: string;
  picture?: string;
  providers: Provider[];
  /** The linked Google account, as Google named it (from `custom:google_email`). */
  google?: { email: string };
}

/** What the sealed session cookie holds. It names a server-side session record and lives ≤ 10 minutes. */
export interface Session {
  /** Id of the session record; the CSRF token and the refresh cookie are bound to it. */
  sid: string;
  user: User;
  authMethod: AuthMethod;
  /** Epoch seconds of the sign-in (Cognito `auth_time`). */
  authTime: number;
  /** Epoch ms of the last user-verified passkey ceremony in this session; null if none. */
  stepUpAt: number | null;
  /** Epoch ms. */
  expiresAt: number;
}

/** What the sealed refresh cookie holds: the Cognito refresh token, bound to its session and generation. */
export interface RefreshState {
  sid: string;
  userId: string;
  /** The session record's refresh generation this cookie was issued for. */
  generation: number;
  refreshToken: string;
}

const SESSION_PURPOSE = 'session';
const REFRESH_PURPOSE = 'refresh';
const authMethodSchema = z.enum(['passkey', 'google', 'recovery']);

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  emailVerified: z.boolean(),
  name: z.optional(z.string()),
  picture: z.optional(z.string()),
  providers: z.array(z.enum(['passkey', 'google'])),
  google: z.optional(z.object({ email: z.string() })),
});

const sessionSchema = z.object({
  sid: z.string(),
  user: userSchema,
  am: authMethodSchema,
  at: z.number(),
  su: z.nullable(z.number()),
  exp: z.number(),
});

const refreshSchema = z.object({
  sid: z.string(),
  uid: z.string(),
  gen: z.number(),
  rt: z.string(),
});

export function sealSession(session: Session, keys: Pick<Keys, 'session'>, now: number): Promise<string> {
  return seal(
    {
      sid: session.sid,
      user: session.user,
      am: session.authMethod,
      at: session.authTime,
      su: session.stepUpAt,
    },
    { key: keys.session, purpose: SESSION_PURPOSE, expiresAt: session.expiresAt, now },
  );
}

/** The session in a cookie value, or null if it is missing, tampered, of another purpose or expired. */
export async function openSession(
  value: string | undefined,
  keys: Pick<Keys, 'session'>,
  now: number,
  options: { ignoreExpiry?: boolean } = {},
): Promise<Session | null> {
  const payload = await unseal(value, { key: keys.session, purpose: SESSION_PURPOSE, now, ...options });
  const parsed = sessionSchema.safeParse(payload);
  if (!parsed.success) return null;
  const p = parsed.data;
  const user: User = { ...p.user };
  return { sid: p.sid, user, authMethod: p.am, authTime: p.at, stepUpAt: p.su, expiresAt: p.exp * 1000 };
}

export function sealRefresh(
  state: RefreshState,
  keys: Pick<Keys, 'refresh'>,
  options: { now: number; expiresAt: number },
): Promise<string> {
  return seal(
    { sid: state.sid, uid: state.userId, gen: state.generation, rt: state.refreshToken },
    { key: keys.refresh, purpose: REFRESH_PURPOSE, expiresAt: options.expiresAt, now: options.now },
  );
}

export async function openRefresh(
  value: string | undefined,
  keys: Pick<Keys, 'refresh'>,
  now: number,
): Promise<RefreshState | null> {
  const payload = await unseal(value, { key: keys.refresh, purpose: REFRESH_PURPOSE, now });
  const parsed = refreshSchema.safeParse(payload);
  if (!parsed.success) return null;
  const { sid, uid, gen, rt } = parsed.data;
  return { sid, userId: uid, generation: gen, refreshToken: rt };
}
