import { bool, type Item, key, n, num, optStrs, readOptStrs, s, str, ttlSeconds } from './items.ts';
import { TTL_ATTRIBUTE } from './table.ts';
import type { EmailClaim, EmailCodePurpose, EmailCodeRecord } from './types.ts';

const EMAIL_CODE_OPTIONAL = ['userId', 'displayName'] as const;

export function emailCodeToItem(record: EmailCodeRecord): Item {
  return {
    ...key.emailCode(record.id),
    id: s(record.id),
    purpose: s(record.purpose),
    email: s(record.email),
    codeHash: s(record.codeHash),
    attempts: n(record.attempts),
    expiresAt: n(record.expiresAt),
    [TTL_ATTRIBUTE]: ttlSeconds(record.expiresAt),
    ...optStrs(record, EMAIL_CODE_OPTIONAL),
  };
}

export function itemToEmailCode(item: Item): EmailCodeRecord {
  return {
    id: str(item, 'id'),
    purpose: str(item, 'purpose') as EmailCodePurpose,
    email: str(item, 'email'),
    codeHash: str(item, 'codeHash'),
    attempts: num(item, 'attempts'),
    expiresAt: num(item, 'expiresAt'),
    ...readOptStrs(item, EMAIL_CODE_OPTIONAL),
  };
}

/** An email claim item; `verified` is absent on claims written before sign-up verified emails. */
function emailClaimItem(
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
const CLAIMABLE =
  'attribute_not_exists(pk) OR attribute_not_exists(verified) OR verified = :false OR userId = :userId';

/** The put of an email claim (without TableName), conditional on the address being `CLAIMABLE` by the claim's user. */
export function claimPut(
  email: string,
  claim: EmailClaim & { firstCredentialId?: string },
  now: number,
): { Item: Item; ConditionExpression: string; ExpressionAttributeValues: Item } {
  return {
    Item: emailClaimItem(email, claim, now),
    ConditionExpression: CLAIMABLE,
    ExpressionAttributeValues: { ':userId': s(claim.userId), ':false': bool(false) },
  };
}
