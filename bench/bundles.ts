// Size and cold module-initialisation time of each Lambda bundle, built exactly
// as the CDK stack builds them (infra/bundle.ts). Init time is a fresh `node`
// importing the bundle, as a ratio to a bare `node -e 0` measured in the same
// run, median of alternating runs. An import is only part of a cold start, so
// there is no budget here: the goal is the cold sign-in of bench/cold-signin.ts.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type AwsClients,
  type BundleResult,
  bundleEntry,
  bundleFunction,
  DEPLOYED_AWS_CLIENTS,
  type FunctionName,
  LAMBDA_ENTRIES,
  PROJECT_ROOT,
} from '../infra/bundle.ts';

const RUNS = 21;
/** Inside the project so the externals (@aws-sdk/*) resolve from node_modules, as from /var/runtime in Lambda. */
const OUT = join(PROJECT_ROOT, 'node_modules', '.cache', 'expenser-bundles');

function timeNode(args: string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const elapsed = performance.now() - started;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed:\n${result.stderr}`);
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

interface Row {
  /** A function, or a floor (one library on its own). */
  label: string;
  /** Whole function code (entry + chunks). */
  kb: number;
  /** The entry file alone: what every cold start loads. */
  entryKb: number;
  bareMs: number;
  importMs: number;
  ratio: number;
  /** Entry plus its lazily imported chunks (a cold start that takes the rare path), if there are chunks. */
  allChunksRatio: number | null;
}

async function measure(label: string, build: (outdir: string) => Promise<BundleResult>): Promise<Row> {
  const outdir = join(OUT, label.replace(/[^a-zA-Z0-9-]+/g, '-'));
  rmSync(outdir, { recursive: true, force: true });
  const { file, bytes, totalBytes, metafile } = await build(outdir);
  const importOf = (path: string) => `await import(${JSON.stringify(pathToFileURL(path).href)});`;
  const chunks = Object.keys(metafile.outputs)
    .map((output) => join(PROJECT_ROOT, output))
    .filter((output) => output !== file);
  const importArgs = ['--input-type=module', '-e', importOf(file)];
  const allArgs = ['--input-type=module', '-e', [file, ...chunks].map(importOf).join('')];
  timeNode(importArgs); // warm the file cache once
  const bare: number[] = [];
  const imported: number[] = [];
  const all: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    bare.push(timeNode(['-e', '0']));
    imported.push(timeNode(importArgs));
    if (chunks.length > 0) all.push(timeNode(allArgs));
  }
  const bareMs = median(bare);
  const importMs = median(imported);
  return {
    label,
    kb: totalBytes / 1024,
    entryKb: bytes / 1024,
    bareMs,
    importMs,
    ratio: importMs / bareMs,
    allChunksRatio: chunks.length > 0 ? median(all) / bareMs : null,
  };
}

function print(title: string, rows: Row[]): void {
  console.log(`\n${title}`);
  console.log(
    '| function | bundle KB (entry KB) | bare node ms | node + import ms | ratio | incl. lazy chunks |',
  );
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    const size =
      row.entryKb === row.kb ? row.kb.toFixed(1) : `${row.kb.toFixed(1)} (${row.entryKb.toFixed(1)})`;
    const lazy = row.allChunksRatio === null ? '–' : `${row.allChunksRatio.toFixed(2)}×`;
    console.log(
      `| ${row.label} | ${size} | ${row.bareMs.toFixed(1)} | ${row.importMs.toFixed(1)} | ${row.ratio.toFixed(2)}× | ${lazy} |`,
    );
  }
}

async function measureFunction(name: FunctionName, clients: AwsClients): Promise<Row> {
  const label = clients === DEPLOYED_AWS_CLIENTS ? name : `${name} (${clients})`;
  return measure(label, (outdir) => bundleFunction(name, outdir, { clients }));
}

/** One library on its own, bundled as the functions bundle it: what no function using it can start under. */
const FLOORS = [
  { label: 'floor: DynamoDB client alone', entry: 'bench/floors/dynamodb-client.ts' },
  { label: 'floor: WebAuthn assertion check alone', entry: 'bench/floors/webauthn-assertion.ts' },
] as const;

export async function benchBundles({ compareSdk = true }: { compareSdk?: boolean } = {}): Promise<void> {
  const names = Object.keys(LAMBDA_ENTRIES) as FunctionName[];
  const deployed: Row[] = [];
  for (const name of names) deployed.push(await measureFunction(name, DEPLOYED_AWS_CLIENTS));
  print(
    `Lambda bundles as deployed (minified ESM, node24, AWS SDK v3 bundled in; median of ${RUNS} alternating runs)`,
    deployed,
  );
  const floors: Row[] = [];
  for (const { label, entry } of FLOORS) {
    floors.push(
      await measure(label, (outdir) =>
        bundleEntry(entry, outdir, { bundleAwsSdk: true, stubsOf: 'verifyAuthChallenge' }),
      ),
    );
  }
  print('Floors: the two libraries the verify trigger cannot do without, each bundled on its own', floors);
  if (compareSdk) {
    const sdk: Row[] = [];
    for (const name of ['api', 'verifyAuthChallenge', 'preSignUp'] as const) {
      sdk.push(await measureFunction(name, 'runtime-sdk'));
    }
    print("For comparison: the same functions loading the Lambda runtime's AWS SDK v3 (left external)", sdk);
  }
}

if (import.meta.main) await benchBundles();
