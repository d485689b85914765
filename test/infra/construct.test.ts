import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ExpenserAuth, type ExpenserAuthProps, ExpenserAuthPropsError } from '../../infra/construct/index.ts';
import { functionId, resourcesOf, stubCode } from '../support/infra.ts';

/** The API function's environment variables. */
function apiEnvironment(template: Template): Record<string, unknown> {
  return template.toJSON().Resources[functionId(template, 'expenser-auth HTTP API')].Properties.Environment
    .Variables;
}

/** The least a team must say to add expenser-auth to its app. */
const MINIMAL: ExpenserAuthProps = {
  frontendUrl: 'https://app.example.org',
  relyingParty: { id: 'example.org', name: 'Team app', origins: ['https://app.example.org'] },
  hostedUiDomainPrefix: 'team-auth',
  mail: { from: 'no-reply@example.org' },
  code: stubCode,
};

/** A team's own stack, with something of its own in it, and expenser-auth added under `Auth`. */
function teamStack(props: Partial<ExpenserAuthProps> = {}) {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'expenser-construct-')) });
  const stack = new Stack(app, 'TeamStack');
  new ssm.StringParameter(stack, 'TeamSetting', { stringValue: 'the team’s own' });
  const auth = new ExpenserAuth(stack, 'Auth', { ...MINIMAL, ...props });
  return { app, stack, auth };
}

const problemsOf = (props: Partial<ExpenserAuthProps>): string[] => {
  try {
    teamStack(props);
  } catch (error) {
    assert.ok(error instanceof ExpenserAuthPropsError, String(error));
    return error.problems;
  }
  return [];
};

