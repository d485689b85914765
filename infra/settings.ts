import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError, loadConfig } from '../src/config/config.ts';
import {
  EMAIL_ADDRESS,
  GOOGLE_CLIENT_ID,
  HOST_NAME,
  isAppUrl,
  isDomainPrefix,
  isOnDomain,
  type LogLevel,
  withStackPlaceholders,
} from './construct/props.ts';

/** What the stack is built from: the service's own settings plus deploy-only ones. */
export interface DeploySettings {
  stackName: string;
  /** Settings handed to the API function as plain environment variables (no secrets). */
  serviceEnv: Record<string, string>;
  rp: { id: string; name: string; origins: string[] };
  logLevel: LogLevel;
  /** The API's public URL (API_GATEWAY_INVOKE_URL); else the custom domain's, else the stage URL. */
  apiUrl: string | undefined;
  /** API Gateway custom domain (API_DOMAIN_NAME) with its ACM certificate in the stack's region. */
  apiDomain: { name: string; certificateArn: string } | undefined;
  frontendUrl: string;
  tableName: string;
  userPoolName: string;
  clientName: string;
  /** Hosted-UI domain prefix: `<prefix>.auth.<region>.amazoncognito.com`. */
  domainPrefix: string;
  /** More OAuth redirect URIs for the app client, besides the API's own callback, which is always registered. */
  callbackUrls: string[];
  /** More sign-out URLs for the app client, besides the API's own (`<front end>/login`), which is always registered. */
  logoutUrls: string[];
  /** Google federation, only when GOOGLE_CLIENT_ID is set; the secret is read from Secrets Manager at deploy time. */
  google: { clientId: string; clientSecretName: string } | undefined;
  /** Keep the user pool, table and secrets when the stack is deleted (default). */
  retainData: boolean;
  throttle: { rateLimit: number; burstLimit: number };
  /** Requests per 5 minutes per client IP before WAF blocks. */
  wafRateLimit: number;
  /** Amazon SES: what the API function sends mail with, and what the stack verifies. */
  mail: MailSettings;
}

export interface MailSettings {
  /** MAIL_FROM: the sender address (lower-cased), passed to the API function. */
  from: string;
  /** MAIL_DOMAIN: verify this domain (Easy DKIM) instead of the MAIL_FROM address. */
  domain: string | undefined;
  /** MAIL_SANDBOX_RECIPIENTS: addresses verified so a sandboxed account may send to them. */
  sandboxRecipients: string[];
}

/** Service settings copied to the API function verbatim when set. */
const PASS_THROUGH = [
  'API_FRONTEND_URL',
  'RP_ID',
  'RP_NAME',
  'RP_ORIGIN',
  'ALLOWED_ORIGINS',
  'RATE_LIMIT_WINDOW_SECONDS',
  'RATE_LIMIT_IP_FAILURES',
  'RATE_LIMIT_ACCOUNT_FAILURES',
  'RATE_LIMIT_IP_REQUESTS',
  'RATE_LIMIT_EMAIL_SENDS',
  'RATE_LIMIT_IP_EMAIL_SENDS',
  'MAIL_START_FLOOR_MS',
  'LOG_LEVEL',
] as const;

const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;

/**
 * Validates the deployment settings with the service's own rules (`loadConfig`
 * in `aws` mode, with the values the stack produces filled by placeholders)
 * plus the deploy-only variables. Throws `ConfigError` naming every bad one.
 */
