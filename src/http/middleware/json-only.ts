import type { MiddlewareHandler } from 'hono';
import { AuthError } from '../../errors.ts';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * JSON only (docs/security.md "CSRF"): a state-changing request that declares
 * another content type, or sends a body without declaring one, gets `415`.
 * HTML forms cannot send `application/json`, so this also closes the classic
 * cross-site form post.
 */
export function jsonOnly(): MiddlewareHandler {
  return async function jsonOnlyMiddleware(c, next) {
    if (STATE_CHANGING.has(c.req.method)) {
      const type = c.req.header('content-type');
      const length = c.req.header('content-length');
      const hasBody =
        (length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined;
      const isJson = type !== undefined && /^application\/json\s*(;\s*charset=utf-8\s*)?$/i.test(type.trim());
      if ((type !== undefined && !isJson) || (hasBody && !isJson)) {
        throw new AuthError('unsupported_media_type', 415, 'Send the request body as application/json.');
      }
    }
    await next();
  };
}
