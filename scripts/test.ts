// Runs every check of the project in order: type-check, lint, unit +
// integration + emulator tests, browser end-to-end. Stops at the first failure.
import { spawnSync } from 'node:child_process';
import { globSync } from 'node:fs';

const bin = (name: string) => `node_modules/.bin/${name}`;
const node = process.execPath;

function run(label: string, cmd: string, args: string[]): void {
  const started = Date.now();
  process.stdout.write(`\n== ${label}: ${cmd} ${args.join(' ')}\n`);
  const result = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    process.stderr.write(`\n${label} failed after ${seconds}s (exit ${result.status ?? result.signal})\n`);
    process.exit(1);
  }
  process.stdout.write(`== ${label} passed in ${seconds}s\n`);
}

const files = (pattern: string) => globSync(pattern).sort();

run('type-check', bin('tsc'), ['-p', 'tsconfig.json']);
run('lint', bin('biome'), ['check', '.']);
run('tests', node, [
  '--test',
  '--test-concurrency=2',
  '--test-reporter=spec',
  ...files('test/{unit,emulator,integration,infra}/**/*.test.ts'),
]);
run('browser end-to-end', node, [
  '--test',
  '--test-concurrency=1',
  '--test-reporter=spec',
  ...files('test/e2e/**/*.test.ts'),
]);
