import {
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { Clock } from '../errors.ts';
import { claimPut, emailCodeToItem, itemToEmailClaim, itemToEmailCode } from './email-code-items.ts';
import { cancellationCodes, conditionalAttributes, conditionalWrite } from './errors.ts';
import { type Item, key, n, num, s, unexpired } from './items.ts';
import type { Store } from './types.ts';

type EmailRecordOperations = Pick<
  Store,
  | 'findEmailClaim'
  | 'claimEmail'
  | 'moveEmailClaim'
  | 'releaseEmailClaim'
  | 'putEmailCode'
  | 'getEmailCode'
  | 'recordWrongCode'
  | 'consumeEmailCode'
  | 'deleteEmailCode'
>;

/** Email claims and emailed codes (layout in `items.ts`). */
export function createEmailRecordOperations(input: {
  client: DynamoDBClient;
  TableName: string;
  clock: Clock;
  get: (Key: Item) => Promise<Item | null>;
}): EmailRecordOperations {
  const { client, TableName, clock, get } = input;
  return {
    async findEmailClaim(email) {
      const item = await get(key.email(email));
      return item ? itemToEmailClaim(item) : null;
    },

    claimEmail({ userId, email }) {
      return conditionalWrite(() =>
        client.send(
          new PutItemCommand({ TableName, ...claimPut(email, { userId, verified: true }, clock()) }),
        ),
      );
    },

    async moveEmailClaim({ userId, from, to, verified = true }) {
      const claim: TransactWriteItem = { Put: { TableName, ...claimPut(to, { userId, verified }, clock()) } };
      const release: TransactWriteItem[] =
        from === null
          ? []
          : [
              {
                // Only this user's own claim is released, never one another account took over.
                Delete: {
                  TableName,
                  Key: key.email(from),
                  ConditionExpression: 'userId = :userId',
                  ExpressionAttributeValues: { ':userId': s(userId) },
                },
              },
            ];
      try {
        await client.send(new TransactWriteItemsCommand({ TransactItems: [claim, ...release] }));
        return true;
      } catch (error) {
        if (cancellationCodes(error)?.includes('ConditionalCheckFailed')) return false;
        throw error;
      }
    },

    releaseEmailClaim({ userId, email }) {
      return conditionalWrite(() =>
        client.send(
          new DeleteItemCommand({
            TableName,
            Key: key.email(email),
            ConditionExpression: 'userId = :userId',
            ExpressionAttributeValues: { ':userId': s(userId) },
          }),
        ),
      );
    },

    async putEmailCode(record) {
      await client.send(new PutItemCommand({ TableName, Item: emailCodeToItem(record) }));
    },

    async getEmailCode(id) {
      return unexpired(await get(key.emailCode(id)), itemToEmailCode, clock());
    },

    async recordWrongCode(id) {
      const item = await conditionalAttributes(() =>
        client.send(
          new UpdateItemCommand({
            TableName,
            Key: key.emailCode(id),
            ConditionExpression: 'attribute_exists(pk)',
            UpdateExpression: 'ADD attempts :one',
            ExpressionAttributeValues: { ':one': n(1) },
            ReturnValues: 'UPDATED_NEW',
          }),
        ),
      );
      return item ? num(item, 'attempts') : null;
    },

    consumeEmailCode(id, codeHash) {
      return conditionalWrite(() =>
        client.send(
          new DeleteItemCommand({
            TableName,
            Key: key.emailCode(id),
            ConditionExpression: 'codeHash = :hash',
            ExpressionAttributeValues: { ':hash': s(codeHash) },
          }),
        ),
      );
    },

    async deleteEmailCode(id) {
      await client.send(new DeleteItemCommand({ TableName, Key: key.emailCode(id) }));
    },
  };
}
