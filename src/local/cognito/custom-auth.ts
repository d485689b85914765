import { randomBytes } from 'node:crypto';
import type {
  ChallengeResultEntry,
  CreateAuthChallengeEvent,
  DefineAuthChallengeEvent,
  VerifyAuthChallengeResponseEvent,
} from '../../triggers/types.ts';
import type { EmulatorContext } from './context.ts';
import { invalidParameter, MESSAGES, notAuthorized, userNotFound } from './errors.ts';
import { type AuthenticationResult, issueTokens } from './refresh-tokens.ts';
import { eventBase, invalidLambdaResponse, invokeTrigger, isStringMap } from './triggers.ts';
import { type StoredUser, triggerAttributes } from './user-pool.ts';

/** Server-side state behind an opaque `Session` string (docs/cognito.md, Custom auth). */
export interface AuthSession {
  /** The real username, or the supplied one when the user does not exist. */
  username: string;
  userNotFound: boolean;
  entries: ChallengeResultEntry[];
  challengeName: string;
  privateChallengeParameters: Record<string, string>;
  challengeMetadata?: string;
  /** Milliseconds. */
  expiresAt: number;
}

export type ChallengeStep =
  | { ChallengeName: string; Session: string; ChallengeParameters: Record<string, string> }
  | { ChallengeParameters: Record<string, string>; AuthenticationResult: AuthenticationResult };

interface Subject {
  username: string;
  user: StoredUser | undefined;
}

function requireCustomAuthTriggers(ctx: EmulatorContext) {
  const { defineAuthChallenge, createAuthChallenge, verifyAuthChallengeResponse } = ctx.triggers;
  if (!defineAuthChallenge || !createAuthChallenge || !verifyAuthChallengeResponse) {
    throw invalidParameter('Custom auth lambda trigger is not configured for the user pool.');
  }
  return { defineAuthChallenge, createAuthChallenge, verifyAuthChallengeResponse };
}

function optionalBoolean(value: unknown): boolean {
  if (value !== undefined && value !== null && typeof value !== 'boolean') throw invalidLambdaResponse();
  return value === true;
}

function common(subject: Subject, clientMetadata: Record<string, string> | undefined) {
  return {
    userAttributes: subject.user ? triggerAttributes(subject.user) : {},
    ...(clientMetadata ? { clientMetadata } : {}),
    ...(subject.user ? {} : { userNotFound: true }),
  };
}

/**
 * Define → (Create → session) or tokens or failure (DG:
 * user-pool-lambda-define-auth-challenge). For a user that does not exist,
 * `issueTokens` can never succeed.
 */
async function nextStep(
  ctx: EmulatorContext,
  subject: Subject,
  entries: ChallengeResultEntry[],
  clientMetadata: Record<string, string> | undefined,
): Promise<ChallengeStep> {
  const triggers = requireCustomAuthTriggers(ctx);
  const clientId = ctx.settings.clientId;
  const defined = await invokeTrigger<DefineAuthChallengeEvent>(
    ctx,
    'DefineAuthChallenge',
    triggers.defineAuthChallenge,
    {
      ...eventBase(ctx, 'DefineAuthChallenge_Authentication', subject.username, clientId),
      request: { ...common(subject, clientMetadata), session: entries },
      response: {},
    },
  );
  const { challengeName } = defined.response;
  const failAuthentication = optionalBoolean(defined.response.failAuthentication);
  const issue = optionalBoolean(defined.response.issueTokens);
  if (challengeName !== undefined && challengeName !== null && typeof challengeName !== 'string') {
    throw invalidLambdaResponse();
  }
  if (failAuthentication || (issue && !subject.user)) throw notAuthorized(MESSAGES.badCredentials);
  if (issue && subject.user) {
    const AuthenticationResult = await issueTokens(ctx, subject.user, { withRefreshToken: true });
    return { ChallengeParameters: {}, AuthenticationResult };
  }
  // Only custom challenges are possible in a pure CUSTOM_AUTH flow without SRP.
  if (challengeName !== 'CUSTOM_CHALLENGE') throw invalidLambdaResponse();

  const created = await invokeTrigger<CreateAuthChallengeEvent>(
    ctx,
    'CreateAuthChallenge',
    triggers.createAuthChallenge,
    {
      ...eventBase(ctx, 'CreateAuthChallenge_Authentication', subject.username, clientId),
      request: { ...common(subject, clientMetadata), challengeName, session: entries },
      response: {},
    },
  );
  const {
    publicChallengeParameters = {},
    privateChallengeParameters = {},
    challengeMetadata,
  } = created.response;
  if (!isStringMap(publicChallengeParameters) || !isStringMap(privateChallengeParameters)) {
    throw invalidLambdaResponse();
  }
  if (
    challengeMetadata !== undefined &&
    challengeMetadata !== null &&
    typeof challengeMetadata !== 'string'
  ) {
    throw invalidLambdaResponse();
  }
  const session = randomBytes(96).toString('base64url');
  pruneSessions(ctx);
  sessions(ctx).set(session, {
    username: subject.username,
    userNotFound: !subject.user,
    entries,
    challengeName,
    privateChallengeParameters,
    challengeMetadata: challengeMetadata ?? undefined,
    expiresAt: ctx.clock() + ctx.settings.authSessionValidityMinutes * 60_000,
  });
  return {
    ChallengeName: challengeName,
    Session: session,
    ChallengeParameters: { ...publicChallengeParameters, USERNAME: subject.username },
  };
}

