/**
 * CloudWatch metrics as embedded metric format (EMF) log lines: one JSON object per
 * line whose `_aws` block names the namespace, the dimension set and the metrics, with
 * the values as top-level members (CloudWatch user guide:
 * CloudWatch_Embedded_Metric_Format_Specification). CloudWatch Logs extracts the metrics
 * from the function's log group; no SDK call and no extra package is needed.
 */

/** What is counted. Each metric has one fixed dimension set, so alarms can name it exactly. */
export const METRICS = {
  /** A sign-in ended: Method passkey|google, Outcome success|failure. */
  SignIn: ['Method', 'Outcome'],
  /** An account was created, or its creation refused: Method, Outcome. */
  SignUp: ['Method', 'Outcome'],
  /** A request was refused with an error code (docs/api.md "Errors"): Reason is the code. */
  Refusal: ['Reason'],
  /** A request was refused by a rate limit (429). */
  RateLimited: [],
  /** A rotated-out refresh token came back: the family was revoked (possible theft). */
  RefreshTheft: [],
  /** Any security event the API logs: Event is its name. */
  SecurityEvent: ['Event'],
  /** A Cognito trigger threw: Trigger is the trigger's name. */
  TriggerError: ['Trigger'],
} as const satisfies Record<string, readonly string[]>;

export type MetricName = keyof typeof METRICS;
type DimensionsOf<M extends MetricName> = { [D in (typeof METRICS)[M][number]]: string };

/** Counts events; a no-op where nothing collects metrics (the local stack, most tests). */
export interface MetricsRecorder {
  count<M extends MetricName>(name: M, dimensions: DimensionsOf<M>): void;
}

export const noMetrics: MetricsRecorder = { count: () => undefined };

export interface EmfMetricsOptions {
  /** CloudWatch namespace; the stack sets one per deployment. */
  namespace: string;
  /** Where lines go; default stdout, which Lambda sends to the function's log group as is. */
  sink?: (line: string) => void;
  clock?: () => number;
}

/**
 * Dimension values come from closed sets (error codes, method and event names). Anything
 * else, such as an id, an email, a token or a code that reached a call by mistake, is
 * recorded as `other`: it would make a metric per user and put personal data in CloudWatch.
 */
const SAFE_VALUE = /^[a-z][a-z0-9_]{0,39}$/;

/** A namespace CloudWatch accepts (PutMetricData: 1–255 of these characters). */
export const NAMESPACE = /^[A-Za-z0-9.\-_/#:]{1,255}$/;

export function createEmfMetrics({
  namespace,
  sink = (line) => process.stdout.write(`${line}\n`),
  clock = Date.now,
}: EmfMetricsOptions): MetricsRecorder {
  if (!NAMESPACE.test(namespace))
    throw new TypeError(`Metrics namespace: expected ${NAMESPACE}, got ${namespace}`);
  return {
    count(name, dimensions) {
      const names = METRICS[name] as readonly string[];
      const values = Object.fromEntries(
        names.map((dimension) => {
          const value = (dimensions as Record<string, string>)[dimension] ?? '';
          return [dimension, SAFE_VALUE.test(value) ? value : 'other'];
        }),
      );
      sink(
        JSON.stringify({
          _aws: {
            Timestamp: clock(),
            CloudWatchMetrics: [
              { Namespace: namespace, Dimensions: [names], Metrics: [{ Name: name, Unit: 'Count' }] },
            ],
          },
          ...values,
          [name]: 1,
        }),
      );
    },
  };
}
