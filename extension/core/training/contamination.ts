// Keeps the evaluation sets out of the training data. A pair is dropped when its document's code
// occurs in any file of an evaluation corpus, whitespace normalised: every run of three consecutive
// non-blank lines is looked up among those of the corpora, and a document is a copy when at least
// CONTAINED_SHARE of its runs are there (so a copy with a line or two changed is caught too). Python is
// checked a second time on the body after the signature: the evaluation corpora keep their docstrings
// and the pair's document has its docstring hidden, so the runs around the docstring never match. A
// document of one or two lines is a copy when its long lines (LONG_LINE characters or more) all occur.
// A pair whose query is the text of an evaluation query is dropped as well.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { hashString, normalizeLine, normalizedLines, windowHashes } from './text-hash.ts';
import type { TrainingPair } from './pairs.ts';

const WINDOW = 3;
/** Share of a document's three-line runs found in the corpora from which it counts as a copy. */
export const CONTAINED_SHARE = 0.8;
const LONG_LINE = 60;

/** The line runs of the evaluation corpora, each mapped to the first set that has it. */
export class ContaminationIndex {
  private readonly windows = new Map<number, string>();
  private readonly longLines = new Map<number, string>();
  private readonly queries = new Map<string, string>();
  /** Files read, for the report. */
  files = 0;

  /** Adds one file of an evaluation set's corpus. */
  addFile(set: string, text: string): void {
    this.files++;
    const lines = normalizedLines(text);
    for (const hash of windowHashes(lines, WINDOW)) if (!this.windows.has(hash)) this.windows.set(hash, set);
    for (const line of lines) {
      if (line.length < LONG_LINE) continue;
      const hash = hashString(line);
      if (!this.longLines.has(hash)) this.longLines.set(hash, set);
    }
  }

  /** Adds one evaluation query (compared lower-cased, whitespace collapsed). */
  addQuery(set: string, query: string): void {
    const key = normalizeQuery(query);
    if (!this.queries.has(key)) this.queries.set(key, set);
  }

  /** The evaluation set a pair overlaps, or undefined when it is clean. */
  match(pair: Pick<TrainingPair, 'query' | 'document' | 'language'>): string | undefined {
    const bySet = this.queries.get(normalizeQuery(pair.query));
    if (bySet !== undefined) return bySet;
    const lines = normalizedLines(codeOf(pair.document));
    const whole = this.contained(lines);
    if (whole !== undefined || pair.language !== 'python') return whole;
    const signatureEnd = lines.findIndex((line) => /:\s*(#.*)?$/.test(line));
    return signatureEnd >= 0 && lines.length - signatureEnd - 1 >= WINDOW ? this.contained(lines.slice(signatureEnd + 1)) : undefined;
  }

  private contained(lines: readonly string[]): string | undefined {
    if (lines.length < WINDOW) {
      const long = lines.filter((line) => line.length >= LONG_LINE);
      if (long.length === 0) return undefined;
      let set: string | undefined;
      for (const line of long) {
        set = this.longLines.get(hashString(line));
        if (set === undefined) return undefined;
      }
      return set;
    }
    const hashes = windowHashes(lines, WINDOW);
    let found = 0;
    let first: string | undefined;
    for (const hash of hashes) {
      const set = this.windows.get(hash);
      if (set === undefined) continue;
      found++;
      first ??= set;
    }
    return found >= CONTAINED_SHARE * hashes.length ? first : undefined;
  }
}

function normalizeQuery(query: string): string {
  return normalizeLine(query).toLowerCase();
}

/** The text of an `embeddingText` without its context header (path, scope, signature lines and the blank line). */
export function codeOf(document: string): string {
  const blank = document.indexOf('\n\n');
  return blank >= 0 && document.startsWith('path: ') ? document.slice(blank + 2) : document;
}

/**
 * Reads every evaluation set under `setsDirectory` (../shared/eval/sets): all files of its `corpus*`
 * folders and the `query` of every line of its query files. Files over 2 MB are skipped (data, not code).
 */
export function loadContaminationIndex(setsDirectory: string): ContaminationIndex {
  const index = new ContaminationIndex();
  for (const set of readdirSync(setsDirectory).sort()) {
    const setDirectory = path.join(setsDirectory, set);
    if (!statSync(setDirectory).isDirectory()) continue;
    for (const entry of readdirSync(setDirectory).sort()) {
      const full = path.join(setDirectory, entry);
      if (entry.startsWith('corpus') && statSync(full).isDirectory()) visitFiles(full, (file) => index.addFile(set, readFileSync(file, 'utf8')));
      else if (statSync(full).isDirectory()) {
        visitFiles(full, (file) => {
          if (!file.endsWith('.jsonl')) return;
          for (const line of readFileSync(file, 'utf8').split('\n')) {
            if (line.trim() === '') continue;
            const record = JSON.parse(line) as { query?: unknown };
            if (typeof record.query === 'string') index.addQuery(set, record.query);
          }
        });
      }
    }
  }
  return index;
}

function visitFiles(directory: string, visit: (file: string) => void): void {
  for (const entry of readdirSync(directory, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) visitFiles(full, visit);
    else if (entry.isFile() && statSync(full).size <= 2_000_000) visit(full);
  }
}
