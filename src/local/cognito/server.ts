import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { authOperations } from './auth-operations.ts';
import type { EmulatorContext } from './context.ts';
import { CognitoServiceError } from './errors.ts';
import { createHostedUi } from './hosted-ui.ts';
import { providerOperations } from './provider-operations.ts';
import { jwks } from './tokens.ts';
import { type OperationHandler, userOperations } from './user-operations.ts';

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
const JSON_11 = 'application/x-amz-json-1.1';
const MAX_BODY_BYTES = 1024 * 1024;

const OPERATIONS: Record<string, OperationHandler> = {
  ...userOperations,
  ...authOperations,
  ...providerOperations,
};

/** Operations after which the state file is rewritten. */
const MUTATING = new Set([
  'AdminCreateUser',
  'AdminDeleteUser',
  'AdminUpdateUserAttributes',
  'AdminDisableUser',
  'AdminEnableUser',
  'AdminUserGlobalSignOut',
  'AdminInitiateAuth',
  'AdminRespondToAuthChallenge',
  'GetTokensFromRefreshToken',
  'RevokeToken',
  'AdminLinkProviderForUser',
  'AdminDisableProviderForUser',
]);

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': headers['content-type'] ?? JSON_11,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(text);
}

/**
 * JSON 1.1 error: `__type` plus `message`, and `x-amzn-ErrorType`, which the
 * SDK v3 reads to pick the exception class (docs/cognito.md, Wire).
 */
function sendError(res: ServerResponse, error: CognitoServiceError): void {
  send(
    res,
    error.status,
    { __type: error.type, message: error.message },
    { 'x-amzn-errortype': `${error.type}:`, 'x-amzn-errormessage': error.message },
  );
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new CognitoServiceError('SerializationException', 'Request body too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseInput(text: string): Record<string, unknown> {
  let input: unknown;
  try {
    input = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new CognitoServiceError(
      'SerializationException',
      'Start of structure or map found where not expected.',
    );
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new CognitoServiceError('SerializationException', 'Expected a JSON object.');
  }
  return input as Record<string, unknown>;
}

/** OpenID discovery for the pool (what `https://cognito-idp.<region>.amazonaws.com/<poolId>/.well-known/openid-configuration` serves). */
function discovery(ctx: EmulatorContext, baseUrl: string) {
  return {
    issuer: ctx.issuer,
    jwks_uri: `${ctx.issuer}/.well-known/jwks.json`,
    authorization_endpoint: `${baseUrl}/oauth2/authorize`,
    token_endpoint: `${baseUrl}/oauth2/token`,
    userinfo_endpoint: `${baseUrl}/oauth2/userInfo`,
    end_session_endpoint: `${baseUrl}/logout`,
    revocation_endpoint: `${baseUrl}/oauth2/revoke`,
    response_types_supported: ['code', 'token'],
    scopes_supported: ['openid', 'email', 'phone', 'profile'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    code_challenge_methods_supported: ['S256'],
  };
}

export interface RequestListenerOptions {
  ctx: EmulatorContext;
  baseUrl: () => string;
  /** Called after each successful state-changing operation (persistence). */
  afterMutation: () => Promise<void>;
}

/**
 * The emulator's HTTP surface: `POST /` with `X-Amz-Target:
 * AWSCognitoIdentityProviderService.<Op>` (SigV4 is not checked), and the
 * pool's JWKS and OpenID discovery documents. Nothing here logs request
 * bodies: they carry tokens, secrets and challenge answers.
 */
export function createRequestListener({
  ctx,
  baseUrl,
  afterMutation,
}: RequestListenerOptions): RequestListener {
  const wellKnown = `/${ctx.settings.userPoolId}/.well-known/`;
  const hostedUi = ctx.settings.hostedUi
    ? createHostedUi({ ctx, settings: ctx.settings.hostedUi, baseUrl, afterMutation })
    : null;

  async function handleOperation(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = String(req.headers['x-amz-target'] ?? '');
    const name = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const handler = Object.hasOwn(OPERATIONS, name) ? OPERATIONS[name] : undefined;
    if (!handler) {
      throw new CognitoServiceError(
        'UnknownOperationException',
        `The operation ${target || '(no X-Amz-Target)'} is not supported by the local Cognito emulator.`,
      );
    }
    ctx.counts.operations[name] = (ctx.counts.operations[name] ?? 0) + 1;
    const input = parseInput(await readBody(req));
    const output = await handler(ctx, input);
    if (MUTATING.has(name)) await afterMutation();
    send(res, 200, output);
  }

  return async function cognitoEmulator(req, res) {
    try {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (req.method === 'POST' && path === '/') {
        await handleOperation(req, res);
      } else if (req.method === 'GET' && path === `${wellKnown}jwks.json`) {
        send(res, 200, jwks(ctx.keys), { 'content-type': 'application/json' });
      } else if (req.method === 'GET' && path === `${wellKnown}openid-configuration`) {
        send(res, 200, discovery(ctx, baseUrl()), { 'content-type': 'application/json' });
      } else if (hostedUi && (await hostedUi(req, res))) {
        // Served by the hosted UI.
      } else {
        send(res, 404, { message: 'Not Found' }, { 'content-type': 'application/json' });
      }
    } catch (error) {
      if (res.headersSent) return;
      if (error instanceof CognitoServiceError) {
        sendError(res, error);
      } else {
        // An emulator bug: report it without echoing anything from the request.
        // Only the error name and stack frames: a message could quote request data.
        const frames = error instanceof Error ? (error.stack ?? '').split('\n').slice(1, 6).join('\n') : '';
        process.stderr.write(
          `cognito emulator: internal error ${(error as Error)?.name ?? typeof error}\n${frames}\n`,
        );
        sendError(
          res,
          new CognitoServiceError(
            'InternalErrorException',
            'Internal error in the local Cognito emulator.',
            500,
          ),
        );
      }
    }
  };
}
