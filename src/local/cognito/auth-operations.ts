import { createHmac } from 'node:crypto';
import {
  assertClient,
  assertPool,
  type EmulatorContext,
  type OperationInput,
  optionalString,
  optionalStringMap,
  requireString,
  safeEqual,
} from './context.ts';
import { initiateCustomAuth, respondToCustomChallenge } from './custom-auth.ts';
import { CognitoServiceError, invalidParameter, MESSAGES, notAuthorized } from './errors.ts';
import { findRefreshRecord, issueTokens, refreshTokens, useRefreshToken } from './refresh-tokens.ts';
import type { OperationHandler } from './user-operations.ts';

/**
 * SECRET_HASH check for a client with a secret: Base64(HMAC-SHA256(secret,
 * username + clientId)), computed over the username the caller sent
 * (DG: signing-up-users-in-your-app, "Computing secret hash values").
 */
function checkSecretHash(ctx: EmulatorContext, username: string, given: string | undefined): void {
  const { clientId, clientSecret } = ctx.settings;
  if (!given) throw notAuthorized(`Client ${clientId} is configured for secret but secret was not received`);
  const expected = createHmac('sha256', clientSecret)
    .update(username + clientId)
    .digest('base64');
  if (!safeEqual(given, expected)) throw notAuthorized(`Unable to verify secret hash for client ${clientId}`);
}

/** GetTokensFromRefreshToken / RevokeToken carry the client secret itself. */
function checkClientSecret(ctx: EmulatorContext, input: OperationInput, errorType: string): void {
  const given = optionalString(input, 'ClientSecret');
  const { clientId, clientSecret } = ctx.settings;
  if (!given) {
    throw new CognitoServiceError(
      errorType,
      `Client ${clientId} is configured for secret but secret was not received`,
    );
  }
  if (!safeEqual(given, clientSecret)) throw new CognitoServiceError(errorType, 'Invalid client secret.');
}

function authParameter(params: Record<string, string>, name: string): string {
  const value = params[name];
  if (!value) throw invalidParameter(`Missing required parameter ${name}`);
  return value;
}

const flowNotEnabled = () => invalidParameter('Auth flow not enabled for this client');

/**
 * API: AdminInitiateAuth. CUSTOM_AUTH, and REFRESH_TOKEN_AUTH only while
 * refresh-token rotation is off (API: RefreshTokenRotationType: rotation must
 * go through GetTokensFromRefreshToken). `ClientMetadata` here never reaches
 * Define/Create.
 */
const adminInitiateAuth: OperationHandler = async (ctx, input) => {
  assertPool(ctx, input);
  assertClient(ctx, input);
  const flow = requireString(input, 'AuthFlow');
  const params = optionalStringMap(input, 'AuthParameters') ?? {};
  optionalStringMap(input, 'ClientMetadata');
  if (flow === 'CUSTOM_AUTH') {
    const username = authParameter(params, 'USERNAME');
    checkSecretHash(ctx, username, params.SECRET_HASH);
    return initiateCustomAuth(ctx, username);
  }
  if (
    (flow === 'REFRESH_TOKEN_AUTH' || flow === 'REFRESH_TOKEN') &&
    !ctx.settings.refreshTokenRotation.enabled
  ) {
    const { user, record } = await useRefreshToken(ctx, authParameter(params, 'REFRESH_TOKEN'));
    // The hash uses the real username (docs/cognito.md, Tokens).
    checkSecretHash(ctx, user.username, params.SECRET_HASH);
    const lineage = { authTime: record.authTime, originJti: record.originJti, eventId: record.eventId };
    return {
      ChallengeParameters: {},
      AuthenticationResult: await issueTokens(ctx, user, { lineage, withRefreshToken: false }),
    };
  }
  throw flowNotEnabled();
};

/** API: AdminRespondToAuthChallenge — USERNAME and SECRET_HASH use the real username. */
const adminRespondToAuthChallenge: OperationHandler = async (ctx, input) => {
  assertPool(ctx, input);
  assertClient(ctx, input);
  const challengeName = requireString(input, 'ChallengeName');
  if (challengeName !== 'CUSTOM_CHALLENGE') {
    throw invalidParameter(`Unsupported challenge ${challengeName}: this pool only uses CUSTOM_CHALLENGE.`);
  }
  const responses = optionalStringMap(input, 'ChallengeResponses') ?? {};
  const username = authParameter(responses, 'USERNAME');
  checkSecretHash(ctx, username, responses.SECRET_HASH);
  const answer = authParameter(responses, 'ANSWER');
  const session = optionalString(input, 'Session');
  if (!session) throw notAuthorized(MESSAGES.invalidSession);
  const clientMetadata = optionalStringMap(input, 'ClientMetadata');
  return respondToCustomChallenge(ctx, { session, username, answer, clientMetadata });
};

/** API: GetTokensFromRefreshToken — rotates the refresh token when rotation is enabled. */
const getTokensFromRefreshToken: OperationHandler = async (ctx, input) => {
  assertClient(ctx, input);
  checkClientSecret(ctx, input, 'NotAuthorizedException');
  const token = requireString(input, 'RefreshToken');
  return { AuthenticationResult: await refreshTokens(ctx, token) };
};

const TOKEN_PATTERN = /^[A-Za-z0-9\-_=.]+$/;

/**
 * API: RevokeToken — revokes a refresh token (and, in Cognito, the access tokens
 * issued from it). An unknown refresh token is a no-op, as at the revocation
 * endpoint (DG: revocation-endpoint); a JWT is not a refresh token.
 */
const revokeToken: OperationHandler = async (ctx, input) => {
  assertClient(ctx, input);
  checkClientSecret(ctx, input, 'UnauthorizedException');
  const token = requireString(input, 'Token');
  if (!TOKEN_PATTERN.test(token)) throw invalidParameter("Value at 'token' failed to satisfy constraint.");
  const record = await findRefreshRecord(ctx, token);
  if (record) {
    record.revoked = true;
  } else if (token.split('.').length === 3) {
    throw new CognitoServiceError('UnsupportedTokenTypeException', 'Unsupported token type');
  }
  return {};
};

export const authOperations: Record<string, OperationHandler> = {
  AdminInitiateAuth: adminInitiateAuth,
  AdminRespondToAuthChallenge: adminRespondToAuthChallenge,
  GetTokensFromRefreshToken: getTokensFromRefreshToken,
  RevokeToken: revokeToken,
};
