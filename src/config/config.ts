import * as z from 'zod/mini';
import { englishMessages } from '../validation-messages.ts';

/** Where the service runs: `local` derives defaults for the embedded stack, `aws` requires everything. */
export type RuntimeMode = 'local' | 'aws';

/** Validated settings. Read once at start-up through `loadConfig`. */
export interface Config {
  mode: RuntimeMode;
  region: string;
  cognito: {
    userPoolId: string;
    userPoolName: string | undefined;
    userPoolArn: string | undefined;
    domain: string | undefined;
    clientId: string;
    clientSecret: string;
    clientName: string | undefined;
    /** SDK endpoint override (the local emulator); undefined in AWS. */
    endpoint: string | undefined;
    /** Token issuer: `https://cognito-idp.<region>.amazonaws.com/<pool>` in AWS, `<endpoint>/<pool>` locally. */
    issuer: string;
    jwksUri: string;
  };
  dynamodb: { tableName: string; endpoint: string | undefined };
  /** Public base URL of the API (API_GATEWAY_INVOKE_URL). */
  apiUrl: string;
  /** Front end the service redirects to (API_FRONTEND_URL). */
  frontendUrl: string;
  secretKey: string;
  rp: { id: string; name: string; origins: string[] };
  allowedOrigins: string[];
  /** Cookies get `Secure` and the `__Host-`/`__Secure-` prefixes when the API is served over HTTPS. */
  secureCookies: boolean;
  rateLimit: {
    windowSeconds: number;
    ipFailures: number;
    accountFailures: number;
    /** Requests per window and address to each unauthenticated endpoint that stores something. */
    ipRequests: number;
    /** Code mails per window to one address, and started per window from one address (IPv6: /64). */
    emailSends: number;
    ipEmailSends: number;
  };
  mail: {
    /** Sender address (an SES-verified identity, or one in a verified domain). */
    from: string;
    /** SES configuration set the stack created; none locally. */
    configurationSet: string | undefined;
    /** SES endpoint override (aws-ses-v2-local); undefined in AWS. */
    endpoint: string | undefined;
    /** Every code-start request takes at least this long, mail or no mail (no enumeration by timing). */
    startFloorMs: number;
  };
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /**
   * The forwarder in front of the API whose client-address header is trusted, and the secret
   * header value it adds to prove a request came through it (CLIENT_IP_FORWARDER,
   * CLIENT_IP_FORWARDER_SECRET); undefined: the caller API Gateway saw is the client.
   */
  forwarder: { kind: 'cloudfront'; secret: string } | undefined;
}

