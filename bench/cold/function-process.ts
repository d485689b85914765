// One fresh `node` running one Lambda bundle through bench/cold/invoke-child.mjs,
// driven over IPC. Times are taken in this process, from spawn.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const CHILD = join(import.meta.dirname, 'invoke-child.mjs');
/** Sampling interval of `--cpu-prof`. */
export const PROFILE_INTERVAL_MICROS = 200;

/** Process-monotonic microseconds (the clock of `--cpu-prof` sample times) at phase boundaries. */
export interface ChildMarks {
  importStart: number;
  importEnd: number;
}

export interface Invocation {
  result: unknown;
  /** The handler's own time, measured in the child. */
  handlerMs: number;
  /** Sent → answer received, measured here: the handler plus IPC. */
  roundTripMs: number;
  /** RSS of the child right after it answered. */
  rssBytes: number;
  /** CPU time (user + system, all threads) the child has used since it started, when it answered. */
  cpuMs: number;
  /** Monotonic microseconds in the child around the handler call. */
  start: number;
  end: number;
}

export interface FunctionProcessOptions {
  bundleFile: string;
  env: Record<string, string>;
  /** Write a V8 CPU profile of the whole process here (`--cpu-prof`). */
  profile?: { dir: string; name: string };
}

type ChildMessage =
  | { type: 'ready'; bootMs: number; initMs: number; marks: ChildMarks }
  | {
      type: 'result';
      id: number;
      result?: unknown;
      error?: string;
      ms: number;
      rss: number;
      cpuMs: number;
      start: number;
      end: number;
    }
  | { type: 'exit'; maxRssKb: number };

/**
 * A function's execution environment, from spawn to exit. `coldMs()` is the
 * time the process kept the caller waiting: spawn → ready, plus each
 * invocation's round trip; the time the bench spends between invocations
 * (signing an assertion, building the next event) is not counted.
 */
export class FunctionProcess {
  readonly #child: ChildProcess;
  readonly #spawnedAt = performance.now();
  readonly #pending = new Map<number, (message: ChildMessage & { type: 'result' }) => void>();
  #readyAt = 0;
  #waitingMs = 0;
  #nextId = 1;
  #stderr = '';
  readonly ready: Promise<{ bootMs: number; initMs: number; marks: ChildMarks; spawnToReadyMs: number }>;
  #exited: Promise<{ maxRssKb: number }>;

  constructor({ bundleFile, env, profile }: FunctionProcessOptions) {
    const flags = profile
      ? [
          '--cpu-prof',
          `--cpu-prof-dir=${profile.dir}`,
          `--cpu-prof-name=${profile.name}`,
          `--cpu-prof-interval=${PROFILE_INTERVAL_MICROS}`,
        ]
      : [];
    this.#child = spawn(process.execPath, [...flags, CHILD], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...env, BENCH_BUNDLE_URL: pathToFileURL(bundleFile).href },
    });
    this.#child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr += chunk.toString();
    });
    let exitReport: (value: { maxRssKb: number }) => void = () => undefined;
    this.#exited = new Promise((resolve) => {
      exitReport = resolve;
    });
    this.ready = new Promise((resolve, reject) => {
      this.#child.once('exit', (code, signal) => {
        const error = new Error(`${bundleFile} exited (${code ?? signal}):\n${this.#stderr}`);
        reject(error);
        for (const settle of this.#pending.values())
          settle({ type: 'result', id: 0, error: error.message, ms: 0, rss: 0, cpuMs: 0, start: 0, end: 0 });
      });
      this.#child.on('message', (message: ChildMessage) => {
        if (message.type === 'ready') {
          this.#readyAt = performance.now();
          resolve({ ...message, spawnToReadyMs: this.#readyAt - this.#spawnedAt });
        } else if (message.type === 'result') {
          this.#pending.get(message.id)?.(message);
          this.#pending.delete(message.id);
        } else exitReport(message);
      });
    });
  }

  /** Invokes the handler with `event` (the first call waits for INIT). */
  async invoke(event: unknown): Promise<Invocation> {
    await this.ready;
    const id = this.#nextId++;
    const sentAt = performance.now();
    const message = await new Promise<ChildMessage & { type: 'result' }>((resolve) => {
      this.#pending.set(id, resolve);
      this.#child.send({ id, event });
    });
    const roundTripMs = performance.now() - sentAt;
    this.#waitingMs += roundTripMs;
    if (message.error !== undefined) throw new Error(`handler failed: ${message.error}\n${this.#stderr}`);
    return {
      result: message.result,
      handlerMs: message.ms,
      roundTripMs,
      rssBytes: message.rss,
      cpuMs: message.cpuMs,
      start: message.start,
      end: message.end,
    };
  }

  /** Spawn → ready plus every invocation's round trip so far. */
  coldMs(): number {
    return this.#readyAt - this.#spawnedAt + this.#waitingMs;
  }

  /** Asks the child to exit (writing its CPU profile, if any) and returns its peak RSS. */
  async exit(): Promise<{ maxRssKb: number }> {
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.#child.send({ type: 'exit' });
    const report = await this.#exited;
    await exited;
    return report;
  }

  /** Ends the child without waiting (after a failure). */
  kill(): void {
    if (this.#child.exitCode === null) this.#child.kill();
  }
}
