// Cold passkey sign-in, side by side with the aws-samples passwordless sample
// (issue 13). Each function runs in a fresh `node` per run, from spawn to its
// response against the local stack: our API answering GET /auth/csrf,
// login/options and login/verify (a real sign-in through the Cognito emulator,
// which runs our triggers in the bench's own process), our verify trigger
// answering one VerifyAuthChallengeResponse for a real assertion, and the
// sample's FIDO2 challenge API and verify trigger doing the same for its
// usernameless sign-in. Alternating runs; medians and minimums.
//
// Alone: `node --disable-warning=ExperimentalWarning bench/cold-signin.ts`
// (BENCH_COLD_RUNS, default 21, at least 15; BENCH_COLD_WARM, default 5;
// BENCH_COLD_PROFILES, default 5).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { bundleFunction, DEPLOYED_AWS_CLIENTS, PROJECT_ROOT } from '../infra/bundle.ts';
import { type ColdRun, runBare, runOurApi, runOurVerify } from './cold/cold-runs.ts';
import { PROFILE_INTERVAL_MICROS } from './cold/function-process.ts';
import { bundlePeerFunction, type PeerSdk } from './cold/peer-bundles.ts';
import { runPeerChallenge, runPeerVerify } from './cold/peer-runs.ts';
import { reportProfiles } from './cold/profile-report.ts';
import { type SignInWorld, startSignInWorld } from './cold/sign-in-world.ts';

const RUNS = Math.max(15, Number(process.env.BENCH_COLD_RUNS ?? 21));
const WARM = Number(process.env.BENCH_COLD_WARM ?? 5);
const PROFILES = Number(process.env.BENCH_COLD_PROFILES ?? 5);
/** The goal (issue 13): our cold sign-in costs at most half the sample's. */
const GOAL_RATIO = 0.5;
/** Inside the project so external `@aws-sdk/*` resolves from node_modules, as from /var/runtime in Lambda. */
const BUNDLES = join(PROJECT_ROOT, 'node_modules', '.cache', 'expenser-cold-signin');
/** CPU profiles (gitignored). */
const PROFILE_DIR = join(PROJECT_ROOT, 'bench', 'out', 'cold-signin');
const TOP = 8;

interface Bundle {
  file: string;
  kb: number;
}

/** A side of the comparison: its API function and its verify trigger. */
interface Side {
  label: string;
  api: Bundle;
  verify: Bundle;
  /** Builds of the same code for CPU profiles: not minified, so frames name their functions and modules. */
  profiled: { api: Bundle; verify: Bundle };
  run(
    world: SignInWorld,
    bundles: { api: Bundle; verify: Bundle },
    options: { warm: number; profile?: { api: string; verify: string } },
  ): Promise<{ api: ColdRun; verify: ColdRun }>;
}

const kb = (bytes: number) => bytes / 1024;
const profiling = (name: string | undefined) => (name ? { profile: { dir: PROFILE_DIR, name } } : {});

async function ourSide(): Promise<Side> {
  const build = async (name: 'api' | 'verifyAuthChallenge', readable: boolean): Promise<Bundle> => {
    const dir = join(BUNDLES, `ours-${name}${readable ? '-readable' : ''}`);
    const { file, totalBytes } = await bundleFunction(name, dir, { readable });
    return { file, kb: kb(totalBytes) };
  };
  return {
    label: `ours (${DEPLOYED_AWS_CLIENTS}, as deployed)`,
    api: await build('api', false),
    verify: await build('verifyAuthChallenge', false),
    profiled: { api: await build('api', true), verify: await build('verifyAuthChallenge', true) },
    async run(world, bundles, { warm, profile }) {
      const api = await runOurApi(world, { bundleFile: bundles.api.file, warm, ...profiling(profile?.api) });
      const verify = await runOurVerify(world, {
        bundleFile: bundles.verify.file,
        warm,
        ...profiling(profile?.verify),
      });
      return { api, verify };
    },
  };
}