/** Start-up configuration failure; the message names every offending variable and the expected form. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = this.constructor.name;
    this.problems = problems;
  }
}

const USER_POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d)_[0-9a-zA-Z]+$/;
const USER_POOL_ARN = /^arn:aws[\w-]*:cognito-idp:([a-z]{2}(?:-[a-z]+)+-\d):\d{12}:userpool\/(.+)$/;
const WEAK_SECRETS = ['secret', 'changeme', 'password', 'default', 'example', '123456', 'qwerty', 'xxxxxxxx'];

const optionalText = z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(256)));

function httpUrl(what: string) {
  return z.pipe(
    z.string().check(
      z.trim(),
      z.refine(
        (value) => isHttpUrl(value),
        `${what}: expected an absolute http(s) URL, e.g. https://api.example.com`,
      ),
    ),
    z.transform((value) => value.replace(/\/+$/, '')),
  );
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function originList(what: string) {
  return z
    .pipe(
      z.string().check(z.trim()),
      z.transform((value) =>
        value
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean),
      ),
    )
    .check(
      z.refine(
        (items) =>
          items.length > 0 && items.every((item) => isHttpUrl(item) && new URL(item).origin === item),
        `${what}: expected a comma-separated list of origins such as https://app.example.com (scheme, host and optional port, no path)`,
      ),
    );
}

function intInRange(min: number, max: number) {
  return z.coerce.number().check(z.int(), z.minimum(min), z.maximum(max));
}

const schema = z.object({
  COGNITO_USER_POOL_ID: z
    .string()
    .check(z.trim(), z.regex(USER_POOL_ID, 'expected <region>_<id>, e.g. eu-west-1_AbCdEf123')),
  COGNITO_USER_POOL_NAME: optionalText,
  COGNITO_USER_POOL_ARN: z.optional(
    z
      .string()
      .check(
        z.trim(),
        z.regex(USER_POOL_ARN, 'expected arn:aws:cognito-idp:<region>:<12-digit account>:userpool/<pool id>'),
      ),
  ),
  COGNITO_USER_POOL_DOMAIN: z.optional(httpUrl('the hosted-UI domain URL')),
  COGNITO_APP_CLIENT_ID: z
    .string()
    .check(
      z.trim(),
      z.regex(/^[\w+]{1,128}$/, 'expected the app client id (letters, digits, underscore, up to 128)'),
    ),
  COGNITO_APP_CLIENT_SECRET: z.string().check(z.trim(), z.minLength(1, 'expected the app client secret')),
  COGNITO_APP_CLIENT_NAME: optionalText,
  COGNITO_ENDPOINT: z.optional(httpUrl('Cognito endpoint')),
  AWS_REGION: z.optional(
    z.string().check(z.trim(), z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region, e.g. eu-west-1')),
  ),
  API_GATEWAY_INVOKE_URL: httpUrl('API_GATEWAY_INVOKE_URL'),
  API_FRONTEND_URL: httpUrl('API_FRONTEND_URL'),
  SECRET_KEY: z.string().check(
    z.minLength(32, 'expected at least 32 characters of random text (e.g. `openssl rand -base64 48`)'),
    z.refine((value) => !isWeakSecret(value), 'is a weak value: use at least 32 random characters'),
  ),
  RP_ID: z
    .string()
    .check(
      z.trim(),
      z.toLowerCase(),
      z.regex(/^(localhost|([a-z0-9-]+\.)+[a-z]{2,})$/, 'expected a domain such as example.com or localhost'),
    ),
  RP_NAME: z.string().check(z.trim(), z.minLength(1), z.maxLength(64)),
  RP_ORIGIN: originList('RP_ORIGIN'),
  ALLOWED_ORIGINS: z.optional(originList('ALLOWED_ORIGINS')),
  DYNAMODB_TABLE_NAME: z
    .string()
    .check(
      z.trim(),
      z.regex(/^[\w.-]{3,255}$/, 'expected a DynamoDB table name (3-255 of letters, digits, _ - .)'),
    ),
  DYNAMODB_ENDPOINT: z.optional(httpUrl('DynamoDB endpoint')),
  RATE_LIMIT_WINDOW_SECONDS: z._default(intInRange(10, 86_400), 300),
  RATE_LIMIT_IP_FAILURES: z._default(intInRange(1, 100_000), 30),
  RATE_LIMIT_ACCOUNT_FAILURES: z._default(intInRange(1, 100_000), 10),
  RATE_LIMIT_IP_REQUESTS: z._default(intInRange(1, 1_000_000), 100),
  RATE_LIMIT_EMAIL_SENDS: z._default(intInRange(1, 1000), 5),
  RATE_LIMIT_IP_EMAIL_SENDS: z._default(intInRange(1, 100_000), 20),
  MAIL_FROM: z
    .string()
    .check(
      z.trim(),
      z.toLowerCase(),
      z.regex(
        /^[^\s@<>]+@[a-z0-9-]+(\.[a-z0-9-]+)+$/,
        'expected a sender address, e.g. no-reply@example.com',
      ),
    ),
  MAIL_CONFIGURATION_SET: z.optional(
    z.string().check(z.trim(), z.regex(/^[\w-]{1,64}$/, 'expected an SES configuration set name')),
  ),
  MAIL_ENDPOINT: z.optional(httpUrl('SES endpoint')),
  MAIL_START_FLOOR_MS: z._default(intInRange(0, 10_000), 750),
  LOG_LEVEL: z._default(z.enum(['debug', 'info', 'warn', 'error', 'silent']), 'info'),
  CLIENT_IP_FORWARDER: z.optional(z.enum(['cloudfront'])),
  CLIENT_IP_FORWARDER_SECRET: z.optional(
    z
      .string()
      .check(z.minLength(32, 'expected at least 32 random characters (the origin header CloudFront adds)')),
  ),
});

function isWeakSecret(value: string): boolean {
  const lower = value.toLowerCase();
  if (new Set(value).size < 10) return true;
  return WEAK_SECRETS.some((weak) => lower.includes(weak));
}

/** Whether `rpId` is the host of `origin` or a registrable suffix of it (WebAuthn §5.1.4.1 / §13.4.9). */
export function rpIdMatchesOrigin(rpId: string, origin: string): boolean {
  const host = new URL(origin).hostname;
  return host === rpId || host.endsWith(`.${rpId}`);
}

