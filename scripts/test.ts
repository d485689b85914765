// Runs every check of the project in order: type-check, lint, unit +
// integration + emulator tests, browser end-to-end. Stops at the first failure.
import { spawnSync } from 'node:child_process';
import { globSync } from 'node:fs';

const bin = (name: string) => `node_modules/.bin/${name}`;
const node = process.execPath;
/** Node's ExperimentalWarning lines (type stripping, …) are noise in test output; other warnings still show. */
const quietNode = ['--disable-warning=ExperimentalWarning'];

const totals = { passed: 0, failed: 0 };

function run(label: string, cmd: string, args: string[], options: { countTests?: boolean } = {}): void {
  const started = Date.now();
  process.stdout.write(`\n== ${label}: ${cmd} ${args.join(' ')}\n`);
  const result = spawnSync(cmd, args, {
    stdio: ['ignore', options.countTests ? 'pipe' : 'inherit', 'inherit'],
    env: process.env,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (options.countTests) {
    const output = result.stdout?.toString() ?? '';
    process.stdout.write(output);
    totals.passed += Number(/^ℹ pass (\d+)$/m.exec(output)?.[1] ?? 0);
    totals.failed += Number(/^ℹ fail (\d+)$/m.exec(output)?.[1] ?? 0);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    process.stderr.write(`\n${label} failed after ${seconds}s (exit ${result.status ?? result.signal})\n`);
    process.stdout.write(`Tests: ${totals.passed} passed, ${Math.max(1, totals.failed)} failed\n`);
    process.exit(1);
  }
  process.stdout.write(`== ${label} passed in ${seconds}s\n`);
}

const files = (pattern: string) => globSync(pattern).sort();

run('type-check', bin('tsc'), ['-p', 'tsconfig.json']);
run('lint', bin('biome'), ['check', '.']);
run(
  'tests',
  node,
  [
    ...quietNode,
    '--test',
    '--test-concurrency=2',
    '--test-reporter=spec',
    ...files('test/{unit,emulator,integration,infra}/**/*.test.ts'),
  ],
  { countTests: true },
);
run(
  'browser end-to-end',
  node,
  [...quietNode, '--test', '--test-concurrency=1', '--test-reporter=spec', ...files('test/e2e/**/*.test.ts')],
  { countTests: true },
);
process.stdout.write(`\nTests: ${totals.passed} passed, ${totals.failed} failed\n`);