const SESSIONS = new WeakMap<EmulatorContext, Map<string, AuthSession>>();

function sessions(ctx: EmulatorContext): Map<string, AuthSession> {
  let map = SESSIONS.get(ctx);
  if (!map) {
    map = new Map();
    SESSIONS.set(ctx, map);
  }
  return map;
}

function pruneSessions(ctx: EmulatorContext): void {
  const now = ctx.clock();
  for (const [key, value] of sessions(ctx)) if (now >= value.expiresAt) sessions(ctx).delete(key);
}

/**
 * AdminInitiateAuth CUSTOM_AUTH. `ClientMetadata` of this call is NOT passed to
 * the triggers (API: AdminInitiateAuth). An unknown user either fails with
 * `UserNotFoundException` (PreventUserExistenceErrors LEGACY) or runs the
 * triggers with `userNotFound: true` (ENABLED; DG: cognito-user-pool-managing-errors).
 *
 * A federated (`EXTERNAL_PROVIDER`) user is refused before any trigger runs:
 * "You can't sign in a user with a federated IdP with InitiateAuth" (API:
 * InitiateAuth,
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html);
 * no source says AdminInitiateAuth differs, so it is refused there too. The
 * exception Cognito answers with is not documented: the emulator answers
 * `NotAuthorizedException` "Incorrect username or password." [inferred].
 */
export async function initiateCustomAuth(ctx: EmulatorContext, username: string): Promise<ChallengeStep> {
  requireCustomAuthTriggers(ctx);
  const user = ctx.pool.find(username);
  if (!user && !ctx.settings.preventUserExistenceErrors) throw userNotFound();
  if (user && !user.enabled) throw notAuthorized(MESSAGES.userDisabled);
  if (user?.status === 'EXTERNAL_PROVIDER') throw notAuthorized(MESSAGES.badCredentials);
  return nextStep(ctx, { username: user?.username ?? username, user }, [], undefined);
}

/**
 * AdminRespondToAuthChallenge CUSTOM_CHALLENGE: the session is single use and
 * expires after AuthSessionValidity minutes; Verify, then Define again, all
 * with this call's `ClientMetadata` (API: AdminRespondToAuthChallenge).
 */
export async function respondToCustomChallenge(
  ctx: EmulatorContext,
  input: {
    session: string;
    username: string;
    answer: string;
    clientMetadata: Record<string, string> | undefined;
  },
): Promise<ChallengeStep> {
  const triggers = requireCustomAuthTriggers(ctx);
  const state = sessions(ctx).get(input.session);
  sessions(ctx).delete(input.session);
  if (!state || ctx.clock() >= state.expiresAt || !ctx.pool.sameUsername(state.username, input.username)) {
    throw notAuthorized(MESSAGES.invalidSession);
  }
  const user = state.userNotFound ? undefined : ctx.pool.find(state.username);
  if (!state.userNotFound && !user) throw notAuthorized(MESSAGES.badCredentials);
  if (user && !user.enabled) throw notAuthorized(MESSAGES.userDisabled);
  const subject: Subject = { username: state.username, user };

  const verified = await invokeTrigger<VerifyAuthChallengeResponseEvent>(
    ctx,
    'VerifyAuthChallengeResponse',
    triggers.verifyAuthChallengeResponse,
    {
      ...eventBase(ctx, 'VerifyAuthChallengeResponse_Authentication', state.username, ctx.settings.clientId),
      request: {
        ...common(subject, input.clientMetadata),
        privateChallengeParameters: state.privateChallengeParameters,
        challengeAnswer: input.answer,
      },
      response: {},
    },
  );
  const answerCorrect = optionalBoolean(verified.response.answerCorrect);
  const entry: ChallengeResultEntry = {
    challengeName: state.challengeName,
    challengeResult: answerCorrect && !state.userNotFound,
  };
  if (state.challengeMetadata !== undefined) entry.challengeMetadata = state.challengeMetadata;
  return nextStep(ctx, subject, [...state.entries, entry], input.clientMetadata);
}
