import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { createCognitoAdapter } from './cognito/cognito-adapter.ts';
import { createIdTokenVerifier, type IdTokenVerifier } from './cognito/id-token.ts';
import type { CognitoAdapter } from './cognito/types.ts';
import type { Config } from './config/config.ts';
import type { Clock } from './errors.ts';
import { createSesMailer, type Mailer } from './mail/mailer.ts';
import { createDynamoDbStore } from './store/dynamodb-store.ts';
import type { Store } from './store/types.ts';

export interface Adapters {
  store: Store;
  cognito: CognitoAdapter;
  verifyIdToken: IdTokenVerifier;
  mailer: Mailer;
}

/**
 * The adapters every home of the service hands the HTTP app (the Lambda entry
 * point and the local stack), built from validated configuration and SDK
 * clients the caller created for its environment.
 */
export function createAdapters(input: {
  config: Config;
  dynamodb: DynamoDBClient;
  cognito: CognitoIdentityProviderClient;
  ses: SESv2Client;
  clock: Clock;
}): Adapters {
  const { config, clock } = input;
  return {
    store: createDynamoDbStore({ client: input.dynamodb, tableName: config.dynamodb.tableName, clock }),
    cognito: createCognitoAdapter({
      client: input.cognito,
      userPoolId: config.cognito.userPoolId,
      clientId: config.cognito.clientId,
      clientSecret: config.cognito.clientSecret,
    }),
    verifyIdToken: createIdTokenVerifier({
      issuer: config.cognito.issuer,
      jwksUri: config.cognito.jwksUri,
      clientId: config.cognito.clientId,
    }),
    mailer: createSesMailer({
      client: input.ses,
      from: config.mail.from,
      configurationSet: config.mail.configurationSet,
    }),
  };
}
