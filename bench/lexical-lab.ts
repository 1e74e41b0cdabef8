// bench/lexical-lab: tries ways of scoring the lexical list in memory, on the chunks of indexes that
// bench/quality built, and scores each with ../shared/eval/score.mjs. A variant costs seconds instead of a
// re-index, so many can be compared; what wins here is then built into the store and checked with
// bench/quality. The baseline reproduces the product's lexical list (FTS5 bm25 with column weights
// path 1, symbol 4, body 1 over lexical units), within a point or so (FTS5 counts a few things differently).
//
//   node bench/lexical-lab.ts [--sets docs-fastapi,docs-eslint] [--cache .bench/quality] [--model use-lite] [--variants a,b]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
// The BM25 baseline's tokenizer, for comparisons (`tok=base`).
// @ts-expect-error: a plain .mjs file without types, outside the project.
import { tokenize as baselineTokenize } from '../../shared/eval/bm25.mjs';
import { sourceText } from '../extension/core/chunking/draft.ts';
import { languageForPath, proseFormat } from '../extension/core/chunking/languages.ts';
import { PROSE_DEFAULTS, PROSE_WIDE, proseDrafts } from '../extension/core/chunking/prose.ts';
import type { ProseOptions as UnitOptions } from '../extension/core/chunking/types.ts';
import { lexicalUnits } from '../extension/core/text/lexical-units.ts';
import { identifierParts, lexicalWords, queryNames, queryWords } from '../extension/core/search/lexical.ts';
import { stemmer } from 'stemmer';

const ROOT = path.resolve(import.meta.dirname, '..');
const EVAL = realpathSync(path.resolve(ROOT, '..', 'shared', 'eval'));

/** The sets this lab knows: corpus folder (as bench/quality caches it) and dev queries. */
const SETS: Record<string, { corpus: string; queries: string; scoreArguments?: string[] }> = {
  'code-rich': { corpus: 'code-rich/corpus-stripped', queries: 'code-rich/dev/queries-stripped.jsonl' },
  'code-gin': { corpus: 'code-gin/corpus-stripped', queries: 'code-gin/dev/queries-stripped.jsonl' },
  'code-eslint': { corpus: 'code-eslint/corpus-stripped', queries: 'code-eslint/dev/queries-stripped.jsonl' },
  'docs-eslint': { corpus: 'code-eslint/corpus-stripped', queries: 'docs-eslint/dev/queries-stripped.jsonl' },
  'docs-fastapi': { corpus: 'docs-fastapi/corpus-stripped', queries: 'docs-fastapi/dev/queries-stripped.jsonl' },
  'xling-fastapi': { corpus: 'docs-fastapi/corpus-stripped', queries: 'xling-fastapi/dev/queries-stripped.jsonl' },
  'docs-fastapi-full': { corpus: 'docs-fastapi/corpus', queries: 'docs-fastapi/dev/queries.jsonl' },
  cosqa: { corpus: 'cosqa/corpus', queries: 'cosqa/dev/queries.jsonl' },
  'csn-python': { corpus: 'csn-python/corpus', queries: 'csn-python/dev/queries.jsonl' },
};

/** The words of a text: the product's (stemmed, identifier-aware), or the BM25 baseline's (`tok=base`). */
let textWords: (text: string) => string[] = lexicalWords;
let queryTokenizer: (text: string) => string[] = queryWords;

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

const FTS5: Bm25Parameters = { k1: 1.2, b: 0.75 };

/** The product's lexical and symbol lists, fused (the dense list weighs 0 with the bundled models). */
export const productVariant: Variant = (index, query) => {
  const lexical = top(index.score(queryWords(query), { parameters: () => FTS5 }), 50);
  const symbol = top(index.symbolMatches(queryNames(query)), 50);
  return fuseRanks([{ ranking: lexical, weight: 1 }, { ranking: symbol, weight: 1 }]);
};

// ---- Prose units: documents for Markdown built from the files, not from the model's pieces ----

