import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { cookieSpecs } from '../sessions/cookies.ts';
import { deriveKeys } from '../sessions/keys.ts';
import { noMetrics } from '../telemetry/metrics.ts';
import type { AppDeps, AppEnv, Runtime } from './deps.ts';
import { authCookies } from './middleware/auth-cookies.ts';
import { csrfProtection } from './middleware/csrf.ts';
import { errorBody, handleError } from './middleware/error-handler.ts';
import { jsonOnly } from './middleware/json-only.ts';
import { requestContext } from './middleware/request-context.ts';
import { requestMetrics } from './middleware/request-metrics.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { createFailureLimiter } from './rate-limit.ts';
import { accountRoutes } from './routes/account.ts';
import { emailRoutes } from './routes/email.ts';
import { googleRoutes } from './routes/google.ts';
import { passkeyLoginRoutes } from './routes/passkey-login.ts';
import { passkeyRegisterRoutes } from './routes/passkey-register.ts';
import { passkeyManagementRoutes } from './routes/passkeys.ts';
import { recoveryRoutes } from './routes/recovery.ts';
import { sessionRoutes } from './routes/session.ts';
import { signupRoutes } from './routes/signup.ts';
import { stepUpRoutes } from './routes/stepup.ts';

/** Request bodies over this size get `413` before they are parsed. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * The expenser-auth HTTP API (docs/api.md), mounted under `/auth`. The same
 * app runs behind API Gateway and in the local dev server; it is handed its
 * adapters and never knows which.
 */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const rt: Runtime = { ...deps, keys: deriveKeys(deps.config.secretKey) };
  const { config } = deps;
  const limiter = createFailureLimiter({ store: deps.store, ...config.rateLimit });

  const auth = new Hono<AppEnv>();
  auth.use(
    cors({
      origin: (origin) => (config.allowedOrigins.includes(origin) ? origin : null),
      credentials: true,
      allowMethods: ['GET', 'POST', 'PATCH', 'DELETE'],
      allowHeaders: ['Content-Type', 'X-CSRF-Token'],
      maxAge: 600,
    }),
  );
  auth.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => c.json(errorBody('payload_too_large', 'The request body is larger than 64 KiB.'), 413),
    }),
  );
  auth.use(jsonOnly());
  const jar = cookieSpecs(config.secureCookies);
  auth.use(authCookies({ jar, keys: rt.keys, clock: deps.clock }));
  auth.use(
    csrfProtection({
      allowedOrigins: config.allowedOrigins,
      jar,
      keys: rt.keys,
      clock: deps.clock,
    }),
  );
  auth.get('/health', (c) => c.json({ status: 'ok' }));
  auth.route('/', sessionRoutes(rt));
  auth.route('/signup', signupRoutes(rt, limiter));
  auth.route('/recovery', recoveryRoutes(rt, limiter));
  auth.route('/passkey/register', passkeyRegisterRoutes(rt, limiter));
  auth.route('/passkey/login', passkeyLoginRoutes(rt, limiter));
  auth.route('/passkeys', passkeyManagementRoutes(rt));
  auth.route('/google', googleRoutes(rt, limiter));
  auth.route('/stepup', stepUpRoutes(rt, limiter));
  auth.route('/email', emailRoutes(rt, limiter));
  auth.route('/account', accountRoutes(rt));

  const app = new Hono<AppEnv>();
  app.use(requestContext({ logger: deps.logger }));
  app.use(requestMetrics({ metrics: deps.metrics ?? noMetrics }));
  app.use(securityHeaders({ https: config.secureCookies }));
  app.route('/auth', auth);
  app.notFound((c) => c.json(errorBody('not_found', 'No such endpoint.'), 404));
  app.onError(handleError());
  return app;
}
