import { join } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { createCognitoAdapter } from '../cognito/cognito-adapter.ts';
import { createIdTokenVerifier } from '../cognito/id-token.ts';
import { type Config, loadConfig, localDefaults } from '../config/config.ts';
import { type Clock, systemClock } from '../errors.ts';
import { createApp } from '../http/app.ts';
import type { AppEnv } from '../http/deps.ts';
import { createLogger, type Logger } from '../logging/logger.ts';
import { attachCallCounter, type CallCounter, createDynamoDbStore } from '../store/dynamodb-store.ts';
import { ensureTable } from '../store/table.ts';
import type { Store } from '../store/types.ts';
import { createAuthChallenge } from '../triggers/create-auth-challenge.ts';
import { defineAuthChallenge } from '../triggers/define-auth-challenge.ts';
import { preSignUp } from '../triggers/pre-sign-up.ts';
import { createVerifyAuthChallengeHandler } from '../triggers/verify-auth-challenge.ts';
import { type CognitoEmulator, startCognitoEmulator } from './cognito/index.ts';
import { createLocalDynamoDbClient, startDynalite } from './dynalite.ts';
import { listen } from './listen.ts';

export interface LocalStackOptions {
  /** Port of the API and demo page; 0 picks a free one (tests). */
  port: number;
  /** Persist DynamoDB and Cognito state here; in memory when absent. */
  dataDir?: string;
  /** Settings from the environment; local defaults fill the rest. */
  env?: Record<string, string | undefined>;
  clock?: Clock;
  logger?: Logger;
  /** Extra routes served beside `/auth` (the demo page). */
  mount?: (app: Hono<AppEnv>, stack: { config: Config }) => void | Promise<void>;
  /** Test hook: wraps the store the HTTP app uses (fault injection). */
  wrapStore?: (store: Store) => Store;
}

export interface LocalStack {
  url: string;
  origin: string;
  config: Config;
  app: Hono<AppEnv>;
  store: Store;
  cognito: CognitoEmulator;
  dynamodbEndpoint: string;
  dynamodbCalls: CallCounter;
  close(): Promise<void>;
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * The embedded stack: dynalite, the Cognito emulator running the real trigger
 * modules in process, and the same HTTP app as in AWS, all on 127.0.0.1. The
 * HTTP port is taken first so the WebAuthn origin can follow it.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: 'info' });
  let handler: ((request: Request, env: unknown) => Response | Promise<Response>) | null = null;
  const server = serve({
    fetch: (request, env) => (handler ? handler(request, env) : new Response('starting', { status: 503 })),
    port: options.port,
    hostname: '127.0.0.1',
    autoCleanup: false,
  } as Parameters<typeof serve>[0]);
  const port = await listen(server, options.port);
  const closers: (() => Promise<void>)[] = [() => new Promise((resolve) => server.close(() => resolve()))];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };

  try {
    const env = { ...localDefaults(port), ...options.env, COGNITO_ENDPOINT: 'http://127.0.0.1:1' };
    const draft = loadConfig(env, 'local');

    const dynamo = await startDynalite({
      ...(options.dataDir ? { path: join(options.dataDir, 'dynamodb') } : {}),
    });
    closers.push(dynamo.close);
    const dynamoClient = createLocalDynamoDbClient(dynamo.endpoint, draft.region);
    const dynamodbCalls = attachCallCounter(dynamoClient);
    await ensureTable(dynamoClient, draft.dynamodb.tableName);
    const store = createDynamoDbStore({ client: dynamoClient, tableName: draft.dynamodb.tableName, clock });

    const emulator = await startCognitoEmulator({
      region: draft.region,
      userPoolId: draft.cognito.userPoolId,
      userPoolName: draft.cognito.userPoolName ?? 'expenser-auth-local',
      clientId: draft.cognito.clientId,
      clientSecret: draft.cognito.clientSecret,
      clientName: draft.cognito.clientName ?? 'expenser-auth-local-client',
      clock,
      ...(options.dataDir ? { dataFile: join(options.dataDir, 'cognito.json') } : {}),
      triggers: {
        preSignUp,
        defineAuthChallenge,
        createAuthChallenge,
        verifyAuthChallengeResponse: createVerifyAuthChallengeHandler({
          store,
          rp: draft.rp,
          clock,
          logger: logger.child({ component: 'trigger' }),
        }),
      },
    });
    closers.push(() => emulator.close());

    const config = loadConfig(
      { ...env, COGNITO_ENDPOINT: emulator.url, DYNAMODB_ENDPOINT: dynamo.endpoint },
      'local',
    );
    const cognitoClient = new CognitoIdentityProviderClient({
      endpoint: emulator.url,
      region: config.region,
      credentials: LOCAL_CREDENTIALS,
    });
    const app = createApp({
      config,
      store: options.wrapStore ? options.wrapStore(store) : store,
      cognito: createCognitoAdapter({
        client: cognitoClient,
        userPoolId: config.cognito.userPoolId,
        clientId: config.cognito.clientId,
        clientSecret: config.cognito.clientSecret,
      }),
      verifyIdToken: createIdTokenVerifier({
        issuer: config.cognito.issuer,
        jwksUri: config.cognito.jwksUri,
        clientId: config.cognito.clientId,
      }),
      clock,
      logger,
      clientIp: (c) =>
        (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket
          ?.remoteAddress ?? 'unknown',
    });
    await options.mount?.(app, { config });
    handler = app.fetch;
    const url = `http://localhost:${port}`;
    return {
      url,
      origin: url,
      config,
      app,
      store,
      cognito: emulator,
      dynamodbEndpoint: dynamo.endpoint,
      dynamodbCalls,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