async function peerSide(sdk: PeerSdk): Promise<Side> {
  const build = async (name: 'challengeApi' | 'verifyAuthChallenge'): Promise<Bundle> => {
    const { file, bytes } = await bundlePeerFunction(name, join(BUNDLES, `peer-${name}-${sdk}`), { sdk });
    return { file, kb: kb(bytes) };
  };
  const api = await build('challengeApi');
  const verify = await build('verifyAuthChallenge');
  return {
    label: sdk === 'runtime-sdk' ? 'sample (runtime SDK, as deployed)' : 'sample (SDK bundled)',
    api,
    verify,
    profiled: { api, verify },
    async run(world, bundles, { warm, profile }) {
      const challenged = await runPeerChallenge(world, {
        bundleFile: bundles.api.file,
        warm,
        ...profiling(profile?.api),
      });
      const verify = await runPeerVerify(world, challenged.challenge, {
        bundleFile: bundles.verify.file,
        warm,
        ...profiling(profile?.verify),
      });
      return { api: challenged.run, verify };
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const fmt = (values: number[]) => `${median(values).toFixed(1)} (${Math.min(...values).toFixed(1)})`;

interface Samples {
  api: ColdRun[];
  verify: ColdRun[];
  /** API + verify of the same round: wall, and CPU. */
  signIn: number[];
  signInCpu: number[];
}

function functionRow(label: string, bundle: Bundle | null, runs: ColdRun[]): string {
  const requests = (runs[0]?.requests ?? [])
    .map(
      ({ label: request }, i) =>
        `${request} ${median(runs.map((run) => run.requests[i]?.handlerMs ?? 0)).toFixed(1)}`,
    )
    .join(' + ');
  const warm = runs.flatMap((run) => run.warmMs);
  return (
    `| ${label} | ${bundle ? bundle.kb.toFixed(1) : '–'} | ${fmt(runs.map((r) => r.bootMs))} | ${fmt(runs.map((r) => r.initMs))} | ` +
    `${requests} | **${fmt(runs.map((r) => r.coldMs))}** | ${fmt(runs.map((r) => r.cpuMs))} | ` +
    `${median(runs.map((r) => r.rssMb)).toFixed(0)} | ${warm.length ? median(warm).toFixed(1) : '–'} |`
  );
}

function printTable(sides: Side[], samples: Samples[], bare: ColdRun[]): void {
  console.log(
    `\nCold passkey sign-in, spawn → response (a fresh node ${process.version} per function and run; ` +
      `${RUNS} alternating runs against the local stack; ms, median (min); load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')})`,
  );
  console.log(
    '| function | bundle KB | node start | INIT (import) | first invocation(s), handler | spawn → response | CPU (process) | RSS MB | warm, handler |',
  );
  console.log('|---|---:|---:|---:|---|---:|---:|---:|---:|');
  sides.forEach((side, i) => {
    const sample = samples[i];
    if (!sample) return;
    console.log(functionRow(`${side.label}: API`, side.api, sample.api));
    console.log(functionRow(`${side.label}: verify trigger`, side.verify, sample.verify));
    console.log(
      `| **${side.label}: cold sign-in** (API + verify) | ${(side.api.kb + side.verify.kb).toFixed(1)} | | | | ` +
        `**${fmt(sample.signIn)}** | ${fmt(sample.signInCpu)} | | |`,
    );
  });
  console.log(functionRow('bare node + harness (no-op handler)', null, bare));
}

function printVerdict(sides: Side[], samples: Samples[]): void {
  const [ours, ...peers] = samples;
  if (!ours) return;
  const ratios = peers.map((peer, i) => ({
    label: sides[i + 1]?.label ?? '',
    median: median(ours.signIn) / median(peer.signIn),
    min: Math.min(...ours.signIn) / Math.min(...peer.signIn),
    cpu: median(ours.signInCpu) / median(peer.signInCpu),
  }));
  for (const { label, median: m, min, cpu } of ratios)
    console.log(
      `cold sign-in, ours / ${label}: ${m.toFixed(2)}× (medians), ${min.toFixed(2)}× (minimums), ${cpu.toFixed(2)}× CPU (medians)`,
    );
  const worst = Math.max(...ratios.map((r) => r.median));
  console.log(
    `goal (issue 13): our cold sign-in ≤ ${GOAL_RATIO}× the sample's, against the faster of its builds, medians: ` +
      `${worst.toFixed(2)}× — ${worst <= GOAL_RATIO ? 'met' : 'MISSED'}`,
  );
  const warm = (runs: ColdRun[]) => median(runs.flatMap((r) => r.warmMs));
  console.log(
    `warm server time per sign-in: ours ${warm(ours.api).toFixed(1)} ms (login/options + login/verify; verify waits on ` +
      `Cognito, which runs our verify trigger in the bench process); sample ` +
      `${peers.map((peer) => (warm(peer.api) + warm(peer.verify)).toFixed(1)).join(' / ')} ms ` +
      `(challenge API + verify trigger; its browser client calls Cognito itself)`,
  );
}

export async function benchColdSignIn(): Promise<void> {
  const sides = [await ourSide(), await peerSide('runtime-sdk'), await peerSide('bundled-sdk')];
  const bareFile = join(BUNDLES, 'bare', 'index.mjs');
  mkdirSync(join(BUNDLES, 'bare'), { recursive: true });
  writeFileSync(bareFile, 'export const handler = async () => ({});\n');
  const world = await startSignInWorld();
  try {
    const samples = sides.map((): Samples => ({ api: [], verify: [], signIn: [], signInCpu: [] }));
    const bare: ColdRun[] = [];
    // One round first, not counted: file cache, dynalite's and the emulator's first requests.
    for (const side of sides) await side.run(world, side, { warm: 0 });
    for (let round = 0; round < RUNS; round++) {
      // Alternate the order, so no side always runs right after another.
      const order = sides.map((side, i) => ({ side, sample: samples[i] }));
      if (round % 2) order.reverse();
      for (const { side, sample } of order) {
        const { api, verify } = await side.run(world, side, { warm: WARM });
        sample?.api.push(api);
        sample?.verify.push(verify);
        sample?.signIn.push(api.coldMs + verify.coldMs);
        sample?.signInCpu.push(api.cpuMs + verify.cpuMs);
      }
      bare.push(await runBare({ bundleFile: bareFile, warm: 0 }));
    }
    printTable(sides, samples, bare);
    printVerdict(sides, samples);

    rmSync(PROFILE_DIR, { recursive: true, force: true });
    mkdirSync(PROFILE_DIR, { recursive: true });
    console.log(
      `\nWhere the time goes: CPU profiles (--cpu-prof every ${PROFILE_INTERVAL_MICROS} µs) of ${PROFILES} more runs ` +
        `per function, self ms by package and by function, median over the runs (unminified builds of ours; ` +
        `a sample's weight includes time the process waited for a CPU), written to ${PROFILE_DIR.slice(PROJECT_ROOT.length + 1)}/:`,
    );
    for (const [side, prefix] of [
      [sides[0], 'ours'],
      [sides[1], 'sample'],
    ] as const) {
      if (!side) continue;
      const runs: { api: ColdRun; verify: ColdRun }[] = [];
      for (let k = 0; k < PROFILES; k++) {
        runs.push(
          await side.run(world, side.profiled, {
            warm: 0,
            profile: { api: `${prefix}-api.${k}.cpuprofile`, verify: `${prefix}-verify.${k}.cpuprofile` },
          }),
        );
      }
      for (const fn of ['api', 'verify'] as const) {
        reportProfiles({
          dir: PROFILE_DIR,
          name: `${prefix}-${fn}`,
          bundleFile: side.profiled[fn].file,
          runs: runs.map((run) => run[fn]),
          top: TOP,
        });
      }
    }
  } finally {
    await world.close();
  }
}

if (import.meta.main) await benchColdSignIn();
