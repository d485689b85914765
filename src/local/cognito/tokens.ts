import { randomBytes, randomUUID } from 'node:crypto';
import {
  CompactEncrypt,
  compactDecrypt,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  SignJWT,
} from 'jose';
import type { StoredUser } from './user-pool.ts';

/** Keys as persisted: two RSA signing keys (ID and access tokens) and the refresh-token key. */
export interface SerializedKeys {
  id: { kid: string; privateJwk: JWK };
  access: { kid: string; privateJwk: JWK };
  /** base64url, 32 bytes: encrypts refresh tokens (A256GCM, direct). */
  refresh: string;
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface TokenKeys {
  id: SigningKey;
  access: SigningKey;
  refresh: Uint8Array;
  serialized: SerializedKeys;
}

async function generateSigningKey(): Promise<{ kid: string; privateJwk: JWK }> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  return { kid: randomBytes(24).toString('base64url'), privateJwk: await exportJWK(privateKey) };
}

async function importSigningKey(stored: { kid: string; privateJwk: JWK }): Promise<SigningKey> {
  const privateKey = (await importJWK(stored.privateJwk, 'RS256')) as CryptoKey;
  const { n, e, kty } = stored.privateJwk;
  return { kid: stored.kid, privateKey, publicJwk: { alg: 'RS256', e, kid: stored.kid, kty, n, use: 'sig' } };
}

/** Loads persisted keys, or makes new ones. ID and access tokens get different keys (docs/cognito.md, Tokens). */
export async function loadTokenKeys(stored?: SerializedKeys): Promise<TokenKeys> {
  const serialized: SerializedKeys = stored ?? {
    id: await generateSigningKey(),
    access: await generateSigningKey(),
    refresh: randomBytes(32).toString('base64url'),
  };
  return {
    id: await importSigningKey(serialized.id),
    access: await importSigningKey(serialized.access),
    refresh: Buffer.from(serialized.refresh, 'base64url'),
    serialized,
  };
}

/** The pool's JWKS (DG: amazon-cognito-user-pools-using-tokens-verifying-a-jwt). */
export function jwks(keys: TokenKeys): { keys: JWK[] } {
  return { keys: [keys.id.publicJwk, keys.access.publicJwk] };
}

export interface TokenContext {
  issuer: string;
  clientId: string;
  /** Seconds since the epoch. */
  now: number;
  authTime: number;
  originJti: string;
  eventId: string;
  idTokenValiditySeconds: number;
  accessTokenValiditySeconds: number;
  /** Hosted UI: the client's `nonce` from /oauth2/authorize, echoed in the ID token. */
  nonce?: string;
  /** Hosted UI: the granted OAuth scopes; API sign-in uses aws.cognito.signin.user.admin. */
  scope?: string;
}

/**
 * The `identities` attribute is a JSON string of objects with a boolean
 * `primary` and a numeric `dateCreated`; in the ID token Cognito sends the same
 * entries with every value a string or null (DG: amazon-cognito-user-pools-using-the-id-token,
 * example ID token).
 */
function identitiesClaim(attribute: string): unknown[] {
  try {
    const list = JSON.parse(attribute) as Record<string, unknown>[];
    if (!Array.isArray(list)) return [];
    return list.map((entry) =>
      Object.fromEntries(
        Object.entries(entry).map(([key, value]) => [key, value === null ? null : String(value)]),
      ),
    );
  } catch {
    return [];
  }
}

const BOOLEAN_ATTRIBUTES = new Set(['email_verified', 'phone_number_verified']);

/**
 * ID token claims (DG: amazon-cognito-user-pools-using-the-id-token): the
 * user's attributes (verification flags as booleans) plus sub, aud, iss,
 * token_use, auth_time, cognito:username, origin_jti, event_id, jti, iat, exp.
 */
export async function signIdToken(keys: TokenKeys, user: StoredUser, ctx: TokenContext): Promise<string> {
  const claims: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(user.attributes)) {
    claims[name] = BOOLEAN_ATTRIBUTES.has(name) ? value === 'true' : value;
  }
  if (user.attributes.identities !== undefined)
    claims.identities = identitiesClaim(user.attributes.identities);
  if (ctx.nonce !== undefined) claims.nonce = ctx.nonce;
  Object.assign(claims, {
    sub: user.sub,
    iss: ctx.issuer,
    'cognito:username': user.username,
    origin_jti: ctx.originJti,
    aud: ctx.clientId,
    event_id: ctx.eventId,
    token_use: 'id',
    auth_time: ctx.authTime,
    exp: ctx.now + ctx.idTokenValiditySeconds,
    iat: ctx.now,
    jti: randomUUID(),
  });
  return new SignJWT(claims).setProtectedHeader({ kid: keys.id.kid, alg: 'RS256' }).sign(keys.id.privateKey);
}

/**
 * Access token claims (DG: amazon-cognito-user-pools-using-the-access-token):
 * `client_id` instead of `aud`, the API sign-in scope.
 */
export async function signAccessToken(keys: TokenKeys, user: StoredUser, ctx: TokenContext): Promise<string> {
  return new SignJWT({
    sub: user.sub,
    iss: ctx.issuer,
    client_id: ctx.clientId,
    origin_jti: ctx.originJti,
    event_id: ctx.eventId,
    token_use: 'access',
    scope: ctx.scope ?? 'aws.cognito.signin.user.admin',
    auth_time: ctx.authTime,
    exp: ctx.now + ctx.accessTokenValiditySeconds,
    iat: ctx.now,
    jti: randomUUID(),
    username: user.username,
  })
    .setProtectedHeader({ kid: keys.access.kid, alg: 'RS256' })
    .sign(keys.access.privateKey);
}

/** An opaque five-part JWE naming a refresh-token record; only the emulator can read it. */
export async function sealRefreshToken(keys: TokenKeys, recordId: string): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify({ rid: recordId })))
    .setProtectedHeader({ cty: 'JWT', enc: 'A256GCM', alg: 'dir' })
    .encrypt(keys.refresh);
}

/** The record id inside a refresh token, or null when it is not one of ours. */
export async function openRefreshToken(keys: TokenKeys, token: string): Promise<string | null> {
  try {
    const { plaintext } = await compactDecrypt(token, keys.refresh);
    const rid = (JSON.parse(new TextDecoder().decode(plaintext)) as { rid?: unknown }).rid;
    return typeof rid === 'string' ? rid : null;
  } catch {
    return null;
  }
}
