import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { loadVerifyTriggerConfig } from '../config/config.ts';
import { systemClock } from '../errors.ts';
import { createLogger } from '../logging/logger.ts';
import { createDynamoDbStore } from '../store/dynamodb-store.ts';
import { countingErrors, metricsFromEnv } from '../telemetry/trigger-errors.ts';
import { traceAwsCalls } from '../telemetry/xray.ts';
import type { TriggerHandler, VerifyAuthChallengeResponseEvent } from '../triggers/types.ts';
import { createVerifyAuthChallengeHandler } from '../triggers/verify-auth-challenge.ts';
import { lambdaClientConfig } from './aws-clients.ts';

/**
 * Builds the VerifyAuthChallengeResponse handler from the environment: only
 * the table and the relying party (no secrets), validated by the same rules as
 * the API's configuration.
 */
export function createVerifyHandler(
  env: Record<string, string | undefined>,
): TriggerHandler<VerifyAuthChallengeResponseEvent> {
  const config = loadVerifyTriggerConfig(env);
  const client = new DynamoDBClient(lambdaClientConfig(config.region, config.dynamodb.endpoint));
  traceAwsCalls(client);
  const verify = createVerifyAuthChallengeHandler({
    store: createDynamoDbStore({ client, tableName: config.dynamodb.tableName, clock: systemClock }),
    rp: config.rp,
    clock: systemClock,
    logger: createLogger({ level: config.logLevel, base: { trigger: 'VerifyAuthChallengeResponse' } }),
  });
  return countingErrors('verify_auth_challenge', verify, metricsFromEnv(env));
}

let verify: TriggerHandler<VerifyAuthChallengeResponseEvent> | undefined;

/** Lambda entry point; the configuration is read on the first event of an execution environment. */
export async function handler(
  event: VerifyAuthChallengeResponseEvent,
): Promise<VerifyAuthChallengeResponseEvent> {
  verify ??= createVerifyHandler(process.env);
  return verify(event);
}
