import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Template } from 'aws-cdk-lib/assertions';
import { METRICS } from '../../src/telemetry/metrics.ts';
import { functionId, resourcesOf, synthesize } from '../support/infra.ts';

const TRIGGERS = {
  PreSignUp: 'Cognito PreSignUp',
  DefineAuthChallenge: 'Cognito DefineAuthChallenge',
  CreateAuthChallenge: 'Cognito CreateAuthChallenge',
  VerifyAuthChallenge: 'Cognito VerifyAuthChallengeResponse',
};

type Alarm = {
  Namespace?: string;
  MetricName?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Statistic?: string;
  ExtendedStatistic?: string;
  Threshold: number;
  ComparisonOperator: string;
  Period?: number;
  TreatMissingData?: string;
  AlarmActions?: unknown[];
};

const alarmsOf = (template: Template) =>
  resourcesOf(template, 'AWS::CloudWatch::Alarm').map(([id, r]) => ({ id, ...(r.Properties as Alarm) }));

const namespaceOf = (template: Template): string => {
  const env =
    template.toJSON().Resources[functionId(template, 'expenser-auth HTTP API')].Properties.Environment
      .Variables;
  return env.METRICS_NAMESPACE;
};

describe('CDK stack: metrics, alarms and the dashboard', () => {
  test('every function writes its EMF metrics to the one namespace of this deployment', () => {
    const { template } = synthesize();
    const namespace = namespaceOf(template);
    assert.equal(namespace, 'ExpenserAuth/ExpenserAuthTest/Auth');
    for (const prefix of ['expenser-auth HTTP API', ...Object.values(TRIGGERS)]) {
      const env = template.toJSON().Resources[functionId(template, prefix)].Properties.Environment.Variables;
      assert.equal(env.METRICS_NAMESPACE, namespace, prefix);
    }
  });

  test('failed passkey sign-ins: an alarm on the SignIn failure count in the service namespace', () => {
    const { template } = synthesize();
    const alarm =
      alarmsOf(template).find((a) => a.MetricName === 'SignIn') ?? assert.fail('no sign-in alarm');
    assert.equal(alarm.Namespace, namespaceOf(template));
    assert.deepEqual(alarm.Dimensions, [
      { Name: 'Method', Value: 'passkey' },
      { Name: 'Outcome', Value: 'failure' },
    ]);
    // The dimension set is the one the functions write (src/telemetry/metrics.ts).
    assert.deepEqual(
      alarm.Dimensions?.map((d) => d.Name),
      [...METRICS.SignIn],
    );
    assert.equal(alarm.Statistic, 'Sum');
    assert.equal(alarm.Period, 300);
    assert.equal(alarm.Threshold, 50);
    assert.equal(alarm.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
    assert.equal(alarm.TreatMissingData, 'notBreaching');
  });

  test('API 5xx: an alarm on API Gateway 5XXError of this API and stage', () => {
    const { template } = synthesize();
    const alarm = alarmsOf(template).find((a) => a.MetricName === '5XXError') ?? assert.fail('no 5xx alarm');
    assert.equal(alarm.Namespace, 'AWS/ApiGateway');
    assert.deepEqual(
      alarm.Dimensions?.map((d) => d.Name),
      ['ApiName'],
    );
    assert.equal(alarm.Threshold, 5);
  });

  test('throttles: 429s counted from the access logs by a metric filter, with an alarm', () => {
    const { template } = synthesize();
    const [, filter] = resourcesOf(template, 'AWS::Logs::MetricFilter')[0] ?? assert.fail('no metric filter');
    assert.equal(filter.Properties.FilterPattern, '{ $.status = 429 }');
    const [, stage] = resourcesOf(template, 'AWS::ApiGateway::Stage')[0] ?? assert.fail('no stage');
    const accessLogs = (stage.Properties.AccessLogSetting as { DestinationArn: { 'Fn::GetAtt': string[] } })
      .DestinationArn['Fn::GetAtt'][0];
    assert.deepEqual(filter.Properties.LogGroupName, { Ref: accessLogs });
    assert.deepEqual(filter.Properties.MetricTransformations, [
      { MetricNamespace: namespaceOf(template), MetricName: 'Http429', MetricValue: '1', DefaultValue: 0 },
    ]);
    const alarm = alarmsOf(template).find((a) => a.MetricName === 'Http429') ?? assert.fail('no 429 alarm');
    assert.equal(alarm.Threshold, 100);
  });

  test("every trigger: p99 duration at 4 s alarms, short of the 5 s Cognito waits; errors alarm on all but PreSignUp's refusals", () => {
    const { template } = synthesize();
    const alarms = alarmsOf(template);
    for (const [name, prefix] of Object.entries(TRIGGERS)) {
      const fn = functionId(template, prefix);
      const onFunction = alarms.filter((a) =>
        a.Dimensions?.some(
          (d) => d.Name === 'FunctionName' && JSON.stringify(d.Value) === JSON.stringify({ Ref: fn }),
        ),
      );
      const duration =
        onFunction.find((a) => a.MetricName === 'Duration') ?? assert.fail(`${name}: no duration alarm`);
      assert.equal(duration.Namespace, 'AWS/Lambda');
      assert.equal(duration.ExtendedStatistic, 'p99');
      assert.equal(duration.Threshold, 4000);
      const errors = onFunction.find((a) => a.MetricName === 'Errors');
      if (name === 'PreSignUp') assert.equal(errors, undefined, 'PreSignUp refuses by throwing');
      else assert.equal(errors?.Threshold, 1, name);
    }
  });

  test('one dashboard, with the service metrics, the API and the triggers', () => {
    const { template } = synthesize();
    const dashboards = resourcesOf(template, 'AWS::CloudWatch::Dashboard');
    assert.equal(dashboards.length, 1);
    const body = JSON.stringify(dashboards[0]?.[1].Properties.DashboardBody);
    for (const text of [
      'SignIn',
      'SignUp',
      'Refusal',
      'RateLimited',
      'RefreshTheft',
      'TriggerError',
      '5XXError',
      'Duration',
    ]) {
      assert.ok(body.includes(text), text);
    }
  });
});
