import { createHash, randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import { seal, unseal } from '../sessions/seal.ts';

/** An OAuth transaction lives at most this long (docs/api.md "Cookies": oauth `Max-Age` ≤ 600). */
export const TRANSACTION_TTL_SECONDS = 600;

export type GoogleIntent = 'signin' | 'link';

/**
 * One Google sign-in attempt, bound to this browser by the sealed oauth
 * cookie (RFC 9700 §2.1, §4.7; OIDC Core §3.1.2.1 `nonce`). The `id` is also
 * stored server-side so the transaction is single use even if the cookie is
 * copied.
 */
export interface OAuthTransaction {
  id: string;
  state: string;
  nonce: string;
  /** PKCE `code_verifier` (RFC 7636 §4.1): 32 random bytes, base64url. */
  codeVerifier: string;
  returnTo: string;
  intent: GoogleIntent;
  /** intent=link: the signed-in user and sign-in (`sid`) the link is for. */
  linkUser?: { id: string; sid: string };
  /** Epoch ms. */
  createdAt: number;
}

const PURPOSE = 'oauth';

const schema = z.object({
  id: z.string().check(z.minLength(16)),
  st: z.string().check(z.minLength(32)),
  nn: z.string().check(z.minLength(32)),
  cv: z.string().check(z.minLength(43), z.maxLength(128)),
  rt: z.string(),
  in: z.enum(['signin', 'link']),
  lu: z.optional(z.object({ id: z.string(), sid: z.string() })),
  ca: z.number(),
});

function random(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** A fresh transaction: unguessable state, nonce and PKCE verifier (≥ 256 bits each). */
export function newTransaction(input: {
  returnTo: string;
  intent: GoogleIntent;
  linkUser?: { id: string; sid: string };
  now: number;
}): OAuthTransaction {
  return {
    id: random(18),
    state: random(),
    nonce: random(),
    codeVerifier: random(),
    returnTo: input.returnTo,
    intent: input.intent,
    ...(input.linkUser ? { linkUser: input.linkUser } : {}),
    createdAt: input.now,
  };
}

/** PKCE S256 challenge (RFC 7636 §4.2): BASE64URL(SHA256(ASCII(code_verifier))). */
export function pkceChallenge(codeVerifier: string): string {
  return createHash('sha256').update(codeVerifier, 'ascii').digest('base64url');
}

export function sealTransaction(tx: OAuthTransaction, key: Uint8Array, now: number): Promise<string> {
  return seal(
    {
      id: tx.id,
      st: tx.state,
      nn: tx.nonce,
      cv: tx.codeVerifier,
      rt: tx.returnTo,
      in: tx.intent,
      ...(tx.linkUser ? { lu: tx.linkUser } : {}),
      ca: tx.createdAt,
    },
    { key, purpose: PURPOSE, expiresAt: tx.createdAt + TRANSACTION_TTL_SECONDS * 1000, now },
  );
}

/** The transaction in a cookie value; null when missing, tampered, of another purpose or expired. */
export async function openTransaction(
  value: string | undefined,
  key: Uint8Array,
  now: number,
): Promise<OAuthTransaction | null> {
  const parsed = schema.safeParse(await unseal(value, { key, purpose: PURPOSE, now }));
  if (!parsed.success) return null;
  const p = parsed.data;
  return {
    id: p.id,
    state: p.st,
    nonce: p.nn,
    codeVerifier: p.cv,
    returnTo: p.rt,
    intent: p.in,
    ...(p.lu ? { linkUser: p.lu } : {}),
    createdAt: p.ca,
  };
}
