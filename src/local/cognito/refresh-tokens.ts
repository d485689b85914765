import { randomUUID } from 'node:crypto';
import { type EmulatorContext, nowSeconds } from './context.ts';
import { CognitoServiceError, MESSAGES, notAuthorized } from './errors.ts';
import { openRefreshToken, sealRefreshToken, signAccessToken, signIdToken } from './tokens.ts';
import type { StoredUser } from './user-pool.ts';

/** What the emulator keeps for each refresh token it issued (the token itself only names the record). */
export interface RefreshRecord {
  id: string;
  sub: string;
  clientId: string;
  originJti: string;
  eventId: string;
  /** Seconds; kept across refreshes (docs/cognito.md, Tokens). */
  authTime: number;
  /** Milliseconds. */
  expiresAt: number;
  revoked: boolean;
  /** Milliseconds; set when GetTokensFromRefreshToken rotated this token out. */
  rotatedAt?: number;
  /** Scopes granted at the hosted UI; refreshed access tokens keep them. */
  scope?: string;
}

export interface AuthenticationResult {
  AccessToken: string;
  IdToken: string;
  RefreshToken?: string;
  ExpiresIn: number;
  TokenType: 'Bearer';
}

interface Lineage {
  authTime: number;
  originJti: string;
  eventId: string;
  scope?: string;
}

async function newRefreshToken(ctx: EmulatorContext, user: StoredUser, lineage: Lineage): Promise<string> {
  const record: RefreshRecord = {
    id: randomUUID(),
    sub: user.sub,
    clientId: ctx.settings.clientId,
    ...lineage,
    expiresAt: ctx.clock() + ctx.settings.refreshTokenValiditySeconds * 1000,
    revoked: false,
  };
  ctx.refreshTokens.set(record.id, record);
  return sealRefreshToken(ctx.keys, record.id);
}

/**
 * ID, access and (optionally) refresh token for `user`. A fresh sign-in passes
 * no lineage and starts a new one; a refresh passes the record's lineage so
 * auth_time and origin_jti carry over.
 */
export async function issueTokens(
  ctx: EmulatorContext,
  user: StoredUser,
  options: { lineage?: Lineage; withRefreshToken: boolean; nonce?: string; scope?: string },
): Promise<AuthenticationResult> {
  const now = nowSeconds(ctx);
  const lineage = options.lineage ?? {
    authTime: now,
    originJti: randomUUID(),
    eventId: randomUUID(),
    ...(options.scope === undefined ? {} : { scope: options.scope }),
  };
  const tokenContext = {
    issuer: ctx.issuer,
    clientId: ctx.settings.clientId,
    now,
    ...lineage,
    idTokenValiditySeconds: ctx.settings.idTokenValiditySeconds,
    accessTokenValiditySeconds: ctx.settings.accessTokenValiditySeconds,
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
  };
  const result: AuthenticationResult = {
    AccessToken: await signAccessToken(ctx.keys, user, tokenContext),
    ExpiresIn: ctx.settings.accessTokenValiditySeconds,
    TokenType: 'Bearer',
    IdToken: await signIdToken(ctx.keys, user, tokenContext),
  };
  if (options.withRefreshToken) result.RefreshToken = await newRefreshToken(ctx, user, lineage);
  return result;
}

/** The record a refresh token names, or null when the token is not one the emulator issued. */
export async function findRefreshRecord(ctx: EmulatorContext, token: string): Promise<RefreshRecord | null> {
  const id = await openRefreshToken(ctx.keys, token);
  const record = id === null ? undefined : ctx.refreshTokens.get(id);
  return record && record.clientId === ctx.settings.clientId ? record : null;
}

/**
 * Checks a refresh token and returns its record and owner. Revoked (RevokeToken,
 * AdminUserGlobalSignOut) → "Refresh Token has been revoked"; rotated out and
 * past the grace period → RefreshTokenReuseException (API: RefreshTokenRotationType).
 */
export async function useRefreshToken(
  ctx: EmulatorContext,
  token: string,
): Promise<{ record: RefreshRecord; user: StoredUser }> {
  const record = await findRefreshRecord(ctx, token);
  if (!record) throw notAuthorized(MESSAGES.refreshInvalid);
  if (record.revoked) throw notAuthorized(MESSAGES.refreshRevoked);
  const now = ctx.clock();
  if (now >= record.expiresAt) throw notAuthorized(MESSAGES.refreshExpired);
  if (record.rotatedAt !== undefined) {
    const graceMs = ctx.settings.refreshTokenRotation.retryGracePeriodSeconds * 1000;
    if (now - record.rotatedAt >= graceMs) {
      throw new CognitoServiceError(
        'RefreshTokenReuseException',
        'The refresh token has already been rotated and can no longer be used.',
      );
    }
  }
  const user = ctx.pool.find(record.sub);
  if (!user) throw notAuthorized('User does not exist.');
  if (!user.enabled) throw notAuthorized(MESSAGES.userDisabled);
  return { record, user };
}

/**
 * GetTokensFromRefreshToken: new ID and access tokens; with rotation enabled
 * also a new refresh token (fresh validity: a sliding window), and the
 * submitted one stops working after RetryGracePeriodSeconds.
 */
export async function refreshTokens(ctx: EmulatorContext, token: string): Promise<AuthenticationResult> {
  const { record, user } = await useRefreshToken(ctx, token);
  const rotate = ctx.settings.refreshTokenRotation.enabled;
  if (rotate) record.rotatedAt ??= ctx.clock();
  const lineage = {
    authTime: record.authTime,
    originJti: record.originJti,
    eventId: record.eventId,
    ...(record.scope === undefined ? {} : { scope: record.scope }),
  };
  return issueTokens(ctx, user, { lineage, withRefreshToken: rotate });
}

/** AdminUserGlobalSignOut: every refresh token of the user stops working. */
export function revokeAllFor(ctx: EmulatorContext, sub: string): void {
  for (const record of ctx.refreshTokens.values()) if (record.sub === sub) record.revoked = true;
}

/** Drops records that can no longer be used, so the data file does not grow forever. */
export function pruneRefreshRecords(ctx: EmulatorContext): void {
  const now = ctx.clock();
  for (const [id, record] of ctx.refreshTokens) if (now >= record.expiresAt) ctx.refreshTokens.delete(id);
}
