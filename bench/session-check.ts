// What the server-side session record costs: the added latency of the record
// check on GET /auth/me, and DynamoDB calls per authenticated request and per
// renewal (with and without a Cognito refresh). Run with `npm run bench`.

import { startLocalStack } from '../src/local/stack.ts';
import { createLogger } from '../src/logging/logger.ts';
import { TestBrowser } from '../test/support/browser.ts';
import { signUp } from '../test/support/flows.ts';
import { SoftAuthenticator } from '../test/support/soft-authenticator.ts';
import { manualClock } from '../test/support/stack.ts';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200);
const WARMUP = 20;
const MINUTE = 60_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function timed(n: number, run: () => Promise<void>): Promise<number[]> {
  const timings: number[] = [];
  for (let i = 0; i < WARMUP + n; i += 1) {
    const started = performance.now();
    await run();
    if (i >= WARMUP) timings.push(performance.now() - started);
  }
  return timings.sort((a, b) => a - b);
}

const describe = (t: number[]) =>
  `p50 ${percentile(t, 50).toFixed(2)} ms, p95 ${percentile(t, 95).toFixed(2)} ms`;

export async function benchSessionCheck(): Promise<void> {
  const time = manualClock();
  const stack = await startLocalStack({
    port: 0,
    env: { SECRET_KEY: 'bench-Q7w9E2r4T6y8U1i3O5p7A9s2D4f6G8h' },
    clock: time.clock,
    logger: createLogger({ level: 'silent' }),
  });
  try {
    const browser = new TestBrowser(stack);
    const created = await signUp(browser, new SoftAuthenticator(), `bench.session.${Date.now()}@example.com`);
    if (created.status !== 201) throw new Error(`sign-up failed: ${created.status}`);
    const { id: userId } = created.body.user as { id: string };
    const sid = ((await browser.get('/auth/me')).body as { session: { id: string } }).session.id;

    const me = await timed(ITERATIONS, async () => {
      const response = await browser.get('/auth/me');
      if (response.status !== 200) throw new Error(`/auth/me: ${response.status}`);
    });
    const check = await timed(ITERATIONS, async () => {
      if (!(await stack.store.getSession(userId, sid))) throw new Error('no session record');
    });
    const count = async (run: () => Promise<unknown>) => {
      stack.dynamodbCalls.reset();
      stack.cognito.resetCounts();
      await run();
      const dynamo = stack.dynamodbCalls.count();
      const cognito = stack.cognito.counts().operations;
      const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
      return `${sum(dynamo)} DynamoDB ${JSON.stringify(dynamo)}, ${sum(cognito)} Cognito ${JSON.stringify(cognito)}`;
    };
    console.log('session records (local stack, in-process app.request):');
    console.log(`  GET /auth/me: ${describe(me)} over ${ITERATIONS}`);
    console.log(
      `  of which the record check (one strongly consistent GetItem on dynalite): ${describe(check)}`,
    );
    console.log(`  per authenticated request (GET /auth/me): ${await count(() => browser.get('/auth/me'))}`);
    time.advance(11 * MINUTE);
    console.log(
      `  per renewal, Cognito tokens still fresh: ${await count(() => browser.post('/auth/refresh'))}`,
    );
    time.advance(5 * MINUTE);
    console.log(
      `  per renewal that asks Cognito (tokens near expiry): ${await count(() => browser.post('/auth/refresh'))}`,
    );
  } finally {
    await stack.close();
  }
}
