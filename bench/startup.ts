// Time from `npm start` (node src/local/main.ts) to the "ready" line, on a fresh
// data directory and again on the same one (restart).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function startOnce(dataDir: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', 'src/local/main.ts'], {
      env: { ...process.env, PORT: String(port), LOCAL_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready in')) {
        const elapsed = performance.now() - started;
        child.once('exit', () => resolve(elapsed));
        child.kill('SIGINT');
      }
    });
    child.once('exit', (code) => {
      if (!output.includes('ready in'))
        reject(new Error(`npm start exited (${code}) before ready:\n${output}`));
    });
  });
}

export async function benchStartup(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'expenser-bench-'));
  try {
    const port = await freePort();
    const fresh = await startOnce(dataDir, port);
    const again = await startOnce(dataDir, port);
    console.log(
      `npm start → ready (process spawn to "ready" line): fresh data dir ${fresh.toFixed(0)} ms, restart ${again.toFixed(0)} ms`,
    );
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
