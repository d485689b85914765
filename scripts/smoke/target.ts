import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SesQueries } from './ses-report.ts';

/** Where the smoke test runs and the clients it uses to create and delete its test user. */
export interface SmokeTarget {
  /** Printed with the API URL, e.g. "stack ExpenserAuth in eu-west-1". */
  description: string;
  apiUrl: string;
  /** One of the deployment's RP origins: the passkey is made for it and requests carry it. */
  origin: string;
  rp: { id: string; name: string };
  userPoolId: string;
  tableName: string;
  /** MAIL_FROM: the SES identity reported on, and the domain of the test user's address. */
  mailFrom: string | undefined;
  /** RATE_LIMIT_WINDOW_SECONDS of the deployment, to read its counters. */
  rateLimitWindowSeconds: number;
  cognito: CognitoIdentityProviderClient;
  dynamodb: DynamoDBClient;
  /** SES reads for the report; null for the local SES. */
  ses: SesQueries | null;
  close(): Promise<void>;
}
