import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Metafile } from 'esbuild';
import {
  type BundleResult,
  bundleFunction,
  type FunctionName,
  LAMBDA_ENTRIES,
  PROJECT_ROOT,
} from '../../infra/bundle.ts';

const OUT = join(PROJECT_ROOT, 'node_modules', '.cache', `expenser-bundle-contents-${process.pid}`);

/** The outputs (paths relative to the project) the entry loads at import, or can ever load. */
function outputsReached(result: BundleResult, which: 'static' | 'all'): string[] {
  const { outputs } = result.metafile;
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path) || !outputs[path]) return;
    seen.add(path);
    for (const dependency of outputs[path].imports) {
      if (!dependency.external && (which === 'all' || dependency.kind === 'import-statement')) {
        visit(dependency.path);
      }
    }
  };
  visit(relative(PROJECT_ROOT, result.file));
  return [...seen];
}

/** Source files (relative to the project) bundled into the given outputs. */
const inputsIn = (result: BundleResult, outputs: string[]) =>
  outputs.flatMap((path) =>
    Object.keys((result.metafile.outputs[path] as Metafile['outputs'][string]).inputs),
  );

const inputsOf = (result: BundleResult, which: 'static' | 'all') =>
  inputsIn(result, outputsReached(result, which));

const fromPackage = (inputs: string[], name: string) =>
  // `../main/node_modules/…` where node_modules is a link to another checkout's (a git worktree).
  inputs.filter(
    (input) => input.startsWith(`node_modules/${name}/`) || input.includes(`/node_modules/${name}/`),
  );

describe('what each Lambda bundle carries (infra/bundle.ts)', () => {
  const built = new Map<FunctionName, BundleResult>();
  const bundle = async (name: FunctionName) => {
    const result = built.get(name) ?? (await bundleFunction(name, join(OUT, name)));
    built.set(name, result);
    return result;
  };

  after(() => rmSync(OUT, { recursive: true, force: true }));

  test("no function carries the SDK's default credential chain (clients get Lambda's environment credentials) or event-stream serde", async () => {
    for (const name of ['api', 'verifyAuthChallenge'] as const) {
      const inputs = inputsOf(await bundle(name), 'all');
      assert.ok(
        fromPackage(inputs, '@aws-sdk/client-dynamodb').length > 0,
        `${name} bundles the DynamoDB client`,
      );
      assert.ok(
        fromPackage(inputs, '@aws-sdk/credential-provider-env').length > 0,
        `${name} reads env credentials`,
      );
      for (const chain of [
        '@aws-sdk/credential-provider-node',
        '@aws-sdk/credential-provider-ini',
        '@aws-sdk/credential-provider-sso',
        '@aws-sdk/nested-clients',
        '@smithy/credential-provider-imds',
      ]) {
        assert.deepEqual(fromPackage(inputs, chain), [], `${name} carries ${chain}`);
      }
      const eventStreams = '@smithy/core/dist-es/submodules/event-streams';
      assert.deepEqual(fromPackage(inputs, eventStreams), [], `${name} carries event-stream serde`);
    }
  });

  test('PreSignUp, which only refuses self-service sign-up, carries no AWS SDK and no chunk', async () => {
    const result = await bundle('preSignUp');
    const inputs = inputsOf(result, 'all');
    assert.deepEqual(
      inputs.filter((input) => /node_modules/.test(input)),
      [],
      'no package at all',
    );
    assert.deepEqual(outputsReached(result, 'all'), [relative(PROJECT_ROOT, result.file)]);
  });

  test('every file in a function directory is the entry or a chunk it can load', async () => {
    for (const name of ['api', 'verifyAuthChallenge', 'preSignUp'] as const) {
      const result = await bundle(name);
      const reachable = outputsReached(result, 'all').map((path) =>
        relative(join(OUT, name), join(PROJECT_ROOT, path)),
      );
      const files = readdirSync(join(OUT, name));
      assert.deepEqual(
        files.sort(),
        reachable.sort(),
        `${name}: the files on disk are the reachable outputs`,
      );
      const everyOutput = Object.keys(result.metafile.outputs);
      assert.deepEqual(
        fromPackage(inputsIn(result, everyOutput), 'bowser'),
        [],
        `${name} ships the browser user-agent parser`,
      );
    }
  });

  test('no function reads code of the local stack (src/local): emulators, table creation, local defaults', async () => {
    for (const name of Object.keys(LAMBDA_ENTRIES) as FunctionName[]) {
      // Every file esbuild read for the bundle, including any tree shaking then dropped.
      const read = Object.keys((await bundle(name)).metafile.inputs);
      assert.ok(read.includes(LAMBDA_ENTRIES[name]), `${name}: inputs are project-relative paths`);
      assert.deepEqual(
        read.filter((input) => input.startsWith('src/local/')),
        [],
        `${name} imports the local stack`,
      );
    }
  });

  test('the API loads WebAuthn, attestation and OpenID code only on the routes that use them', async () => {
    const result = await bundle('api');
    const atImport = inputsOf(result, 'static');
    const all = inputsOf(result, 'all');
    for (const lazy of [
      '@simplewebauthn/server',
      'asn1js',
      '@peculiar/x509',
      'openid-client',
      'oauth4webapi',
    ]) {
      assert.deepEqual(fromPackage(atImport, lazy), [], `${lazy} is loaded at import`);
      assert.ok(fromPackage(all, lazy).length > 0, `${lazy} is in a chunk of the API bundle`);
    }
    assert.ok(fromPackage(atImport, 'hono').length > 0, 'the entry carries the app itself');
  });
});
