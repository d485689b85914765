// The peer of the cold sign-in bench: the aws-samples passwordless sample
// (npm `amazon-cognito-passwordless-auth`, pinned in package.json), its FIDO2
// challenge API and its VerifyAuthChallengeResponse trigger bundled the way its
// CDK construct deploys them. `node bench/cold/peer-bundles.ts <outdir>` writes
// all four variants for anyone who wants to reproduce the comparison.
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { PROJECT_ROOT } from '../../infra/bundle.ts';

/** Where the construct (dist/cdk/lib/cognito-passwordless.js) points each NodejsFunction's `entry`. */
const CUSTOM_AUTH = 'node_modules/amazon-cognito-passwordless-auth/dist/cdk/custom-auth';

export const PEER_ENTRIES = {
  /** `Fido2Challenge<id>`: POST /sign-in-challenge, a usernameless challenge stored with PutItem. */
  challengeApi: `${CUSTOM_AUTH}/fido2-challenge-api.js`,
  /** `VerifyAuthChallengeResponse<id>`: FIDO2 (and magic link, SMS OTP) answers. */
  verifyAuthChallenge: `${CUSTOM_AUTH}/verify-auth-challenge-response.js`,
} as const;

/** The construct's banner for its credentials API (`Fido2<id>`), verbatim. */
const CREATE_REQUIRE_BANNER =
  "import{createRequire}from 'module';const require=createRequire(import.meta.url);";

export type PeerFunction = keyof typeof PEER_ENTRIES;

/**
 * `runtime-sdk`: as the construct deploys (NodejsFunction's default for a
 * Node.js 18+ runtime leaves `@aws-sdk/*` external, loaded from the runtime).
 * `bundled-sdk`: the same with the SDK bundled in (`bundleAwsSDK: true`),
 * plus the `createRequire` banner the construct gives its credentials API:
 * the SDK's CommonJS builds `require()` Node built-ins, which an ESM bundle
 * cannot do without it ("Dynamic require of "node:https" is not supported").
 */
export type PeerSdk = 'runtime-sdk' | 'bundled-sdk';

export interface PeerBundle {
  file: string;
  bytes: number;
}

/**
 * The esbuild call aws-cdk-lib's NodejsFunction makes for the construct's
 * props (`runtime: NODEJS_22_X`, `bundling: { format: ESM }`, nothing else):
 * `esbuild --bundle <entry> --target=node22 --platform=node --format=esm
 * --outfile=<dir>/index.mjs [--external:@aws-sdk/*]`: not minified, no
 * source map.
 */
export async function bundlePeerFunction(
  name: PeerFunction,
  outdir: string,
  { sdk }: { sdk: PeerSdk },
): Promise<PeerBundle> {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const file = join(outdir, 'index.mjs');
  await build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [PEER_ENTRIES[name]],
    bundle: true,
    target: 'node22',
    platform: 'node',
    format: 'esm',
    outfile: file,
    external: sdk === 'runtime-sdk' ? ['@aws-sdk/*'] : [],
    ...(sdk === 'bundled-sdk' ? { banner: { js: CREATE_REQUIRE_BANNER } } : {}),
    logLevel: 'warning',
  });
  return { file, bytes: statSync(file).size };
}

if (import.meta.main) {
  const [outdir] = process.argv.slice(2);
  if (!outdir) {
    console.error('usage: node bench/cold/peer-bundles.ts <outdir>');
    process.exit(2);
  }
  for (const name of Object.keys(PEER_ENTRIES) as PeerFunction[]) {
    for (const sdk of ['runtime-sdk', 'bundled-sdk'] as const) {
      const { file, bytes } = await bundlePeerFunction(name, join(outdir, `${name}-${sdk}`), { sdk });
      console.log(`${file}: ${(bytes / 1024).toFixed(1)} KB`);
    }
  }
}
