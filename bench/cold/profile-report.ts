// Where a cold start's time goes: several `--cpu-prof` runs of one function,
// each cut into INIT and first invocation(s), self time summed by package and
// by function, and the median over the runs printed (one run's numbers are at
// the mercy of whatever else the machine was doing when it was sampled).
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ColdRun } from './cold-runs.ts';
import {
  moduleLines,
  type ProfileSummary,
  readProfile,
  sliceProfile,
  summarizeProfile,
} from './cpu-profile.ts';

const PHASES = ['init', 'invoke'] as const;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function medianRanking(lists: { label: string; ms: number }[][]): { label: string; ms: number }[] {
  const labels = new Set(lists.flatMap((list) => list.map((entry) => entry.label)));
  return [...labels]
    .map((label) => ({
      label,
      ms: median(lists.map((list) => list.find((entry) => entry.label === label)?.ms ?? 0)),
    }))
    .sort((a, b) => b.ms - a.ms);
}

/**
 * Cuts each run's profile (`<dir>/<name>.<k>.cpuprofile`) into
 * `<name>.<k>.init.cpuprofile` (from the profiler's start, in Node's
 * bootstrap, to the end of the bundle's import) and `<name>.<k>.invoke.cpuprofile`
 * (the cold requests), and prints the top `top` of each phase.
 */
export function reportProfiles({
  dir,
  name,
  bundleFile,
  runs,
  top,
}: {
  dir: string;
  name: string;
  bundleFile: string;
  runs: ColdRun[];
  top: number;
}): void {
  // The entry and its chunks: every file of the bundle's directory.
  const files = readdirSync(dirname(bundleFile))
    .filter((file) => /\.m?js$/.test(file))
    .map((file) => join(dirname(bundleFile), file));
  const bundles = new Map(files.map((file) => [file, moduleLines(file)]));
  const summaries: Record<(typeof PHASES)[number], (ProfileSummary & { wallMs: number })[]> = {
    init: [],
    invoke: [],
  };
  runs.forEach((run, k) => {
    const profile = readProfile(join(dir, `${name}.${k}.cpuprofile`));
    const windows = { init: [profile.startTime, run.phases.init[1]], invoke: run.phases.invoke } as const;
    for (const phase of PHASES) {
      const [from, to] = windows[phase];
      writeFileSync(
        join(dir, `${name}.${k}.${phase}.cpuprofile`),
        JSON.stringify(sliceProfile(profile, from, to)),
      );
      summaries[phase].push({ ...summarizeProfile(profile, from, to, bundles), wallMs: (to - from) / 1000 });
    }
  });
  const requests = runs[0]?.requests.map((r) => r.label).join(' + ') ?? '';
  for (const phase of PHASES) {
    const list = summaries[phase];
    const line = (ranking: { label: string; ms: number }[]) =>
      ranking
        .slice(0, top)
        .map(({ label, ms }) => `${label} ${ms.toFixed(1)}`)
        .join(' · ');
    const what = phase === 'init' ? 'INIT (node start + import)' : `first invocation (${requests})`;
    console.log(
      `  ${name} ${what}: ${median(list.map((s) => s.totalMs)).toFixed(1)} ms sampled, ` +
        `${median(list.map((s) => s.wallMs)).toFixed(1)} ms wall`,
    );
    console.log(`    by package: ${line(medianRanking(list.map((s) => s.byPackage)))}`);
    console.log(`    by function: ${line(medianRanking(list.map((s) => s.byFunction)))}`);
  }
}