/** How a Markdown file becomes lexical documents. */
interface ProseOptions {
  /** A section longer than this is cut at paragraph boundaries into documents of about this many characters. */
  maxChars: number;
  /** Sections shorter than this join the next section of the file (their headings both go to the symbol field). */
  mergeBelowChars: number;
  /** Each document's symbol field: the heading path (all headings above), or the section's own heading only. */
  headingContext: 'path' | 'own' | 'none';
  /** Consecutive documents of a cut section repeat this many paragraphs of the previous one. */
  overlapParagraphs: number;
  /** When above 0: each section is cut into windows of this many lines, half overlapping, instead of paragraphs. */
  sectionWindow: number;
}

/** Paragraphs of a section: runs of non-blank lines; a fenced code block is one paragraph whatever its blank lines. */
function paragraphs(lines: readonly string[], startRow: number, endRow: number): { startRow: number; endRow: number }[] {
  const found: { startRow: number; endRow: number }[] = [];
  let row = startRow;
  while (row <= endRow) {
    while (row <= endRow && lines[row]!.trim() === '') row++;
    if (row > endRow) break;
    const first = row;
    const fence = /^ {0,3}(`{3,}|~{3,})/.exec(lines[row]!)?.[1];
    if (fence) {
      row++;
      while (row <= endRow && !lines[row]!.trim().startsWith(fence)) row++;
      found.push({ startRow: first, endRow: Math.min(row, endRow) });
      row++;
      continue;
    }
    while (row <= endRow && lines[row]!.trim() !== '') row++;
    found.push({ startRow: first, endRow: row - 1 });
  }
  return found;
}

/** Lexical documents of one Markdown file. */
export function proseDocuments(filePath: string, text: string, options: ProseOptions): LabDocument[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const sections = proseDrafts(lines, 'markdown', { ...PROSE_DEFAULTS, maxChars: Infinity, maxLines: Infinity, windowLines: Infinity }).map((draft) => ({
    startRow: draft.lines[0]!.row,
    endRow: draft.lines.at(-1)!.row,
    headings: options.headingContext === 'path' ? draft.scope : options.headingContext === 'own' ? (draft.symbol ? [draft.symbol] : []) : [],
  }));
  // Short sections join the next one.
  const merged: typeof sections = [];
  for (const section of sections) {
    const previous = merged.at(-1);
    const previousChars = previous ? lines.slice(previous.startRow, previous.endRow + 1).join('\n').length : Infinity;
    if (previous && previousChars < options.mergeBelowChars) {
      previous.endRow = section.endRow;
      previous.headings = [...new Set([...previous.headings, ...section.headings])];
    } else {
      merged.push({ ...section, headings: [...section.headings] });
    }
  }
  const documents: LabDocument[] = [];
  const pathWords = textWords(filePath);
  for (const section of merged) {
    if (options.sectionWindow > 0) {
      // Windows inside the section, each with the section's headings as context.
      const size = options.sectionWindow;
      const step = Math.max(1, Math.floor(size / 2));
      for (let start = section.startRow; start <= section.endRow; start += step) {
        const end = Math.min(section.endRow, start + size - 1);
        const body = textWords(lines.slice(start, end + 1).join('\n'));
        if (body.length > 0) documents.push({ path: filePath, startLine: start + 1, endLine: end + 1, kind: 'section', language: 'markdown', fields: { path: pathWords, symbol: textWords(section.headings.join(' ')), body } });
        if (end >= section.endRow) break;
      }
      continue;
    }
    const parts = paragraphs(lines, section.startRow, section.endRow);
    let first = 0;
    while (first < parts.length) {
      let last = first;
      let chars = lines.slice(parts[first]!.startRow, parts[first]!.endRow + 1).join('\n').length;
      while (last + 1 < parts.length) {
        const next = lines.slice(parts[last + 1]!.startRow, parts[last + 1]!.endRow + 1).join('\n').length;
        if (chars + next > options.maxChars) break;
        chars += next;
        last++;
      }
      const startRow = parts[first]!.startRow;
      const endRow = parts[last]!.endRow;
      documents.push({
        path: filePath, startLine: startRow + 1, endLine: endRow + 1, kind: 'section', language: 'markdown',
        fields: { path: pathWords, symbol: textWords(section.headings.join(' ')), body: textWords(lines.slice(startRow, endRow + 1).join('\n')) },
      });
      if (last + 1 >= parts.length) break;
      first = Math.max(first + 1, last + 1 - options.overlapParagraphs);
    }
  }
  return documents;
}


const BASE_STOP = new Set(('a an and are as at be by for from has have if in into is it its of on or that the this ' +
  'to was were will with which who what when where how do does can should would you your we our i me my ' +
  'not no but so than then there these those they them their he she his her been being also just only').split(' '));

/** The product's words with switches: `stem` (Porter on plain words), `stop` (drop stop words), `short` (keep one-letter words). */
function configurableWords(options: { stem: boolean; stop: boolean; short: boolean }): (text: string) => string[] {
  return (text) => {
    const words: string[] = [];
    for (const [token] of text.matchAll(/[\p{L}\p{N}_$]+/gu)) {
      const parts = identifierParts(token);
      const keep = (word: string) => (options.short || word.length > 1) && !(options.stop && BASE_STOP.has(word));
      if (parts.length > 1 && keep(parts.join(''))) words.push(parts.join(''));
      for (const part of parts) if (keep(part)) words.push(options.stem && /^[a-z]{4,}$/.test(part) ? stemmer(part) : part);
    }
    return words;
  };
}

/** Fixed windows of `size` lines (the BM25 baseline's documents), starting every `step` lines, with our words. */
function windowDocuments(filePath: string, text: string, size: number, step: number): LabDocument[] {
  const lines = text.split('\n');
  const documents: LabDocument[] = [];
  const pathWords = textWords(filePath);
  for (let start = 0; start < lines.length; start += step) {
    const end = Math.min(lines.length, start + size);
    const body = textWords(lines.slice(start, end).join('\n'));
    if (body.length > 0) documents.push({ path: filePath, startLine: start + 1, endLine: end, kind: 'window', language: 'markdown', fields: { path: pathWords, symbol: [], body } });
    if (end === lines.length) break;
  }
  return documents;
}

/** The product's documents with every Markdown file's replaced by prose documents (or windows when `window` > 0). */
function withProse(chunks: readonly LabChunk[], corpus: string, options: ProseOptions, window = 0, step = 0): LabDocument[] {
  const code = productDocuments(chunks.filter((chunk) => chunk.language !== 'markdown'));
  const markdownPaths = [...new Set(chunks.filter((chunk) => chunk.language === 'markdown').map((chunk) => chunk.path))];
  const prose = markdownPaths.flatMap((filePath) => {
    const text = readFileSync(path.join(corpus, filePath), 'utf8');
    return window > 0 ? windowDocuments(filePath, text, window, step || window) : proseDocuments(filePath, text, options);
  });
  return [...code, ...prose];
}

/** A document set and a way to answer queries over it. */
interface LabVariant {
  documents: (chunks: readonly LabChunk[], corpus: string) => LabDocument[];
  answer: Variant;
}

const PROSE_DEFAULT: ProseOptions = { maxChars: 1600, mergeBelowChars: 0, headingContext: 'path', overlapParagraphs: 0, sectionWindow: 0 };
const product = (chunks: readonly LabChunk[]) => productDocuments(chunks);
const byKind = (prose: Bm25Parameters, code: Bm25Parameters) => (document: LabDocument) => (document.kind === 'section' || document.kind === 'window' ? prose : code);

const VARIANTS: Record<string, LabVariant> = {
  product: { documents: product, answer: productVariant },
  prose: { documents: (chunks, corpus) => withProse(chunks, corpus, PROSE_DEFAULT), answer: productVariant },
  'prose-800': { documents: (chunks, corpus) => withProse(chunks, corpus, { ...PROSE_DEFAULT, maxChars: 800 }), answer: productVariant },
  'prose-2400': { documents: (chunks, corpus) => withProse(chunks, corpus, { ...PROSE_DEFAULT, maxChars: 2400 }), answer: productVariant },
  'prose-merge400': { documents: (chunks, corpus) => withProse(chunks, corpus, { ...PROSE_DEFAULT, mergeBelowChars: 400 }), answer: productVariant },
  'prose-own': { documents: (chunks, corpus) => withProse(chunks, corpus, { ...PROSE_DEFAULT, headingContext: 'own' }), answer: productVariant },
  'prose-none': { documents: (chunks, corpus) => withProse(chunks, corpus, { ...PROSE_DEFAULT, headingContext: 'none' }), answer: productVariant },
  'prose-overlap': { documents: (chunks, corpus) => withProse(chunks, corpus, { ...PROSE_DEFAULT, overlapParagraphs: 1 }), answer: productVariant },
  'product-b05': {
    documents: product,
    answer: (index, query) => fuseRanks([
      { ranking: top(index.score(queryWords(query), { parameters: byKind({ k1: 1.2, b: 0.5 }, FTS5) }), 50), weight: 1 },
      { ranking: top(index.symbolMatches(queryNames(query)), 50), weight: 1 },
    ]),
  },
};

/**
 * A variant from a spec: `p:max=800,merge=0,head=path,ov=0,b=0.5,k1=1.2,sym=4,split=1`: prose documents cut at
 * `max` characters (0: the product's units), BM25 `b`/`k1` and symbol-field weight `sym` for prose documents
 * (code keeps FTS5's), and with `split=1` prose and code scored as two collections (their own statistics)
 * and fused as two lists.
 */
function parsedVariant(spec: string): LabVariant {
  const options = new Map(spec.slice(2).split(',').filter(Boolean).map((pair) => pair.split('=') as [string, string]));
  const number = (key: string, fallback: number) => (options.has(key) ? Number(options.get(key)) : fallback);
  const max = number('max', 1600);
  const prose: ProseOptions = { maxChars: max, mergeBelowChars: number('merge', 0), headingContext: (options.get('head') as ProseOptions['headingContext']) ?? 'path', overlapParagraphs: number('ov', 0), sectionWindow: number('sw', 0) };
  const proseParameters = { k1: number('k1', 1.2), b: number('b', 0.75) };
  const codeParameters = { k1: number('ck1', 1.2), b: number('cb', 0.75) };
  const symbolWeight = number('sym', 4);
  const pathWeight = number('path', 1);
  const split = number('split', 0) === 1;
  const isProse = (document: LabDocument) => document.kind === 'section' || (document.kind === 'window' && /\.(md|mdx|markdown|rst|txt|adoc|asciidoc)$/i.test(document.path)) || (document.kind === 'window' && document.language === 'markdown');
  return {
    documents: (chunks, corpus) => {
      const tokenizer = options.get('tok');
      textWords = tokenizer === 'base' ? baselineTokenize : tokenizer === undefined ? lexicalWords
        : configurableWords({ stem: tokenizer.includes('stem'), stop: tokenizer.includes('stop'), short: tokenizer.includes('short') });
      queryTokenizer = tokenizer === 'base' ? baselineTokenize : options.get('q') === 'nostop' ? lexicalWords : tokenizer === undefined || options.get('q') === 'product' ? queryWords : textWords;
      return max === 0 ? productDocuments(chunks) : withProse(chunks, corpus, prose, number('win', 0), number('step', 0));
    },
    answer: (index, query) => {
      const words = [...new Set(queryTokenizer(query))];
      const lucene = options.get('idf') === 'lucene';
      if (options.get('fields') === 'body') return top(index.score(words, { weights: [0, 0, 1], parameters: () => proseParameters, lucene }), 50);
      const symbol = { ranking: top(index.symbolMatches(queryNames(query)), 50), weight: 1 };
      if (options.get('mix')) {
        // Prose: body only, every query word, Lucene idf over the prose documents; code: the product's scoring over
        // the code documents. Merged as options.get('mix') says.
        const isCode = (document: LabDocument) => !isProse(document);
        const allWords = [...new Set(lexicalWords(query))];
        const codeWords = queryWords(query);
        const proseScores = index.score(allWords, { weights: [0, number('psym', 0), 1], parameters: () => proseParameters, subset: isProse, lucene: true });
        const codeScores = index.score(codeWords, { weights: [1, 4, 1], parameters: () => codeParameters, subset: isCode });
        const mode = options.get('mix');
        if (mode === 'rrf') return fuseRanks([{ ranking: top(proseScores, 50), weight: number('pw', 1) }, { ranking: top(codeScores, 50), weight: 1 }, symbol]);
      if (mode === 'prrf') {
        // Each kind's ranking weighted by the query's leaning towards that kind's words.
        const p = 1 / (1 + Math.exp(-(number('gamma', 1) * index.kindLogRatio(codeWords, isProse, isCode) + number('bias', 0))));
        const k = number('rrfk', 60);
        const kinds = fuseRanks([{ ranking: top(proseScores, 50), weight: p }, { ranking: top(codeScores, 50), weight: 1 - p }], k);
        return fuseRanks([{ ranking: kinds.slice(0, 50), weight: 1 }, symbol]);
      }
        const proseMax = mode === 'raw' ? 1 : index.maxScore(allWords, proseParameters, isProse, true) || 1;
        const codeMax = mode === 'raw' ? 1 : index.maxScore(codeWords, codeParameters, isCode, false) || 1;
        const merged = new Map<number, number>();
        for (const [document, score] of proseScores) merged.set(document, (score / proseMax) * number('pw', 1));
        for (const [document, score] of codeScores) merged.set(document, score / codeMax);
        return fuseRanks([{ ranking: top(merged, 50), weight: 1 }, symbol]);
      }
      if (number('norm', 0) === 1) {
        // Each kind scored in its own collection and as a share of the most it could score, then merged by that share.
        const proseWeights: [number, number, number] = [number('ppath', pathWeight), number('psym', 4), 1];
        const codeWeights: [number, number, number] = [number('cpath', pathWeight), number('csym', 4), 1];
        const isCode = (document: LabDocument) => !isProse(document);
        const proseScores = index.score(words, { weights: proseWeights, parameters: () => proseParameters, subset: isProse, lucene });
        const codeScores = index.score(words, { weights: codeWeights, parameters: () => codeParameters, subset: isCode, lucene });
        const proseMax = index.maxScore(words, proseParameters, isProse, lucene) || 1;
        const codeMax = index.maxScore(words, codeParameters, isCode, lucene) || 1;
        const merged = new Map<number, number>();
        for (const [document, score] of proseScores) merged.set(document, (score / proseMax) * number('pw', 1));
        for (const [document, score] of codeScores) merged.set(document, (score / codeMax) * number('cw', 1));
        return fuseRanks([{ ranking: top(merged, 50), weight: 1 }, symbol]);
      }
      if (!split) {
        const proseWeights: [number, number, number] = [number('ppath', pathWeight), number('psym', 4), 1];
        const codeWeights: [number, number, number] = [number('cpath', pathWeight), number('csym', 4), 1];
        const scores = index.score(words, { weights: (document) => (isProse(document) ? proseWeights : codeWeights), parameters: byKind(proseParameters, codeParameters), lucene });
        if (symbolWeight !== 4) {
          // The symbol field's weight for prose only: score prose again with its own weights and replace.
          const proseScores = index.score(words, { weights: [pathWeight, symbolWeight, 1], parameters: () => proseParameters, subset: isProse });
          for (const [document] of scores) if (isProse(index.documents[document]!)) scores.set(document, proseScores.get(document) ?? 0);
        }
        return fuseRanks([{ ranking: top(scores, 50), weight: 1 }, symbol]);
      }
      const proseList = top(index.score(words, { weights: [1, symbolWeight, 1], parameters: () => proseParameters, subset: isProse }), 50);
      const codeList = top(index.score(words, { parameters: () => codeParameters, subset: (document) => !isProse(document) }), 50);
      return fuseRanks([{ ranking: proseList, weight: number('pw', 1) }, { ranking: codeList, weight: number('cw', 1) }, symbol]);
    },
  };
}

// ---- The chunker's prose units (prose.ts) and per-kind scoring ----

/** Whether a path is prose for the chunker (Markdown, reST, AsciiDoc, .txt, README…). */
const isProsePath = (filePath: string): boolean => proseFormat(filePath, languageForPath(filePath)) !== undefined;

/** Code documents as the product builds them; prose documents from the chunker's prose units of each prose file. */
function unitDocuments(chunks: readonly LabChunk[], corpus: string, options: UnitOptions, forceFormat?: string): LabDocument[] {
  const code = productDocuments(chunks.filter((chunk) => !isProsePath(chunk.path)));
  const prosePaths = [...new Set(chunks.filter((chunk) => isProsePath(chunk.path)).map((chunk) => chunk.path))];
  const prose = prosePaths.flatMap((filePath) => {
    const { lines } = sourceText(readFileSync(path.join(corpus, filePath), 'utf8'));
    const pathWords = textWords(filePath);
    return proseDrafts(lines, (forceFormat as 'plain' | undefined) ?? proseFormat(filePath, languageForPath(filePath))!, options).map((draft) => ({
      path: filePath, startLine: draft.lines[0]!.row + 1, endLine: draft.lines.at(-1)!.row + 1, kind: 'section', language: 'prose',
      fields: { path: pathWords, symbol: textWords([...draft.scope, draft.symbol ?? ''].join(' ')), body: textWords(draft.lines.map((line) => line.text).join('\n')) },
    }));
  });
  return [...code, ...prose];
}

/**
 * `u:max=1600,lines=60,merge=0,win=30,step=15,mode=one|rrf|qmax|sat,pk1,pb,ck1,cb,psym=4,csym=4,pw=1,pstop=0`:
 * prose units from the chunker, each kind scored with its own parameters; `one` keeps one collection's
 * statistics, the others score each kind in its own collection and merge: `rrf` two ranked lists, `qmax` each
 * score over the best score of its kind for the query, `sat` over the most its kind could score.
 */
function unitVariant(spec: string): LabVariant {
  const options = new Map(spec.slice(2).split(',').filter(Boolean).map((pair) => pair.split('=') as [string, string]));
  const number = (key: string, fallback: number) => (options.has(key) ? Number(options.get(key)) : fallback);
  // Unset sizes are the first ones tried (1,600 characters, 60 lines, 30-line windows every 15), as the docs table's rows name them.
  const units: UnitOptions = { maxChars: number('max', 1600), maxLines: number('lines', PROSE_WIDE.maxLines), overlapChars: number('ov', 0), mergeBelowChars: number('merge', 0), windowLines: number('win', PROSE_WIDE.windowLines), windowStep: number('step', PROSE_WIDE.windowStep) };
  const prose = { k1: number('pk1', 1.2), b: number('pb', 0.75) };
  const code = { k1: number('ck1', 1.2), b: number('cb', 0.75) };
  const proseWeights: [number, number, number] = [number('ppath', 1), number('psym', 4), 1];
  const codeWeights: [number, number, number] = [number('cpath', 1), number('csym', 4), 1];
  const mode = options.get('mode') ?? 'one';
  const isProse = (document: LabDocument) => document.kind === 'section';
  const isCode = (document: LabDocument) => !isProse(document);
  return {
    documents: (chunks, corpus) => {
      textWords = lexicalWords;
      return unitDocuments(chunks, corpus, units, options.get('fmt'));
    },
    answer: (index, query) => {
      const codeWords = queryWords(query);
      const proseWords = number('pstop', 0) === 1 ? [...new Set(lexicalWords(query))] : codeWords;
      const symbol = { ranking: top(index.symbolMatches(queryNames(query)), 50), weight: 1 };
      if (mode === 'one') {
        const scores = index.score(codeWords, { weights: (document) => (isProse(document) ? proseWeights : codeWeights), parameters: byKind(prose, code) });
        return fuseRanks([{ ranking: top(scores, 50), weight: 1 }, symbol]);
      }
      const lucene = options.get('idf') === 'lucene';
      const globalStatistics = options.get('stats') === 'global';
      const proseScores = index.score(proseWords, { weights: proseWeights, parameters: () => prose, subset: isProse, lucene, globalStatistics });
      const codeScores = index.score(codeWords, { weights: codeWeights, parameters: () => code, subset: isCode, globalStatistics });
      if (mode === 'rrf') return fuseRanks([{ ranking: top(proseScores, 50), weight: number('pw', 1) }, { ranking: top(codeScores, 50), weight: 1 }, symbol]);
      if (mode === 'prrf') {
        // Each kind's ranking weighted by the query's leaning towards that kind's words.
        const p = 1 / (1 + Math.exp(-(number('gamma', 1) * index.kindLogRatio(codeWords, isProse, isCode) + number('bias', 0))));
        const k = number('rrfk', 60);
        const kinds = fuseRanks([{ ranking: top(proseScores, 50), weight: p }, { ranking: top(codeScores, 50), weight: 1 - p }], k);
        return fuseRanks([{ ranking: kinds.slice(0, 50), weight: 1 }, symbol]);
      }
      const best = (scores: Map<number, number>) => Math.max(1e-9, ...scores.values());
      const proseMax = mode === 'sat' ? index.maxScore(proseWords, prose, isProse, lucene, globalStatistics) || 1 : best(proseScores);
      const codeMax = mode === 'sat' ? index.maxScore(codeWords, code, isCode, false, globalStatistics) || 1 : best(codeScores);
      let pw = number('pw', 1);
      if (options.has('gamma')) {
        const ratio = index.kindLogRatio(codeWords, isProse, isCode);
        pw *= Math.exp(number('gamma', 1) * ratio);
        if (process.env.LAB_RATIO) console.error(`ratio ${ratio.toFixed(2)} ${query}`);
      }
      const merged = new Map<number, number>();
      for (const [document, score] of proseScores) merged.set(document, (score / proseMax) * pw);
      for (const [document, score] of codeScores) merged.set(document, score / codeMax);
      return fuseRanks([{ ranking: top(merged, 50), weight: 1 }, symbol]);
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sets: { type: 'string', default: 'code-rich,code-gin' },
      cache: { type: 'string', default: path.join(ROOT, '.bench', 'quality') },
      model: { type: 'string', default: 'use-lite' },
      variants: { type: 'string', default: Object.keys(VARIANTS).join(';') },
    },
  });
  const sets = values.sets!.split(',');
  // Variants are separated by ';' (a spec has commas of its own).
  const variants = values.variants!.split(';');
  const table: string[] = [`| variant | ${sets.join(' | ')} |`, `|---|${sets.map(() => '---|').join('')}`];
  const rows = new Map<string, string[]>(variants.map((variant) => [variant, []]));
  for (const set of sets) {
    const definition = SETS[set];
    if (!definition) throw new Error(`unknown set ${set}`);
    const databasePath = path.join(values.cache!, definition.corpus.replaceAll('/', '__'), `${values.model}.db`);
    if (!existsSync(databasePath)) throw new Error(`${databasePath} is missing: run bench/quality on ${set} first`);
    const chunks = readChunks(databasePath);
    const corpus = path.join(EVAL, 'sets', definition.corpus);
    const queriesPath = path.join(EVAL, 'sets', definition.queries);
    const queries = readFileSync(queriesPath, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { id: unknown; query: string });
    for (const variant of variants) {
      const chosen = variant.startsWith('p:') ? parsedVariant(variant) : variant.startsWith('u:') ? unitVariant(variant) : VARIANTS[variant];
      if (!chosen) throw new Error(`unknown variant ${variant}`);
      const index = new LabIndex(chosen.documents(chunks, corpus));
      const answered = queries.map((query) => ({ id: query.id, results: resultsOf(index, chosen.answer(index, query.query)) }));
      if (process.env.LAB_DUMP) writeFileSync(`${process.env.LAB_DUMP}.${set}.${variants.indexOf(variant)}.jsonl`, answered.map((line) => JSON.stringify(line)).join('\n'));
      const scores = scoreResults(queriesPath, answered, definition.scoreArguments);
      rows.get(variant)!.push((scores['nDCG@10']! * 100).toFixed(1));
    }
  }
  for (const variant of variants) table.push(`| ${variant} | ${rows.get(variant)!.join(' | ')} |`);
  console.log(table.join('\n'));
}

if (import.meta.main) await main();
