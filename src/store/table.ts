import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  type TableDescription,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';

/**
 * The one table of the service. The local stack (dynalite) and the CDK stack
 * both build it from these constants, so the two cannot drift apart.
 */

export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';
/** The index that lists a user's credentials (oldest first). */
export const GSI1_NAME = 'gsi1';
export const GSI1_PARTITION_KEY = 'gsi1pk';
export const GSI1_SORT_KEY = 'gsi1sk';
/** Epoch seconds; DynamoDB deletes expired items lazily (up to days later), so expiry is also checked on read. */
export const TTL_ATTRIBUTE = 'ttl';

export const TABLE_KEY_SCHEMA: KeySchemaElement[] = [
  { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
  { AttributeName: SORT_KEY, KeyType: 'RANGE' },
];

export const GSI1_KEY_SCHEMA: KeySchemaElement[] = [
  { AttributeName: GSI1_PARTITION_KEY, KeyType: 'HASH' },
  { AttributeName: GSI1_SORT_KEY, KeyType: 'RANGE' },
];

export const TABLE_ATTRIBUTE_DEFINITIONS: AttributeDefinition[] = [
  { AttributeName: PARTITION_KEY, AttributeType: 'S' },
  { AttributeName: SORT_KEY, AttributeType: 'S' },
  { AttributeName: GSI1_PARTITION_KEY, AttributeType: 'S' },
  { AttributeName: GSI1_SORT_KEY, AttributeType: 'S' },
];

/** The CreateTable request of the table (on-demand billing). */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const gsi1: GlobalSecondaryIndex = {
    IndexName: GSI1_NAME,
    KeySchema: GSI1_KEY_SCHEMA,
    Projection: { ProjectionType: 'ALL' },
  };
  return {
    TableName: tableName,
    KeySchema: TABLE_KEY_SCHEMA,
    AttributeDefinitions: TABLE_ATTRIBUTE_DEFINITIONS,
    GlobalSecondaryIndexes: [gsi1],
    BillingMode: 'PAY_PER_REQUEST',
  };
}

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
