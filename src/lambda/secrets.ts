import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { lambdaClientConfig } from './aws-clients.ts';

/** Reads the string value of one secret by ARN. */
export type SecretFetcher = (secretArn: string) => Promise<string>;

/** A fetcher over Secrets Manager (GetSecretValue on the exact ARN, nothing else). */
export function secretsManagerFetcher(
  client: SecretsManagerClient = new SecretsManagerClient(lambdaClientConfig()),
): SecretFetcher {
  return async function fetchSecret(secretArn) {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (SecretString === undefined) throw new TypeError(`Secret ${secretArn} has no string value`);
    return SecretString;
  };
}

/**
 * The environment with each named setting filled from Secrets Manager when
 * `<NAME>_SECRET_ARN` is set; without the ARN variable the plain value stays
 * (local invocation). Secrets are fetched in parallel, once per call: callers
 * cache the result for the life of the execution environment.
 */
export async function resolveSecretSettings(
  env: Record<string, string | undefined>,
  names: readonly string[],
  fetchSecret: () => SecretFetcher,
): Promise<Record<string, string | undefined>> {
  const resolved = { ...env };
  const pending = names.flatMap((name) => {
    const arn = env[`${name}_SECRET_ARN`];
    if (!arn) return [];
    return [
      fetchSecret()(arn).then((value) => {
        resolved[name] = value;
      }),
    ];
  });
  await Promise.all(pending);
  return resolved;
}