export function loadDeploySettings(env: Record<string, string | undefined>): DeploySettings {
  const problems: string[] = [];
  const service = withStackPlaceholders(env);
  // Endpoint overrides are for the local stack; a deployed function must reach AWS.
  delete service.COGNITO_ENDPOINT;
  delete service.DYNAMODB_ENDPOINT;
  delete service.MAIL_ENDPOINT;
  let config: ReturnType<typeof loadConfig> | undefined;
  try {
    config = loadConfig(service, 'aws');
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }

  const stackName = env.STACK_NAME?.trim() || 'ExpenserAuth';
  if (!STACK_NAME.test(stackName))
    problems.push(`STACK_NAME (invalid): expected a CloudFormation stack name`);
  const domainPrefix = env.COGNITO_DOMAIN_PREFIX?.trim() ?? '';
  if (!isDomainPrefix(domainPrefix)) {
    problems.push(
      `COGNITO_DOMAIN_PREFIX (${domainPrefix ? 'invalid' : 'missing'}): expected a globally unique prefix of lower-case letters, digits and hyphens, without aws/amazon/cognito`,
    );
  }
  const callbackUrls = urlList(env, 'OAUTH_CALLBACK_URLS', problems);
  const logoutUrls = urlList(env, 'OAUTH_LOGOUT_URLS', problems);
  const googleClientId = env.GOOGLE_CLIENT_ID?.trim();
  if (googleClientId && !GOOGLE_CLIENT_ID.test(googleClientId)) {
    problems.push('GOOGLE_CLIENT_ID (invalid): expected <id>.apps.googleusercontent.com');
  }
  const apiDomainName = env.API_DOMAIN_NAME?.trim();
  const certificateArn = env.API_CERTIFICATE_ARN?.trim();
  if (apiDomainName && !/^([a-z0-9-]+\.)+[a-z]{2,}$/.test(apiDomainName)) {
    problems.push('API_DOMAIN_NAME (invalid): expected a host name such as api.example.com');
  }
  if (
    apiDomainName &&
    !/^arn:aws[\w-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/.test(certificateArn ?? '')
  ) {
    problems.push(
      `API_CERTIFICATE_ARN (${certificateArn ? 'invalid' : 'missing'}): expected the ARN of an ACM certificate for API_DOMAIN_NAME`,
    );
  }
  const throttleRate = positiveInt(env, 'API_THROTTLE_RATE_LIMIT', 50, problems);
  const throttleBurst = positiveInt(env, 'API_THROTTLE_BURST_LIMIT', 100, problems);
  const wafRateLimit = positiveInt(env, 'WAF_RATE_LIMIT', 500, problems);
  if (wafRateLimit < 10) problems.push('WAF_RATE_LIMIT (invalid): AWS WAF rate-based rules need at least 10');
  const mail = mailSettings(env, problems);
  const retain = env.RETAIN_DATA?.trim() ?? 'true';
  if (retain !== 'true' && retain !== 'false') problems.push('RETAIN_DATA (invalid): expected true or false');
  if (problems.length > 0 || !config) throw new ConfigError(problems);

  const serviceEnv: Record<string, string> = {};
  for (const name of PASS_THROUGH) {
    const value = env[name]?.trim();
    if (value) serviceEnv[name] = value;
  }
  return {
    stackName,
    serviceEnv,
    rp: config.rp,
    logLevel: config.logLevel,
    apiUrl: env.API_GATEWAY_INVOKE_URL
      ? config.apiUrl
      : apiDomainName
        ? `https://${apiDomainName}`
        : undefined,
    apiDomain: apiDomainName && certificateArn ? { name: apiDomainName, certificateArn } : undefined,
    frontendUrl: config.frontendUrl,
    tableName: config.dynamodb.tableName,
    userPoolName: env.COGNITO_USER_POOL_NAME?.trim() || 'expenser-auth',
    clientName: env.COGNITO_APP_CLIENT_NAME?.trim() || 'expenser-auth-web',
    domainPrefix,
    callbackUrls: callbackUrls ?? [],
    logoutUrls: logoutUrls ?? [],
    google: googleClientId
      ? {
          clientId: googleClientId,
          clientSecretName: env.GOOGLE_CLIENT_SECRET_NAME?.trim() || 'expenser-auth/google-client-secret',
        }
      : undefined,
    retainData: retain === 'true',
    throttle: { rateLimit: throttleRate, burstLimit: throttleBurst },
    wafRateLimit,
    mail,
  };
}

/**
 * MAIL_FROM must be an address; with MAIL_DOMAIN it must be on that domain or a
 * subdomain (SES lets a verified domain send from its subdomains). Sandbox
 * recipients are addresses; the sender's own address is verified already.
 * Addresses are lower-cased, as the service lower-cases MAIL_FROM before sending.
 */
function mailSettings(env: Record<string, string | undefined>, problems: string[]): MailSettings {
  const from = env.MAIL_FROM?.trim().toLowerCase() ?? '';
  const domain = env.MAIL_DOMAIN?.trim().toLowerCase() || undefined;
  // The service's own rules (loadConfig) may have refused MAIL_FROM already: one message is
  // enough. For an unset one, this message (which names the expected form) replaces theirs.
  const isMailFrom = (problem: string) => problem.startsWith('MAIL_FROM ');
  if (!from) {
    problems.splice(0, problems.length, ...problems.filter((problem) => !isMailFrom(problem)));
    problems.push("MAIL_FROM (missing): expected the sender's email address, such as no-reply@example.com");
  } else if (!EMAIL_ADDRESS.test(from) && !problems.some(isMailFrom)) {
    problems.push(`MAIL_FROM (invalid): expected an email address such as no-reply@example.com, got ${from}`);
  }
  if (domain && !HOST_NAME.test(domain)) {
    problems.push(`MAIL_DOMAIN (invalid): expected a domain such as example.com, got ${domain}`);
  } else if (domain && EMAIL_ADDRESS.test(from) && !isOnDomain(from, domain)) {
    problems.push(`MAIL_FROM (invalid): ${from} is not on MAIL_DOMAIN ${domain} or one of its subdomains`);
  }
  const sandboxRecipients: string[] = [];
  for (const item of (env.MAIL_SANDBOX_RECIPIENTS ?? '').split(',')) {
    const address = item.trim().toLowerCase();
    if (!address) continue;
    if (!EMAIL_ADDRESS.test(address)) {
      problems.push(`MAIL_SANDBOX_RECIPIENTS (invalid): ${address} is not an email address`);
    } else if (!sandboxRecipients.includes(address) && (domain || address !== from)) {
      sandboxRecipients.push(address);
    }
  }
  return { from, domain, sandboxRecipients };
}

function urlList(
  env: Record<string, string | undefined>,
  name: string,
  problems: string[],
): string[] | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const items = raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  for (const item of items) {
    if (!isAppUrl(item))
      problems.push(`${name} (invalid): ${item} is not an https URL (http only for localhost)`);
  }
  return items;
}

function positiveInt(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  problems: string[],
): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 2_000_000_000) {
    problems.push(`${name} (invalid): expected a positive integer, got ${raw}`);
    return fallback;
  }
  return value;
}

/**
 * The settings file of a deployment: `.env` when present, else `.env.example`
 * (so `npm run synth` works on a clean clone). Process variables win.
 */
export function readEnvFiles(
  root: string,
  processEnv: Record<string, string | undefined>,
): { file: string; env: Record<string, string | undefined> } {
  const file = existsSync(join(root, '.env')) ? '.env' : '.env.example';
  const fromFile = parseEnv(readFileSync(join(root, file), 'utf8'));
  return { file, env: { ...fromFile, ...processEnv } };
}
