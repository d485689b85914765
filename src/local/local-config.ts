/**
 * Settings `npm start` derives for the embedded local stack, which
 * `loadConfig` (src/config/config.ts) then validates like any others. Only the
 * local stack and tests use them, so they stay out of the Lambda bundles.
 */

/**
 * Defaults for the embedded local stack, derived from PORT: RP id `localhost`,
 * origin `http://localhost:PORT`. The stack spreads the environment over them,
 * so values already present in `env` win.
 */
export function localDefaults(port: number): Record<string, string> {
  const origin = `http://localhost:${port}`;
  return {
    COGNITO_USER_POOL_ID: 'us-east-1_LocalPool1',
    COGNITO_USER_POOL_NAME: 'expenser-auth-local',
    COGNITO_APP_CLIENT_ID: 'localclient0000000000000000',
    COGNITO_APP_CLIENT_SECRET: 'local-client-secret-not-for-production',
    COGNITO_APP_CLIENT_NAME: 'expenser-auth-local-client',
    API_GATEWAY_INVOKE_URL: origin,
    API_FRONTEND_URL: origin,
    RP_ID: 'localhost',
    RP_NAME: 'Expenser (local)',
    RP_ORIGIN: origin,
    DYNAMODB_TABLE_NAME: 'expenser-auth',
    // aws-ses-v2-local refuses senders on `.local`; `.example` is reserved for examples (RFC 2606).
    MAIL_FROM: 'no-reply@expenser.example',
    // Locally a start answers quickly; the floor still hides whether mail was sent.
    MAIL_START_FLOOR_MS: '250',
  };
}
