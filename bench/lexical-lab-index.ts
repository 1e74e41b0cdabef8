// bench/lexical-lab's in-memory lexical index: the chunks of a bench/quality index as lab documents, BM25 over
// their fields with any parameters, rank fusion, and scoring with ../shared/eval/score.mjs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { lexicalUnits } from '../extension/core/text/lexical-units.ts';
import { lexicalWords, queryNames, queryWords } from '../extension/core/search/lexical.ts';

const EVAL = path.resolve(import.meta.dirname, '..', '..', 'shared', 'eval');

/** The words of a text: the product's (stemmed, identifier-aware), or the BM25 baseline's (`tok=base`). */
export let textWords: (text: string) => string[] = lexicalWords;

/** Chooses the words of texts for the documents built from now on. */
export function useTextWords(words: (text: string) => string[]): void {
  textWords = words;
}

/** One chunk as stored. */
export interface LabChunk {
  id: number;
  path: string;
  ordinal: number;
  startLine: number;
  endLine: number;
  kind: string;
  language: string;
  symbol: string | undefined;
  scope: string[];
  text: string;
  part: { index: number; count: number } | undefined;
}

/** A lexical document: its fields' words and the lines a hit on it reports. */
export interface LabDocument {
  path: string;
  startLine: number;
  endLine: number;
  kind: string;
  language: string;
  fields: { path: string[]; symbol: string[]; body: string[] };
}

/** Reads the chunks of the index's active chunk set, read-only (bench/quality's databases stay as they are). */
export function readChunks(databasePath: string): LabChunk[] {
  const database = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    const active = database.prepare("SELECT chunker FROM vector_spaces WHERE state = 'active'").get() as { chunker: string } | undefined;
    if (!active) throw new Error(`${databasePath} has no active space`);
    const rows = database
      .prepare(`SELECT c.id, f.path, c.ordinal, c.start_line, c.end_line, c.kind, c.language, c.symbol, c.scope, c.text, c.part_index, c.part_count
        FROM chunks c JOIN files f ON f.id = c.file_id WHERE c.chunker = ? ORDER BY f.path, c.ordinal`)
      .all(active.chunker) as { id: number; path: string; ordinal: number; start_line: number; end_line: number; kind: string; language: string; symbol: string | null; scope: string; text: string; part_index: number | null; part_count: number | null }[];
    return rows.map((row) => ({
      id: row.id, path: row.path, ordinal: row.ordinal, startLine: row.start_line, endLine: row.end_line, kind: row.kind, language: row.language,
      symbol: row.symbol ?? undefined, scope: JSON.parse(row.scope) as string[], text: row.text,
      part: row.part_index === null ? undefined : { index: row.part_index, count: row.part_count! },
    }));
  } finally {
    database.close();
  }
}

/** The product's lexical documents: lexical units over each file's chunks (lexical-units.ts), fields as the store writes them. */
export function productDocuments(chunks: readonly LabChunk[]): LabDocument[] {
  const documents: LabDocument[] = [];
  for (let start = 0; start < chunks.length; ) {
    let end = start;
    while (end < chunks.length && chunks[end]!.path === chunks[start]!.path) end++;
    const file = chunks.slice(start, end);
    for (const unit of lexicalUnits(file)) {
      const head = file[unit.first]!;
      documents.push({
        path: head.path, startLine: head.startLine, endLine: unit.endLine, kind: head.kind, language: head.language,
        fields: { path: textWords(head.path), symbol: textWords([...head.scope, head.symbol ?? ''].join(' ')), body: textWords(unit.text) },
      });
    }
    start = end;
  }
  return documents;
}

/** BM25 parameters of one kind of document. */
export interface Bm25Parameters {
  k1: number;
  b: number;
}

/** An in-memory BM25 index over documents with three weighted fields, like FTS5's bm25(). */
export class LabIndex {
  readonly documents: readonly LabDocument[];
  private readonly postings = new Map<string, { document: number; counts: [number, number, number] }[]>();
  private readonly lengths: number[];

