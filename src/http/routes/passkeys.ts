import { Hono } from 'hono';
import type { AppEnv, Runtime } from '../deps.ts';

/** `/auth/passkeys*`: passkey management for the signed-in user (shared/API.md "Passkey management"). */
export function passkeyManagementRoutes(_rt: Runtime) {
  const app = new Hono<AppEnv>();
  return app;
}
