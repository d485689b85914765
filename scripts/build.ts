// `npm run build`: the package as `npm pack` ships it, in dist/ (gitignored):
// JavaScript and .d.ts for every entry point of package.json `exports`
// (tsc, tsconfig.build.json), and each Lambda function's bundle in
// dist/lambda/<name>/ for `expenser-auth/cdk` (esbuild, as infra/bundle.ts
// bundles them for this repository's own stack).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFunction, LAMBDA_ENTRIES, PROJECT_ROOT } from '../infra/bundle.ts';

const started = Date.now();
const dist = join(PROJECT_ROOT, 'dist');
rmSync(dist, { recursive: true, force: true });

const tsc = spawnSync(join(PROJECT_ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], {
  cwd: PROJECT_ROOT,
  stdio: 'inherit',
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

/**
 * tsc rewrites `./x.ts` to `./x.js` in JavaScript but keeps `.ts` in the
 * declarations it emits; a consumer's compiler resolves those too, but its
 * error messages and editors are clearer with the `.js` the files really have.
 */
function rewriteDeclarations(dir: string): void {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) rewriteDeclarations(path);
    else if (path.endsWith('.d.ts')) {
      const text = readFileSync(path, 'utf8');
      const rewritten = text.replace(/((?:from|import\()\s*['"]\.{1,2}\/[^'"]+)\.ts(['"])/g, '$1.js$2');
      if (rewritten !== text) writeFileSync(path, rewritten);
    }
  }
}
rewriteDeclarations(dist);

for (const name of Object.keys(LAMBDA_ENTRIES) as (keyof typeof LAMBDA_ENTRIES)[]) {
  const { totalBytes } = await bundleFunction(name, join(dist, 'lambda', name));
  process.stdout.write(`bundled ${name}: ${(totalBytes / 1024).toFixed(1)} KB\n`);
}
process.stdout.write(`built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