describe('ExpenserAuth, the construct a team adds to its own CDK app', () => {
  test('in a fresh foreign stack with minimal props it builds the whole service, passes cdk-nag and adds no outputs', () => {
    const { app, stack, auth } = teamStack();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    app.synth();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    template.resourceCountIs('AWS::SES::EmailIdentity', 1);
    template.resourceCountIs('AWS::SSM::Parameter', 1);
    const functions = resourcesOf(template, 'AWS::Lambda::Function').filter(
      ([id]) => !id.startsWith('AWS679f53fac'),
    );
    assert.equal(functions.length, 5);
    assert.deepEqual(Object.keys(template.findOutputs('*')), [], 'outputs are the stack owner’s choice');
    // Names are left to CloudFormation, so two deployments (or two instances) never collide.
    const [, table] = resourcesOf(template, 'AWS::DynamoDB::GlobalTable')[0] ?? assert.fail('no table');
    assert.equal(table.Properties.TableName, undefined);
    const [, pool] = resourcesOf(template, 'AWS::Cognito::UserPool')[0] ?? assert.fail('no pool');
    assert.equal(pool.Properties.UserPoolName, undefined);
    assert.deepEqual(pool.Properties.UsernameConfiguration, { CaseSensitive: false });
    // Defaults: sign-out URL the API sends, the stage URL as the API URL, data retained.
    const [, client] = resourcesOf(template, 'AWS::Cognito::UserPoolClient')[0] ?? assert.fail('no client');
    assert.deepEqual(client.Properties.LogoutURLs, ['https://app.example.org/login']);
    assert.equal(auth.apiUrl, auth.api.stageUrl);
    const retained = template.toJSON().Resources as Record<string, { Type: string; DeletionPolicy?: string }>;
    for (const [id, resource] of Object.entries(retained)) {
      if (['AWS::Cognito::UserPool', 'AWS::DynamoDB::GlobalTable'].includes(resource.Type)) {
        assert.equal(resource.DeletionPolicy, 'Retain', id);
      }
    }
    const env = apiEnvironment(template);
    assert.equal(env.API_FRONTEND_URL, 'https://app.example.org');
    assert.equal(env.RP_ID, 'example.org');
    assert.equal(env.MAIL_FROM, 'no-reply@example.org');
    assert.equal(env.LOG_LEVEL, 'info');
  });

  test('a custom domain with a certificate the team already has becomes the API URL', () => {
    const { stack, auth } = teamStack({
      apiDomain: {
        name: 'auth.example.org',
        certificate: acm.Certificate.fromCertificateArn(
          new Stack(),
          'Certificate',
          'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000',
        ),
      },
    });
    assert.equal(auth.apiUrl, 'https://auth.example.org');
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: 'auth.example.org',
    });
  });

  test('props are validated before anything is built, every bad one named', () => {
    const problems = problemsOf({
      hostedUiDomainPrefix: 'My_Cognito',
      google: { clientId: 'not-a-google-id', clientSecretName: 'team/google' },
      mail: { from: 'no-reply@example.org', domain: 'example.com', sandboxRecipients: ['nobody'] },
      throttle: { rateLimit: 0, burstLimit: 10.5 },
      wafRateLimit: 5,
      extraLogoutUrls: ['http://app.example.org'],
      apiEnvironment: {
        COGNITO_USER_POOL_ID: 'x',
        DYNAMODB_TABLE_NAME: 'x',
        CLIENT_IP_FORWARDER_SECRET_SECRET_ARN: 'x',
        ALLOWED_ORIGINS: 'https://app.example.org',
      },
    });
    const expected = [
      /^hostedUiDomainPrefix: /,
      /^google\.clientId: /,
      /^mail\.from: no-reply@example\.org is not on mail\.domain example\.com/,
      /^mail\.sandboxRecipients: "nobody"/,
      /^throttle\.rateLimit: /,
      /^throttle\.burstLimit: /,
      /^wafRateLimit: expected an integer of at least 10/,
      /^extra URLs: http:\/\/app\.example\.org/,
      /^apiEnvironment\.COGNITO_USER_POOL_ID: set by the construct/,
      /^apiEnvironment\.DYNAMODB_TABLE_NAME: set by the construct/,
      /^apiEnvironment\.CLIENT_IP_FORWARDER_SECRET_SECRET_ARN: set by the construct/,
    ];
    for (const pattern of expected)
      assert.ok(
        problems.some((p) => pattern.test(p)),
        `${pattern}\n${problems.join('\n')}`,
      );
    assert.equal(problems.length, expected.length, problems.join('\n'));
  });

  test("the service's own rules run on the API's settings: a relying party the API would refuse fails synthesis", () => {
    const problems = problemsOf({
      relyingParty: { id: 'example.org', name: 'Team app', origins: ['https://app.example.net'] },
    });
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(
      problems[0] ?? '',
      /^the API's settings: RP_ORIGIN \(invalid\): https:\/\/app\.example\.net is not on RP_ID/,
    );
    assert.deepEqual(problemsOf({ frontendUrl: 'not a url' }).length > 0, true);
  });

  test('alarm actions and thresholds come from props: every alarm notifies the team’s topic', () => {
    const topic = sns.Topic.fromTopicArn(new Stack(), 'Ops', 'arn:aws:sns:eu-west-1:123456789012:team-ops');
    const { stack, auth } = teamStack({
      alarms: { alarmActions: [new cloudwatchActions.SnsAction(topic)], signInFailures: 20 },
      metricsNamespace: 'Team/Auth',
    });
    const alarms = resourcesOf(Template.fromStack(stack), 'AWS::CloudWatch::Alarm');
    assert.equal(alarms.length, auth.operations.alarms.length);
    assert.ok(alarms.length >= 10, `${alarms.length} alarms`);
    for (const [id, alarm] of alarms)
      assert.equal((alarm.Properties.AlarmActions as unknown[]).length, 1, id);
    const signIn = alarms.find(([, a]) => a.Properties.MetricName === 'SignIn')?.[1];
    assert.equal(signIn?.Properties.Threshold, 20);
    assert.equal(signIn?.Properties.Namespace, 'Team/Auth');
    assert.deepEqual(problemsOf({ metricsNamespace: 'no spaces allowed' }).length, 1);
  });

  test('behind CloudFront: the API trusts the viewer address only with the generated origin header, and WAF counts forwarded clients', () => {
    const { app, stack, auth } = teamStack({ forwarder: 'cloudfront' });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    app.synth();
    const template = Template.fromStack(stack);
    const env = apiEnvironment(template);
    assert.equal(env.CLIENT_IP_FORWARDER, 'cloudfront');
    assert.ok(
      env.CLIENT_IP_FORWARDER_SECRET_SECRET_ARN,
      'the secret is read at cold start, never a plain variable',
    );
    assert.equal(env.CLIENT_IP_FORWARDER_SECRET, undefined);
    const [[, acl] = []] = resourcesOf(template, 'AWS::WAFv2::WebACL');
    const rules = acl?.Properties.Rules as { Name: string; Statement: { RateBasedStatement?: unknown } }[];
    assert.deepEqual(rules.find((r) => r.Name === 'RateLimitPerIp')?.Statement.RateBasedStatement, {
      Limit: 500,
      AggregateKeyType: 'FORWARDED_IP',
      ForwardedIPConfig: { HeaderName: 'X-Forwarded-For', FallbackBehavior: 'MATCH' },
    });
    const policies = JSON.stringify(resourcesOf(template, 'AWS::IAM::Policy'));
    assert.ok(
      policies.includes(stack.resolve(auth.forwarderSecret?.secretArn).Ref),
      'the API may read the secret',
    );
    assert.match(JSON.stringify(stack.resolve(auth.originCustomHeaders())), /resolve:secretsmanager/);

    const plain = teamStack();
    assert.throws(() => plain.auth.originCustomHeaders(), TypeError);
    const [[, plainAcl] = []] = resourcesOf(Template.fromStack(plain.stack), 'AWS::WAFv2::WebACL');
    assert.match(JSON.stringify(plainAcl?.Properties.Rules), /"AggregateKeyType":"IP"/);
  });
});
