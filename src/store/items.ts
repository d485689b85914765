import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { GSI1_PARTITION_KEY, GSI1_SORT_KEY, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from './table.ts';
import type { CeremonyPurpose, ChallengeRecord, CredentialRecord, GrantRecord } from './types.ts';

/**
 * Item layout of the single table, mapped by hand (no marshalling library).
 * Every kind of item has its own `pk` prefix and a constant `sk`:
 *
 *   credential   pk CRED#<id>                 sk CRED   gsi1pk USER#<userId>  gsi1sk CRED#<createdAt, 15 digits>#<id>
 *   email claim  pk EMAIL#<email>             sk EMAIL
 *   challenge    pk CHAL#<id>                 sk CHAL   ttl
 *   grant        pk GRANT#<id>                sk GRANT  ttl
 *   email code   pk CODE#<id>                 sk CODE   ttl
 *   failures     pk RATE#<key>#<windowStart>  sk RATE   ttl
 *   google rsv   pk GRSV#<googleSub>          sk GRSV   ttl   (the account a first Google sign-in builds)
 */

export type Item = Record<string, AttributeValue>;

export const key = {
  credential: (id: string): Item => k(`CRED#${id}`, 'CRED'),
  email: (email: string): Item => k(`EMAIL#${email}`, 'EMAIL'),
  challenge: (id: string): Item => k(`CHAL#${id}`, 'CHAL'),
  grant: (id: string): Item => k(`GRANT#${id}`, 'GRANT'),
  emailCode: (id: string): Item => k(`CODE#${id}`, 'CODE'),
  failures: (rateKey: string, windowStartSeconds: number): Item =>
    k(`RATE#${rateKey}#${windowStartSeconds}`, 'RATE'),
  googleReservation: (googleSub: string): Item => k(`GRSV#${googleSub}`, 'GRSV'),
};

export const userPartition = (userId: string): string => `USER#${userId}`;

function k(pk: string, sk: string): Item {
  return { [PARTITION_KEY]: { S: pk }, [SORT_KEY]: { S: sk } };
}

// --- attribute values -------------------------------------------------------

export const s = (value: string): AttributeValue => ({ S: value });
export const n = (value: number): AttributeValue => ({ N: String(value) });
export const bool = (value: boolean): AttributeValue => ({ BOOL: value });

/** Epoch seconds for the TTL attribute: the first whole second at or after `ms`. */
export const ttlSeconds = (ms: number): AttributeValue => n(Math.ceil(ms / 1000));

export function str(item: Item, name: string): string {
  const value = item[name]?.S;
  if (value === undefined) throw new TypeError(`Stored item lacks string attribute ${name}`);
  return value;
}

function optStr(item: Item, name: string): string | undefined {
  return item[name]?.S;
}

export function num(item: Item, name: string): number {
  const value = item[name]?.N;
  if (value === undefined) throw new TypeError(`Stored item lacks number attribute ${name}`);
  return Number(value);
}

/** The optional string fields `names` of a record as attributes; an absent field stays absent. */
export function optStrs<K extends string>(record: Partial<Record<K, string>>, names: readonly K[]): Item {
  const item: Item = {};
  for (const name of names) {
    const value = record[name];
    if (value !== undefined) item[name] = s(value);
  }
  return item;
}

/** The optional string attributes `names` of an item as record fields; an absent one stays absent. */
export function readOptStrs<K extends string>(item: Item, names: readonly K[]): Partial<Record<K, string>> {
  const fields: Partial<Record<K, string>> = {};
  for (const name of names) {
    const value = optStr(item, name);
    if (value !== undefined) fields[name] = value;
  }
  return fields;
}

/**
 * The record `read` from `item` unless it has expired by `now` (TTL deletion
 * is lazy, so expiry is checked on read); null when there is no item.
 */
export function unexpired<T extends { expiresAt: number }>(
  item: Item | null,
  read: (item: Item) => T,
  now: number,
): T | null {
  if (!item) return null;
  const record = read(item);
  return record.expiresAt > now ? record : null;
}

// --- records ------------------------------------------------------------------

const CHALLENGE_OPTIONAL = ['userId', 'email', 'displayName'] as const;

export function challengeToItem(record: ChallengeRecord): Item {
  return {
    ...key.challenge(record.id),
    id: s(record.id),
    challenge: s(record.challenge),
    purpose: s(record.purpose),
    expiresAt: n(record.expiresAt),
    [TTL_ATTRIBUTE]: ttlSeconds(record.expiresAt),
    ...optStrs(record, CHALLENGE_OPTIONAL),
  };
}

export function itemToChallenge(item: Item): ChallengeRecord {
  return {
    id: str(item, 'id'),
    challenge: str(item, 'challenge'),
    purpose: str(item, 'purpose') as CeremonyPurpose,
    expiresAt: num(item, 'expiresAt'),
    ...readOptStrs(item, CHALLENGE_OPTIONAL),
  };
}

export function grantToItem(record: GrantRecord): Item {
  return {
    ...key.grant(record.id),
    id: s(record.id),
    userId: s(record.userId),
    expiresAt: n(record.expiresAt),
    [TTL_ATTRIBUTE]: ttlSeconds(record.expiresAt),
  };
}

export function itemToGrant(item: Item): GrantRecord {
  return { id: str(item, 'id'), userId: str(item, 'userId'), expiresAt: num(item, 'expiresAt') };
}

/** Sort key within a user's partition of gsi1: creation order, then id. 15 digits cover epoch ms until year 33658. */
function credentialSortKey(record: CredentialRecord): string {
  return `CRED#${String(record.createdAt).padStart(15, '0')}#${record.id}`;
}

export function credentialToItem(record: CredentialRecord): Item {
  return {
    ...key.credential(record.id),
    [GSI1_PARTITION_KEY]: s(userPartition(record.userId)),
    [GSI1_SORT_KEY]: s(credentialSortKey(record)),
    id: s(record.id),
    userId: s(record.userId),
    publicKey: s(record.publicKey),
    counter: n(record.counter),
    transports: { L: record.transports.map(s) },
    deviceType: s(record.deviceType),
    backedUp: bool(record.backedUp),
    aaguid: s(record.aaguid),
    nickname: s(record.nickname),
    createdAt: n(record.createdAt),
    lastUsedAt: record.lastUsedAt === null ? { NULL: true } : n(record.lastUsedAt),
  };
}

export function itemToCredential(item: Item): CredentialRecord {
  const lastUsedAt = item.lastUsedAt?.N;
  return {
    id: str(item, 'id'),
    userId: str(item, 'userId'),
    publicKey: str(item, 'publicKey'),
    counter: num(item, 'counter'),
    transports: (item.transports?.L ?? []).flatMap((value) => (value.S === undefined ? [] : [value.S])),
    deviceType: str(item, 'deviceType') as CredentialRecord['deviceType'],
    backedUp: item.backedUp?.BOOL === true,
    aaguid: str(item, 'aaguid'),
    nickname: str(item, 'nickname'),
    createdAt: num(item, 'createdAt'),
    lastUsedAt: lastUsedAt === undefined ? null : Number(lastUsedAt),
  };
}
