// A Lambda execution environment in miniature, one per cold start measured by
// bench/cold-signin.ts: imports one bundle (INIT), then invokes its `handler`
// with each event the bench sends over the IPC channel and sends back the
// result. Plain JavaScript and nothing imported, so the harness itself costs
// what `node` plus an IPC channel costs (the "bare node" row of the bench).
const bootMs = performance.now();
const hrMicros = () => Number(process.hrtime.bigint() / 1000n);
const marks = { importStart: hrMicros(), importEnd: 0 };

const { handler } = await import(process.env.BENCH_BUNDLE_URL);
marks.importEnd = hrMicros();
const initMs = performance.now() - bootMs;

let invocations = 0;
function context() {
  invocations += 1;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: '$LATEST',
    memoryLimitInMB: '1024',
    awsRequestId: `bench-${process.pid}-${invocations}`,
    getRemainingTimeInMillis: () => 10_000,
  };
}

process.on('message', async (message) => {
  if (message.type === 'exit') {
    process.send({ type: 'exit', maxRssKb: process.resourceUsage().maxRSS }, () => process.exit(0));
    return;
  }
  const start = hrMicros();
  const started = performance.now();
  try {
    const result = await handler(message.event, context());
    const ms = performance.now() - started;
    const { user, system } = process.cpuUsage();
    process.send({
      type: 'result',
      id: message.id,
      result,
      ms,
      rss: process.memoryUsage.rss(),
      cpuMs: (user + system) / 1000,
      start,
      end: hrMicros(),
    });
  } catch (error) {
    process.send({ type: 'result', id: message.id, error: String(error?.stack ?? error) });
  }
});
process.send({ type: 'ready', bootMs, initMs, marks });
