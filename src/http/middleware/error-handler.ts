import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AuthError, type AuthErrorCode } from '../../errors.ts';
import { describeError } from '../../logging/logger.ts';
import type { AppEnv } from '../deps.ts';

export function errorBody(code: AuthErrorCode, message: string) {
  return { error: { code, message } };
}

/**
 * Maps known errors to their status and code (docs/api.md); everything else
 * is logged and answered with a generic 500 that reveals nothing.
 */
export function handleError(): ErrorHandler<AppEnv> {
  return function onError(error, c: Context<AppEnv>) {
    if (error instanceof AuthError) {
      for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
      return c.json(errorBody(error.code, error.message), error.status as 400);
    }
    if (error instanceof HTTPException && error.status === 413) {
      return c.json(errorBody('payload_too_large', 'The request body is larger than 64 KiB.'), 413);
    }
    if (error instanceof HTTPException && error.status < 500) {
      return c.json(errorBody('invalid_request', 'The request could not be processed.'), error.status);
    }
    c.get('log')?.error('unhandled error', describeError(error));
    return c.json(errorBody('internal_error', 'Something went wrong. Try again.'), 500);
  };
}
