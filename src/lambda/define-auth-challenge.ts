import { countingErrors, metricsFromEnv } from '../telemetry/trigger-errors.ts';
import { defineAuthChallenge } from '../triggers/define-auth-challenge.ts';

/** Lambda entry point of the DefineAuthChallenge trigger; it needs no configuration. */
export const handler = countingErrors(
  'define_auth_challenge',
  defineAuthChallenge,
  metricsFromEnv(process.env),
);
