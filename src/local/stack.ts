import { join } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { createAdapters } from '../adapters.ts';
import { APP_CLIENT_WRITE_ATTRIBUTES } from '../cognito/google-attributes.ts';
import { USERNAMES_CASE_SENSITIVE } from '../cognito/pool-settings.ts';
import type { CognitoAdapter } from '../cognito/types.ts';
import { type Config, loadConfig } from '../config/config.ts';
import { type Clock, systemClock } from '../errors.ts';
import { createApp } from '../http/app.ts';
import type { AppEnv } from '../http/deps.ts';
import { createLogger, type Logger } from '../logging/logger.ts';
import { createDynamoDbStore } from '../store/dynamodb-store.ts';
import type { Store } from '../store/types.ts';
import { createAuthChallenge } from '../triggers/create-auth-challenge.ts';
import { defineAuthChallenge } from '../triggers/define-auth-challenge.ts';
import { preSignUp } from '../triggers/pre-sign-up.ts';
import type { UserPoolTriggers } from '../triggers/types.ts';
import { createVerifyAuthChallengeHandler } from '../triggers/verify-auth-challenge.ts';
import { attachCallCounter, type CallCounter } from './call-counter.ts';
import { type CognitoEmulator, startCognitoEmulator } from './cognito/index.ts';
import { createLocalDynamoDbClient, startDynalite } from './dynalite.ts';
import { ensureTable } from './ensure-table.ts';
import { startLocalGoogle } from './google/local-google.ts';
import { listen } from './listen.ts';
import { localDefaults } from './local-config.ts';
import { type LocalMail, startLocalMail } from './mail.ts';

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
  mount?: (app: Hono<AppEnv>, stack: { config: Config; clock: Clock }) => void | Promise<void>;
  /** Test hook: wraps the store the HTTP app uses (fault injection). */
  wrapStore?: (store: Store) => Store;
  /** Test hook: wraps the Cognito adapter the HTTP app uses (fault injection). */
  wrapCognito?: (cognito: CognitoAdapter) => CognitoAdapter;
  /** Test hook: replaces trigger handlers (e.g. with the bundled Lambda entry points). */
  triggers?: Partial<UserPoolTriggers>;
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
  /** aws-ses-v2-local: the SES endpoint the service sends through and its mailbox page. */
  mail: Pick<LocalMail, 'endpoint' | 'mailboxUrl'>;
  /** The Google the emulator's hosted UI federates to: the local stand-in, or accounts.google.com. */
  google: { url: string; issuer: string };
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
    const mail = await startLocalMail(Number(options.env?.MAIL_PORT ?? 0));
    closers.push(mail.close);
    // Google sign-in: the hosted UI federates to the local stand-in, or to the real
    // Google when GOOGLE_CLIENT_ID/GOOGLE_CLIENT_SECRET are set (see local-google.ts).
    const google = await startLocalGoogle(env);
    closers.push(() => google.close());

    const emulator = await startCognitoEmulator({
      hostedUi: google.hostedUi(draft),
      region: draft.region,
      userPoolId: draft.cognito.userPoolId,
      userPoolName: draft.cognito.userPoolName ?? 'expenser-auth-local',
      clientId: draft.cognito.clientId,
      clientSecret: draft.cognito.clientSecret,
      clientName: draft.cognito.clientName ?? 'expenser-auth-local-client',
      // As the CDK stack sets them (infra/construct/user-pool.ts).
      caseSensitive: USERNAMES_CASE_SENSITIVE,
      writeAttributes: [...APP_CLIENT_WRITE_ATTRIBUTES],
      accessTokenValiditySeconds: 15 * 60,
      idTokenValiditySeconds: 15 * 60,
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
        ...options.triggers,
      },
    });
    closers.push(() => emulator.close());
    google.registerEmulator(emulator.url);

    const config = loadConfig(
      {
        ...env,
        COGNITO_ENDPOINT: emulator.url,
        // The emulator's base URL is the hosted-UI domain (/oauth2/*, /logout).
        COGNITO_USER_POOL_DOMAIN: emulator.url,
        DYNAMODB_ENDPOINT: dynamo.endpoint,
        MAIL_ENDPOINT: mail.endpoint,
      },
      'local',
    );
    const cognitoClient = new CognitoIdentityProviderClient({
      endpoint: emulator.url,
      region: config.region,
      credentials: LOCAL_CREDENTIALS,
    });
    const ses = new SESv2Client({
      endpoint: mail.endpoint,
      region: config.region,
      credentials: LOCAL_CREDENTIALS,
    });
    const adapters = createAdapters({ config, dynamodb: dynamoClient, cognito: cognitoClient, ses, clock });
    const app = createApp({
      config,
      ...adapters,
      // The same store the triggers use, optionally wrapped for fault injection.
      store: options.wrapStore ? options.wrapStore(store) : store,
      cognito: options.wrapCognito ? options.wrapCognito(adapters.cognito) : adapters.cognito,
      clock,
      logger,
      clientIp: (c) =>
        (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket
          ?.remoteAddress ?? 'unknown',
    });
    await options.mount?.(app, { config, clock });
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
      mail: { endpoint: mail.endpoint, mailboxUrl: mail.mailboxUrl },
      google: { url: google.url, issuer: google.issuer },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
