import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Context } from 'hono';
import { handle, type LambdaContext } from 'hono/aws-lambda';
import { createAdapters } from '../adapters.ts';
import { loadConfig } from '../config/config.ts';
import { systemClock } from '../errors.ts';
import { createApp } from '../http/app.ts';
import { createLogger } from '../logging/logger.ts';
import { lambdaClientConfig } from './aws-clients.ts';
import { resolveSecretSettings, type SecretFetcher, secretsManagerFetcher } from './secrets.ts';

/** Settings held in Secrets Manager in AWS; `<NAME>_SECRET_ARN` names the secret. */
export const API_SECRET_SETTINGS = ['SECRET_KEY', 'COGNITO_APP_CLIENT_SECRET'] as const;

/** The subset of an API Gateway REST (v1) proxy event the handler reads itself. */
interface ProxyEventIdentity {
  requestContext?: { identity?: { sourceIp?: string } };
}

/** API Gateway's view of the caller: `requestContext.identity.sourceIp`, never X-Forwarded-For. */
export function sourceIpOf(c: Context): string {
  const env = c.env as { event?: ProxyEventIdentity } | undefined;
  return env?.event?.requestContext?.identity?.sourceIp ?? 'unknown';
}

export type ApiHandler = (event: unknown, context: LambdaContext) => Promise<unknown>;

/**
 * Builds the API Gateway handler from the environment: secrets resolved, the
 * configuration validated as in every other home of the app (`loadConfig`,
 * mode `aws`), SDK clients created once, then the same Hono app as locally.
 */
export async function createApiHandler(
  env: Record<string, string | undefined>,
  fetchSecret: () => SecretFetcher = () => secretsManagerFetcher(),
): Promise<ApiHandler> {
  const config = loadConfig(await resolveSecretSettings(env, API_SECRET_SETTINGS, fetchSecret), 'aws');
  const dynamodb = new DynamoDBClient(lambdaClientConfig(config.region, config.dynamodb.endpoint));
  const cognitoClient = new CognitoIdentityProviderClient(
    lambdaClientConfig(config.region, config.cognito.endpoint),
  );
  const ses = new SESv2Client(lambdaClientConfig(config.region, config.mail.endpoint));
  const app = createApp({
    config,
    ...createAdapters({ config, dynamodb, cognito: cognitoClient, ses, clock: systemClock }),
    clock: systemClock,
    logger: createLogger({ level: config.logLevel }),
    clientIp: sourceIpOf,
  });
  return handle(app) as ApiHandler;
}

let ready: Promise<ApiHandler> | undefined;

/**
 * Lambda entry point (API Gateway REST proxy integration). Secrets are read
 * once per execution environment; a failed start is retried on the next event
 * rather than cached.
 */
export async function handler(event: unknown, context: LambdaContext): Promise<unknown> {
  ready ??= createApiHandler(process.env).catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  return (await ready)(event, context);
}
