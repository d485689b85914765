// `npm run deploy`: reads .env, checks it with the service's own validation,
// deploys the CDK stack and prints the settings a front end needs.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../infra/bundle.ts';
import { loadDeploySettings, readEnvFiles } from '../infra/settings.ts';
import { ConfigError } from '../src/config/config.ts';

if (!existsSync(join(PROJECT_ROOT, '.env'))) {
  console.error('No .env: copy .env.example to .env and fill in the "AWS deployment" section first.');
  process.exit(1);
}
const { env } = readEnvFiles(PROJECT_ROOT, process.env);
let stackName: string;
try {
  stackName = loadDeploySettings(env).stackName;
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`.env: ${error.message}`);
  process.exit(1);
}

const outputsFile = join(PROJECT_ROOT, 'cdk.out', 'outputs.json');
const cdk = join(PROJECT_ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk');
const result = spawnSync(
  process.execPath,
  [
    cdk,
    'deploy',
    stackName,
    '--require-approval',
    'broadening',
    '--outputs-file',
    outputsFile,
    ...process.argv.slice(2),
  ],
  { cwd: PROJECT_ROOT, stdio: 'inherit', env: process.env },
);
if (result.status !== 0) process.exit(result.status ?? 1);

const outputs =
  (JSON.parse(readFileSync(outputsFile, 'utf8')) as Record<string, Record<string, string>>)[stackName] ?? {};
const lines = {
  API_GATEWAY_INVOKE_URL: outputs.ApiUrl,
  COGNITO_USER_POOL_ID: outputs.UserPoolId,
  COGNITO_APP_CLIENT_ID: outputs.UserPoolClientId,
  COGNITO_USER_POOL_DOMAIN: outputs.HostedUiDomain,
  DYNAMODB_TABLE_NAME: outputs.TableName,
};
console.log('\nDeployed. Settings for the front end and for local tools:');
for (const [name, value] of Object.entries(lines)) console.log(`${name}=${value ?? '(missing output)'}`);
console.log(`API Gateway stage URL: ${outputs.StageUrl ?? '(missing output)'}`);
