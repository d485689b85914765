import { randomBytes, randomUUID } from 'node:crypto';

/** An /oauth2/authorize request waiting for Google to call back; keyed by the state sent to Google. */
export interface PendingFederation {
  clientId: string;
  redirectUri: string;
  /** The client's own state and nonce, echoed back unchanged. */
  state?: string;
  nonce?: string;
  scope: string[];
  codeChallenge?: string;
  /** The emulator's own OIDC transaction with Google. */
  google: { state: string; nonce: string; codeVerifier: string };
  expiresAt: number;
}

/** What an authorization code stands for (DG: authorization-endpoint: single use, 5 minutes). */
export interface AuthorizationCodeRecord {
  sub: string;
  clientId: string;
  redirectUri: string;
  codeChallenge?: string;
  nonce?: string;
  scope: string[];
  /** Seconds. */
  authTime: number;
  expiresAt: number;
}

/** The hosted UI's own sign-in session, named by the `cognito` cookie on the emulator's origin. */
export interface HostedUiSession {
  sub: string;
  /** Seconds. */
  authTime: number;
  expiresAt: number;
}

export interface HostedUiState {
  pending: Map<string, PendingFederation>;
  codes: Map<string, AuthorizationCodeRecord>;
  sessions: Map<string, HostedUiSession>;
}

export const CODE_VALIDITY_MS = 5 * 60_000;
/** How long a user may take on the IdP's page. [inferred] */
export const FEDERATION_VALIDITY_MS = 10 * 60_000;
/** The hosted UI's session cookie lasts an hour (DG: authorization-endpoint, "cookie"). */
export const SESSION_VALIDITY_MS = 60 * 60_000;

export function createHostedUiState(): HostedUiState {
  return { pending: new Map(), codes: new Map(), sessions: new Map() };
}

/** Removes and returns the entry (single use); null when absent or expired. */
export function takeOnce<T extends { expiresAt: number }>(
  map: Map<string, T>,
  key: string,
  now: number,
): T | null {
  const entry = map.get(key);
  if (!entry) return null;
  map.delete(key);
  return now < entry.expiresAt ? entry : null;
}

/** Drops expired entries so a long-running emulator does not grow. */
export function pruneHostedUiState(state: HostedUiState, now: number): void {
  for (const map of [state.pending, state.codes, state.sessions] as Map<string, { expiresAt: number }>[]) {
    for (const [key, entry] of map) if (now >= entry.expiresAt) map.delete(key);
  }
}

/** Cognito's codes are UUIDs. */
export const newAuthorizationCode = () => randomUUID();
export const newOpaqueId = () => randomBytes(32).toString('base64url');
