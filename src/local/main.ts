// `npm start`: the whole local stack in one process, persisted under
// LOCAL_DATA_DIR (default .local-data), on http://localhost:PORT (default 3000).
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from '../config/config.ts';
import { createLogger } from '../logging/logger.ts';
import { mountDemoApp } from './demo-app.ts';
import { PortInUseError } from './listen.ts';
import { localSecretKey } from './local-secret-key.ts';
import { startLocalStack } from './stack.ts';

async function main(): Promise<void> {
  const portText = process.env.PORT ?? '3000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new ConfigError([`PORT (invalid): expected a port number 1-65535, got "${portText}"`]);
  }
  const dataDir = resolve(process.env.LOCAL_DATA_DIR ?? '.local-data');
  await mkdir(dataDir, { recursive: true });
  const logger = createLogger({ level: (process.env.LOG_LEVEL as 'info' | undefined) ?? 'info' });
  const stack = await startLocalStack({
    port,
    dataDir,
    env: { ...process.env, SECRET_KEY: await localSecretKey(dataDir) },
    logger,
    mount: mountDemoApp,
  });
  // Since the process started (performance.timeOrigin), not since main() ran: Node's own
  // start-up and loading the stack's modules are part of what a developer waits for.
  const readyMs = Math.round(performance.now());
  process.stdout.write(
    [
      '',
      'expenser-auth local stack is running:',
      `  Expenser demo app ${stack.url}/login  (API under ${stack.url}/auth)`,
      `  Cognito emulator  ${stack.cognito.url}  (pool ${stack.config.cognito.userPoolId})`,
      `  DynamoDB (dynalite) ${stack.dynamodbEndpoint}  (table ${stack.config.dynamodb.tableName})`,
      `  Mailbox (SES)     ${stack.mail.mailboxUrl}  (sign-up and recovery codes arrive here)`,
      `  data directory    ${dataDir}`,
      `ready in ${readyMs} ms. Press Ctrl-C to stop.`,
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal} received, stopping…\n`);
    stack.close().then(
      () => {
        process.stdout.write('stopped.\n');
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof PortInUseError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `expenser-auth failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
  process.exit(1);
});
