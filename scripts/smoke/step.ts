import type { SmokeResponse } from './browser.ts';

/** A step that did not get the answer it expected; the message names status and error code only. */
export class SmokeStepError extends Error {
  readonly step: string;
  constructor(step: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = this.constructor.name;
    this.step = step;
  }
}

/** A failed expectation inside a step; the runner adds the step's name. */
export class ExpectationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

const NAME_WIDTH = 28;

/**
 * Runs named steps one after another, printing each with its latency, and
 * throws `SmokeStepError` at the first that fails. A step may return a short
 * note to print (a string, never a token or a cookie value).
 */
export function createStepRunner(print: (line: string) => void) {
  return async function step(name: string, run: () => Promise<unknown>): Promise<void> {
    const started = performance.now();
    let note: unknown;
    try {
      note = await run();
    } catch (error) {
      const ms = Math.round(performance.now() - started);
      const detail = describeFailure(error);
      print(`  FAIL  ${name.padEnd(NAME_WIDTH)} ${String(ms).padStart(5)} ms  ${detail}`);
      throw new SmokeStepError(name, detail, { cause: error });
    }
    const ms = Math.round(performance.now() - started);
    print(
      `  ok    ${name.padEnd(NAME_WIDTH)} ${String(ms).padStart(5)} ms${typeof note === 'string' ? `  ${note}` : ''}`,
    );
  };
}

export type StepRunner = ReturnType<typeof createStepRunner>;

/** What went wrong, without anything a response carried beyond its status and error code. */
function describeFailure(error: unknown): string {
  if (error instanceof ExpectationError) return error.message;
  const cause = (error as { cause?: { code?: string } }).cause;
  if (error instanceof TypeError && error.message === 'fetch failed') {
    return `no answer: fetch failed${cause?.code ? ` (${cause.code})` : ''}`;
  }
  const name = (error as { name?: string }).name ?? 'Error';
  return `${name}: ${(error as { message?: string }).message ?? String(error)}`;
}

/** The error code of an answer: the API's `error.code`, else API Gateway's `message`, else none. */
export function codeOf(response: SmokeResponse): string {
  const body = response.body;
  if (typeof body?.error?.code === 'string') return body.error.code;
  if (typeof body?.message === 'string' && body.message.length <= 80) return `"${body.message}"`;
  return '(no error code)';
}

/** Throws unless the answer has this status (and, for errors, this error code). */
export function expectAnswer(response: SmokeResponse, status: number, code?: string): void {
  if (response.status === status && (code === undefined || response.body?.error?.code === code)) return;
  const wanted = code ? `${status} ${code}` : `${status}`;
  const got = response.status < 400 ? `${response.status}` : `${response.status} ${codeOf(response)}`;
  throw new ExpectationError(`expected ${wanted}, got ${got}`);
}

/** Throws with `message` unless `condition` holds. */
export function expectThat(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ExpectationError(message);
}
