import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * SECRET_KEY for the local stack: from the environment, else one generated
 * once and kept in the data directory (mode 0600), so sessions survive a restart.
 */
export async function localSecretKey(dataDir: string): Promise<string> {
  if (process.env.SECRET_KEY) return process.env.SECRET_KEY;
  const file = join(dataDir, 'secret-key');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const key = randomBytes(48).toString('base64url');
    await writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  }
}
