import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface CallCounter {
  /** Commands sent since the last reset, by command name (e.g. `GetItemCommand`); retries are not counted twice. */
  count(): Record<string, number>;
  reset(): void;
}

let attached = 0;

/** Adds a middleware to the client that counts the commands it sends (for benchmarks). */
export function attachCallCounter(client: DynamoDBClient): CallCounter {
  let counts: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      counts[name] = (counts[name] ?? 0) + 1;
      return next(args);
    },
    // The initialize step runs once per command, before the retry loop.
    { step: 'initialize', name: `expenserCallCounter${++attached}` },
  );
  return {
    count: () => ({ ...counts }),
    reset: () => {
      counts = {};
    },
  };
}