  constructor(documents: readonly LabDocument[]) {
    this.documents = documents;
    this.lengths = documents.map((document) => document.fields.path.length + document.fields.symbol.length + document.fields.body.length);
    documents.forEach((document, index) => {
      const counts = new Map<string, [number, number, number]>();
      const add = (words: string[], column: 0 | 1 | 2) => {
        for (const word of words) {
          let entry = counts.get(word);
          if (!entry) counts.set(word, (entry = [0, 0, 0]));
          entry[column] += 1;
        }
      };
      add(document.fields.path, 0);
      add(document.fields.symbol, 1);
      add(document.fields.body, 2);
      for (const [word, entry] of counts) {
        let list = this.postings.get(word);
        if (!list) this.postings.set(word, (list = []));
        list.push({ document: index, counts: entry });
      }
    });
  }

  /**
   * BM25 of every document holding a query word. `parameters` by document (kind), `subset` limits the collection
   * whose statistics (N, document frequencies, average length) are used, as a separate index per kind would.
   */
  score(words: readonly string[], options: { weights?: [number, number, number] | ((document: LabDocument) => [number, number, number]); parameters: (document: LabDocument) => Bm25Parameters; subset?: (document: LabDocument) => boolean; lucene?: boolean; globalStatistics?: boolean }): Map<number, number> {
    const weightsOf = typeof options.weights === 'function' ? options.weights : () => (options.weights as [number, number, number] | undefined) ?? [1, 4, 1];
    const inSubset = options.subset ?? (() => true);
    let total = 0;
    let lengthSum = 0;
    this.documents.forEach((document, index) => {
      if (!options.globalStatistics && !inSubset(document)) return;
      total += 1;
      lengthSum += this.lengths[index]!;
    });
    const average = lengthSum / Math.max(1, total);
    const scores = new Map<number, number>();
    for (const word of new Set(words)) {
      const all = this.postings.get(word) ?? [];
      const list = all.filter((posting) => inSubset(this.documents[posting.document]!));
      if (list.length === 0) continue;
      const n = options.globalStatistics ? all.length : list.length;
      // FTS5's idf: log((N - n + 0.5) / (n + 0.5)), never below a small positive floor.
      const idf = options.lucene ? Math.log(1 + (total - n + 0.5) / (n + 0.5)) : Math.max(1e-6, Math.log((total - n + 0.5) / (n + 0.5)));
      for (const posting of list) {
        const document = this.documents[posting.document]!;
        const { k1, b } = options.parameters(document);
        const weights = weightsOf(document);
        const frequency = posting.counts[0] * weights[0] + posting.counts[1] * weights[1] + posting.counts[2] * weights[2];
        const norm = k1 * (1 - b + (b * this.lengths[posting.document]!) / average);
        scores.set(posting.document, (scores.get(posting.document) ?? 0) + (idf * frequency * (k1 + 1)) / (frequency + norm));
      }
    }
    return scores;
  }

  /** The most a document of `subset` could score for these words: every word saturated (idf · (k1 + 1) each). */
  maxScore(words: readonly string[], parameters: Bm25Parameters, subset: (document: LabDocument) => boolean, lucene: boolean, globalStatistics = false): number {
    const counted = globalStatistics ? () => true : subset;
    let total = 0;
    for (const document of this.documents) if (counted(document)) total += 1;
    let sum = 0;
    for (const word of new Set(words)) {
      if (!(this.postings.get(word) ?? []).some((posting) => subset(this.documents[posting.document]!))) continue;
      const n = (this.postings.get(word) ?? []).filter((posting) => counted(this.documents[posting.document]!)).length;
      if (n === 0) continue;
      const idf = lucene ? Math.log(1 + (total - n + 0.5) / (n + 0.5)) : Math.max(1e-6, Math.log((total - n + 0.5) / (n + 0.5)));
      sum += idf * (parameters.k1 + 1);
    }
    return sum;
  }

