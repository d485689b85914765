import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type Clock, systemClock } from '../errors.ts';
import { createAccountRecordOperations } from './account-records.ts';
import { claimPut } from './email-code-items.ts';
import { createEmailRecordOperations } from './email-records.ts';
import {
  CredentialConflictError,
  CredentialExistsError,
  cancellationCodes,
  conditionalAttributes,
  isConditionalCheckFailed,
  translateCreateAccountError,
} from './errors.ts';
import { createGoogleReservationOperations } from './google-reservations.ts';
import {
  challengeToItem,
  credentialToItem,
  grantToItem,
  type Item,
  itemToChallenge,
  itemToCredential,
  itemToGrant,
  key,
  n,
  num,
  s,
  ttlSeconds,
  unexpired,
  userPartition,
} from './items.ts';
import { queryAll } from './query-all.ts';
import { GSI1_NAME, GSI1_PARTITION_KEY, TTL_ATTRIBUTE } from './table.ts';
import type { CredentialRecord, Store } from './types.ts';
import { userKey } from './user-items.ts';
import { createUserRecordOperations } from './user-records.ts';

export interface DynamoDbStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  clock?: Clock;
}

/** Items that must not exist yet: uniqueness by conditional put. */
const NOT_EXISTS = 'attribute_not_exists(pk)';

/**
 * The Store on one DynamoDB table (layout in `items.ts`). Single use is a
 * conditional delete; uniqueness is a conditional put; counters are
 * compare-and-set. Expiry is checked on read because TTL deletion is lazy.
 */
