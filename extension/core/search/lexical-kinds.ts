// Per-kind lexical scoring. Prose units (Markdown, reST, AsciiDoc sections and windows) and code units have
// different lengths and vocabularies; scored as one BM25 collection, short code units crowd long prose units out
// (and the reverse). Each kind is therefore scored as a collection of its own — its own document count, document
// frequencies and mean length — with its own BM25 parameters, and each score is taken as a share of the most a
// document of that kind could score for the query (every query word saturated). The shares of the two kinds are
// comparable, and merged after weighting prose by how much the query's words lean towards prose: a query in the
// words of the docs favours sections, one in the words of the code favours code. bench/quality, "docs table".

import type { LexicalKindStatistics, LexicalRow } from '../store/index-store.ts';

export type LexicalKind = 'prose' | 'code';

export interface Bm25Parameters {
  k1: number;
  b: number;
}

/**
 * BM25 parameters per kind. FTS5's own (k1 1.2, b 0.75) for both: b 0.5 for prose was within a point in the lab
 * (bench/lexical-lab.ts), so nothing supported a change.
 */
export const KIND_PARAMETERS: Readonly<Record<LexicalKind, Bm25Parameters>> = {
  prose: { k1: 1.2, b: 0.75 },
  code: { k1: 1.2, b: 0.75 },
};

/** Column weights: path, symbol-and-scope (a section's heading path), body; the same as the FTS5 ranking's. */
export const COLUMN_WEIGHTS: readonly [number, number, number] = [1, 4, 1];

/**
 * How strongly the query's leaning towards prose words moves the prose weight: prose shares are multiplied by
 * exp(PROSE_LEANING × leaning). Measured with bench/lexical-lab (0: no leaning, 0.25, 0.5, 1).
 */
export const PROSE_LEANING = 0.25;

/** FTS5's idf: log((N − n + 0.5) / (n + 0.5)), never below a small positive floor. */
function idf(documents: number, frequency: number): number {
  return Math.max(1e-6, Math.log((documents - frequency + 0.5) / (frequency + 0.5)));
}

/** BM25 of one lexical row for the query words, in the statistics of its kind. */
export function kindBm25(row: Pick<LexicalRow, 'lengths' | 'counts'>, statistics: LexicalKindStatistics, parameters: Bm25Parameters): number {
  const length = row.lengths[0] + row.lengths[1] + row.lengths[2];
  const { k1, b } = parameters;
  const norm = k1 * (1 - b + (b * length) / Math.max(1e-9, statistics.averageLength));
  let score = 0;
  for (const [word, counts] of row.counts) {
    const documents = statistics.frequencies.get(word);
    if (documents === undefined) continue;
    const frequency = counts[0] * COLUMN_WEIGHTS[0] + counts[1] * COLUMN_WEIGHTS[1] + counts[2] * COLUMN_WEIGHTS[2];
    score += (idf(statistics.documents, documents) * frequency * (k1 + 1)) / (frequency + norm);
  }
  return score;
}

/** The most a document of a kind could score: each query word the kind holds, saturated. */
export function kindCeiling(words: readonly string[], statistics: LexicalKindStatistics, parameters: Bm25Parameters): number {
  let sum = 0;
  for (const word of new Set(words)) {
    const documents = statistics.frequencies.get(word);
    if (documents !== undefined) sum += idf(statistics.documents, documents) * (parameters.k1 + 1);
  }
  return sum;
}

/**
 * How much the query's words lean towards prose: the mean over its words of log(rate in prose / rate in code),
 * a rate being the documents holding the word over all the words of the kind (so long prose units weigh no more
 * than short code units). 0 when the index holds only one kind.
 */
export function proseLeaning(words: readonly string[], prose: LexicalKindStatistics, code: LexicalKindStatistics): number {
  if (prose.documents === 0 || code.documents === 0) return 0;
  const proseWords = prose.documents * prose.averageLength + 1;
  const codeWords = code.documents * code.averageLength + 1;
  let sum = 0;
  let count = 0;
  for (const word of new Set(words)) {
    const inProse = prose.frequencies.get(word) ?? 0;
    const inCode = code.frequencies.get(word) ?? 0;
    if (inProse + inCode === 0) continue;
    sum += Math.log((inProse + 0.5) / proseWords / ((inCode + 0.5) / codeWords));
    count += 1;
  }
  return count === 0 ? 0 : sum / count;
}

/** One document of the merged lexical list, with what a later ranking stage may use. */
export interface KindScored {
  chunkId: number;
  kind: LexicalKind;
  /** BM25 within its kind's collection. */
  bm25: number;
  /** bm25 over the kind's ceiling for the query, from 0 to 1. */
  share: number;
  /** What the merged list is ordered by: the share, prose's weighted by the query's leaning. */
  score: number;
}

/** Scores each kind's rows in its own statistics and merges them into one list, best first. */
export function mergeKinds(
  words: readonly string[],
  rows: Readonly<Record<LexicalKind, readonly LexicalRow[]>>,
  statistics: Readonly<Record<LexicalKind, LexicalKindStatistics>>,
): { scored: KindScored[]; proseWeight: number } {
  const proseWeight = Math.exp(PROSE_LEANING * proseLeaning(words, statistics.prose, statistics.code));
  const scored: KindScored[] = [];
  for (const kind of ['prose', 'code'] as const) {
    const ceiling = kindCeiling(words, statistics[kind], KIND_PARAMETERS[kind]) || 1;
    for (const row of rows[kind]) {
      const bm25 = kindBm25(row, statistics[kind], KIND_PARAMETERS[kind]);
      const share = bm25 / ceiling;
      scored.push({ chunkId: row.chunkId, kind, bm25, share, score: kind === 'prose' ? share * proseWeight : share });
    }
  }
  scored.sort((a, b) => b.score - a.score || a.chunkId - b.chunkId);
  return { scored, proseWeight };
}
