import { countingErrors, metricsFromEnv } from '../telemetry/trigger-errors.ts';
import { createAuthChallenge } from '../triggers/create-auth-challenge.ts';

/** Lambda entry point of the CreateAuthChallenge trigger; it needs no configuration. */
export const handler = countingErrors(
  'create_auth_challenge',
  createAuthChallenge,
  metricsFromEnv(process.env),
);