export function createDynamoDbStore({ client, tableName, clock = systemClock }: DynamoDbStoreOptions): Store {
  const TableName = tableName;

  /** Deletes the item if it exists and returns what it held (single use): null if it was absent or already consumed. */
  function consume(Key: Item): Promise<Item | null> {
    return conditionalAttributes(() =>
      client.send(
        new DeleteItemCommand({
          TableName,
          Key,
          ConditionExpression: 'attribute_exists(pk)',
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
  }

  /** The item if present (strongly consistent read), else null. */
  async function get(Key: Item): Promise<Item | null> {
    const { Item } = await client.send(new GetItemCommand({ TableName, Key, ConsistentRead: true }));
    return Item ?? null;
  }

  async function listCredentials(userId: string): Promise<CredentialRecord[]> {
    // A GSI read is eventually consistent: a credential written a moment ago may be missing.
    const items = await queryAll(client, {
      TableName,
      IndexName: GSI1_NAME,
      KeyConditionExpression: '#gsi1pk = :user',
      ExpressionAttributeNames: { '#gsi1pk': GSI1_PARTITION_KEY },
      ExpressionAttributeValues: { ':user': s(userPartition(userId)) },
    });
    return items.map(itemToCredential);
  }

  /** The fixed window containing now: its start (epoch seconds, the key) and the seconds left in it. */
  function currentWindow(windowSeconds: number): { start: number; end: number; retryAfterSeconds: number } {
    if (!Number.isInteger(windowSeconds) || windowSeconds <= 0) {
      throw new TypeError(`windowSeconds must be a positive integer, received ${windowSeconds}`);
    }
    const nowMs = clock();
    const nowSeconds = Math.floor(nowMs / 1000);
    const start = nowSeconds - (nowSeconds % windowSeconds);
    const end = start + windowSeconds;
    return { start, end, retryAfterSeconds: Math.max(1, Math.ceil((end * 1000 - nowMs) / 1000)) };
  }

  return {
    ...createUserRecordOperations({ client, TableName, clock, get, listCredentials }),
    ...createEmailRecordOperations({ client, TableName, clock, get }),
    ...createAccountRecordOperations({ client, TableName, listCredentials }),
    ...createGoogleReservationOperations({ client, TableName, clock, get }),

    async putChallenge(record) {
      await client.send(new PutItemCommand({ TableName, Item: challengeToItem(record) }));
    },

    async consumeChallenge(id) {
      return unexpired(await consume(key.challenge(id)), itemToChallenge, clock());
    },

    async putGrant(record) {
      await client.send(new PutItemCommand({ TableName, Item: grantToItem(record) }));
    },

    async consumeGrant(id) {
      return unexpired(await consume(key.grant(id)), itemToGrant, clock());
    },

    async findUserIdByEmail(email) {
      const item = await get(key.email(email));
      return item?.userId?.S ?? null;
    },

    async createAccount({ userId, email, credential }) {
      if (credential.userId !== userId) {
        throw new TypeError(`credential.userId (${credential.userId}) must equal userId (${userId})`);
      }
      try {
        await client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              {
                Put: {
                  TableName,
                  // firstCredentialId lets deleteAccount undo a sign-up without waiting for gsi1 to catch up.
                  ...claimPut(email, { userId, verified: true, firstCredentialId: credential.id }, clock()),
                },
              },
              { Put: { TableName, Item: credentialToItem(credential), ConditionExpression: NOT_EXISTS } },
              {
                Put: {
                  TableName,
                  Item: { ...userKey.methods(userId), passkeys: n(1), google: { BOOL: false } },
                },
              },
            ],
          }),
        );
      } catch (error) {
        throw translateCreateAccountError(error);
      }
    },

    async addCredential(credential) {
      try {
        await client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Put: { TableName, Item: credentialToItem(credential), ConditionExpression: NOT_EXISTS } },
              {
                // Callers ensure the record first (ensureSignInMethods) so that an older account's
                // count starts from its real credentials; otherwise ADD starts it at this one.
                Update: {
                  TableName,
                  Key: userKey.methods(credential.userId),
                  UpdateExpression: 'ADD passkeys :one',
                  ExpressionAttributeValues: { ':one': n(1) },
                },
              },
            ],
          }),
        );
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes?.[0] === 'ConditionalCheckFailed') throw new CredentialExistsError({ cause: error });
        throw error;
      }
    },

    async getCredential(id) {
      const item = await get(key.credential(id));
      return item ? itemToCredential(item) : null;
    },

    listCredentials,

    async recordCredentialUse(id, update) {
      try {
        await client.send(
          new UpdateItemCommand({
            TableName,
            Key: key.credential(id),
            // Fails on an absent item too: a missing counter never equals :expected.
            ConditionExpression: '#counter = :expected',
            UpdateExpression: 'SET #counter = :counter, backedUp = :backedUp, lastUsedAt = :lastUsedAt',
            ExpressionAttributeNames: { '#counter': 'counter' },
            ExpressionAttributeValues: {
              ':expected': n(update.expectedCounter),
              ':counter': n(update.newCounter),
              ':backedUp': { BOOL: update.backedUp },
              ':lastUsedAt': n(update.lastUsedAt),
            },
          }),
        );
      } catch (error) {
        if (isConditionalCheckFailed(error)) throw new CredentialConflictError({ cause: error });
        throw error;
      }
    },

    async renameCredential({ id, userId, nickname }) {
      const item = await conditionalAttributes(() =>
        client.send(
          new UpdateItemCommand({
            TableName,
            Key: key.credential(id),
            ConditionExpression: 'userId = :userId',
            UpdateExpression: 'SET nickname = :nickname',
            ExpressionAttributeValues: { ':userId': s(userId), ':nickname': s(nickname) },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return item ? itemToCredential(item) : null;
    },

    async recordFailure(rateKey, windowSeconds) {
      const window = currentWindow(windowSeconds);
      const { Attributes } = await client.send(
        new UpdateItemCommand({
          TableName,
          Key: key.failures(rateKey, window.start),
          UpdateExpression: 'ADD #count :one SET #ttl = :ttl',
          ExpressionAttributeNames: { '#count': 'count', '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':one': n(1), ':ttl': ttlSeconds(window.end * 1000) },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      if (!Attributes) throw new Error('UpdateItem returned no attributes for ReturnValues UPDATED_NEW');
      return { count: num(Attributes, 'count'), retryAfterSeconds: window.retryAfterSeconds };
    },

    async countFailures(rateKey, windowSeconds) {
      const window = currentWindow(windowSeconds);
      // The window start is part of the key, so an expired-but-not-yet-deleted counter is never read.
      const item = await get(key.failures(rateKey, window.start));
      return { count: item ? num(item, 'count') : 0, retryAfterSeconds: window.retryAfterSeconds };
    },
  };
}
