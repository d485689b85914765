// One bundle per Lambda function, built the same way for the CDK assets and for
// the benchmark, so the bench measures what is deployed.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';
import { BUNDLE_FILE, type FunctionName, LAMBDA_ENTRIES, PROJECT_ROOT } from './function-names.ts';

export { BUNDLE_FILE, type FunctionName, LAMBDA_ENTRIES, PROJECT_ROOT } from './function-names.ts';

/**
 * Packages the Node.js 24 Lambda runtime provides: AWS SDK for JavaScript v3.
 * Left external when a function uses the runtime's copy (`runtime-sdk`).
 */
export const EXTERNAL_PACKAGES = ['@aws-sdk/*'];

/**
 * @simplewebauthn/server ships ESM without `"sideEffects": false`, and its
 * helpers import each other through a barrel (`helpers/index.js`) that pulls in
 * certificate-path validation (@peculiar/x509, tsyringe, reflect-metadata) and
 * the attestation root certificates. Its modules have no import-time effects,
 * so telling esbuild so lets it drop whatever a function does not call.
 */
const SIDE_EFFECT_FREE =
  /[\\/]node_modules[\\/](@simplewebauthn[\\/]server|@peculiar[\\/]asn1-[a-z0-9-]+)[\\/]/;

const markSideEffectFree: Plugin = {
  name: 'side-effect-free-packages',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === markSideEffectFree) return undefined;
      const inside = SIDE_EFFECT_FREE.test(args.importer);
      if (!inside && !/^(@simplewebauthn\/server|@peculiar\/asn1-)/.test(args.path)) return undefined;
      const result = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: markSideEffectFree,
      });
      if (result.errors.length > 0 || result.external || !SIDE_EFFECT_FREE.test(result.path)) return result;
      return { ...result, sideEffects: false };
    });
  },
};

/**
 * Modules a function's code path never calls, replaced by a stub that throws.
 * The verify trigger only checks assertions, and `verifyAuthenticationResponse`
 * calls `verifySignature` with the stored COSE key, never with an X.509
 * certificate (that branch is for attestation statements, at registration).
 * Dropping the converter drops @peculiar/asn1-x509 and its schema set-up.
 */
const UNUSED_MODULES: Partial<Record<FunctionName, { file: RegExp; exportName: string }[]>> = {
  verifyAuthChallenge: [
    {
      file: /[\\/]@simplewebauthn[\\/]server[\\/]esm[\\/]helpers[\\/]convertX509PublicKeyToCOSE\.js$/,
      exportName: 'convertX509PublicKeyToCOSE',
    },
  ],
};

function stubUnusedModules(name: FunctionName): Plugin {
  const stubs = UNUSED_MODULES[name] ?? [];
  return {
    name: 'stub-unused-modules',
    setup(b) {
      if (stubs.length === 0) return;
      b.onLoad({ filter: /\.js$/ }, (args) => {
        const stub = stubs.find(({ file }) => file.test(args.path));
        if (!stub) return undefined;
        return throwingModule(
          [stub.exportName],
          `${stub.exportName} is not in the ${name} bundle (infra/bundle.ts)`,
        );
      });
    },
  };
}

/**
 * Packages no function calls, replaced in every bundle by a stub whose
 * exports throw `reason` if ever called.
 */
const STUBBED_PACKAGES: Record<string, { exports: string[]; reason: string }> = {
  // The SDK's default credential chain (profiles, SSO, IMDS, web identity, and
  // the STS, SSO and sign-in clients behind them: about 100 KB). Every client
  // gets the credentials Lambda puts in the environment instead.
  '@aws-sdk/credential-provider-node': {
    exports: ['defaultProvider'],
    reason: 'pass credentials explicitly (src/lambda/aws-clients.ts)',
  },
  // Event-stream (de)serialisation, loaded by `import()` only for streaming
  // operations (14 KB); no DynamoDB, Cognito or Secrets Manager call made here streams.
  '@smithy/core/event-streams': {
    exports: ['EventStreamSerde', 'eventStreamSerdeProvider'],
    reason: 'the functions make no event-stream calls',
  },
};

const stubPackages: Plugin = {
  name: 'stub-packages',
  setup(b) {
    b.onResolve({ filter: /^@/ }, (args) =>
      Object.hasOwn(STUBBED_PACKAGES, args.path)
        ? { path: args.path, namespace: 'stubbed-package' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'stubbed-package' }, (args) => {
      const { exports, reason } = STUBBED_PACKAGES[args.path] ?? { exports: [], reason: '' };
      return throwingModule(exports, `${args.path} is not in the Lambda bundles: ${reason}`);
    });
  },
};

/** An ES module whose every export is a function that throws `message`. */
function throwingModule(exportNames: string[], message: string) {
  const body = `{ throw new Error(${JSON.stringify(message)}); }`;
  return {
    loader: 'js' as const,
    contents: exportNames.map((exportName) => `export function ${exportName}() ${body}`).join('\n'),
  };
}

