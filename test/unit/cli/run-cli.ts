// Runs the `semsearch` command as a user would, in a child process, for the CLI tests.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const BIN = path.resolve(import.meta.dirname, '..', '..', '..', 'bin', 'semsearch.js');
// A private cache folder, so default index locations never touch the real user's, and no Hub model
// downloaded earlier is installed: the installed models are the two offline ones.
const CACHE = mkdtempSync(path.join(os.tmpdir(), 'semsearch-cache-'));
export const ENV = { ...process.env, XDG_CACHE_HOME: CACHE };

/** Runs `semsearch ARGS...` to completion: its exit code and output. */
export function semsearch(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: ENV });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts `semsearch ARGS...` without waiting: for tests that run several at once or talk to one. */
export function startSemsearch(...args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [BIN, ...args], { env: ENV });
}
