import type { Context } from 'hono';
import type * as z from 'zod/mini';
import { InvalidRequestError } from '../errors.ts';
import { englishMessages } from '../validation-messages.ts';

/**
 * Parses the JSON body against `schema`. Malformed JSON or a wrong shape is a
 * `400 invalid_request` naming the offending field. Unknown keys (including
 * `__proto__` / `constructor`, which JSON.parse keeps as plain own keys) are
 * dropped by the schema, so nothing downstream ever sees them.
 */
export async function readJson<S extends z.ZodMiniType>(c: Context, schema: S): Promise<z.output<S>> {
  const text = await c.req.text();
  let value: unknown = {};
  if (text.trim() !== '') {
    try {
      value = JSON.parse(text);
    } catch {
      throw new InvalidRequestError('The request body is not valid JSON.');
    }
  }
  const parsed = schema.safeParse(value, { error: englishMessages });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue && issue.path.length > 0 ? issue.path.join('.') : 'body';
    throw new InvalidRequestError(`Invalid field "${field}": ${issue?.message ?? 'invalid value'}.`);
  }
  return parsed.data;
}
