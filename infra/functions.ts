import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AssetHashType, DockerImage, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BUNDLE_FILE, type FunctionName, PROJECT_ROOT } from './function-names.ts';

/** Where a function's code comes from; tests may pass stubs, deployments bundle. */
export type CodeSource = (name: FunctionName) => lambda.Code;

/**
 * The function's bundle, built at synthesis by `infra/bundle.ts` (esbuild, no
 * Docker) in a child process, since CDK bundling hooks are synchronous. The
 * asset hash is the bundle's, so an unchanged bundle is not re-uploaded.
 */
export const bundledCode: CodeSource = (name) =>
  lambda.Code.fromAsset(join(PROJECT_ROOT, 'src', 'lambda'), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never pulled: local bundling always succeeds or throws. The command also
      // makes each function's bundling cache key distinct (CDK keys on these options).
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:24'),
      command: ['node', 'infra/bundle-cli.ts', name, '/asset-output'],
      local: {
        tryBundle(outputDir) {
          const result = spawnSync(
            process.execPath,
            [join(PROJECT_ROOT, 'infra', 'bundle-cli.ts'), name, outputDir],
            {
              cwd: PROJECT_ROOT,
              stdio: ['ignore', 'inherit', 'inherit'],
            },
          );
          if (result.status !== 0)
            throw new Error(`Bundling ${name} failed (exit ${result.status ?? result.signal})`);
          return true;
        },
      },
    },
  });

/**
 * Where `npm run build` puts each function's bundle in the published package
 * (`dist/lambda/<name>/index.mjs`, beside `dist/infra/`). In this repository
 * there is none, and the construct bundles from the sources instead.
 */
const PREBUILT_DIR = join(import.meta.dirname, '..', 'lambda');

/** The bundles built into the package by `npm run build` (scripts/build.ts). */
export const prebuiltCode: CodeSource = (name) => lambda.Code.fromAsset(join(PREBUILT_DIR, name));

/** Prebuilt bundles where the package ships them, else bundled from the sources at synthesis. */
export function defaultCode(): CodeSource {
  return existsSync(join(PREBUILT_DIR, 'api', BUNDLE_FILE)) ? prebuiltCode : bundledCode;
}

export interface ServiceFunctionProps {
  name: FunctionName;
  code: CodeSource;
  description: string;
  environment?: Record<string, string>;
  memorySize?: number;
  timeout?: Duration;
  logRetention: logs.RetentionDays;
}

/**
 * One Lambda function of the service: Node.js 24 on arm64, X-Ray active, its
 * own log group with retention, and its own role that may write only to that
 * log group (grants for tables and secrets are added by the stack).
 */
export class ServiceFunction extends Construct {
  readonly fn: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${Stack.of(this).stackName} ${props.name}: logs to its own group, X-Ray, and the grants the stack adds`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    this.fn = new lambda.Function(this, 'Function', {
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: `${BUNDLE_FILE.replace(/\.mjs$/, '')}.handler`,
      code: props.code(props.name),
      role: this.role,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(5),
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      environment: props.environment,
    });
  }
}
