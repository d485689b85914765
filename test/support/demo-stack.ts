import type { Clock } from '../../src/errors.ts';
import { mountDemoApp } from '../../src/local/demo-app.ts';
import { type LocalStack, startLocalStack } from '../../src/local/stack.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { TEST_SECRET_KEY } from './stack.ts';

/** The local stack as `npm start` serves it (API + demo Expenser app), in memory on a free port, silent. */
export function startDemoStack(options: { clock?: Clock } = {}): Promise<LocalStack> {
  return startLocalStack({
    port: 0,
    env: { SECRET_KEY: TEST_SECRET_KEY },
    ...(options.clock ? { clock: options.clock } : {}),
    logger: createLogger({ level: 'silent' }),
    mount: mountDemoApp,
  });
}
