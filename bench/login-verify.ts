// Server-side time of POST /auth/passkey/login/verify on the local stack, and
// what one passkey sign-in costs in Cognito calls, trigger invocations and
// DynamoDB calls. Run with `npm run bench`.

import { startLocalStack } from '../src/local/stack.ts';
import { createLogger } from '../src/logging/logger.ts';
import { TestBrowser } from '../test/support/browser.ts';
import { assertion, signUp } from '../test/support/flows.ts';
import { SoftAuthenticator } from '../test/support/soft-authenticator.ts';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200);
const WARMUP = 20;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export async function benchLoginVerify(): Promise<void> {
  const stack = await startLocalStack({
    port: 0,
    env: {
      SECRET_KEY: 'bench-Q7w9E2r4T6y8U1i3O5p7A9s2D4f6G8h',
      RATE_LIMIT_IP_FAILURES: '100000',
      RATE_LIMIT_IP_REQUESTS: '100000',
    },
    logger: createLogger({ level: 'silent' }),
  });
  try {
    const authenticator = new SoftAuthenticator();
    const browser = new TestBrowser(stack);
    const created = await signUp(browser, authenticator, `bench.${Date.now()}@example.com`);
    if (created.status !== 201) throw new Error(`sign-up failed: ${created.status}`);

    const timings: number[] = [];
    for (let i = 0; i < WARMUP + ITERATIONS; i += 1) {
      const credential = await assertion(browser, authenticator);
      const counted = i === WARMUP;
      if (counted) {
        stack.cognito.resetCounts();
        stack.dynamodbCalls.reset();
      }
      const started = performance.now();
      const response = await browser.post('/auth/passkey/login/verify', { credential });
      const elapsed = performance.now() - started;
      if (response.status !== 200)
        throw new Error(`sign-in failed: ${response.status} ${JSON.stringify(response.body)}`);
      if (counted) {
        const { operations, triggers } = stack.cognito.counts();
        const dynamo = stack.dynamodbCalls.count();
        const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
        console.log('one passkey sign-in (login/verify only):');
        console.log(`  Cognito API calls: ${sum(operations)} ${JSON.stringify(operations)}`);
        console.log(`  trigger invocations: ${sum(triggers)} ${JSON.stringify(triggers)}`);
        console.log(`  DynamoDB calls: ${sum(dynamo)} ${JSON.stringify(dynamo)}`);
      }
      if (i >= WARMUP) timings.push(elapsed);
    }
    timings.sort((a, b) => a - b);
    console.log(
      `login/verify server-side time over ${ITERATIONS} sign-ins (in-process app.request, local stack): ` +
        `p50 ${percentile(timings, 50).toFixed(1)} ms, p95 ${percentile(timings, 95).toFixed(1)} ms, max ${timings.at(-1)?.toFixed(1)} ms`,
    );
  } finally {
    await stack.close();
  }
}
