import { createHash } from 'node:crypto';

/** The claims the stand-in puts in ID tokens and userinfo, shaped like Google's. */
export interface GoogleClaims {
  sub: string;
  email: string;
  email_verified: true;
  name: string;
  given_name: string;
  family_name: string;
  picture: string;
}

/**
 * A stable, Google-looking subject for an email: 21 decimal digits starting
 * with 1 (Google's `sub` is a numeric string of that length), derived from the
 * lower-cased address so the same email is always the same Google user.
 */
export function googleSubFor(email: string): string {
  const digest = createHash('sha256').update(email.trim().toLowerCase()).digest();
  const number = digest.readBigUInt64BE(0) * 10_000n + BigInt(digest.readUInt16BE(8));
  return `1${(number % 10n ** 20n).toString().padStart(20, '0')}`;
}

/** Name parts from the local part of the email: "ada.lovelace@x" → Ada Lovelace. */
export function googleClaimsFor(email: string): GoogleClaims {
  const normalized = email.trim().toLowerCase();
  const local = normalized.split('@')[0] ?? normalized;
  const words = local
    .split(/[._+-]+/)
    .filter(Boolean)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  const given = words[0] ?? 'Local';
  const family = words.slice(1).join(' ') || 'User';
  const sub = googleSubFor(normalized);
  return {
    sub,
    email: normalized,
    email_verified: true,
    name: `${given} ${family}`,
    given_name: given,
    family_name: family,
    picture: `https://lh3.googleusercontent.com/a/local-stand-in-${sub}=s96-c`,
  };
}
