/** The `User` of the HTTP API (docs/api.md). */
export interface User {
  id: string;
  email: string;
  emailVerified: boolean;
  name?: string;
  picture?: string;
  providers: ('passkey' | 'google')[];
  /** The linked Google account. */
  google?: { email: string };
}

export interface SessionInfo {
  id: string;
  authMethod: 'passkey' | 'google' | 'recovery';
  /** ISO 8601: the sign-in that started this session. */
  authTime: string;
  /** ISO 8601: when the session cookie expires (≤ 10 minutes); the client renews it transparently. */
  expiresAt: string;
}

/** One session of the user as `GET /auth/sessions` lists it. */
export interface SessionListItem {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  authMethod: 'passkey' | 'google' | 'recovery';
  /** e.g. "Chrome on macOS". */
  device: string;
  /** This browser's session. */
  current: boolean;
}

export interface Me {
  user: User;
  session: SessionInfo;
}

/** A passkey as `GET /auth/passkeys` lists it. */
export interface Passkey {
  id: string;
  nickname: string;
  createdAt: string;
  lastUsedAt: string | null;
  backedUp: boolean;
  transports: string[];
  /** The provider's name from the authenticator's AAGUID, when known (e.g. "iCloud Keychain"). */
  authenticatorName?: string;
}
