import { isIP } from 'node:net';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Context } from 'hono';
import { handle, type LambdaContext } from 'hono/aws-lambda';
import { createAdapters } from '../adapters.ts';
import { type Config, loadConfig } from '../config/config.ts';
import { sameText } from '../constant-time.ts';
import { systemClock } from '../errors.ts';
import { createApp } from '../http/app.ts';
import { createLogger } from '../logging/logger.ts';
import { metricsFromEnv } from '../telemetry/trigger-errors.ts';
import { traceAwsCalls } from '../telemetry/xray.ts';
import { lambdaClientConfig } from './aws-clients.ts';
import { resolveSecretSettings, type SecretFetcher, secretsManagerFetcher } from './secrets.ts';

/** Settings held in Secrets Manager in AWS; `<NAME>_SECRET_ARN` names the secret. */
const API_SECRET_SETTINGS = [
  'SECRET_KEY',
  'COGNITO_APP_CLIENT_SECRET',
  'CLIENT_IP_FORWARDER_SECRET',
] as const;

/** The header a trusted forwarder (CloudFront, as an origin custom header) adds with CLIENT_IP_FORWARDER_SECRET. */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

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

/**
 * The viewer's address in `CloudFront-Viewer-Address` (`<ip>:<port>`, IPv6 unbracketed,
 * e.g. `2001:db8::1:443`), or null when the value is not that.
 */
export function viewerAddressOf(header: string | undefined): string | null {
  const match = header ? /^(.+):(\d{1,5})$/.exec(header.trim()) : null;
  const ip = match?.[1];
  return ip && isIP(ip) ? ip : null;
}

/**
 * The client's address for rate limits. Behind a forwarder that the configuration names
 * (CLIENT_IP_FORWARDER=cloudfront), a request that proves it came through it (the secret
 * origin header CloudFront adds, compared in constant time) is counted under the viewer's
 * address from `CloudFront-Viewer-Address`, a header CloudFront writes itself. Every other
 * request — no forwarder configured, no or wrong proof, a malformed header — is counted
 * under the caller API Gateway saw: a client cannot choose its bucket by sending headers.
 */
export function clientIpResolver(forwarder: Config['forwarder']): (c: Context) => string {
  if (!forwarder) return sourceIpOf;
  return function clientIpBehindForwarder(c) {
    const proof = c.req.header(ORIGIN_VERIFY_HEADER);
    if (!proof || !sameText(proof, forwarder.secret)) return sourceIpOf(c);
    return viewerAddressOf(c.req.header('cloudfront-viewer-address')) ?? sourceIpOf(c);
  };
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
    clientIp: clientIpResolver(config.forwarder),
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
