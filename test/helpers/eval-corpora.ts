// Real repositories for tests: the corpora of the evaluation sets in ../shared/eval (gin, rich, eslint,
// CodeSearchNet's Python functions). They are read-only and not part of this repository, so tests copy
// what they need into a temporary folder at test time, and skip, saying why, when they are absent.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where the evaluation sets are: beside the checkout, as bench/quality.ts finds them. */
export const EVAL_SETS = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'eval', 'sets');

/** The corpus folder of an evaluation set (`code-gin`, `code-rich`…), or undefined when it is not here. */
export function evalCorpus(set: string, folder = 'corpus'): string | undefined {
  const directory = path.join(EVAL_SETS, set, folder);
  return existsSync(directory) ? directory : undefined;
}

/** The `skip` option of a test that needs an evaluation set: false when it is here, else why it is skipped. */
export function skipWithout(set: string, folder = 'corpus'): false | string {
  return evalCorpus(set, folder) ? false : `${path.join(EVAL_SETS, set, folder)} is not here (the evaluation sets live in ../shared/eval beside the checkout)`;
}

/** Every file under a folder whose relative path passes `keep`, sorted (relative paths, `/`-separated). */
export function corpusFiles(root: string, keep: (relative: string) => boolean): string[] {
  const found: string[] = [];
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const full = path.join(directory, entry.name);
      const relative = path.relative(root, full).split(path.sep).join('/');
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && keep(relative)) found.push(relative);
    }
  };
  walk(root);
  return found.sort();
}

/** The text of a corpus file. */
export function readCorpusFile(root: string, relative: string): string {
  return readFileSync(path.join(root, relative), 'utf8');
}

/** Copies the given files of a corpus (relative paths) into a new temporary folder, keeping their paths; returns it. */
export function copyCorpusFiles(root: string, files: readonly string[]): string {
  const target = mkdtempSync(path.join(os.tmpdir(), 'semsearch-real-'));
  for (const relative of files) {
    if (!statSync(path.join(root, relative)).isFile()) continue;
    cpSync(path.join(root, relative), path.join(target, relative));
  }
  return target;
}
