import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RefreshRecord } from './refresh-tokens.ts';
import type { SerializedKeys } from './tokens.ts';
import type { StoredUser } from './user-pool.ts';

/** What survives a restart: users, signing keys and refresh-token records (sessions do not). */
export interface PersistedState {
  version: 1;
  userPoolId: string;
  keys: SerializedKeys;
  users: StoredUser[];
  refreshTokens: RefreshRecord[];
}

/** Reads the data file; null when it does not exist yet. A corrupt or foreign file is a start-up error. */
export async function loadState(file: string, userPoolId: string): Promise<PersistedState | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const state = JSON.parse(text) as PersistedState;
  if (
    state.version !== 1 ||
    !state.keys ||
    !Array.isArray(state.users) ||
    !Array.isArray(state.refreshTokens)
  ) {
    throw new Error(`Cognito emulator data file ${file} is not a version 1 state file`);
  }
  if (state.userPoolId !== userPoolId) {
    throw new Error(
      `Cognito emulator data file ${file} belongs to pool ${state.userPoolId}, not ${userPoolId}`,
    );
  }
  return state;
}

/**
 * Saves serially and atomically (write a temporary file, then rename over the
 * old one), coalescing requests that arrive while a write is running.
 */
export function createStateWriter(file: string, snapshot: () => PersistedState) {
  let running: Promise<void> = Promise.resolve();
  let queued = false;

  async function write(): Promise<void> {
    queued = false;
    await mkdir(dirname(file), { recursive: true });
    const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temporary, JSON.stringify(snapshot()), { mode: 0o600 });
    await rename(temporary, file);
  }

  return {
    save(): Promise<void> {
      if (queued) return running;
      queued = true;
      running = running.then(write, write);
      return running;
    },
    flush(): Promise<void> {
      return running;
    },
  };
}
