import { DeleteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { conditionalAttributes } from './errors.ts';
import { type Item, key, s } from './items.ts';
import { queryAll } from './query-all.ts';
import { PARTITION_KEY, SORT_KEY } from './table.ts';
import type { CredentialRecord, Store } from './types.ts';
import { SESSION_PREFIX, userKey } from './user-items.ts';

/**
 * Removing an account's records (layout in `items.ts` and `user-items.ts`).
 * Every delete is idempotent, so a run that failed part-way is finished by
 * running it again.
 */
export function createAccountRecordOperations(input: {
  client: DynamoDBClient;
  TableName: string;
  listCredentials: (userId: string) => Promise<CredentialRecord[]>;
}): Pick<Store, 'deleteAccount'> {
  const { client, TableName, listCredentials } = input;

  /** Deletes the item if its owner is userId; null if absent or owned by someone else. */
  function deleteOwned(Key: Item, userId: string): Promise<Item | null> {
    return conditionalAttributes(() =>
      client.send(
        new DeleteItemCommand({
          TableName,
          Key,
          ConditionExpression: 'userId = :userId',
          ExpressionAttributeValues: { ':userId': s(userId) },
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
  }

  /** The keys of every item in the user's partition (strongly consistent). */
  function partitionKeys(userId: string): Promise<Item[]> {
    return queryAll(client, {
      TableName,
      ConsistentRead: true,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
      ExpressionAttributeValues: { ':pk': s(userKey.partition(userId)) },
      ProjectionExpression: '#pk, #sk',
    });
  }

  const isSession = (item: Item) => item[SORT_KEY]?.S?.startsWith(SESSION_PREFIX) === true;
  const remove = (Key: Item) => client.send(new DeleteItemCommand({ TableName, Key }));

  return {
    async deleteAccount({ userId, email }) {
      // Only the user's own claim is removed: undoing one sign-up must never free another user's email.
      const claim = await deleteOwned(key.email(email), userId);
      const ids = new Set((await listCredentials(userId)).map((credential) => credential.id));
      const first = claim?.firstCredentialId?.S;
      if (first !== undefined) ids.add(first);
      await Promise.all([...ids].map((id) => deleteOwned(key.credential(id), userId)));
      const keys = await partitionKeys(userId);
      await Promise.all(keys.filter((item) => !isSession(item)).map(remove));
      await Promise.all(keys.filter(isSession).map(remove));
    },
  };
}
