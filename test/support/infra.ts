import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { CodeSource } from '../../infra/functions.ts';
import { loadDeploySettings } from '../../infra/settings.ts';
import { ExpenserAuthStack } from '../../infra/stack.ts';

/** A complete deployment environment, as `.env` would hold it. */
export const DEPLOY_ENV: Record<string, string> = {
  API_GATEWAY_INVOKE_URL: 'https://api.example.com',
  API_FRONTEND_URL: 'https://app.example.com',
  RP_ID: 'example.com',
  RP_NAME: 'Expenser',
  RP_ORIGIN: 'https://app.example.com',
  DYNAMODB_TABLE_NAME: 'expenser-auth',
  COGNITO_DOMAIN_PREFIX: 'expenser-auth-test',
  LOG_LEVEL: 'info',
  API_THROTTLE_RATE_LIMIT: '40',
  API_THROTTLE_BURST_LIMIT: '80',
  WAF_RATE_LIMIT: '300',
  MAIL_FROM: 'no-reply@example.com',
};

/** Stub code: template tests need no bundles (the bundles are tested on their own). */
export const stubCode: CodeSource = (name) =>
  lambda.Code.fromInline(`export const handler = async (event) => event; // ${name}`);

export interface Synthesized {
  app: App;
  stack: ExpenserAuthStack;
  template: Template;
}

/**
 * A fresh app and stack with cdk-nag AwsSolutions as a validation plugin.
 * `app.synth()` throws on any unacknowledged finding.
 */
export function synthesize(
  env: Record<string, string> = {},
  options: { code?: CodeSource; extend?: (stack: ExpenserAuthStack) => void } = {},
): Synthesized {
  const settings = loadDeploySettings({ ...DEPLOY_ENV, ...env });
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'expenser-cdk-')) });
  const stack = new ExpenserAuthStack(app, 'ExpenserAuthTest', { settings, code: options.code ?? stubCode });
  options.extend?.(stack);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
  return { app, stack, template: Template.fromStack(stack) };
}

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };

/** The one resource of `type` whose properties satisfy `match`; fails otherwise. */
export function resourcesOf(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.findResources(type)) as [string, Resource][];
}

/** Logical id of the function whose Description starts with `prefix`. */
export function functionId(template: Template, prefix: string): string {
  const found = resourcesOf(template, 'AWS::Lambda::Function').filter(([, r]) =>
    String(r.Properties.Description ?? '').startsWith(prefix),
  );
  if (found.length !== 1)
    throw new Error(`expected one function described "${prefix}…", found ${found.length}`);
  return found[0]?.[0] ?? '';
}
