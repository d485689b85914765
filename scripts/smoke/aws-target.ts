import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { sesQueries } from './ses-report.ts';
import type { SmokeTarget } from './target.ts';

/** A setting the smoke test needs and could not find; the message says where it looked. */
export class SmokeSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

/** Flags of `npm run smoke`; each wins over the stack's outputs and over `.env`. */
export interface AwsTargetOptions {
  api?: string;
  stack?: string;
  region?: string;
  userPoolId?: string;
  table?: string;
  origin?: string;
  rpId?: string;
  mailFrom?: string;
}

export interface AwsTargetSources {
  /** The deployment's settings: `.env` with the process environment over it. */
  settings: Record<string, string | undefined>;
  /** Endpoint overrides for emulators, from the process environment only (never `.env`). */
  endpoints: { cognito?: string; dynamodb?: string; mail?: string };
  /** The stack's outputs (CloudFormation DescribeStacks), read only when a flag leaves something open. */
  readOutputs?: (stackName: string, region: string | undefined) => Promise<Record<string, string>>;
}

const POOL_REGION = /^([a-z]{2}(?:-[a-z]+)+-\d)_[0-9a-zA-Z]+$/;

/**
 * A deployed stack, reached with the deployer's credentials (the SDK's
 * default chain): the API URL, user pool and table from the stack outputs of
 * STACK_NAME (see infra/stack.ts) unless flags give them; the RP origin and
 * ID, MAIL_FROM and the rate-limit window from `.env` as deployed.
 */
export async function resolveAwsTarget(
  options: AwsTargetOptions,
  { settings, endpoints, readOutputs = readStackOutputs }: AwsTargetSources,
): Promise<SmokeTarget> {
  const stackName = options.stack ?? settings.STACK_NAME?.trim() ?? 'ExpenserAuth';
  const needsOutputs = !(options.api && options.userPoolId && options.table);
  const outputs = needsOutputs ? await readOutputs(stackName, options.region ?? settings.AWS_REGION) : {};
  const apiUrl = (options.api ?? outputs.ApiUrl)?.replace(/\/+$/, '');
  const userPoolId = options.userPoolId ?? outputs.UserPoolId;
  const tableName = options.table ?? outputs.TableName;
  const missing = [
    apiUrl ? null : 'the API URL (output ApiUrl, or --api)',
    userPoolId ? null : 'the user pool id (output UserPoolId, or --user-pool-id)',
    tableName ? null : 'the table name (output TableName, or --table)',
  ].filter(Boolean);
  if (!apiUrl || !userPoolId || !tableName) {
    throw new SmokeSetupError(`stack ${stackName} did not give ${missing.join(', ')}`);
  }
  const region = POOL_REGION.exec(userPoolId)?.[1];
  if (!region) throw new SmokeSetupError(`user pool id ${userPoolId} is not <region>_<id>`);
  assertUrl('--api', apiUrl);

  const origin = options.origin ?? settings.RP_ORIGIN?.split(',')[0]?.trim();
  if (!origin) {
    throw new SmokeSetupError('no RP origin: set RP_ORIGIN in .env as deployed, or pass --origin');
  }
  assertUrl('--origin', origin);
  const rpId = options.rpId ?? settings.RP_ID?.trim() ?? new URL(origin).hostname;
  const windowSeconds = Number(settings.RATE_LIMIT_WINDOW_SECONDS?.trim() || 300);
  if (!Number.isInteger(windowSeconds) || windowSeconds < 1) {
    throw new SmokeSetupError(`RATE_LIMIT_WINDOW_SECONDS: expected whole seconds, got ${windowSeconds}`);
  }

  const cognito = new CognitoIdentityProviderClient({
    region,
    ...(endpoints.cognito ? { endpoint: endpoints.cognito } : {}),
  });
  const dynamodb = new DynamoDBClient({
    region,
    ...(endpoints.dynamodb ? { endpoint: endpoints.dynamodb } : {}),
  });
  // MAIL_ENDPOINT names a local SES (aws-ses-v2-local), which has no identities to report on.
  const ses = endpoints.mail ? null : new SESv2Client({ region });
  return {
    description: needsOutputs ? `stack ${stackName} in ${region}` : region,
    apiUrl,
    origin,
    rp: { id: rpId, name: settings.RP_NAME?.trim() || 'Expenser' },
    userPoolId,
    tableName,
    mailFrom: (options.mailFrom ?? settings.MAIL_FROM)?.trim().toLowerCase() || undefined,
    rateLimitWindowSeconds: windowSeconds,
    cognito,
    dynamodb,
    ses: ses ? sesQueries(ses) : null,
    async close() {
      cognito.destroy();
      dynamodb.destroy();
      ses?.destroy();
    },
  };
}

/** The outputs of a CloudFormation stack, by key. */
async function readStackOutputs(
  stackName: string,
  region: string | undefined,
): Promise<Record<string, string>> {
  const client = new CloudFormationClient(region ? { region } : {});
  try {
    const out = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    return Object.fromEntries(
      (out.Stacks?.[0]?.Outputs ?? []).flatMap((o) =>
        o.OutputKey && o.OutputValue ? [[o.OutputKey, o.OutputValue]] : [],
      ),
    );
  } finally {
    client.destroy();
  }
}

function assertUrl(flag: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SmokeSetupError(`${flag}: expected a URL, got ${value}`);
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    throw new SmokeSetupError(`${flag}: expected an https URL (http only for localhost), got ${value}`);
  }
}
