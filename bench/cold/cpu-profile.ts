// Splits a `--cpu-prof` profile of a whole process into phases (INIT, first
// invocations) and sums self time by package, so the bench can say where a
// cold start's time goes.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

/** The `.cpuprofile` format (Chrome DevTools Protocol `Profiler.Profile`), times in microseconds. */
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export function readProfile(path: string): CpuProfile {
  return JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
}

/** Sample times, and the time each sample stands for (until the next one). */
function sampleTimes(profile: CpuProfile): { at: number; weight: number }[] {
  const at: number[] = [];
  let time = profile.startTime;
  for (const delta of profile.timeDeltas) {
    time += delta;
    at.push(time);
  }
  return at.map((t, i) => ({ at: t, weight: (at[i + 1] ?? profile.endTime) - t }));
}

/** The samples taken in [from, to) as a profile of their own (a file DevTools or speedscope opens). */
export function sliceProfile(profile: CpuProfile, from: number, to: number): CpuProfile {
  const times = sampleTimes(profile);
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  let previous = from;
  times.forEach(({ at }, i) => {
    if (at < from || at >= to) return;
    samples.push(profile.samples[i] ?? 0);
    timeDeltas.push(at - previous);
    previous = at;
  });
  const hits = new Map<number, number>();
  for (const id of samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const nodes = profile.nodes.map((node) => ({ ...node, hitCount: hits.get(node.id) ?? 0 }));
  return { nodes, startTime: from, endTime: to, samples, timeDeltas };
}

/**
 * Which module each line of a bundle belongs to: esbuild writes
 * `// node_modules/<package>/<file>` (or `// src/<file>`) before each module's
 * code when it does not minify whitespace.
 */
export function moduleLines(bundleFile: string): { line: number; path: string }[] {
  const marks: { line: number; path: string }[] = [];
  readFileSync(bundleFile, 'utf8')
    .split('\n')
    .forEach((text, line) => {
      const match = /^\/\/ ((?:node_modules|src|bench)\/\S+)$/.exec(text);
      if (match?.[1]) marks.push({ line, path: match[1] });
    });
  return marks;
}

/** `node_modules/a/node_modules/@s/b/x.js` → `@s/b`; `src/http/app.ts` → `src/http`. */
function packageOf(path: string): string {
  const inModules = path.lastIndexOf('node_modules/');
  if (inModules >= 0) {
    const [first = '', second = ''] = path.slice(inModules + 'node_modules/'.length).split('/');
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  const [top = '', dir = ''] = path.split('/');
  return top === 'src' ? `src/${dir}` : path;
}

/** Names Node's own modules by what they do, for the few that dominate cold starts. */
function nodeModuleLabel(url: string): string {
  const path = url.slice('node:'.length);
  if (path.startsWith('internal/deps/undici')) return 'node: undici (fetch, Request, Response)';
  if (path.startsWith('internal/deps/')) return `node: ${path.split('/').slice(0, 3).join('/')}`;
  if (path.startsWith('internal/modules/')) return 'node: module loader';
  if (path.startsWith('internal/bootstrap/') || path.startsWith('internal/main/')) return 'node: bootstrap';
  return `node: ${path.split('/').slice(0, 2).join('/')}`;
}

export interface ProfileSummary {
  totalMs: number;
  /** Self time by package (or Node module group, or V8 category), largest first. */
  byPackage: { label: string; ms: number }[];
  /** Self time by function, largest first. */
  byFunction: { label: string; ms: number }[];
}

/**
 * Self time of the samples in [from, to), by package and by function. Frames
 * in a readable bundle are attributed through `moduleLines`; frames in files
 * under node_modules (an external SDK) by their path.
 */
export function summarizeProfile(
  profile: CpuProfile,
  from: number,
  to: number,
  bundles: Map<string, { line: number; path: string }[]>,
): ProfileSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  sampleTimes(profile).forEach(({ at, weight }, i) => {
    if (at < from || at >= to) return;
    const frame = nodes.get(profile.samples[i] ?? -1)?.callFrame;
    if (!frame || frame.functionName === '(idle)') return;
    const { pkg, where } = locate(frame, bundles);
    total += weight;
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + weight);
    const fn = `${frame.functionName || '(anonymous)'} ${where}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + weight);
  });
  const ranked = (map: Map<string, number>) =>
    [...map].map(([label, micros]) => ({ label, ms: micros / 1000 })).sort((a, b) => b.ms - a.ms);
  return { totalMs: total / 1000, byPackage: ranked(byPackage), byFunction: ranked(byFunction) };
}

function locate(
  frame: CallFrame,
  bundles: Map<string, { line: number; path: string }[]>,
): { pkg: string; where: string } {
  const { url, functionName } = frame;
  if (!url) return { pkg: functionName.startsWith('(') ? functionName : '(native)', where: '' };
  if (url.startsWith('node:')) return { pkg: nodeModuleLabel(url), where: url };
  const file = url.startsWith('file:') ? fileURLToPath(url) : url;
  const marks = bundles.get(file);
  if (marks) {
    let module = 'bundle';
    for (const mark of marks) {
      if (mark.line > frame.lineNumber) break;
      module = mark.path;
    }
    return { pkg: packageOf(module), where: `${module.replace(/^.*node_modules\//, '')}` };
  }
  const relative = file.slice(file.lastIndexOf('node_modules/'));
  return { pkg: packageOf(relative), where: relative.replace(/^.*node_modules\//, '') };
}
