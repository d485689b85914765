import { Token } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { NAMESPACE } from '../../src/telemetry/metrics.ts';
import type { CodeSource } from '../functions.ts';
import type { OperationsOptions } from './operations.ts';

/** What a team configures to run expenser-auth in its own CDK app. */
export interface ExpenserAuthProps {
  /** The front end (API_FRONTEND_URL): Google sign-in returns there, sign-out ends at `<frontendUrl>/login`. */
  frontendUrl: string;
  /** The WebAuthn relying party: passkeys are bound to `id`; each origin must be on it. */
  relyingParty: { id: string; name: string; origins: string[] };
  /** Hosted-UI domain prefix, `<prefix>.auth.<region>.amazoncognito.com`; globally unique. */
  hostedUiDomainPrefix: string;
  /** Amazon SES: the sender, and the domain to verify (Easy DKIM) instead of the sender's address. */
  mail: { from: string; domain?: string | undefined; sandboxRecipients?: string[] | undefined };
  /**
   * Serve the API at the root of this custom domain (an ACM certificate in the stack's region);
   * it becomes the API URL. Put it on the front end's site so its cookies stay first-party.
   */
  apiDomain?: { name: string; certificate: acm.ICertificate } | undefined;
  /** The API's public URL when something else fronts it; default the custom domain's, else the stage URL. */
  apiUrl?: string | undefined;
  /** Google sign-in; the client secret is read from this Secrets Manager secret at deploy time. */
  google?: { clientId: string; clientSecretName: string } | undefined;
  /** Keep the user pool, table and SECRET_KEY (with deletion protection) when deleted. Default true. */
  retainData?: boolean | undefined;
  /** API Gateway stage throttling. Default 50 requests/s, burst 100. */
  throttle?: { rateLimit: number; burstLimit: number } | undefined;
  /**
   * `cloudfront`: a CloudFront distribution forwards `/auth/*` to the API under the front
   * end's own origin (so its server can read the session). The API then counts rate limits
   * per viewer (`CloudFront-Viewer-Address`) for requests that carry the secret origin header
   * the construct generates (`originCustomHeaders()`, for the distribution's API origin), and
   * the regional WAF rate rule aggregates by the forwarded address. Default: none, the caller
   * API Gateway sees is the client.
   */
  forwarder?: 'cloudfront' | undefined;
  /** WAF: requests per client IP per 5 minutes before blocking (at least 10). Default 500. */
  wafRateLimit?: number | undefined;
  /** Names of the table, pool and client; default names CloudFormation generates (table, pool) or `expenser-auth-web`. */
  names?:
    | { table?: string | undefined; userPool?: string | undefined; client?: string | undefined }
    | undefined;
  /** More OAuth redirect URIs and sign-out URLs; the ones the API sends are always registered. */
  extraCallbackUrls?: string[] | undefined;
  extraLogoutUrls?: string[] | undefined;
  /**
   * More service settings for the API function (ALLOWED_ORIGINS, RATE_LIMIT_*,
   * MAIL_START_FLOOR_MS): anything but what the construct sets itself.
   */
  apiEnvironment?: Record<string, string> | undefined;
  /** LOG_LEVEL of every function. Default `info`. */
  logLevel?: LogLevel | undefined;
  /** Retention of every log group. Default one month. */
  logRetention?: logs.RetentionDays | undefined;
  /** Alarm actions and thresholds. Default: alarms without actions, thresholds in `Operations`. */
  alarms?: OperationsOptions | undefined;
  /** CloudWatch namespace of the service's metrics. Default `ExpenserAuth/<stack name>/<construct id>`. */
  metricsNamespace?: string | undefined;
  /** Function code; default the bundles the package ships (built by `npm run build`), or, in the repository, esbuild bundles of `src/lambda/` made at synthesis. */
  code?: CodeSource | undefined;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** A mistake in `ExpenserAuthProps`, naming every bad property and what was expected. */
export class ExpenserAuthPropsError extends TypeError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid ExpenserAuth props:\n- ${problems.join('\n- ')}`);
    this.name = this.constructor.name;
    this.problems = problems;
  }
}

// A dot-atom local part (no quoted forms) at a DNS host name: what SES accepts as an identity.
export const EMAIL_ADDRESS =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
export const HOST_NAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const GOOGLE_CLIENT_ID = /^[\w.-]+\.apps\.googleusercontent\.com$/;

/** A hosted-UI domain prefix Cognito accepts: a DNS label without aws, amazon or cognito. */
export function isDomainPrefix(prefix: string): boolean {
  return DOMAIN_PREFIX.test(prefix) && !/aws|amazon|cognito/.test(prefix);
}

/** Whether `address` is on `domain` or one of its subdomains (SES lets a verified domain send from its subdomains). */
export function isOnDomain(address: string, domain: string): boolean {
  const addressDomain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  const parent = domain.toLowerCase();
  return addressDomain === parent || addressDomain.endsWith(`.${parent}`);
}

/** An https URL, or http on localhost: what the app client may redirect to. */
export function isAppUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && url.hostname === 'localhost');
  } catch {
    return false;
  }
}

/** Settings of the API function the construct sets itself: `apiEnvironment` may not name them. */
export const CONSTRUCT_SETTINGS = [
  'API_FRONTEND_URL',
  'API_GATEWAY_INVOKE_URL',
  'RP_ID',
  'RP_NAME',
  'RP_ORIGIN',
  'LOG_LEVEL',
  'MAIL_FROM',
  'MAIL_CONFIGURATION_SET',
  'DYNAMODB_TABLE_NAME',
  'SECRET_KEY',
  'SECRET_KEY_SECRET_ARN',
  'METRICS_NAMESPACE',
  'CLIENT_IP_FORWARDER',
  'CLIENT_IP_FORWARDER_SECRET',
  'CLIENT_IP_FORWARDER_SECRET_SECRET_ARN',
] as const;

/** Settings the service needs whose values exist only once the stack does. */
const PRODUCED_BY_STACK: Record<string, string> = {
  COGNITO_USER_POOL_ID: 'us-east-1_Placeholder0',
  COGNITO_USER_POOL_ARN: 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Placeholder0',
  COGNITO_APP_CLIENT_ID: 'placeholderclient000000000',
  COGNITO_APP_CLIENT_SECRET: 'placeholder-client-secret',
  SECRET_KEY: 'synth-time-placeholder-not-used-by-any-function-Qz7Wk',
  CLIENT_IP_FORWARDER_SECRET: 'synth-time-placeholder-origin-header-value-Xq3',
  AWS_REGION: 'us-east-1',
  MAIL_CONFIGURATION_SET: 'placeholder-configuration-set',
};

/**
 * The API function's settings with placeholders for what only exists once
 * deployed (the user pool, its client, SECRET_KEY, the region, the mail
 * configuration set; the API URL unless `env` has one), so the service's own
 * rules (`loadConfig` in `aws` mode) can run at synthesis.
 */
export function withStackPlaceholders(
  env: Record<string, string | undefined>,
): Record<string, string | undefined> {
  return {
    ...env,
    ...PRODUCED_BY_STACK,
    ...(env.API_GATEWAY_INVOKE_URL ? {} : { API_GATEWAY_INVOKE_URL: 'https://placeholder.execute-api.aws' }),
  };
}

const isToken = (value: unknown) => typeof value === 'string' && Token.isUnresolved(value);

/**
 * Checks the props once, before anything is built: the construct's own rules plus the
 * service's (`loadConfig` in `aws` mode, on the environment the API function would get), so a
 * relying party the service would refuse at its first cold start fails synthesis instead.
 * Values that are tokens (known only at deploy time) are not checked.
 */
export function validateExpenserAuthProps(props: ExpenserAuthProps): void {
  const problems: string[] = [];
  const { hostedUiDomainPrefix: prefix, google, mail, throttle, wafRateLimit } = props;
  if (!isToken(prefix) && !isDomainPrefix(prefix)) {
    problems.push(
      `hostedUiDomainPrefix: expected lower-case letters, digits and hyphens without aws/amazon/cognito, got ${JSON.stringify(prefix)}`,
    );
  }
  if (google && !isToken(google.clientId) && !GOOGLE_CLIENT_ID.test(google.clientId)) {
    problems.push(
      `google.clientId: expected <id>.apps.googleusercontent.com, got ${JSON.stringify(google.clientId)}`,
    );
  }
  if (google && !google.clientSecretName) problems.push('google.clientSecretName: expected a secret name');
  if (!isToken(mail.from) && !EMAIL_ADDRESS.test(mail.from)) {
    problems.push(`mail.from: expected an email address, got ${JSON.stringify(mail.from)}`);
  } else if (mail.domain && !isToken(mail.domain) && !isToken(mail.from)) {
    if (!HOST_NAME.test(mail.domain.toLowerCase()))
      problems.push(`mail.domain: expected a domain, got ${JSON.stringify(mail.domain)}`);
    else if (!isOnDomain(mail.from, mail.domain)) {
      problems.push(`mail.from: ${mail.from} is not on mail.domain ${mail.domain} or one of its subdomains`);
    }
  }
  for (const address of mail.sandboxRecipients ?? []) {
    if (!isToken(address) && !EMAIL_ADDRESS.test(address)) {
      problems.push(`mail.sandboxRecipients: ${JSON.stringify(address)} is not an email address`);
    }
  }
  if (props.apiDomain && !isToken(props.apiDomain.name) && !HOST_NAME.test(props.apiDomain.name)) {
    problems.push(
      `apiDomain.name: expected a host name such as api.example.com, got ${JSON.stringify(props.apiDomain.name)}`,
    );
  }
  const positive = (name: string, value: number | undefined, min = 1) => {
    if (value !== undefined && (!Number.isInteger(value) || value < min)) {
      problems.push(`${name}: expected an integer of at least ${min}, got ${value}`);
    }
  };
  positive('throttle.rateLimit', throttle?.rateLimit);
  positive('throttle.burstLimit', throttle?.burstLimit);
  positive('wafRateLimit', wafRateLimit, 10);
  positive('alarms.signInFailures', props.alarms?.signInFailures);
  positive('alarms.throttledRequests', props.alarms?.throttledRequests);
  positive('alarms.serverErrors', props.alarms?.serverErrors);
  if (
    props.metricsNamespace !== undefined &&
    !isToken(props.metricsNamespace) &&
    !NAMESPACE.test(props.metricsNamespace)
  ) {
    problems.push(
      `metricsNamespace: expected 1–255 letters, digits and . - _ / # :, got ${JSON.stringify(props.metricsNamespace)}`,
    );
  }
  for (const url of [...(props.extraCallbackUrls ?? []), ...(props.extraLogoutUrls ?? [])]) {
    if (!isToken(url) && !isAppUrl(url))
      problems.push(`extra URLs: ${url} is not an https URL (http only for localhost)`);
  }
  const reserved = Object.keys(props.apiEnvironment ?? {}).filter(
    (name) =>
      (CONSTRUCT_SETTINGS as readonly string[]).includes(name) || /^(COGNITO_|AWS_)|_ENDPOINT$/.test(name),
  );
  for (const name of reserved)
    problems.push(`apiEnvironment.${name}: set by the construct, not by apiEnvironment`);

  const env = apiServiceSettings(props);
  if (!Object.values(env).some(isToken)) {
    try {
      // The construct names the table itself; the API URL is the props' or a placeholder.
      loadConfig(
        withStackPlaceholders({
          ...env,
          DYNAMODB_TABLE_NAME: 'placeholder-table',
          API_GATEWAY_INVOKE_URL: props.apiUrl,
        }),
        'aws',
      );
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems.map((problem) => `the API's settings: ${problem}`));
    }
  }
  if (problems.length > 0) throw new ExpenserAuthPropsError(problems);
}

/** The service settings of the API function that come from the props (the rest come from resources). */
export function apiServiceSettings(props: ExpenserAuthProps): Record<string, string> {
  return {
    ...props.apiEnvironment,
    API_FRONTEND_URL: props.frontendUrl,
    RP_ID: props.relyingParty.id,
    RP_NAME: props.relyingParty.name,
    RP_ORIGIN: props.relyingParty.origins.join(','),
    LOG_LEVEL: props.logLevel ?? 'info',
    MAIL_FROM: isToken(props.mail.from) ? props.mail.from : props.mail.from.toLowerCase(),
    ...(props.forwarder ? { CLIENT_IP_FORWARDER: props.forwarder } : {}),
  };
}
