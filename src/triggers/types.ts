/**
 * Cognito trigger events, shaped as the Cognito developer guide documents them
 * (user-pool-lambda-*.html). Only the fields expenser-auth reads or writes are typed.
 */
export interface TriggerEventBase<Source extends string, Req, Res> {
  version: '1';
  triggerSource: Source;
  region: string;
  userPoolId: string;
  userName: string;
  callerContext: { awsSdkVersion: string; clientId: string };
  request: Req;
  response: Res;
}

export type UserAttributes = Record<string, string>;

export interface ChallengeResultEntry {
  challengeName: 'CUSTOM_CHALLENGE' | 'PASSWORD_VERIFIER' | 'SRP_A' | string;
  challengeResult: boolean;
  challengeMetadata?: string;
}

export type PreSignUpEvent = TriggerEventBase<
  'PreSignUp_SignUp' | 'PreSignUp_AdminCreateUser' | 'PreSignUp_ExternalProvider',
  {
    userAttributes: UserAttributes;
    validationData?: Record<string, string>;
    clientMetadata?: Record<string, string>;
  },
  { autoConfirmUser?: boolean; autoVerifyEmail?: boolean; autoVerifyPhone?: boolean }
>;

export type DefineAuthChallengeEvent = TriggerEventBase<
  'DefineAuthChallenge_Authentication',
  {
    userAttributes: UserAttributes;
    session: ChallengeResultEntry[];
    clientMetadata?: Record<string, string>;
    userNotFound?: boolean;
  },
  { challengeName?: string; issueTokens?: boolean; failAuthentication?: boolean }
>;

export type CreateAuthChallengeEvent = TriggerEventBase<
  'CreateAuthChallenge_Authentication',
  {
    userAttributes: UserAttributes;
    challengeName: string;
    session: ChallengeResultEntry[];
    clientMetadata?: Record<string, string>;
    userNotFound?: boolean;
  },
  {
    publicChallengeParameters?: Record<string, string>;
    privateChallengeParameters?: Record<string, string>;
    challengeMetadata?: string;
  }
>;

export type VerifyAuthChallengeResponseEvent = TriggerEventBase<
  'VerifyAuthChallengeResponse_Authentication',
  {
    userAttributes: UserAttributes;
    privateChallengeParameters: Record<string, string>;
    challengeAnswer: string;
    clientMetadata?: Record<string, string>;
    userNotFound?: boolean;
  },
  { answerCorrect?: boolean }
>;

/** A trigger as a Lambda handler: receives the event, returns it with `response` filled in. */
export type TriggerHandler<E> = (event: E) => Promise<E>;

/** The triggers a user pool (or the local emulator) invokes. */
export interface UserPoolTriggers {
  preSignUp?: TriggerHandler<PreSignUpEvent>;
  defineAuthChallenge?: TriggerHandler<DefineAuthChallengeEvent>;
  createAuthChallenge?: TriggerHandler<CreateAuthChallengeEvent>;
  verifyAuthChallengeResponse?: TriggerHandler<VerifyAuthChallengeResponseEvent>;
}
