// `npm run example:next`: the Next.js example (examples/next-app) next to the local
// stack. The package is packed and installed into .local-data/next-example (as a
// team installs it), the app is built, and both servers run until Ctrl-C:
//   http://localhost:NEXT_PORT (default 3001)  the Next.js app; /auth/* is forwarded to
//   http://127.0.0.1:PORT      (default 3000)  the local stack (API, Cognito, DynamoDB, mail)
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { localSecretKey } from '../src/local/local-secret-key.ts';
import { startLocalStack } from '../src/local/stack.ts';
import { createLogger } from '../src/logging/logger.ts';
import { sessionVerifyKey } from '../src/sessions/session-verify-key.ts';
import {
  buildNextExample,
  packPackage,
  preparePackedProject,
  stackEnvFor,
  startNextExample,
} from './next-example/project.ts';

const stackPort = Number(process.env.PORT ?? 3000);
const nextPort = Number(process.env.NEXT_PORT ?? 3001);
const dataDir = resolve(process.env.LOCAL_DATA_DIR ?? '.local-data');
const appDir = join(dataDir, 'next-example');
const appUrl = `http://localhost:${nextPort}`;
await mkdir(dataDir, { recursive: true });

process.stdout.write('packing expenser-auth (npm run build) and installing it into the example…\n');
const tarball = packPackage(join(dataDir, 'pack'));
preparePackedProject({ dir: appDir, tarball });

const secretKey = await localSecretKey(dataDir);
const env = {
  apiUrl: `http://127.0.0.1:${stackPort}`,
  sessionVerifyKey: sessionVerifyKey(secretKey),
  secureCookies: false,
};
process.stdout.write('next build…\n');
const buildMs = buildNextExample(appDir, env);
process.stdout.write(`built in ${(buildMs / 1000).toFixed(1)} s\n`);

const stack = await startLocalStack({
  port: stackPort,
  dataDir,
  env: { ...process.env, SECRET_KEY: secretKey, ...stackEnvFor(appUrl) },
  logger: createLogger({ level: 'warn' }),
});
const next = await startNextExample(appDir, nextPort, env);
process.stdout.write(
  [
    '',
    'Expenser on Next.js is running:',
    `  Next.js app        ${appUrl}/login   (/auth/* forwarded to ${env.apiUrl})`,
    `  Mailbox (SES)      ${stack.mail.mailboxUrl}  (sign-up and recovery codes arrive here)`,
    `  data directory     ${dataDir}`,
    'Press Ctrl-C to stop.',
    '',
  ].join('\n'),
);
const stop = async () => {
  await next.close();
  await stack.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
