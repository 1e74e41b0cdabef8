// The index stores nothing outside the user's storage folder: `semsearch index`, `search` and `status`,
// run from inside the workspace with HOME and TMPDIR pointed at empty folders (and no XDG_CACHE_HOME, so the
// default cache is used), leave the workspace exactly as it was (every path, size, mode, mtime and byte), and
// everything they write is under {HOME}/.cache/semantic-code-search. The extension does the same with its
// global storage folder as the cache (controller.ts), through the same FolderIndex.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { writeCorpus } from '../indexing/corpus.ts';
import { BIN } from '../cli/run-cli.ts';

/** Every entry under `directory`: relative path → what it is, its size, mode, mtime and content hash. */
function snapshot(directory: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const name of readdirSync(directory, { recursive: true }) as string[]) {
    const full = path.join(directory, name);
    const stats = lstatSync(full);
    const kind = stats.isDirectory() ? 'dir' : stats.isSymbolicLink() ? 'link' : 'file';
    const hash = kind === 'file' ? createHash('sha256').update(readFileSync(full)).digest('hex') : '';
    entries.set(name, `${kind} ${stats.size} ${stats.mode.toString(8)} ${stats.mtimeMs} ${hash}`);
  }
  return entries;
}

/** Files (not folders) under `directory`, relative, sorted. */
function filesUnder(directory: string): string[] {
  return (readdirSync(directory, { recursive: true, withFileTypes: true }))
    .filter((entry) => !entry.isDirectory())
    .map((entry) => path.relative(directory, path.join(entry.parentPath, entry.name)))
    .sort();
}

test('indexing and searching write nothing in the workspace, HOME or TMPDIR outside the storage folder', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'trust-storage-'));
  const home = path.join(root, 'home');
  const temporary = path.join(root, 'tmp');
  mkdirSync(home);
  mkdirSync(temporary);
  const workspace = writeCorpus();
  const before = snapshot(workspace);

  const { XDG_CACHE_HOME: _unused, ...inherited } = process.env;
  const env = { ...inherited, HOME: home, TMPDIR: temporary };
  const semsearch = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env, cwd: workspace });
  const runs = [
    semsearch('index', '.', '--model', 'glove-100d', '--quantization', 'fp32'),
    semsearch('search', 'sort users by their age', '--k', '3'),
    semsearch('status', '--json'),
  ];
  for (const run of runs) assert.equal(run.status, 0, run.stderr);
  assert.match(runs[1]!.stdout, /src\/users\.go/, 'the search found the folder\'s index');
  const status = JSON.parse(runs[2]!.stdout) as { databasePath: string };

  assert.deepEqual(snapshot(workspace), before, 'the workspace is unchanged');
  const storage = path.join(home, '.cache', 'semantic-code-search');
  assert.ok(status.databasePath.startsWith(`${storage}${path.sep}`), status.databasePath);
  const written = filesUnder(root);
  assert.ok(written.length > 0);
  const outside = written.filter((file) => !path.join(root, file).startsWith(`${storage}${path.sep}`));
  assert.deepEqual(outside, [], 'nothing outside the storage folder');
  assert.deepEqual(filesUnder(temporary), [], 'nothing left in TMPDIR');
});
