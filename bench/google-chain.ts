// The whole Google redirect chain on the local stack, as a browser walks it:
// GET /auth/google → emulator /oauth2/authorize → stand-in (authorize, page,
// form POST, resume) → emulator /oauth2/idpresponse → API callback → front end.
// Counts HTTP requests (browser-visible hops, plus the server-to-server calls:
// token endpoints, discovery, JWKS, Cognito API) and sums the server-side time
// of the browser-visible hops. Run with `npm run bench`.

import { startLocalStack } from '../src/local/stack.ts';
import { createLogger } from '../src/logging/logger.ts';
import { TestBrowser } from '../test/support/browser.ts';
import { GoogleFlowWalker } from '../test/support/google.ts';

const ITERATIONS = Number(process.env.BENCH_GOOGLE_ITERATIONS ?? 30);
const WARMUP = 3;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export async function benchGoogleChain(): Promise<void> {
  const stack = await startLocalStack({
    port: 0,
    env: { SECRET_KEY: 'bench-Q7w9E2r4T6y8U1i3O5p7A9s2D4f6G8h' },
    logger: createLogger({ level: 'silent' }),
  });
  // Count every outgoing server-to-server fetch made in this process (openid-client, JWKS, SDK
  // calls over fetch are not used by the SDK's node handler, so Cognito API calls are counted
  // by the emulator instead).
  const realFetch = globalThis.fetch;
  let serverFetches = 0;
  let counting = false;
  globalThis.fetch = ((...args: Parameters<typeof fetch>) => {
    if (counting) serverFetches += 1;
    return realFetch(...args);
  }) as typeof fetch;
  try {
    const totals: number[] = [];
    let hopsPerRun = 0;
    let detail = '';
    for (let i = 0; i < WARMUP + ITERATIONS; i += 1) {
      // Each run is a first sign-in of a new Google user (PreSignUp runs), in a fresh browser.
      const walker = new GoogleFlowWalker(new TestBrowser(stack));
      const email = `bench.google.${i}.${Date.now()}@example.com`;
      const measured = i === WARMUP;
      if (measured) {
        stack.cognito.resetCounts();
        stack.dynamodbCalls.reset();
        serverFetches = 0;
        counting = true;
      }
      const run = await walker.run('/auth/google?returnTo=/expenses', { email });
      // The walker's own requests to the emulator and stand-in went through fetch too.
      const browserFetches = run.hops.filter((hop) => !hop.url.startsWith(stack.url)).length;
      if (measured) {
        counting = false;
        const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
        const { operations, triggers } = stack.cognito.counts();
        const dynamo = stack.dynamodbCalls.count();
        hopsPerRun = run.hops.length;
        // Emulator counts name hosted-UI endpoints "GET /oauth2/..." and API operations by name.
        const sdkCalls = Object.entries(operations)
          .filter(([name]) => !name.includes('/'))
          .reduce((total, [, count]) => total + count, 0);
        const serverHttp = serverFetches - browserFetches;
        detail = [
          `  HTTP requests in all: ${run.hops.length + serverHttp + sdkCalls}`,
          `  browser requests: ${run.hops.length} (${run.hops.map((h) => `${h.method} ${new URL(h.url).pathname}`).join(' → ')})`,
          `  server-to-server over fetch (token endpoints, discovery, JWKS): ${serverHttp}`,
          `  Cognito API calls over the SDK (the callback adopting the identity): ${sdkCalls}`,
          `  requests the Cognito emulator served: ${sum(operations)} ${JSON.stringify(operations)}`,
          `  trigger invocations: ${sum(triggers)} ${JSON.stringify(triggers)}`,
          `  DynamoDB calls: ${sum(dynamo)} ${JSON.stringify(dynamo)}`,
        ].join('\n');
      }
      if (run.finalUrl !== `${stack.config.frontendUrl}/expenses`) {
        throw new Error(`Google sign-in ended on ${run.finalUrl}`);
      }
      if (i >= WARMUP) totals.push(run.hops.reduce((total, hop) => total + hop.ms, 0));
    }
    totals.sort((a, b) => a - b);
    console.log('one Google first sign-in, whole redirect chain (local stack):');
    console.log(detail);
    console.log(
      `  server-side time of the ${hopsPerRun} browser requests over ${ITERATIONS} runs: ` +
        `p50 ${percentile(totals, 50).toFixed(1)} ms, p95 ${percentile(totals, 95).toFixed(1)} ms, max ${totals.at(-1)?.toFixed(1)} ms`,
    );
  } finally {
    globalThis.fetch = realFetch;
    await stack.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchGoogleChain();
