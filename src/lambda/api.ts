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
import { metricsFromEnv } from '../telemetry/trigger-errors.ts';
import { traceAwsCalls } from '../telemetry/xray.ts';
import { lambdaClientConfig } from './aws-clients.ts';
import { resolveSecretSettings, type SecretFetcher, secretsManagerFetcher } from './secrets.ts';

/** Settings held in Secrets Manager in AWS; `<NAME>_SECRET_ARN` names the secret. */
export const API_SECRET_SETTINGS = ['SECRET_KEY', 'COGNITO_APP_CLIENT_SECRET'] as const;

/**
 * The part of an API Gateway proxy event that names the caller: a REST API (payload 1.0) puts
 * it in `requestContext.identity.sourceIp`, an HTTP API with payload 2.0 in
 * `requestContext.http.sourceIp` (DG: set-up-lambda-proxy-integrations, "Input format";
 * http-api-develop-integrations-lambda, "Payload format version").
 */
interface ProxyEventCaller {
  requestContext?: { identity?: { sourceIp?: unknown }; http?: { sourceIp?: unknown } };
}

/**
 * API Gateway's view of the caller, from a REST (v1) or HTTP API (v2) event alike; never
 * X-Forwarded-For, which the client writes. `unknown` only for an event from neither.
 */
export function sourceIpOf(c: Context): string {
  const context = (c.env as { event?: ProxyEventCaller } | undefined)?.event?.requestContext;
  const ip = context?.identity?.sourceIp ?? context?.http?.sourceIp;
  return typeof ip === 'string' && ip !== '' ? ip : 'unknown';
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
  for (const client of [dynamodb, cognitoClient, ses]) traceAwsCalls(client);
  const app = createApp({
    config,
    ...createAdapters({ config, dynamodb, cognito: cognitoClient, ses, clock: systemClock }),
    clock: systemClock,
    logger: createLogger({ level: config.logLevel }),
    clientIp: sourceIpOf,
    metrics: metricsFromEnv(env),
  });
  return handle(app) as ApiHandler;
}

let ready: Promise<ApiHandler> | undefined;

/**
 * Lambda entry point (API Gateway REST proxy integration, or an HTTP API's). Secrets are read
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
