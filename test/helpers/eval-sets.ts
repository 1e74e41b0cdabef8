// Where tests find the evaluation sets of real repositories (../shared/eval beside the checkout). They are
// not part of the repository: tests that read them skip, saying why, when they are absent.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/**
 * The folder holding `sets/`, or undefined. A git worktree elsewhere finds the one beside its main checkout
 * (its `.git` file names `<main>/.git/worktrees/<name>`).
 */
export function evalDirectory(): string | undefined {
  const candidates = [path.resolve(ROOT, '..', 'shared', 'eval')];
  const dotGit = path.join(ROOT, '.git');
  if (existsSync(dotGit) && statSync(dotGit).isFile()) {
    const match = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'));
    const gitDirectory = match?.[1]?.trim();
    if (gitDirectory) candidates.push(path.resolve(gitDirectory, '..', '..', '..', '..', 'shared', 'eval'));
  }
  return candidates.find((candidate) => existsSync(path.join(candidate, 'sets')));
}

/** A folder of an evaluation set's corpus (`code-gin`, `corpus/render`), or a reason to skip. */
export function evalCorpusFolder(set: string, folder: string): { path: string } | { skip: string } {
  const directory = evalDirectory();
  if (!directory) return { skip: 'the evaluation sets (../shared/eval) are not here' };
  const corpus = path.join(directory, 'sets', set, folder);
  return existsSync(corpus) ? { path: corpus } : { skip: `${corpus} is not here` };
}
