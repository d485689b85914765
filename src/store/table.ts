import type {
  AttributeDefinition,
  CreateTableCommandInput,
  GlobalSecondaryIndex,
  KeySchemaElement,
} from '@aws-sdk/client-dynamodb';

/**
 * The one table of the service. The local stack (dynalite, src/local/ensure-table.ts)
 * and the CDK stack both build it from these constants, so the two cannot drift apart.
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
