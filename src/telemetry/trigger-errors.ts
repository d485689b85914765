import { createEmfMetrics, type MetricsRecorder, noMetrics } from './metrics.ts';

/** The metrics of a function, in the namespace the stack gives it (METRICS_NAMESPACE); none without one. */
export function metricsFromEnv(env: Record<string, string | undefined>): MetricsRecorder {
  const namespace = env.METRICS_NAMESPACE?.trim();
  return namespace ? createEmfMetrics({ namespace }) : noMetrics;
}

/**
 * A trigger handler that counts what it throws (`TriggerError` by trigger) before Cognito
 * sees it. Lambda's own `Errors` metric also counts timeouts and crashes; this one is
 * in the service's namespace, beside its other metrics.
 */
export function countingErrors<E, R>(
  trigger: string,
  handler: (event: E) => Promise<R>,
  metrics: MetricsRecorder,
): (event: E) => Promise<R> {
  return async function countedTrigger(event) {
    try {
      return await handler(event);
    } catch (error) {
      metrics.count('TriggerError', { Trigger: trigger });
      throw error;
    }
  };
}
