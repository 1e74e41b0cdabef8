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
import { markdownDrafts } from '../extension/core/chunking/markdown.ts';
import { lexicalUnits } from '../extension/core/search/lexical-units.ts';
import { lexicalWords, queryNames, queryWords } from '../extension/core/search/lexical.ts';

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
        fields: { path: lexicalWords(head.path), symbol: lexicalWords([...head.scope, head.symbol ?? ''].join(' ')), body: lexicalWords(unit.text) },
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
  score(words: readonly string[], options: { weights?: [number, number, number]; parameters: (document: LabDocument) => Bm25Parameters; subset?: (document: LabDocument) => boolean }): Map<number, number> {
    const weights = options.weights ?? [1, 4, 1];
    const inSubset = options.subset ?? (() => true);
    let total = 0;
    let lengthSum = 0;
    this.documents.forEach((document, index) => {
      if (!inSubset(document)) return;
      total += 1;
      lengthSum += this.lengths[index]!;
    });
    const average = lengthSum / Math.max(1, total);
    const scores = new Map<number, number>();
    for (const word of new Set(words)) {
      const list = (this.postings.get(word) ?? []).filter((posting) => inSubset(this.documents[posting.document]!));
      if (list.length === 0) continue;
      // FTS5's idf: log((N - n + 0.5) / (n + 0.5)), never below a small positive floor.
      const idf = Math.max(1e-6, Math.log((total - list.length + 0.5) / (list.length + 0.5)));
      for (const posting of list) {
        const document = this.documents[posting.document]!;
        const { k1, b } = options.parameters(document);
        const frequency = posting.counts[0] * weights[0] + posting.counts[1] * weights[1] + posting.counts[2] * weights[2];
        const norm = k1 * (1 - b + (b * this.lengths[posting.document]!) / average);
        scores.set(posting.document, (scores.get(posting.document) ?? 0) + (idf * frequency * (k1 + 1)) / (frequency + norm));
      }
    }
    return scores;
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
  const sections = markdownDrafts(lines).map((draft) => ({
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
  const pathWords = lexicalWords(filePath);
  for (const section of merged) {
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
        fields: { path: pathWords, symbol: lexicalWords(section.headings.join(' ')), body: lexicalWords(lines.slice(startRow, endRow + 1).join('\n')) },
      });
      if (last + 1 >= parts.length) break;
      first = Math.max(first + 1, last + 1 - options.overlapParagraphs);
    }
  }
  return documents;
}

/** The product's documents with every Markdown file's replaced by prose documents. */
function withProse(chunks: readonly LabChunk[], corpus: string, options: ProseOptions): LabDocument[] {
  const code = productDocuments(chunks.filter((chunk) => chunk.language !== 'markdown'));
  const markdownPaths = [...new Set(chunks.filter((chunk) => chunk.language === 'markdown').map((chunk) => chunk.path))];
  const prose = markdownPaths.flatMap((filePath) => proseDocuments(filePath, readFileSync(path.join(corpus, filePath), 'utf8'), options));
  return [...code, ...prose];
}

/** A document set and a way to answer queries over it. */
interface LabVariant {
  documents: (chunks: readonly LabChunk[], corpus: string) => LabDocument[];
  answer: Variant;
}

const PROSE_DEFAULT: ProseOptions = { maxChars: 1600, mergeBelowChars: 0, headingContext: 'path', overlapParagraphs: 0 };
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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sets: { type: 'string', default: 'code-rich,code-gin' },
      cache: { type: 'string', default: path.join(ROOT, '.bench', 'quality') },
      model: { type: 'string', default: 'use-lite' },
      variants: { type: 'string', default: Object.keys(VARIANTS).join(',') },
    },
  });
  const sets = values.sets!.split(',');
  const variants = values.variants!.split(',');
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
      const chosen = VARIANTS[variant];
      if (!chosen) throw new Error(`unknown variant ${variant}`);
      const index = new LabIndex(chosen.documents(chunks, corpus));
      const scores = scoreResults(queriesPath, queries.map((query) => ({ id: query.id, results: resultsOf(index, chosen.answer(index, query.query)) })), definition.scoreArguments);
      rows.get(variant)!.push((scores['nDCG@10']! * 100).toFixed(1));
    }
  }
  for (const variant of variants) table.push(`| ${variant} | ${rows.get(variant)!.join(' | ')} |`);
  console.log(table.join('\n'));
}

if (import.meta.main) await main();
