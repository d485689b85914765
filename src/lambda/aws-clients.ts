import { fromEnv } from '@aws-sdk/credential-provider-env';

/** Settings every SDK client a function creates shares. */
export interface LambdaClientConfig {
  region?: string;
  endpoint?: string;
  credentials: ReturnType<typeof fromEnv>;
}

/**
 * Client settings for code running in Lambda. Lambda hands a function its
 * role's credentials in `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
 * `AWS_SESSION_TOKEN`, the first place the SDK's default chain looks. Reading
 * them there directly means the rest of the chain (profiles, SSO, IMDS, web
 * identity) is never called, and infra/bundle.ts leaves it out of the bundles.
 * This holds for the on-demand Node.js functions the stack deploys; a runtime
 * that serves credentials another way (an HTTP endpoint, as SnapStart does for
 * the runtimes that have it) would need the SDK's chain back here.
 * Without `region` the SDK reads `AWS_REGION`, which Lambda also sets.
 */
export function lambdaClientConfig(region?: string, endpoint?: string): LambdaClientConfig {
  return {
    ...(region ? { region } : {}),
    ...(endpoint ? { endpoint } : {}),
    credentials: fromEnv(),
  };
}
