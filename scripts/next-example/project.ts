// The Next.js example as a team gets it: this package packed (`npm pack`), installed
// from the tarball into a project of its own beside Next.js and React, built
// with `next build` and served with `next start`. `npm run example:next` and
// the browser tests (test/e2e/next-app.test.ts) both use it.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../infra/function-names.ts';

const EXAMPLE_DIR = join(PROJECT_ROOT, 'examples', 'next-app');
const DEMO_STYLESHEET = join(PROJECT_ROOT, 'web', 'app', 'app.css');

/** The version of `name` this repository installed: the project gets the same, from npm's cache. */
function installedVersion(name: string): string {
  const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules', name, 'package.json'), 'utf8'));
  return manifest.version as string;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/** `npm pack` (its `prepack` runs `npm run build`) into `dir`; the tarball's path. */
export function packPackage(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const out = run('npm', ['pack', '--pack-destination', dir, '--json'], PROJECT_ROOT);
  const [{ filename }] = JSON.parse(out.slice(out.indexOf('['))) as { filename: string }[];
  return join(dir, filename);
}

export interface PackedProjectOptions {
  /** Where the project goes (created; its own node_modules). */
  dir: string;
  tarball: string;
  /** Extra files, path → text (the type-check files of the package test). */
  files?: Record<string, string>;
}

/**
 * A copy of examples/next-app whose `expenser-auth` is the tarball, installed
 * with npm preferring its cache (this repository's own install filled it), so
 * the only new package is expenser-auth itself. aws-cdk-lib and constructs come
 * along for `expenser-auth/cdk`.
 */
export function preparePackedProject(options: PackedProjectOptions): void {
  const { dir, tarball } = options;
  mkdirSync(dir, { recursive: true });
  for (const entry of readdirSync(EXAMPLE_DIR)) {
    if (entry === 'node_modules' || entry === '.next') continue;
    cpSync(join(EXAMPLE_DIR, entry), join(dir, entry), { recursive: true });
  }
  // The example wears the demo's stylesheet; it is copied in rather than kept twice.
  cpSync(DEMO_STYLESHEET, join(dir, 'app', 'globals.css'));
  const manifest = JSON.parse(readFileSync(join(EXAMPLE_DIR, 'package.json'), 'utf8'));
  const pinned = (names: string[]) => Object.fromEntries(names.map((name) => [name, installedVersion(name)]));
  manifest.type = 'module';
  manifest.dependencies = {
    'expenser-auth': `file:${tarball}`,
    ...pinned(['next', 'react', 'react-dom', 'aws-cdk-lib', 'constructs']),
  };
  manifest.devDependencies = pinned(['typescript', '@types/node', '@types/react']);
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const [path, text] of Object.entries(options.files ?? {})) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  // A reinstall must take the new tarball, not what an earlier run left.
  rmSync(join(dir, 'node_modules', 'expenser-auth'), { recursive: true, force: true });
  rmSync(join(dir, 'package-lock.json'), { force: true });
  run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'],
    dir,
  );
}

/** What the app is built and run with. */
export interface NextExampleEnv {
  /** Where the Next.js server forwards /auth/* and renews sessions: the local stack. */
  apiUrl: string;
  sessionVerifyKey: string;
  /** The API sets bare cookie names on plain-HTTP localhost. */
  secureCookies: boolean;
}

function nextEnv(env: NextExampleEnv): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: '1',
    AUTH_API_URL: env.apiUrl,
    SESSION_VERIFY_KEY: env.sessionVerifyKey,
    AUTH_SECURE_COOKIES: String(env.secureCookies),
  };
}

const nextBin = (dir: string) => join(dir, 'node_modules', 'next', 'dist', 'bin', 'next');

/** `next build` (rewrites are fixed at build time, so the API's URL must be known); its duration in ms. */
export function buildNextExample(dir: string, env: NextExampleEnv): number {
  const started = Date.now();
  rmSync(join(dir, '.next'), { recursive: true, force: true });
  run(process.execPath, [nextBin(dir), 'build'], dir, { ...nextEnv(env), NODE_ENV: 'production' });
  if (!existsSync(join(dir, '.next', 'BUILD_ID'))) throw new Error('next build wrote no .next/BUILD_ID');
  return Date.now() - started;
}

export interface RunningNext {
  url: string;
  process: ChildProcess;
  /** What the server printed (for a failing test's message). */
  output(): string;
  close(): Promise<void>;
}

/** `next start` on 127.0.0.1:`port`; resolves once it answers HTTP. */
export async function startNextExample(dir: string, port: number, env: NextExampleEnv): Promise<RunningNext> {
  const child = spawn(process.execPath, [nextBin(dir), 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: dir,
    env: { ...nextEnv(env), NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const url = `http://localhost:${port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${output}`);
    try {
      await fetch(`http://127.0.0.1:${port}/login`, { redirect: 'manual' });
      return { url, process: child, output: () => output, close };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  await close();
  throw new Error(`next start did not answer within 60 s:\n${output}`);
}

/** A port nothing listens on now (127.0.0.1), for a server that must know it before it starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Settings of the local stack behind the example: its public URL is the Next.js app's origin. */
export function stackEnvFor(appUrl: string): Record<string, string> {
  return {
    API_GATEWAY_INVOKE_URL: appUrl,
    API_FRONTEND_URL: appUrl,
    RP_ORIGIN: appUrl,
    RP_ID: new URL(appUrl).hostname,
  };
}
