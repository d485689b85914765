// The service's Lambda functions: names, entry points and the bundle file. No
// esbuild here, so the construct can be used from the published package.
import { resolve } from 'node:path';

/** Project root (the directory of package.json and the lock file). */
export const PROJECT_ROOT = resolve(import.meta.dirname, '..');

/** Each function's entry point; the handler is `index.handler`. */
export const LAMBDA_ENTRIES = {
  api: 'src/lambda/api.ts',
  preSignUp: 'src/lambda/pre-sign-up.ts',
  defineAuthChallenge: 'src/lambda/define-auth-challenge.ts',
  createAuthChallenge: 'src/lambda/create-auth-challenge.ts',
  verifyAuthChallenge: 'src/lambda/verify-auth-challenge.ts',
} as const;

export type FunctionName = keyof typeof LAMBDA_ENTRIES;

/** The file name inside the asset directory; Lambda reads `.mjs` as ESM. */
export const BUNDLE_FILE = 'index.mjs';
