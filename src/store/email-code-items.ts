import { bool, type Item, key, n, num, optStr, s, str, ttlSeconds } from './items.ts';
import { TTL_ATTRIBUTE } from './table.ts';
import type { EmailClaim, EmailCodePurpose, EmailCodeRecord } from './types.ts';

export function emailCodeToItem(record: EmailCodeRecord): Item {
  const item: Item = {
    ...key.emailCode(record.id),
    id: s(record.id),
    purpose: s(record.purpose),
    email: s(record.email),
    codeHash: s(record.codeHash),
    attempts: n(record.attempts),
    expiresAt: n(record.expiresAt),
    [TTL_ATTRIBUTE]: ttlSeconds(record.expiresAt),
  };
  if (record.userId !== undefined) item.userId = s(record.userId);
  if (record.displayName !== undefined) item.displayName = s(record.displayName);
  return item;
}

export function itemToEmailCode(item: Item): EmailCodeRecord {
  const record: EmailCodeRecord = {
    id: str(item, 'id'),
    purpose: str(item, 'purpose') as EmailCodePurpose,
    email: str(item, 'email'),
    codeHash: str(item, 'codeHash'),
    attempts: num(item, 'attempts'),
    expiresAt: num(item, 'expiresAt'),
  };
  const userId = optStr(item, 'userId');
  const displayName = optStr(item, 'displayName');
  if (userId !== undefined) record.userId = userId;
  if (displayName !== undefined) record.displayName = displayName;
  return record;
}

/** An email claim item; `verified` is absent on claims written before sign-up verified emails. */
export function emailClaimItem(
  email: string,
  claim: EmailClaim & { firstCredentialId?: string },
  now: number,
): Item {
  return {
    ...key.email(email),
    userId: s(claim.userId),
    verified: bool(claim.verified),
    ...(claim.firstCredentialId ? { firstCredentialId: s(claim.firstCredentialId) } : {}),
    createdAt: n(now),
  };
}

export function itemToEmailClaim(item: Item): EmailClaim {
  return { userId: str(item, 'userId'), verified: item.verified?.BOOL === true };
}

/** The claim may be written over: absent, unverified (the verified owner wins), or already this user's. */
export const CLAIMABLE =
  'attribute_not_exists(pk) OR attribute_not_exists(verified) OR verified = :false OR userId = :userId';