  /** Mean over the words of log(share of `a` documents holding the word / share of `b` documents holding it). */
  kindLogRatio(words: readonly string[], a: (document: LabDocument) => boolean, b: (document: LabDocument) => boolean): number {
    // Token-level rates: a word's occurrences over all the tokens of each kind (documents' lengths do not matter).
    let na = 0;
    let nb = 0;
    this.documents.forEach((document, index) => {
      if (a(document)) na += this.lengths[index]!;
      else if (b(document)) nb += this.lengths[index]!;
    });
    let sum = 0;
    let count = 0;
    for (const word of new Set(words)) {
      let da = 0;
      let db = 0;
      for (const posting of this.postings.get(word) ?? []) {
        const document = this.documents[posting.document]!;
        const occurrences = process.env.LAB_DF ? 1 : posting.counts[0] + posting.counts[1] + posting.counts[2];
        if (a(document)) da += occurrences; else if (b(document)) db += occurrences;
      }
      if (da + db === 0) continue;
      sum += Math.log(((da + 0.5) / (na + 1)) / ((db + 0.5) / (nb + 1)));
      count++;
    }
    return count === 0 ? 0 : sum / count;
  }

  /** Documents whose symbol field holds one of the names, by BM25 on that field alone (the product's symbol list). */
  symbolMatches(names: readonly string[]): Map<number, number> {
    return this.score(names, { weights: [0, 1, 0], parameters: () => ({ k1: 1.2, b: 0.75 }) });
  }
}

/** The top `limit` entries of a score map, best first (ties by document order). */
export function top(scores: ReadonlyMap<number, number>, limit: number): number[] {
  return [...scores.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, limit).map(([document]) => document);
}

/** Reciprocal rank fusion of ranked lists of document indexes. */
export function fuseRanks(lists: readonly { ranking: readonly number[]; weight: number }[], rrfK = 60): number[] {
  const scores = new Map<number, number>();
  for (const { ranking, weight } of lists) ranking.forEach((document, rank) => scores.set(document, (scores.get(document) ?? 0) + weight / (rrfK + rank + 1)));
  return top(scores, Number.MAX_SAFE_INTEGER);
}

/** Results as the scorer reads them: the documents' line ranges, overlapping ones of a file merged into the better-ranked. */
export function resultsOf(index: LabIndex, ranking: readonly number[], k = 10): { path: string; start_line: number; end_line: number; score: number }[] {
  const results: { path: string; start_line: number; end_line: number; score: number }[] = [];
  for (const position of ranking) {
    const document = index.documents[position]!;
    const overlapping = results.find((result) => result.path === document.path && result.start_line <= document.endLine && document.startLine <= result.end_line);
    if (overlapping) continue;
    results.push({ path: document.path, start_line: document.startLine, end_line: document.endLine, score: -results.length });
    if (results.length === k) break;
  }
  return results;
}

/** Scores a results file with ../shared/eval/score.mjs. */
export function scoreResults(queriesPath: string, results: readonly { id: unknown; results: unknown[] }[], extra: string[] = []): Record<string, number> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'lexical-lab-'));
  const resultsPath = path.join(directory, 'results.jsonl');
  writeFileSync(resultsPath, results.map((line) => JSON.stringify(line)).join('\n'));
  const run = spawnSync(process.execPath, [path.join(EVAL, 'score.mjs'), '--queries', queriesPath, '--results', resultsPath, '--json', ...extra], { encoding: 'utf8' });
  if (run.status !== 0 || run.stdout.trim() === '') throw new Error(`score.mjs failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, number>;
}

/** A way of answering a query: a ranking of document indexes. */
export type Variant = (index: LabIndex, query: string) => number[];

export const FTS5: Bm25Parameters = { k1: 1.2, b: 0.75 };

/** The product's lexical and symbol lists, fused (the dense list weighs 0 with the bundled models). */
export const productVariant: Variant = (index, query) => {
  const lexical = top(index.score(queryWords(query), { parameters: () => FTS5 }), 50);
  const symbol = top(index.symbolMatches(queryNames(query)), 50);
  return fuseRanks([{ ranking: lexical, weight: 1 }, { ranking: symbol, weight: 1 }]);
};
