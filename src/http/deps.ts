import type { Context } from 'hono';
import type { IdTokenVerifier } from '../cognito/id-token.ts';
import type { CognitoAdapter } from '../cognito/types.ts';
import type { Config } from '../config/config.ts';
import type { Clock } from '../errors.ts';
import type { Logger } from '../logging/logger.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Keys } from '../sessions/keys.ts';
import type { RefreshState, Session } from '../sessions/session.ts';
import type { Store } from '../store/types.ts';
import type { MetricsRecorder } from '../telemetry/metrics.ts';

/** What the HTTP app is handed; it never knows whether it runs locally or in AWS. */
export interface AppDeps {
  config: Config;
  store: Store;
  cognito: CognitoAdapter;
  verifyIdToken: IdTokenVerifier;
  mailer: Mailer;
  clock: Clock;
  logger: Logger;
  /**
   * The client's address as the trusted edge saw it: the socket's peer locally,
   * API Gateway's `sourceIp` in AWS. Never a client-sent `X-Forwarded-For`.
   */
  clientIp: (c: Context) => string;
  /** CloudWatch metrics (EMF) in AWS; none by default. */
  metrics?: MetricsRecorder;
}

/** The auth cookies of a request, opened once by the `authCookies` middleware. */
export interface RequestAuth {
  /** The session cookie, when valid and unexpired. Its record is checked by `requireSession`. */
  session: Session | null;
  /** The session id the session cookie names, even when that cookie has expired. */
  sessionCookieSid: string | null;
  /** The session id the cookies name (session cookie, else refresh cookie): the CSRF binding. */
  sid: string | null;
  /** The refresh cookie, when valid. */
  refresh: RefreshState | null;
}

export type AppEnv = {
  Variables: {
    requestId: string;
    log: Logger;
    auth: RequestAuth;
    metrics: MetricsRecorder;
  };
};

/** Dependencies plus the keys derived once from SECRET_KEY. */
export interface Runtime extends AppDeps {
  keys: Keys;
}
