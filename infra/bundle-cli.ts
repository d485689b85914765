// `node infra/bundle-cli.ts <function> <outdir>`: one function's bundle, for CDK's local bundling.
import { bundleFunction, type FunctionName, LAMBDA_ENTRIES } from './bundle.ts';

const [name, outdir] = process.argv.slice(2);
if (!name || !outdir || !Object.hasOwn(LAMBDA_ENTRIES, name)) {
  console.error(`usage: node infra/bundle-cli.ts <${Object.keys(LAMBDA_ENTRIES).join('|')}> <outdir>`);
  process.exit(2);
}
const { bytes } = await bundleFunction(name as FunctionName, outdir);
console.error(`bundled ${name}: ${(bytes / 1024).toFixed(1)} KB`);
