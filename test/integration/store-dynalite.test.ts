import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { createLocalDynamoDbClient, type LocalDynamoDb, startDynalite } from '../../src/local/dynalite.ts';
import { ensureTable } from '../../src/local/ensure-table.ts';

/** The operations the local stack emulates in front of dynalite 4, which lacks them. */

const TableName = 'extensions';
let db: LocalDynamoDb;
let client: DynamoDBClient;

const key = (pk: string) => ({ pk: { S: pk }, sk: { S: 'X' } });
const get = async (pk: string) =>
  (await client.send(new GetItemCommand({ TableName, Key: key(pk), ConsistentRead: true }))).Item;
const put = (pk: string, value: string) =>
  client.send(new PutItemCommand({ TableName, Item: { ...key(pk), value: { S: value } } }));

before(async () => {
  db = await startDynalite({});
  client = createLocalDynamoDbClient(db.endpoint);
  await ensureTable(client, TableName);
});

after(async () => {
  client.destroy();
  await db.close();
});

describe('TransactWriteItems on dynalite', () => {
  test('applies Put, Update, Delete and ConditionCheck together', async () => {
    await put('u1', 'old');
    await put('d1', 'bye');
    await put('c1', 'checked');
    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Put: {
              TableName,
              Item: { ...key('p1'), value: { S: 'new' } },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName,
              Key: key('u1'),
              UpdateExpression: 'SET #v = :v',
              ExpressionAttributeNames: { '#v': 'value' },
              ExpressionAttributeValues: { ':v': { S: 'updated' } },
            },
          },
          { Delete: { TableName, Key: key('d1') } },
          { ConditionCheck: { TableName, Key: key('c1'), ConditionExpression: 'attribute_exists(pk)' } },
        ],
      }),
    );
    assert.equal((await get('p1'))?.value?.S, 'new');
    assert.equal((await get('u1'))?.value?.S, 'updated');
    assert.equal(await get('d1'), undefined);
    assert.equal((await get('c1'))?.value?.S, 'checked', 'a condition check leaves its item alone');
  });

  test('one failed condition cancels everything, with a reason per item', async () => {
    await put('u2', 'old');
    await put('d2', 'keep');
    await put('c2', 'checked');
    const error = await client
      .send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName, Item: { ...key('p2'), value: { S: 'new' } } } },
            {
              Update: {
                TableName,
                Key: key('u2'),
                UpdateExpression: 'SET #v = :v',
                ExpressionAttributeNames: { '#v': 'value' },
                ExpressionAttributeValues: { ':v': { S: 'updated' } },
              },
            },
            { Delete: { TableName, Key: key('d2') } },
            {
              ConditionCheck: {
                TableName,
                Key: key('c2'),
                ConditionExpression: 'attribute_not_exists(pk)',
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
          ],
        }),
      )
      .then(
        () => null,
        (e: unknown) => e,
      );
    assert.ok(error instanceof TransactionCanceledException);
    assert.deepEqual(
      error.CancellationReasons?.map((reason) => reason.Code),
      ['None', 'None', 'None', 'ConditionalCheckFailed'],
    );
    assert.equal(error.CancellationReasons?.[3]?.Item?.value?.S, 'checked');
    assert.equal(await get('p2'), undefined);
    assert.equal((await get('u2'))?.value?.S, 'old');
    assert.equal((await get('d2'))?.value?.S, 'keep');
    assert.equal((await get('c2'))?.value?.S, 'checked');
  });

  test('two operations on one item are a ValidationException', async () => {
    await assert.rejects(
      client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName, Item: key('same') } },
            { Delete: { TableName, Key: key('same') } },
          ],
        }),
      ),
      { name: 'ValidationException' },
    );
    assert.equal(await get('same'), undefined);
  });

  test('readers never see a transaction half applied', async () => {
    let stop = false;
    const torn: string[] = [];
    const reader = (async () => {
      while (!stop) {
        const [a, b] = await Promise.all([get('pair-a'), get('pair-b')]);
        if (a?.value?.S !== b?.value?.S) torn.push(`${a?.value?.S} / ${b?.value?.S}`);
      }
    })();
    for (let round = 0; round < 30; round++) {
      const value = { S: String(round) };
      await client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName, Item: { ...key('pair-a'), value } } },
            { Put: { TableName, Item: { ...key('pair-b'), value } } },
          ],
        }),
      );
    }
    stop = true;
    await reader;
    assert.deepEqual(torn, []);
  });
});

describe('TTL settings on dynalite', () => {
  test('UpdateTimeToLive is recorded; enabling twice is a ValidationException', async () => {
    const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName }));
    assert.deepEqual(TimeToLiveDescription, { TimeToLiveStatus: 'ENABLED', AttributeName: 'ttl' });
    await assert.rejects(
      client.send(
        new UpdateTimeToLiveCommand({
          TableName,
          TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        }),
      ),
      { name: 'ValidationException' },
    );
    await assert.rejects(client.send(new DescribeTimeToLiveCommand({ TableName: 'missing' })), {
      name: 'ResourceNotFoundException',
    });
  });
});
