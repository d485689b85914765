import type { Item } from './items.ts';
import { n, num, s, str, ttlSeconds, userPartition } from './items.ts';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from './table.ts';
import type { SessionAuthMethod, SessionRecord } from './types.ts';

/**
 * Items kept in one partition per user, so that a user's sessions can be read
 * and ended with strongly consistent queries of the base table:
 *
 *   session          pk USER#<userId>  sk SESSION#<id>               ttl (idle or absolute end)
 *   sign-in methods  pk USER#<userId>  sk METHODS                    passkeys, google
 *   unlinked Google  pk USER#<userId>  sk UNLINKED#Google#<sub>
 */
export const SESSION_PREFIX = 'SESSION#';

/** A session ends this long after its last renewal (shared contract: 7 days idle). */
export const SESSION_IDLE_MS = 7 * 24 * 60 * 60 * 1000;

export const userKey = {
  partition: userPartition,
  session: (userId: string, id: string): Item => uk(userId, `${SESSION_PREFIX}${id}`),
  methods: (userId: string): Item => uk(userId, 'METHODS'),
  unlinkedGoogle: (userId: string, sub: string): Item => uk(userId, `UNLINKED#Google#${sub}`),
};

function uk(userId: string, sk: string): Item {
  return { [PARTITION_KEY]: s(userKey.partition(userId)), [SORT_KEY]: s(sk) };
}

/** The first moment the session is over: idle end or absolute end, whichever comes first. */
export function sessionEnd(record: Pick<SessionRecord, 'lastSeenAt' | 'expiresAt'>): number {
  return Math.min(record.lastSeenAt + SESSION_IDLE_MS, record.expiresAt);
}

export function sessionToItem(record: SessionRecord): Item {
  return {
    ...userKey.session(record.userId, record.id),
    id: s(record.id),
    userId: s(record.userId),
    createdAt: n(record.createdAt),
    lastSeenAt: n(record.lastSeenAt),
    authMethod: s(record.authMethod),
    device: s(record.device),
    authTime: n(record.authTime),
    stepUpAt: record.stepUpAt === null ? { NULL: true } : n(record.stepUpAt),
    generation: n(record.generation),
    refreshCookie: s(record.refreshCookie),
    graceUntil: n(record.graceUntil),
    tokensExpireAt: n(record.tokensExpireAt),
    user: s(record.user),
    expiresAt: n(record.expiresAt),
    [TTL_ATTRIBUTE]: ttlSeconds(sessionEnd(record)),
  };
}

export function itemToSession(item: Item): SessionRecord {
  const text = (name: string) => str(item, name);
  const stepUpAt = item.stepUpAt?.N;
  return {
    id: text('id'),
    userId: text('userId'),
    createdAt: num(item, 'createdAt'),
    lastSeenAt: num(item, 'lastSeenAt'),
    authMethod: text('authMethod') as SessionAuthMethod,
    device: text('device'),
    authTime: num(item, 'authTime'),
    stepUpAt: stepUpAt === undefined ? null : Number(stepUpAt),
    generation: num(item, 'generation'),
    refreshCookie: text('refreshCookie'),
    graceUntil: num(item, 'graceUntil'),
    tokensExpireAt: num(item, 'tokensExpireAt'),
    user: text('user'),
    expiresAt: num(item, 'expiresAt'),
  };
}
