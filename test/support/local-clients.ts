import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createLocalDynamoDbClient } from '../../src/local/dynalite.ts';
import type { LocalStack } from '../../src/local/stack.ts';

/** What a client for the local stack's emulators needs to know of it. */
export type EmulatedStack = Pick<LocalStack, 'cognito' | 'config' | 'dynamodbEndpoint'>;

/** An SDK client for the local stack's Cognito emulator, for tests that act behind the service's back. */
export function localCognito(stack: EmulatedStack): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint: stack.cognito.url,
    region: stack.config.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** Runs `use` with a client for the local Cognito emulator, destroyed afterwards. */
export async function withLocalCognito<T>(
  stack: EmulatedStack,
  use: (client: CognitoIdentityProviderClient) => Promise<T>,
): Promise<T> {
  const client = localCognito(stack);
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

/** Runs `use` with a client for the local stack's DynamoDB (its table is `stack.config.dynamodb.tableName`), destroyed afterwards. */
export async function withLocalDynamoDb<T>(
  stack: EmulatedStack,
  use: (client: DynamoDBClient) => Promise<T>,
): Promise<T> {
  const client = createLocalDynamoDbClient(stack.dynamodbEndpoint, stack.config.region);
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}
