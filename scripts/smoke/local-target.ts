import { randomBytes } from 'node:crypto';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { createLocalDynamoDbClient } from '../../src/local/dynalite.ts';
import { startLocalStack } from '../../src/local/stack.ts';
import { createLogger } from '../../src/logging/logger.ts';
import type { SmokeTarget } from './target.ts';

/**
 * The embedded local stack (dynalite, the Cognito emulator with the real
 * triggers, aws-ses-v2-local, the same HTTP app), in memory on free
 * 127.0.0.1 ports, with a fresh SECRET_KEY. Settings come from the local
 * defaults only, not from the environment or `.env`: no real Google, no AWS.
 */
export async function startLocalTarget(): Promise<SmokeTarget> {
  const stack = await startLocalStack({
    port: 0,
    env: { SECRET_KEY: randomBytes(48).toString('base64url'), MAIL_PORT: '0', LOG_LEVEL: 'silent' },
    logger: createLogger({ level: 'silent' }),
  });
  const { config } = stack;
  const cognito = new CognitoIdentityProviderClient({
    endpoint: stack.cognito.url,
    region: config.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const dynamodb = createLocalDynamoDbClient(stack.dynamodbEndpoint, config.region);
  return {
    description: 'local stack',
    apiUrl: stack.url,
    origin: stack.origin,
    rp: { id: config.rp.id, name: config.rp.name },
    userPoolId: config.cognito.userPoolId,
    tableName: config.dynamodb.tableName,
    mailFrom: config.mail.from,
    rateLimitWindowSeconds: config.rateLimit.windowSeconds,
    cognito,
    dynamodb,
    ses: null,
    async close() {
      cognito.destroy();
      dynamodb.destroy();
      await stack.close();
    },
  };
}
