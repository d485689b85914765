import { DeleteItemCommand, type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { Clock } from '../errors.ts';
import { conditionalWrite } from './errors.ts';
import { type Item, key, n, num, s, str, ttlSeconds } from './items.ts';
import { PARTITION_KEY, TTL_ATTRIBUTE } from './table.ts';
import type { Store } from './types.ts';

type GoogleReservationOperations = Pick<
  Store,
  'reserveGoogleAccount' | 'findGoogleAccountReservation' | 'releaseGoogleAccountReservation'
>;

/**
 * Reservations of the account a Google identity's first sign-in creates
 * (layout in `items.ts`): one item per Google `sub`, living a few minutes.
 * Expiry is checked in the condition and on read (TTL deletion is lazy).
 */
export function createGoogleReservationOperations(input: {
  client: DynamoDBClient;
  TableName: string;
  clock: Clock;
  get: (Key: Item) => Promise<Item | null>;
}): GoogleReservationOperations {
  const { client, TableName, clock, get } = input;

  const live = (item: Item | null): string | null =>
    item && num(item, 'expiresAt') > clock() ? str(item, 'userId') : null;

  return {
    async reserveGoogleAccount({ googleSub, userId, expiresAt, replacing }) {
      const reserved = await conditionalWrite(() =>
        client.send(
          new PutItemCommand({
            TableName,
            Item: {
              ...key.googleReservation(googleSub),
              userId: s(userId),
              expiresAt: n(expiresAt),
              [TTL_ATTRIBUTE]: ttlSeconds(expiresAt),
            },
            ConditionExpression: `attribute_not_exists(${PARTITION_KEY}) OR expiresAt <= :now${
              replacing === undefined ? '' : ' OR userId = :replacing'
            }`,
            ExpressionAttributeValues: {
              ':now': n(clock()),
              ...(replacing === undefined ? {} : { ':replacing': s(replacing) }),
            },
          }),
        ),
      );
      if (reserved) return userId;
      const earlier = live(await get(key.googleReservation(googleSub)));
      // Gone between the two calls (released, or expired): the caller's next attempt reserves afresh.
      if (earlier === null) throw new Error('the Google account reservation changed while being read');
      return earlier;
    },

    async findGoogleAccountReservation(googleSub) {
      return live(await get(key.googleReservation(googleSub)));
    },

    async releaseGoogleAccountReservation({ googleSub, userId }) {
      await conditionalWrite(() =>
        client.send(
          new DeleteItemCommand({
            TableName,
            Key: key.googleReservation(googleSub),
            ConditionExpression: 'userId = :userId',
            ExpressionAttributeValues: { ':userId': s(userId) },
          }),
        ),
      );
    },
  };
}
