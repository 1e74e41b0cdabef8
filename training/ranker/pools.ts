// A query's candidate pool as the product builds it (fusedCandidates, the first RANKING_POOL), its feature rows
// (the product's candidateFeatures) and its labels: a candidate is an answer when the result it would become lies
// in a target's file and overlaps the target's lines (or the target is the whole file), as ../shared/eval/score.mjs
// credits a result.
import { resultExtent, type RankedChunk } from '../../extension/core/search/results.ts';
import { fusedCandidates, type SearchMode, type Searcher } from '../../extension/core/search/search.ts';
import { candidateFeatures, PROSE_KINDS, type WordFrequencies } from '../../extension/core/search/ranking/features.ts';
import { analyzeQuery, type QueryShape } from '../../extension/core/search/ranking/query-shape.ts';
import { RANKING_POOL } from '../../extension/core/search/ranking/rerank.ts';
import { docLine } from '../../extension/core/search/summary.ts';

/** A target of a query: a file, or lines of it. */
export interface PoolTarget {
  path: string;
  startLine?: number;
  endLine?: number;
}

/** One query's pool, ready for training or for scoring a ranker. */
export interface QueryPool {
  id: string;
  /** Where the query comes from (training kind, or evaluation set). */
  group: string;
  query: string;
  shape: QueryShape;
  targets: PoolTarget[];
  candidates: RankedChunk[];
  /** The query words' document frequencies, as the search measured them (entries of a Map). */
  wordFrequencies: { frequencies: [string, number][]; documents: number } | undefined;
  /** candidates.length × FEATURE_NAMES.length. */
  features: Float64Array;
  /** 1 for a candidate that answers the query. */
  labels: Uint8Array;
}

/** Whether a candidate's result credits one of the targets. */
export function answers(candidate: RankedChunk, targets: readonly PoolTarget[]): boolean {
  const extent = resultExtent(candidate.chunk);
  return targets.some((target) => target.path === candidate.chunk.path && (target.startLine === undefined || (extent.startLine <= target.endLine! && extent.endLine >= target.startLine)));
}

/** The pool of one query on one folder, with features and labels. */
export async function queryPool(searcher: Searcher, entry: { id: string; group: string; query: string; targets: readonly PoolTarget[] }, mode: SearchMode): Promise<QueryPool> {
  const { fused, wordFrequencies } = await fusedCandidates([searcher], entry.query, { mode, k: 10 });
  return withFeatures({
    id: entry.id, group: entry.group, query: entry.query, targets: [...entry.targets], candidates: fused.slice(0, RANKING_POOL),
    wordFrequencies: wordFrequencies && { frequencies: [...wordFrequencies.frequencies], documents: wordFrequencies.documents },
  });
}

/** Features and labels of a pool's candidates, computed by the product's code. */
export function withFeatures(pool: Pick<QueryPool, 'id' | 'group' | 'query' | 'targets' | 'candidates' | 'wordFrequencies'>): QueryPool {
  const analysis = analyzeQuery(pool.query);
  return {
    ...pool,
    shape: analysis.shape,
    features: candidateFeatures(analysis, pool.candidates, poolFrequencies(pool)),
    labels: Uint8Array.from(pool.candidates.map((candidate) => (answers(candidate, pool.targets) ? 1 : 0))),
  };
}

/**
 * A pool as kept on disk: its candidates without the text of code (no feature reads it; prose units keep theirs for
 * `linkList`); features and labels are computed again when it is read, so a changed feature needs no new search.
 */
export function serializePool(pool: QueryPool): string {
  const { features: _features, labels: _labels, shape: _shape, ...rest } = pool;
  // Code's text is left out (features read prose's text only); its doc line is kept as its doc comment, which
  // gives the same line back (features.ts `docMatch`).
  const kept = ({ chunk }: QueryPool['candidates'][number]) => (PROSE_KINDS.has(chunk.kind) ? { text: chunk.text, docComment: undefined } : { text: '', docComment: docLine(chunk) });
  return JSON.stringify({ ...rest, candidates: pool.candidates.map((candidate) => ({ ...candidate, chunk: { ...candidate.chunk, ...kept(candidate) } })) });
}

export function parsePool(line: string): QueryPool {
  return withFeatures(JSON.parse(line) as Pick<QueryPool, 'id' | 'group' | 'query' | 'targets' | 'candidates' | 'wordFrequencies'>);
}

/** A pool's word frequencies in the form the ranking stage takes. */
export function poolFrequencies(pool: Pick<QueryPool, 'wordFrequencies'>): WordFrequencies | undefined {
  return pool.wordFrequencies && { frequencies: new Map(pool.wordFrequencies.frequencies), documents: pool.wordFrequencies.documents };
}

/** How many items fall under each key. */
export function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}
