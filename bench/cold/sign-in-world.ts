// What every cold sign-in of the bench runs against: the local stack (dynalite,
// the Cognito emulator running our triggers in process, the SES stand-in), a
// Secrets Manager stand-in, one passkey user on a software authenticator, the
// sample's authenticators table holding the same credential, and the
// environment each function is deployed with.
import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createLocalDynamoDbClient } from '../../src/local/dynalite.ts';
import { type LocalStack, startLocalStack } from '../../src/local/stack.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { TestBrowser } from '../../test/support/browser.ts';
import { signUp } from '../../test/support/flows.ts';
import { startSecretsManager } from '../../test/support/secrets-manager.ts';
import { SoftAuthenticator } from '../../test/support/soft-authenticator.ts';
import { createPeerTable, putPeerCredential } from './peer-table.ts';
import { createLocalCertificate, startTlsProxy } from './tls-proxy.ts';

export const FRONTEND = 'https://app.example.com';
export const API_DOMAIN = 'api.example.com';
export const RP_ID = 'example.com';
const PEER_TABLE = 'passwordless-fido2-authenticators';
const SECRET_KEY = 'bench-Q7w9E2r4T6y8U1i3O5p7A9s2D4f6G8h';
const arn = (name: string) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}`;

export interface SignInWorld {
  stack: LocalStack;
  authenticator: SoftAuthenticator;
  user: { id: string; email: string };
  /** The sample's table, reached with a client of the bench's own. */
  peer: { client: DynamoDBClient; tableName: string };
  /** Each function's environment, as its stack deploys it (endpoints pointing at the local stand-ins). */
  env: {
    api: Record<string, string>;
    verify: Record<string, string>;
    peerChallenge: Record<string, string>;
    peerVerify: Record<string, string>;
  };
  close(): Promise<void>;
}

/** What Lambda puts in every function's environment (credentials from its role, here dummies). */
function lambdaEnv(functionName: string, region: string, caFile: string): Record<string, string> {
  return {
    // The local endpoints' certificate (see tls-proxy.ts).
    NODE_EXTRA_CA_CERTS: caFile,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: 'local',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  };
}

export async function startSignInWorld(): Promise<SignInWorld> {
  const stack = await startLocalStack({
    port: 0,
    env: {
      SECRET_KEY,
      RP_ID,
      RP_NAME: 'Expenser',
      RP_ORIGIN: FRONTEND,
      MAIL_START_FLOOR_MS: '20',
      RATE_LIMIT_IP_REQUESTS: '1000000',
      RATE_LIMIT_IP_FAILURES: '100000',
    },
    logger: createLogger({ level: 'silent' }),
  });
  const closers: (() => Promise<void> | void)[] = [() => stack.close()];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    const { config } = stack;
    const secrets = await startSecretsManager({
      [arn('key')]: SECRET_KEY,
      [arn('client')]: config.cognito.clientSecret,
    });
    closers.push(() => secrets.close());
    const certificate = createLocalCertificate();
    closers.push(() => certificate.dispose());
    const https = async (target: string) => {
      const proxy = await startTlsProxy(target, certificate);
      closers.push(() => proxy.close());
      return proxy.url;
    };
    const endpoints = {
      dynamodb: await https(stack.dynamodbEndpoint),
      secretsManager: await https(secrets.url),
      mail: await https(stack.mail.endpoint),
      // Cognito stays on plain HTTP: the emulator names itself (http://…) as the ID tokens'
      // issuer, and the API derives the issuer it expects from COGNITO_ENDPOINT.
      cognito: stack.cognito.url,
    };
    const ca = certificate.caFile;
    const authenticator = new SoftAuthenticator();
    const email = `cold.${Date.now()}@example.com`;
    const browser = new TestBrowser({ ...stack, origin: FRONTEND }, { origin: FRONTEND });
    const created = await signUp(browser, authenticator, email);
    if (created.status !== 201) throw new Error(`sign-up failed: ${created.status}`);
    const user = { id: created.body.user.id as string, email };
    const held = authenticator.credentials[0];
    if (!held) throw new Error('the authenticator holds no credential');

    const peerClient = createLocalDynamoDbClient(stack.dynamodbEndpoint, config.region);
    closers.push(() => peerClient.destroy());
    await createPeerTable(peerClient, PEER_TABLE);
    await putPeerCredential(peerClient, PEER_TABLE, {
      userId: user.id,
      credentialId: held.id,
      publicKeySpki: authenticator.publicKeyOf(held.id),
      rpId: RP_ID,
    });

    const rp = { RP_ID, RP_NAME: 'Expenser', RP_ORIGIN: FRONTEND };
    const table = {
      DYNAMODB_TABLE_NAME: config.dynamodb.tableName,
      DYNAMODB_ENDPOINT: endpoints.dynamodb,
    };
    // infra/stack.ts: the API function's settings, with both secrets named by ARN.
    const api = {
      ...lambdaEnv('expenser-auth-api', config.region, ca),
      ...rp,
      ...table,
      COGNITO_USER_POOL_ID: config.cognito.userPoolId,
      COGNITO_APP_CLIENT_ID: config.cognito.clientId,
      COGNITO_APP_CLIENT_SECRET_SECRET_ARN: arn('client'),
      SECRET_KEY_SECRET_ARN: arn('key'),
      COGNITO_ENDPOINT: endpoints.cognito,
      API_GATEWAY_INVOKE_URL: `https://${API_DOMAIN}`,
      API_FRONTEND_URL: FRONTEND,
      MAIL_FROM: config.mail.from,
      MAIL_ENDPOINT: endpoints.mail,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.secretsManager,
      RATE_LIMIT_IP_REQUESTS: '1000000',
      RATE_LIMIT_IP_FAILURES: '100000',
      LOG_LEVEL: 'info',
    };
    const verify = {
      ...lambdaEnv('expenser-auth-verify', config.region, ca),
      ...rp,
      ...table,
      LOG_LEVEL: 'info',
    };
    // dist/cdk/lib/cognito-passwordless.js with `fido2: { allowedRelyingPartyIds: [RP_ID] }`,
    // `allowedOrigins: [FRONTEND]` and the default log level (INFO).
    const peerTable = {
      DYNAMODB_AUTHENTICATORS_TABLE: PEER_TABLE,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    };
    const peerChallenge = {
      ...lambdaEnv('passwordless-fido2-challenge', config.region, ca),
      ...peerTable,
      LOG_LEVEL: 'INFO',
      SIGN_IN_TIMEOUT: '120000',
      USER_VERIFICATION: 'required',
      CORS_ALLOWED_ORIGINS: FRONTEND,
      CORS_ALLOWED_HEADERS: 'Content-Type',
      CORS_ALLOWED_METHODS: 'POST',
      CORS_MAX_AGE: '86400',
    };
    const peerVerify = {
      ...lambdaEnv('passwordless-verify-auth-challenge', config.region, ca),
      ...peerTable,
      LOG_LEVEL: 'INFO',
      ALLOWED_ORIGINS: FRONTEND,
      ALLOWED_APPLICATION_ORIGINS: '',
      FIDO2_ENABLED: 'TRUE',
      ALLOWED_RELYING_PARTY_IDS: RP_ID,
      ENFORCE_FIDO2_IF_AVAILABLE: '',
      USER_VERIFICATION: 'required',
      STACK_ID: `arn:aws:cloudformation:us-east-1:123456789012:stack/passwordless/${randomBytes(8).toString('hex')}`,
    };
    return {
      stack,
      authenticator,
      user,
      peer: { client: peerClient, tableName: PEER_TABLE },
      env: { api, verify, peerChallenge, peerVerify },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
