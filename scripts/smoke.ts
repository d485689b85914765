// `npm run smoke -- --api <url>`: a post-deploy check of a deployed stack with the
// deployer's AWS credentials; `npm run smoke -- --local`: the same steps against the
// embedded local stack, started on free 127.0.0.1 ports and stopped afterwards.
// Exit 0: every step passed; 1: a step failed; 2: the target could not be set up.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, parseEnv } from 'node:util';
import { resolveAwsTarget, SmokeSetupError } from './smoke/aws-target.ts';
import { startLocalTarget } from './smoke/local-target.ts';
import { runSmoke } from './smoke/run-smoke.ts';
import type { SmokeTarget } from './smoke/target.ts';

const USAGE = `usage: npm run smoke -- --local
       npm run smoke -- [--api <url>] [--stack <name>] [--region <region>] [--origin <url>]
                        [--rp-id <id>] [--user-pool-id <id>] [--table <name>] [--mail-from <address>]

AWS (the default): creates a throw-away user with a software passkey in the
deployed pool and table, signs in through the public API, and deletes the user.
The API URL, user pool and table come from the outputs of STACK_NAME (default
ExpenserAuth) unless flags give them; RP_ORIGIN, RP_ID, MAIL_FROM and
RATE_LIMIT_WINDOW_SECONDS from .env as deployed. Credentials and region: the
AWS SDK's default chain (AWS_PROFILE, AWS_REGION, SSO, ...).
--region: where to find the stack (the pool's own region is used for the rest).
--local: the same steps against the local stack, started and stopped here.`;

function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function parseFlags() {
  try {
    return parseArgs({
      options: {
        local: { type: 'boolean' },
        api: { type: 'string' },
        stack: { type: 'string' },
        region: { type: 'string' },
        origin: { type: 'string' },
        'rp-id': { type: 'string' },
        'user-pool-id': { type: 'string' },
        table: { type: 'string' },
        'mail-from': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    return fail(`${(error as Error).message}\n\n${USAGE}`, 2);
  }
}

const args = parseFlags();
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (args.local && Object.keys(args).length > 1) fail(`--local takes no other option\n\n${USAGE}`, 2);

/** `.env` as deployed (never `.env.example`: its placeholders would point the test elsewhere). */
function deploymentSettings(): Record<string, string | undefined> {
  const file = join(import.meta.dirname, '..', '.env');
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  return { ...fromFile, ...process.env };
}

let target: SmokeTarget;
try {
  target = args.local
    ? await startLocalTarget()
    : await resolveAwsTarget(
        {
          ...(args.api ? { api: args.api } : {}),
          ...(args.stack ? { stack: args.stack } : {}),
          ...(args.region ? { region: args.region } : {}),
          ...(args.origin ? { origin: args.origin } : {}),
          ...(args['rp-id'] ? { rpId: args['rp-id'] } : {}),
          ...(args['user-pool-id'] ? { userPoolId: args['user-pool-id'] } : {}),
          ...(args.table ? { table: args.table } : {}),
          ...(args['mail-from'] ? { mailFrom: args['mail-from'] } : {}),
        },
        {
          settings: deploymentSettings(),
          endpoints: {
            ...(process.env.COGNITO_ENDPOINT ? { cognito: process.env.COGNITO_ENDPOINT } : {}),
            ...(process.env.DYNAMODB_ENDPOINT ? { dynamodb: process.env.DYNAMODB_ENDPOINT } : {}),
            ...(process.env.MAIL_ENDPOINT ? { mail: process.env.MAIL_ENDPOINT } : {}),
          },
        },
      );
} catch (error) {
  // A missing setting, or the stack's outputs out of reach (credentials, region, stack name).
  const { name, message } = error as Error;
  fail(`smoke test not started: ${error instanceof SmokeSetupError ? '' : `${name}: `}${message}`, 2);
}

let passed = false;
try {
  passed = await runSmoke(target, (line) => process.stdout.write(`${line}\n`));
} finally {
  await target.close();
}
process.exit(passed ? 0 : 1);
