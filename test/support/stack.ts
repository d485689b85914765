import { type Clock, systemClock } from '../../src/errors.ts';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../src/local/stack.ts';
import { createLogger } from '../../src/logging/logger.ts';

export const TEST_SECRET_KEY = 'k2V9s7LqYw3T0pZb8XnC4RfHj6MdGa1Ue5Io';

export interface TestStack extends LocalStack {
  /** Every log line written so far (JSON text). */
  logs: string[];
}

/** The embedded local stack, in memory on free ports, logs collected for scanning. */
export async function startTestStack(
  options: {
    clock?: Clock;
    env?: Record<string, string>;
    wrapStore?: LocalStackOptions['wrapStore'];
    wrapCognito?: LocalStackOptions['wrapCognito'];
    triggers?: LocalStackOptions['triggers'];
  } = {},
): Promise<TestStack> {
  const logs: string[] = [];
  const stack = await startLocalStack({
    port: 0,
    // A short timing floor keeps the suite quick; the timing tests set their own.
    // Suites sign up many users from one address: the per-IP mail budget is raised (signup.test.ts
    // checks the real one).
    env: {
      SECRET_KEY: TEST_SECRET_KEY,
      LOG_LEVEL: 'debug',
      MAIL_START_FLOOR_MS: '20',
      RATE_LIMIT_IP_EMAIL_SENDS: '1000',
      ...options.env,
    },
    clock: options.clock ?? systemClock,
    logger: createLogger({ level: 'debug', sink: (line) => logs.push(line) }),
    ...(options.wrapStore ? { wrapStore: options.wrapStore } : {}),
    ...(options.wrapCognito ? { wrapCognito: options.wrapCognito } : {}),
    ...(options.triggers ? { triggers: options.triggers } : {}),
  });
  return Object.assign(stack, { logs });
}

/** A clock tests can move. */
export function manualClock(start = Date.now()) {
  let now = start;
  const clock: Clock = () => now;
  return {
    clock,
    advance(ms: number) {
      now += ms;
    },
    set(ms: number) {
      now = ms;
    },
  };
}