/**
 * Reads and validates the configuration once. Throws `ConfigError` listing every
 * bad or missing variable with the form it expects.
 */
export function loadConfig(env: Record<string, string | undefined>, mode: RuntimeMode = 'aws'): Config {
  const e = parseOrThrow(schema, env);
  const problems: string[] = [];
  const poolRegion = USER_POOL_ID.exec(e.COGNITO_USER_POOL_ID)?.[1] ?? '';
  const region = e.AWS_REGION ?? poolRegion;
  if (e.COGNITO_USER_POOL_ARN) {
    const [, arnRegion, arnPool] = USER_POOL_ARN.exec(e.COGNITO_USER_POOL_ARN) ?? [];
    if (arnPool !== e.COGNITO_USER_POOL_ID || arnRegion !== poolRegion) {
      problems.push(
        `COGNITO_USER_POOL_ARN (invalid): expected the ARN of COGNITO_USER_POOL_ID ${e.COGNITO_USER_POOL_ID}, got one for ${arnPool ?? '?'} in ${arnRegion ?? '?'}`,
      );
    }
  }
  for (const origin of e.RP_ORIGIN) {
    if (!rpIdMatchesOrigin(e.RP_ID, origin)) {
      problems.push(`RP_ORIGIN (invalid): ${origin} is not on RP_ID ${e.RP_ID} or one of its subdomains`);
    }
  }
  const secureCookies = new URL(e.API_GATEWAY_INVOKE_URL).protocol === 'https:';
  if (mode === 'aws') {
    if (!secureCookies)
      problems.push('API_GATEWAY_INVOKE_URL (invalid): expected an https:// URL outside local mode');
    for (const origin of e.RP_ORIGIN) {
      if (!origin.startsWith('https://'))
        problems.push(`RP_ORIGIN (invalid): ${origin} must use https outside local mode`);
    }
  }
  if (e.CLIENT_IP_FORWARDER && !e.CLIENT_IP_FORWARDER_SECRET) {
    problems.push(
      'CLIENT_IP_FORWARDER_SECRET (missing): expected the secret origin header value the forwarder adds, since CLIENT_IP_FORWARDER is set',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const issuer = e.COGNITO_ENDPOINT
    ? `${e.COGNITO_ENDPOINT}/${e.COGNITO_USER_POOL_ID}`
    : `https://cognito-idp.${region}.amazonaws.com/${e.COGNITO_USER_POOL_ID}`;
  const frontendOrigin = new URL(e.API_FRONTEND_URL).origin;
  return {
    mode,
    region,
    cognito: {
      userPoolId: e.COGNITO_USER_POOL_ID,
      userPoolName: e.COGNITO_USER_POOL_NAME,
      userPoolArn: e.COGNITO_USER_POOL_ARN,
      domain: e.COGNITO_USER_POOL_DOMAIN,
      clientId: e.COGNITO_APP_CLIENT_ID,
      clientSecret: e.COGNITO_APP_CLIENT_SECRET,
      clientName: e.COGNITO_APP_CLIENT_NAME,
      endpoint: e.COGNITO_ENDPOINT,
      issuer,
      jwksUri: `${issuer}/.well-known/jwks.json`,
    },
    dynamodb: { tableName: e.DYNAMODB_TABLE_NAME, endpoint: e.DYNAMODB_ENDPOINT },
    apiUrl: e.API_GATEWAY_INVOKE_URL,
    frontendUrl: e.API_FRONTEND_URL,
    secretKey: e.SECRET_KEY,
    rp: { id: e.RP_ID, name: e.RP_NAME, origins: e.RP_ORIGIN },
    allowedOrigins: dedupe(e.ALLOWED_ORIGINS ?? [...e.RP_ORIGIN, frontendOrigin]),
    secureCookies,
    rateLimit: {
      windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS,
      ipFailures: e.RATE_LIMIT_IP_FAILURES,
      accountFailures: e.RATE_LIMIT_ACCOUNT_FAILURES,
      ipRequests: e.RATE_LIMIT_IP_REQUESTS,
      emailSends: e.RATE_LIMIT_EMAIL_SENDS,
      ipEmailSends: e.RATE_LIMIT_IP_EMAIL_SENDS,
    },
    mail: {
      from: e.MAIL_FROM,
      configurationSet: e.MAIL_CONFIGURATION_SET,
      endpoint: e.MAIL_ENDPOINT,
      startFloorMs: e.MAIL_START_FLOOR_MS,
    },
    logLevel: e.LOG_LEVEL,
    forwarder:
      e.CLIENT_IP_FORWARDER && e.CLIENT_IP_FORWARDER_SECRET
        ? { kind: e.CLIENT_IP_FORWARDER, secret: e.CLIENT_IP_FORWARDER_SECRET }
        : undefined,
  };
}

/** What the VerifyAuthChallengeResponse trigger needs: the table and the relying party, nothing secret. */
export interface VerifyTriggerConfig {
  region: string | undefined;
  dynamodb: { tableName: string; endpoint: string | undefined };
  rp: { id: string; name: string; origins: string[] };
  logLevel: Config['logLevel'];
}

const verifyTriggerSchema = z.pick(schema, {
  AWS_REGION: true,
  DYNAMODB_TABLE_NAME: true,
  DYNAMODB_ENDPOINT: true,
  RP_ID: true,
  RP_NAME: true,
  RP_ORIGIN: true,
  LOG_LEVEL: true,
});

/**
 * The subset of `loadConfig` the verify trigger reads, with the same rules, so
 * the trigger function is given neither SECRET_KEY nor the client secret.
 * Throws `ConfigError` like `loadConfig`.
 */
export function loadVerifyTriggerConfig(env: Record<string, string | undefined>): VerifyTriggerConfig {
  const e = parseOrThrow(verifyTriggerSchema, env);
  const problems = e.RP_ORIGIN.filter((origin) => !rpIdMatchesOrigin(e.RP_ID, origin)).map(
    (origin) => `RP_ORIGIN (invalid): ${origin} is not on RP_ID ${e.RP_ID} or one of its subdomains`,
  );
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    region: e.AWS_REGION,
    dynamodb: { tableName: e.DYNAMODB_TABLE_NAME, endpoint: e.DYNAMODB_ENDPOINT },
    rp: { id: e.RP_ID, name: e.RP_NAME, origins: e.RP_ORIGIN },
    logLevel: e.LOG_LEVEL,
  };
}

function parseOrThrow<T extends z.ZodMiniType>(
  shape: T,
  env: Record<string, string | undefined>,
): z.output<T> {
  const parsed = shape.safeParse(env, { error: englishMessages });
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? 'environment');
    const received = env[name] === undefined ? 'missing' : 'invalid';
    return `${name} (${received}): ${issue.message}`;
  });
  throw new ConfigError(dedupe(problems));
}

function dedupe<T>(items: T[]): T[] {
  return [...new Set(items)];
}
