// The CDK app: `npm run synth` / `npm run deploy`. Settings come from `.env`
// (or `.env.example` on a clean clone), validated like the service's own.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError } from '../src/config/config.ts';
import { PROJECT_ROOT } from './bundle.ts';
import { loadDeploySettings, readEnvFiles } from './settings.ts';
import { ExpenserAuthStack } from './stack.ts';

const { file, env } = readEnvFiles(PROJECT_ROOT, process.env);
let settings: ReturnType<typeof loadDeploySettings>;
try {
  settings = loadDeploySettings(env);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`${file}: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

const app = new App();
new ExpenserAuthStack(app, settings.stackName, {
  settings,
  description: 'expenser-auth: passkey-first authentication on Cognito (aws-cdk, infra/stack.ts)',
  ...(process.env.CDK_DEFAULT_ACCOUNT && process.env.CDK_DEFAULT_REGION
    ? { env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION } }
    : {}),
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
