#!/usr/bin/env node
// `npm run session-verify-key` (in this repository) or `npx expenser-auth-session-key`
// (from the package): prints SESSION_VERIFY_KEY, the key a front end verifies
// session cookies with, derived from SECRET_KEY. SECRET_KEY comes from the
// environment, else from the local stack's data directory (`npm start` made it).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sessionVerifyKey } from '../sessions/session-verify-key.ts';

function localSecretKey(): string | undefined {
  const file = join(resolve(process.env.LOCAL_DATA_DIR ?? '.local-data'), 'secret-key');
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(
    [
      'usage: SECRET_KEY=… npm run session-verify-key   (or npx expenser-auth-session-key)',
      '',
      'Prints SESSION_VERIFY_KEY: HKDF-SHA256 over SECRET_KEY with the session cookie’s label.',
      'Give it to front ends (verifySession, expenser-auth/next); it opens session cookies only.',
      'Without SECRET_KEY in the environment it reads the local stack’s LOCAL_DATA_DIR/secret-key.',
      'For a deployed stack: SECRET_KEY="$(aws secretsmanager get-secret-value --secret-id <SecretKey ARN> \\',
      '  --query SecretString --output text)" npx expenser-auth-session-key',
      '',
    ].join('\n'),
  );
  process.exit(0);
}

const secretKey = process.env.SECRET_KEY || localSecretKey();
if (!secretKey) {
  process.stderr.write(
    'SECRET_KEY is not set and there is no .local-data/secret-key (run `npm start` once). See --help.\n',
  );
  process.exit(2);
}
process.stdout.write(`${sessionVerifyKey(secretKey)}\n`);
