import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type KeySchemaElement,
  type TableDescription,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  createTableInput,
  GSI1_KEY_SCHEMA,
  GSI1_NAME,
  TABLE_KEY_SCHEMA,
  TTL_ATTRIBUTE,
} from '../store/table.ts';

/**
 * Creating the table is the local stack's job (and the tests'): in AWS the CDK
 * stack creates it (infra/table.ts), and the functions only read and write it.
 */

export interface EnsureTableOptions {
  /** How long to wait for the table to become ACTIVE. */
  timeoutMs?: number;
  /** Longest delay between DescribeTable polls (they start at 25 ms and double). */
  pollMs?: number;
}

/**
 * Creates the table if it does not exist, waits until it and its index are
 * ACTIVE, and enables TTL on `ttl`. Safe to call on every start.
 * Throws if an existing table has a different key schema or lacks `gsi1`.
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  { timeoutMs = 120_000, pollMs = 2_000 }: EnsureTableOptions = {},
): Promise<void> {
  let table = await describeTable(client, tableName);
  if (!table) {
    try {
      await client.send(new CreateTableCommand(createTableInput(tableName)));
    } catch (error) {
      // Another process created it between our DescribeTable and CreateTable.
      if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
    }
  }
  const deadline = Date.now() + timeoutMs;
  for (let delay = 25; ; delay = Math.min(delay * 2, pollMs)) {
    table = await describeTable(client, tableName);
    if (table && isActive(table)) break;
    if (Date.now() > deadline) {
      throw new Error(`Table ${tableName} did not become ACTIVE within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  assertSchema(table, tableName);
  await ensureTimeToLive(client, tableName);
}

async function describeTable(client: DynamoDBClient, tableName: string): Promise<TableDescription | null> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return Table ?? null;
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') return null;
    throw error;
  }
}

function isActive(table: TableDescription): boolean {
  return (
    table.TableStatus === 'ACTIVE' &&
    (table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE')
  );
}

function assertSchema(table: TableDescription, tableName: string): void {
  const keys = (schema: KeySchemaElement[] | undefined) =>
    JSON.stringify((schema ?? []).map((k) => [k.AttributeName, k.KeyType]));
  if (keys(table.KeySchema) !== keys(TABLE_KEY_SCHEMA)) {
    throw new Error(
      `Table ${tableName} has key schema ${keys(table.KeySchema)}, expected ${keys(TABLE_KEY_SCHEMA)}`,
    );
  }
  const gsi1 = table.GlobalSecondaryIndexes?.find((index) => index.IndexName === GSI1_NAME);
  if (!gsi1 || keys(gsi1.KeySchema) !== keys(GSI1_KEY_SCHEMA)) {
    throw new Error(`Table ${tableName} lacks index ${GSI1_NAME} with key schema ${keys(GSI1_KEY_SCHEMA)}`);
  }
}

async function ensureTimeToLive(client: DynamoDBClient, tableName: string): Promise<void> {
  const { TimeToLiveDescription: ttl } = await client.send(
    new DescribeTimeToLiveCommand({ TableName: tableName }),
  );
  if (ttl?.TimeToLiveStatus === 'ENABLED' || ttl?.TimeToLiveStatus === 'ENABLING') {
    if (ttl.AttributeName !== TTL_ATTRIBUTE) {
      throw new Error(`Table ${tableName} has TTL on ${ttl.AttributeName}, expected ${TTL_ATTRIBUTE}`);
    }
    return;
  }
  // Enabling TTL twice is a ValidationException, hence the describe first.
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    }),
  );
}
