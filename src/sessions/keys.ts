import { hkdfSync } from 'node:crypto';

/** What a derived key is for; each purpose gets its own key so one sealed value can never be read as another. */
export type KeyPurpose = 'session' | 'refresh' | 'ceremony' | 'oauth' | 'csrf' | 'decoy' | 'email-code';

/** 32-byte key for `purpose`, HKDF-SHA256 over SECRET_KEY (RFC 5869). */
export function deriveKey(secretKey: string, purpose: KeyPurpose): Uint8Array {
  return new Uint8Array(
    hkdfSync('sha256', secretKey, 'expenser-auth/v1', `expenser-auth ${purpose} key`, 32),
  );
}

export interface Keys {
  session: Uint8Array;
  refresh: Uint8Array;
  ceremony: Uint8Array;
  oauth: Uint8Array;
  csrf: Uint8Array;
  decoy: Uint8Array;
  /** HMAC key of emailed codes: the table holds only their keyed hashes. */
  emailCode: Uint8Array;
}

export function deriveKeys(secretKey: string): Keys {
  return {
    session: deriveKey(secretKey, 'session'),
    refresh: deriveKey(secretKey, 'refresh'),
    ceremony: deriveKey(secretKey, 'ceremony'),
    oauth: deriveKey(secretKey, 'oauth'),
    csrf: deriveKey(secretKey, 'csrf'),
    decoy: deriveKey(secretKey, 'decoy'),
    emailCode: deriveKey(secretKey, 'email-code'),
  };
}
