import {
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { Clock } from '../errors.ts';
import { cancellationCodes, conditionalWrite } from './errors.ts';
import { type Item, key, n, num, s, ttlSeconds } from './items.ts';
import { queryAll } from './query-all.ts';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from './table.ts';
import type { CredentialRecord, Store } from './types.ts';
import { itemToSession, SESSION_PREFIX, sessionEnd, sessionToItem, userKey } from './user-items.ts';

type UserRecordOperations = Pick<
  Store,
  | 'deleteCredential'
  | 'ensureSignInMethods'
  | 'setGoogleLinked'
  | 'rememberUnlinkedGoogle'
  | 'isGoogleUnlinked'
  | 'putSession'
  | 'getSession'
  | 'listSessions'
  | 'renewSession'
  | 'updateSession'
  | 'promoteRecoverySession'
  | 'deleteSession'
>;

/**
 * Sessions, sign-in methods and unlinked identities, in one partition per
 * user (layout in `user-items.ts`). Each rule that must hold under concurrency
 * is a condition of the write that could break it.
 */
export function createUserRecordOperations(input: {
  client: DynamoDBClient;
  TableName: string;
  clock: Clock;
  /** The store's strongly consistent GetItem. */
  get: (Key: Item) => Promise<Item | null>;
  listCredentials: (userId: string) => Promise<CredentialRecord[]>;
}): UserRecordOperations {
  const { client, TableName, clock, get, listCredentials } = input;

  const live = (item: Item | null) => {
    if (!item) return null;
    const record = itemToSession(item);
    return sessionEnd(record) > clock() ? record : null;
  };

  return {
    async deleteCredential({ id, userId }) {
      try {
        await client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              {
                Delete: {
                  TableName,
                  Key: key.credential(id),
                  ConditionExpression: 'userId = :userId',
                  ExpressionAttributeValues: { ':userId': s(userId) },
                },
              },
              {
                Update: {
                  TableName,
                  Key: userKey.methods(userId),
                  // One way in at least: another passkey, or Google.
                  ConditionExpression: 'passkeys > :one OR google = :true',
                  UpdateExpression: 'ADD passkeys :minusOne',
                  ExpressionAttributeValues: { ':one': n(1), ':true': { BOOL: true }, ':minusOne': n(-1) },
                },
              },
            ],
          }),
        );
        return 'deleted';
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        if (codes[0] === 'ConditionalCheckFailed') return 'not-found';
        if (codes[1] === 'ConditionalCheckFailed') return 'last-sign-in-method';
        throw error;
      }
    },

    async ensureSignInMethods(userId, googleLinked) {
      const existing = await get(userKey.methods(userId));
      if (existing) return { passkeys: num(existing, 'passkeys'), google: existing.google?.BOOL === true };
      const methods = { passkeys: (await listCredentials(userId)).length, google: googleLinked };
      const created = await conditionalWrite(() =>
        client.send(
          new PutItemCommand({
            TableName,
            Item: {
              ...userKey.methods(userId),
              passkeys: n(methods.passkeys),
              google: { BOOL: methods.google },
            },
            ConditionExpression: `attribute_not_exists(${PARTITION_KEY})`,
          }),
        ),
      );
      if (created) return methods;
      const winner = await get(userKey.methods(userId));
      if (!winner) throw new Error('the sign-in methods record vanished while being created');
      return { passkeys: num(winner, 'passkeys'), google: winner.google?.BOOL === true };
    },

    setGoogleLinked(userId, linked) {
      return conditionalWrite(() =>
        client.send(
          new UpdateItemCommand({
            TableName,
            Key: userKey.methods(userId),
            ConditionExpression: linked
              ? `attribute_exists(${PARTITION_KEY})`
              : 'google = :true AND passkeys >= :one',
            UpdateExpression: 'SET google = :linked',
            ExpressionAttributeValues: {
              ':linked': { BOOL: linked },
              ...(linked ? {} : { ':true': { BOOL: true }, ':one': n(1) }),
            },
          }),
        ),
      );
    },

    async rememberUnlinkedGoogle(userId, googleSub) {
      await client.send(
        new PutItemCommand({
          TableName,
          Item: { ...userKey.unlinkedGoogle(userId, googleSub), unlinkedAt: n(clock()) },
        }),
      );
    },

    async isGoogleUnlinked(userId, googleSub) {
      return (await get(userKey.unlinkedGoogle(userId, googleSub))) !== null;
    },

    async putSession(record) {
      await client.send(
        new PutItemCommand({
          TableName,
          Item: sessionToItem(record),
          ConditionExpression: `attribute_not_exists(${PARTITION_KEY})`,
        }),
      );
    },

    async getSession(userId, id) {
      return live(await get(userKey.session(userId, id)));
    },

    async listSessions(userId) {
      const items = await queryAll(client, {
        TableName,
        ConsistentRead: true,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
        ExpressionAttributeValues: { ':pk': s(userKey.partition(userId)), ':prefix': s(SESSION_PREFIX) },
      });
      return items.flatMap((item) => live(item) ?? []);
    },

    renewSession(userId, id, renewal) {
      return conditionalWrite(() =>
        client.send(
          new UpdateItemCommand({
            TableName,
            Key: userKey.session(userId, id),
            ConditionExpression: `attribute_exists(${PARTITION_KEY}) AND generation = :expected`,
            UpdateExpression:
              'SET generation = :next, refreshCookie = :cookie, graceUntil = :grace, lastSeenAt = :seen, tokensExpireAt = :tokens, #user = :user, #ttl = :ttl',
            ExpressionAttributeNames: { '#user': 'user', '#ttl': TTL_ATTRIBUTE },
            ExpressionAttributeValues: {
              ':expected': n(renewal.expectedGeneration),
              ':next': n(renewal.expectedGeneration + 1),
              ':cookie': s(renewal.refreshCookie),
              ':grace': n(renewal.graceUntil),
              ':seen': n(renewal.lastSeenAt),
              ':tokens': n(renewal.tokensExpireAt),
              ':user': s(renewal.user),
              ':ttl': ttlSeconds(renewal.endsAt),
            },
          }),
        ),
      );
    },

    updateSession(userId, id, change) {
      const sets: string[] = [];
      const values: Item = {};
      if (change.stepUpAt !== undefined) {
        sets.push('stepUpAt = :stepUpAt');
        values[':stepUpAt'] = n(change.stepUpAt);
      }
      if (change.user !== undefined) {
        sets.push('#user = :user');
        values[':user'] = s(change.user);
      }
      if (sets.length === 0) throw new TypeError('updateSession needs stepUpAt or user');
      return conditionalWrite(() =>
        client.send(
          new UpdateItemCommand({
            TableName,
            Key: userKey.session(userId, id),
            ConditionExpression: `attribute_exists(${PARTITION_KEY})`,
            UpdateExpression: `SET ${sets.join(', ')}`,
            ...(change.user !== undefined ? { ExpressionAttributeNames: { '#user': 'user' } } : {}),
            ExpressionAttributeValues: values,
          }),
        ),
      );
    },

    promoteRecoverySession(userId, id, change) {
      return conditionalWrite(() =>
        client.send(
          new UpdateItemCommand({
            TableName,
            Key: userKey.session(userId, id),
            ConditionExpression: `attribute_exists(${PARTITION_KEY}) AND authMethod = :recovery`,
            UpdateExpression:
              'SET authMethod = :passkey, expiresAt = :expires, refreshCookie = :cookie, #ttl = :ttl',
            ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
            ExpressionAttributeValues: {
              ':recovery': s('recovery'),
              ':passkey': s('passkey'),
              ':expires': n(change.expiresAt),
              ':cookie': s(change.refreshCookie),
              ':ttl': ttlSeconds(change.endsAt),
            },
          }),
        ),
      );
    },

    async deleteSession(userId, id) {
      const { Attributes } = await client.send(
        new DeleteItemCommand({ TableName, Key: userKey.session(userId, id), ReturnValues: 'ALL_OLD' }),
      );
      return Attributes ? itemToSession(Attributes) : null;
    },
  };
}
