// expenser-auth/next: server helpers for a Next.js (App Router) front end that
// serves the API under its own origin (see authRewrites): getSession() for
// server components, createAuthProxy() for proxy.ts. Server code only.
export type { VerifiedSession } from '../../src/server.ts';
export {
  type AuthProxyOptions,
  createAuthProxy,
  type RenewSessionInput,
  type RenewSessionResult,
  renewSession,
} from './proxy.ts';
export { type AuthRewrite, authRewrites } from './rewrites.ts';
export { getSession } from './session.ts';
export type { ExpenserNextOptions } from './settings.ts';
