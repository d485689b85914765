import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createCognitoAdapter } from '../cognito/cognito-adapter.ts';
import { loadPreSignUpTriggerConfig } from '../config/config.ts';
import { systemClock } from '../errors.ts';
import { createDynamoDbStore } from '../store/dynamodb-store.ts';
import { traceAwsCalls } from '../telemetry/xray.ts';
import { type PreSignUpDeps, preSignUpDepsFrom } from '../triggers/pre-sign-up.ts';
import { lambdaClientConfig } from './aws-clients.ts';

/**
 * What the PreSignUp trigger needs for a Google first sign-in: the Cognito
 * adapter (ListUsers, AdminLinkProviderForUser on the event's pool) and the
 * store (pending explicit links). Loaded only when such an event arrives.
 */
export function createPreSignUpDeps(
  env: Record<string, string | undefined>,
  pool: { userPoolId: string; clientId: string },
): PreSignUpDeps {
  const config = loadPreSignUpTriggerConfig(env);
  const dynamodb = new DynamoDBClient(lambdaClientConfig(config.region, config.dynamodb.endpoint));
  const cognito = new CognitoIdentityProviderClient(
    lambdaClientConfig(config.region, config.cognitoEndpoint),
  );
  traceAwsCalls(dynamodb);
  traceAwsCalls(cognito);
  return preSignUpDepsFrom({
    cognito: createCognitoAdapter({
      client: cognito,
      userPoolId: pool.userPoolId,
      clientId: pool.clientId,
      // Lookups and links are IAM-authorized admin calls; the client secret is never needed here.
      clientSecret: '',
    }),
    store: createDynamoDbStore({
      client: dynamodb,
      tableName: config.dynamodb.tableName,
      clock: systemClock,
    }),
  });
}