export interface BundleResult {
  /** The entry file, `index.mjs`. */
  file: string;
  /** Size of the entry and the chunks it imports statically: what a cold start loads. */
  bytes: number;
  /** Size of every output file, including chunks loaded later by `import()`. */
  totalBytes: number;
  metafile: Metafile;
}

/** How a bundle reaches AWS: SDK v3 taken from the Lambda runtime (`runtime-sdk`) or bundled in (`bundled-sdk`). */
export type AwsClients = 'runtime-sdk' | 'bundled-sdk';

/**
 * The functions talk to AWS through the SDK v3 clients the adapters are written
 * (and tested locally) against, bundled in: the version deployed is the version
 * tested, and `npm run bench` measured a faster cold start than loading the
 * runtime's copy.
 */
export const DEPLOYED_AWS_CLIENTS: AwsClients = 'bundled-sdk';

/**
 * Bundles one function into `outdir/index.mjs` (plus chunks for what it
 * imports dynamically): minified ESM for Node.js 24.
 */
export function bundleFunction(
  name: FunctionName,
  outdir: string,
  { clients = DEPLOYED_AWS_CLIENTS, readable = false }: { clients?: AwsClients; readable?: boolean } = {},
): Promise<BundleResult> {
  return bundleEntry(LAMBDA_ENTRIES[name], outdir, {
    bundleAwsSdk: clients === 'bundled-sdk',
    stubsOf: name,
    readable,
  });
}

/** Bundles any entry point the way functions are bundled (the benchmark breaks a function down with it). */
export async function bundleEntry(
  entry: string,
  outdir: string,
  {
    bundleAwsSdk = false,
    stubsOf,
    readable = false,
  }: {
    bundleAwsSdk?: boolean;
    /** Apply this function's stubs. */
    stubsOf?: FunctionName;
    /**
     * Not minified, for the bench's CPU profiles: functions keep their names
     * and each module starts with a `// <path>` line. Never deployed.
     */
    readable?: boolean;
  } = {},
): Promise<BundleResult> {
  // Emptied, not removed: CDK hands over a staging directory it owns.
  mkdirSync(outdir, { recursive: true });
  for (const stale of readdirSync(outdir)) rmSync(join(outdir, stale), { recursive: true, force: true });
  const result = await build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [entry],
    outdir,
    entryNames: BUNDLE_FILE.replace(/\.mjs$/, ''),
    chunkNames: 'chunk-[hash]',
    outExtension: { '.js': '.mjs' },
    // Code split at `import()`, so a function loads rarely used paths only when taken.
    splitting: true,
    bundle: true,
    minify: !readable,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    mainFields: ['module', 'main'],
    external: bundleAwsSdk ? [] : EXTERNAL_PACKAGES,
    legalComments: 'none',
    // CommonJS dependencies call require() for Node built-ins; ESM has no require.
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
    plugins: [markSideEffectFree, stubPackages, ...(stubsOf ? [stubUnusedModules(stubsOf)] : [])],
    metafile: true,
    logLevel: 'warning',
  });
  const file = join(outdir, BUNDLE_FILE);
  const outputs = dropUnreachableChunks(result.metafile, relative(PROJECT_ROOT, file));
  const totalBytes = Object.values(outputs).reduce((sum, output) => sum + output.bytes, 0);
  // What a cold start loads: the entry and the chunks it imports statically.
  const loaded = new Set<string>();
  const visit = (path: string) => {
    if (loaded.has(path) || !outputs[path]) return;
    loaded.add(path);
    for (const dependency of outputs[path].imports) {
      if (dependency.kind === 'import-statement' && !dependency.external) visit(dependency.path);
    }
  };
  visit(relative(PROJECT_ROOT, file));
  const bytes = [...loaded].reduce((sum, path) => sum + (outputs[path]?.bytes ?? 0), 0);
  return { file, bytes, totalBytes, metafile: { ...result.metafile, outputs } };
}

/**
 * Deletes the chunks the entry cannot reach, statically or through
 * `import()`, and returns the outputs that remain. esbuild emits a chunk for
 * every `import()` it scans, even when tree shaking then drops the code that
 * held it (the SDK's browser user-agent parser, bowser, is one): such a chunk
 * can never load.
 */
function dropUnreachableChunks(metafile: Metafile, entry: string): Metafile['outputs'] {
  const outputs = { ...metafile.outputs };
  const reachable = new Set<string>();
  const visit = (path: string) => {
    if (reachable.has(path) || !outputs[path]) return;
    reachable.add(path);
    for (const dependency of outputs[path].imports) if (!dependency.external) visit(dependency.path);
  };
  visit(entry);
  for (const path of Object.keys(outputs)) {
    if (reachable.has(path)) continue;
    rmSync(join(PROJECT_ROOT, path), { force: true });
    delete outputs[path];
  }
  return outputs;
}
