import type { TriggerEventBase } from '../../triggers/types.ts';
import type { EmulatorContext } from './context.ts';
import { CognitoServiceError } from './errors.ts';

/** The trigger names Cognito uses in its error messages ("<Trigger> failed with error ..."). */
export type TriggerName =
  | 'PreSignUp'
  | 'DefineAuthChallenge'
  | 'CreateAuthChallenge'
  | 'VerifyAuthChallengeResponse';

const TIMED_OUT = Symbol('timed out');

/** The common part of every trigger event (DG: cognito-user-identity-pools-working-with-aws-lambda-triggers). */
export function eventBase<S extends string>(
  ctx: EmulatorContext,
  triggerSource: S,
  userName: string,
  clientId: string,
) {
  return {
    version: '1' as const,
    triggerSource,
    region: ctx.settings.region,
    userPoolId: ctx.settings.userPoolId,
    userName,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId },
  };
}

/**
 * Invokes a trigger as Cognito does: the handler gets its own copy of the event;
 * a throw fails the API call with `UserLambdaValidationException`
 * "<Trigger> failed with error <message>."; no answer within the timeout →
 * `UnexpectedLambdaException`; an answer without a `response` object →
 * `InvalidLambdaResponseException` (docs/cognito.md, Trigger events).
 */
export async function invokeTrigger<E extends TriggerEventBase<string, unknown, unknown>>(
  ctx: EmulatorContext,
  name: TriggerName,
  handler: (event: E) => Promise<E>,
  event: E,
): Promise<E> {
  ctx.counts.triggers[name] = (ctx.counts.triggers[name] ?? 0) + 1;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ctx.settings.triggerTimeoutMs);
  });
  let result: E | typeof TIMED_OUT;
  try {
    result = await Promise.race([Promise.resolve().then(() => handler(structuredClone(event))), timeout]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CognitoServiceError('UserLambdaValidationException', `${name} failed with error ${message}.`);
  } finally {
    clearTimeout(timer);
  }
  if (result === TIMED_OUT) {
    throw new CognitoServiceError(
      'UnexpectedLambdaException',
      `${name} failed with error Socket timeout while invoking Lambda function.`,
    );
  }
  const response = (result as { response?: unknown } | null | undefined)?.response;
  if (typeof result !== 'object' || result === null || typeof response !== 'object' || response === null) {
    throw invalidLambdaResponse();
  }
  return result;
}

export function invalidLambdaResponse(): CognitoServiceError {
  return new CognitoServiceError('InvalidLambdaResponseException', 'Unrecognizable lambda output');
}

export function isStringMap(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string')
  );
}
