import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { AuthApi } from '../api.ts';
import type { ServiceFunction } from '../functions.ts';

/** Where alarms go, and how many failures in five minutes make one. */
export interface OperationsOptions {
  /** Actions of every alarm (an SNS topic, for example); default none, the alarms only show. */
  alarmActions?: cloudwatch.IAlarmAction[] | undefined;
  /** Failed passkey sign-ins (passkey_rejected) in 5 minutes. Default 50. */
  signInFailures?: number | undefined;
  /** Requests answered 429 (stage throttling or the app's limits) in 5 minutes. Default 100. */
  throttledRequests?: number | undefined;
  /** API answers 5xx in 5 minutes. Default 5. */
  serverErrors?: number | undefined;
}

export interface OperationsProps extends OperationsOptions {
  /** The namespace the functions write their EMF metrics to (METRICS_NAMESPACE). */
  namespace: string;
  api: AuthApi;
  apiFunction: ServiceFunction;
  /** Cognito triggers, by the name the dashboard shows. */
  triggers: Record<string, ServiceFunction>;
  /** Triggers whose every error is a fault (PreSignUp refuses by throwing, by design). */
  faultOnError: ServiceFunction[];
}

const FIVE_MINUTES = Duration.minutes(5);
/**
 * Cognito waits 5 seconds for a trigger, then fails the sign-in (DG:
 * cognito-user-identity-pools-working-with-aws-lambda-triggers, "Important considerations").
 */
export const TRIGGER_DURATION_ALARM_MS = 4000;

/**
 * Alarms and one dashboard: failure spikes, API 5xx, 429s, triggers near Cognito's
 * 5-second limit and trigger errors; the service's own EMF metrics (src/telemetry/metrics.ts)
 * beside API Gateway's and Lambda's.
 */
export class Operations extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const { namespace, api } = props;
    const emf = (metricName: string, dimensionsMap: Record<string, string> = {}, label?: string) =>
      new cloudwatch.Metric({
        namespace,
        metricName,
        dimensionsMap,
        statistic: 'Sum',
        period: FIVE_MINUTES,
        ...(label ? { label } : {}),
      });

    // 429s from the access logs: API Gateway publishes 4XXError, not 429 alone (DG:
    // api-gateway-metrics-and-dimensions). The app's own rate limits answer 429 too.
    const throttled = new logs.MetricFilter(this, 'Http429', {
      logGroup: api.accessLogs,
      filterPattern: logs.FilterPattern.numberValue('$.status', '=', 429),
      metricNamespace: namespace,
      metricName: 'Http429',
      metricValue: '1',
      defaultValue: 0,
    }).metric({ statistic: 'Sum', period: FIVE_MINUTES });

    const alarm = (
      name: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      description: string,
      missing = cloudwatch.TreatMissingData.NOT_BREACHING,
    ) => {
      const created = new cloudwatch.Alarm(this, name, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: missing,
        alarmDescription: description,
      });
      for (const action of props.alarmActions ?? []) created.addAlarmAction(action);
      this.alarms.push(created);
      return created;
    };

    alarm(
      'SignInFailures',
      emf('SignIn', { Method: 'passkey', Outcome: 'failure' }),
      props.signInFailures ?? 50,
      'Failed passkey sign-ins (passkey_rejected) spiked: an attack, or a broken client or relying party setting.',
    );
    alarm(
      'ServerErrors',
      api.restApi.metricServerError({ statistic: 'Sum', period: FIVE_MINUTES }),
      props.serverErrors ?? 5,
      'The API answered 5xx: see the API function’s log group (unhandled error) and its Errors metric.',
    );
    alarm(
      'Throttled',
      throttled,
      props.throttledRequests ?? 100,
      'Requests answered 429: stage throttling or the app’s rate limits. RateLimited tells the app’s apart.',
    );
    for (const [name, trigger] of Object.entries(props.triggers)) {
      alarm(
        `${name}Duration`,
        trigger.fn.metricDuration({ statistic: 'p99', period: FIVE_MINUTES }),
        TRIGGER_DURATION_ALARM_MS,
        `${name} p99 duration is near the 5 seconds Cognito waits for a trigger before failing the sign-in.`,
      );
    }
    for (const trigger of props.faultOnError) {
      const name = Object.entries(props.triggers).find(([, fn]) => fn === trigger)?.[0] ?? trigger.node.id;
      alarm(
        `${name}Errors`,
        trigger.fn.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES }),
        1,
        `${name} failed (an error, a timeout or a crash): Cognito failed the sign-in it was part of.`,
      );
    }

    // Dimension values of the service's metrics are closed sets, so SEARCH lists them all.
    const search = (metricName: string, dimensions: string[], label: string) =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{${namespace},${dimensions.join(',')}} MetricName="${metricName}"', 'Sum', 300)`,
        label,
        period: FIVE_MINUTES,
      });
    const triggers = Object.entries(props.triggers);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(6),
      widgets: [
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 })],
        [
          new cloudwatch.GraphWidget({
            title: 'Sign-ins by method and outcome',
            left: [search('SignIn', ['Method', 'Outcome'], 'sign-ins')],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Sign-ups by method and outcome',
            left: [search('SignUp', ['Method', 'Outcome'], 'sign-ups')],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Refusals by reason',
            left: [search('Refusal', ['Reason'], 'refusals')],
            width: 8,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Rate limiting and refresh theft',
            left: [
              emf('RateLimited', {}, 'app rate limits'),
              throttled,
              emf('RefreshTheft', {}, 'refresh theft'),
            ],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'API: 4xx, 5xx, requests',
            left: [
              api.restApi.metricClientError({ statistic: 'Sum', period: FIVE_MINUTES }),
              api.restApi.metricServerError({ statistic: 'Sum', period: FIVE_MINUTES }),
            ],
            right: [api.restApi.metricCount({ statistic: 'Sum', period: FIVE_MINUTES })],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'API latency p50 / p99',
            left: [
              api.restApi.metricLatency({ statistic: 'p50', period: FIVE_MINUTES }),
              api.restApi.metricLatency({ statistic: 'p99', period: FIVE_MINUTES }),
            ],
            width: 8,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Trigger duration p99 (Cognito waits 5 s)',
            left: triggers.map(([name, fn]) =>
              fn.fn.metricDuration({ statistic: 'p99', period: FIVE_MINUTES, label: name }),
            ),
            leftAnnotations: [{ value: TRIGGER_DURATION_ALARM_MS, label: 'alarm' }],
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Function errors',
            left: [
              ...triggers.map(([name, fn]) =>
                fn.fn.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES, label: name }),
              ),
              props.apiFunction.fn.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES, label: 'api' }),
              search('TriggerError', ['Trigger'], 'TriggerError'),
            ],
            width: 12,
          }),
        ],
      ],
    });
  }
}
