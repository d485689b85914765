import { Hono } from 'hono';
import type { AppEnv, Runtime } from '../deps.ts';

/** `/auth/google*`: Google sign-in through the Cognito hosted UI (shared/API.md "Google"). */
export function googleRoutes(_rt: Runtime) {
  const app = new Hono<AppEnv>();
  return app;
}
