import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import {
  GSI1_NAME,
  GSI1_PARTITION_KEY,
  GSI1_SORT_KEY,
  PARTITION_KEY,
  SORT_KEY,
  TTL_ATTRIBUTE,
} from '../src/store/table.ts';

/**
 * The table of src/store/table.ts (same keys, same index, TTL on `ttl`):
 * on demand, point-in-time recovery, KMS encryption; retained and
 * deletion-protected unless `retain` is false. Without a name, CloudFormation generates one.
 */
export function createTable(
  scope: Construct,
  tableName: string | undefined,
  retain: boolean,
): dynamodb.TableV2 {
  return new dynamodb.TableV2(scope, 'Table', {
    tableName,
    partitionKey: { name: PARTITION_KEY, type: dynamodb.AttributeType.STRING },
    sortKey: { name: SORT_KEY, type: dynamodb.AttributeType.STRING },
    globalSecondaryIndexes: [
      {
        indexName: GSI1_NAME,
        partitionKey: { name: GSI1_PARTITION_KEY, type: dynamodb.AttributeType.STRING },
        sortKey: { name: GSI1_SORT_KEY, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      },
    ],
    billing: dynamodb.Billing.onDemand(),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
    timeToLiveAttribute: TTL_ATTRIBUTE,
    deletionProtection: retain,
    removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });
}
