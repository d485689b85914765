/** The `User` of shared/API.md. */
export interface User {
  id: string;
  email: string;
  emailVerified: boolean;
  name?: string;
  picture?: string;
  providers: ('passkey' | 'google')[];
}

export interface SessionInfo {
  authMethod: 'passkey' | 'google';
  /** ISO 8601: the last real sign-in; adding or deleting a passkey needs it within 5 minutes. */
  authTime: string;
  expiresAt: string;
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
