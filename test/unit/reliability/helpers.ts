// Shared by the resource-fault tests: an index over the base corpus with the fast offline model, a
// record of what it answers, and a tmpfs mount for faults only a real file system gives.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isCoreError, type CoreError, type CoreErrorReasons } from '../../../extension/core/errors.ts';
import { FolderIndex, type FolderIndexOptions } from '../../../extension/core/folder-index.ts';
import { offlineModel } from '../../helpers/models.ts';

export const QUERIES = ['sort users by age', 'read a configuration file', 'area of a circle', 'weather forecast rain'];

export function openIndex(root: string, databasePath: string, options: Partial<FolderIndexOptions> = {}): Promise<FolderIndex> {
  return FolderIndex.open({ root, databasePath, modelDirectory: offlineModel('glove-100d'), quantization: 'fp32', device: 'cpu', threads: 1, ...options });
}

/**
 * What the index answers for QUERIES by meaning alone: each hit's place and score, in order. Only
 * `paths` count, so files a failed run managed to add before the fault do not hide that everything
 * searchable before is still found the same way. (GloVe's hybrid ranking follows the words, whose
 * statistics any added chunk moves; the dense list is the index's own content.)
 */
export async function answers(index: FolderIndex, paths: ReadonlySet<string>): Promise<string[][]> {
  const all: string[][] = [];
  for (const query of QUERIES) {
    // The stored vectors' own answers: the ranking stage's file features depend on which other files are in
    // the pool, and these tests add files.
    const response = await index.search(query, { mode: 'dense', k: 50, ranking: false });
    all.push(response.hits.filter((hit) => paths.has(hit.path)).map((hit) => `${hit.path}:${hit.startLine}-${hit.endLine} ${hit.scores.dense?.toFixed(6)}`));
  }
  assert.ok(all.every((hits) => hits.length > 0), 'every query finds something');
  return all;
}

/** Writes `count` small source files under `folder` of `root`, each with its own function. */
export function addFiles(root: string, folder: string, count: number, size = 1): string[] {
  mkdirSync(path.join(root, folder), { recursive: true });
  const written: string[] = [];
  for (let file = 0; file < count; file++) {
    const body = Array.from({ length: size }, (_, index) => `export function step${file}x${index}(value: number): number {\n  return value * ${file + 2} + ${index};\n}\n`).join('\n');
    const relative = `${folder}/module${file}.ts`;
    writeFileSync(path.join(root, relative), `/** Numeric helpers, part ${file}. */\n${body}`);
    written.push(relative);
  }
  return written;
}

/** A tmpfs mounted on a new folder, or why none can be mounted here (not root, no CAP_SYS_ADMIN). */
export function mountTmpfs(sizeBytes: number): { directory: string; remount: (options: 'ro' | 'rw') => void; unmount: () => void } | string {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'semsearch-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', directory], { stdio: 'pipe' });
  } catch (error) {
    return `a tmpfs cannot be mounted here (${String((error as { stderr?: unknown }).stderr ?? error).trim()})`;
  }
  return {
    directory,
    remount: (mode) => execFileSync('mount', ['-o', `remount,${mode}`, directory], { stdio: 'pipe' }),
    unmount: () => execFileSync('umount', ['-l', directory], { stdio: 'pipe' }),
  };
}

/**
 * The error a run must fail with: a `CoreError` of `kind` ('store', 'model') and `reason`. Fails the test
 * with `mustFail` when the run succeeds.
 */
export async function expectedFailure<K extends 'store' | 'model'>(run: Promise<unknown>, mustFail: string, kind: K, reason: CoreErrorReasons[K]): Promise<CoreError<K>> {
  const failure = await run.then(
    () => assert.fail(mustFail),
    (error: unknown) => error,
  );
  assert.ok(isCoreError(failure, kind), `a ${kind} CoreError, not ${String(failure)}`);
  assert.equal(failure.reason, reason);
  return failure;
}
