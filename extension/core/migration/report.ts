// The migration report: what changes for the user when searches move from one vector space to another
// (another model, chunker or storage). Everything here is measured on the folder's own index; no
// labelled data is needed. Every number is defined in README.md in this folder.
import type { QueryEmbedder } from '../search/search.ts';
import type { IndexStore, StoredChunk, VectorSpace } from '../store/index-store.ts';
import { declarationKey, documentedDefinitions, hasDeclaration } from '../evaluation/documented-code.ts';
import { calibrateThresholds, calibrationFor, requireSpaceModel, unrelatedPairSimilarities, type CalibrationOptions, type ThresholdName } from './calibration.ts';
import { isCoreError } from '../errors.ts';

// Where queries are drawn and results identified; kept importable from here for the report's other users.
export { declarationKey, hasDeclaration } from '../evaluation/documented-code.ts';
export { docCommentQuery } from '../evaluation/query-text.ts';

/** The report's format version; bump it when a field changes meaning. */
export const REPORT_VERSION = 1;

/** Results compared per query (top-k overlap, Recall@k, MRR@k). */
const K = 10;

/** Fixed histogram bins: 40 bins of 0.05 over [-1, 1], the same for every model and distribution. */
const BIN_COUNT = 40;

export interface MigrationReportOptions {
  store: IndexStore;
  /** The space searches read now; undefined for a first index (nothing to compare with). */
  from: VectorSpace | undefined;
  to: VectorSpace;
  /** The model of `from` (required when `from` is given). */
  embedFrom?: QueryEmbedder;
  embedTo: QueryEmbedder;
  /** Queries users typed recently (no known answer: used for overlap and score distributions). */
  recentQueries?: readonly string[];
  /** Self-supervised queries drawn from doc comments. Default 100. */
  sampleQueries?: number;
  /** Recalibrate both spaces' thresholds (default), or read the saved ones and calibrate only missing ones. */
  recalibrate?: boolean;
  /** Passed on to calibration (sample sizes, percentiles, precision target). */
  calibration?: Omit<CalibrationOptions, 'embedder' | 'signal'>;
  onProgress?: (progress: MigrationReportProgress) => void;
  signal?: AbortSignal;
}

export interface MigrationReportProgress {
  phase: 'coverage' | 'calibrating' | 'embedding-queries' | 'searching' | 'done';
  /** 0..1 over the whole report. */
  fraction: number;
}

/** A space as the report names it. */
export interface ReportSpace {
  id: string;
  modelId: string;
  modelFingerprint: string;
  chunker: string;
  dimensions: number;
  state: string;
}

/** How much of the index a space covers. */
export interface SpaceCoverage {
  /** Vectors stored in the space. */
  vectors: number;
  /** Distinct chunk contents of the space's chunker that have no vector yet. */
  missingContents: number;
  /** Share of the chunker's distinct contents that have a vector (1 when there are none). */
  shareComplete: number;
  /** Whether the last index run marked the space complete. */
  markedComplete: boolean;
}

/** Counts over fixed bins; `counts[i]` holds values in [edges[i], edges[i+1]) (the last bin includes 1). */
export interface Histogram {
  edges: number[];
  counts: number[];
  total: number;
  mean: number | undefined;
}

export interface ScoreDistributions {
  /** Top-1 dense similarity of every sample query. */
  topScores: Histogram;
  /** Similarity of unrelated pairs of stored vectors (see calibration). */
  unrelatedPairs: Histogram;
}

export interface ThresholdSummary {
  value: number;
  computedAt: number;
  details: Record<string, unknown>;
}

/** A space's thresholds, or why they could not be had. */
export type SpaceThresholds = { similar: ThresholdSummary; duplicate: ThresholdSummary } | { unavailable: string };

export interface RetrievalQuality {
  /** Share of self-supervised queries whose target is in the top 10. */
  recallAt10: number;
  /** Mean of 1/rank of the target within the top 10 (0 when absent). */
  mrrAt10: number;
}

export interface QueryOverlap {
  query: string;
  source: 'recent' | 'self-supervised';
  /** |old top 10 ∩ new top 10| / 10, by declaration (10, or the longer list when both are shorter). */
  overlapAt10: number;
  /** |∩| / |∪| of the two top-10 lists. */
  jaccard: number;
}

/** The migration report: JSON-serialisable, saved with the migration record. */
export interface MigrationReport {
  version: number;
  createdAt: number;
  k: number;
  from: ReportSpace | undefined;
  to: ReportSpace;
  coverage: { from: SpaceCoverage | undefined; to: SpaceCoverage };
  queries: {
    recent: number;
    selfSupervised: number;
    /** Documented definitions left out: no usable sentence of their own (see `documentedDefinitions`), or no counterpart in one of the chunk sets. */
    selfSupervisedSkipped: number;
    /** A few self-supervised queries, to see what they look like. */
    examples: { query: string; path: string; symbol: string | undefined }[];
  };
  /** Old against new top-10 lists; undefined without an old space or without queries. */
  overlap: { mean: number; meanJaccard: number; min: number; perQuery: QueryOverlap[] } | undefined;
  scores: { from: ScoreDistributions | undefined; to: ScoreDistributions };
  thresholds: { from: SpaceThresholds | undefined; to: SpaceThresholds };
  /** Recall@10 and MRR@10 on the self-supervised queries; undefined when there are none. */
  quality: { queries: number; from: RetrievalQuality | undefined; to: RetrievalQuality } | undefined;
}

/** A self-supervised query: a doc comment's first sentence, and the chunk it documents. */
export interface SelfSupervisedQuery {
  query: string;
  chunk: StoredChunk;
}

/**
 * Self-supervised queries: one per documented definition of the chunk sets (see `documentedDefinitions`:
 * the first sentence of its docstring or doc comment that no other definition shares, without licence
 * or attribution lines), spread over the index, at most `limit`; `skipped` counts the documented
 * definitions that gave none.
 */
export function selfSupervisedQueries(store: IndexStore, chunkers: readonly string[], limit: number): { queries: SelfSupervisedQuery[]; skipped: number } {
  const drawn = documentedDefinitions(store, chunkers, limit);
  const { noSentence, boilerplate, duplicate } = drawn.leftOut;
  return { queries: drawn.definitions.map(({ query, chunk }) => ({ query, chunk })), skipped: noSentence + boilerplate + duplicate };
}

function describeSpace(space: VectorSpace): ReportSpace {
  return { id: space.id, modelId: space.modelId, modelFingerprint: space.modelFingerprint, chunker: space.chunker, dimensions: space.dimensions, state: space.state };
}

function coverageOf(store: IndexStore, space: VectorSpace): SpaceCoverage {
  const vectors = store.statistics(space.chunker).spaces.find((entry) => entry.id === space.id)?.vectors ?? 0;
  const missingContents = store.countMissingEmbeddings(space);
  const contents = vectors + missingContents;
  return { vectors, missingContents, shareComplete: contents === 0 ? 1 : vectors / contents, markedComplete: store.isSpaceComplete(space.id) };
}

/** A histogram over the report's fixed bins. */
export function histogram(values: readonly number[]): Histogram {
  const width = 2 / BIN_COUNT;
  const edges = Array.from({ length: BIN_COUNT + 1 }, (_, index) => Math.round((-1 + index * width) * 1000) / 1000);
  const counts = new Array<number>(BIN_COUNT).fill(0);
  for (const value of values) {
    const bin = Math.min(BIN_COUNT - 1, Math.max(0, Math.floor((value + 1) / width)));
    counts[bin]! += 1;
  }
  const mean = values.length === 0 ? undefined : values.reduce((sum, value) => sum + value, 0) / values.length;
  return { edges, counts, total: values.length, mean };
}

function summary(calibration: { value: number; computedAt: number; details: Record<string, unknown> }): ThresholdSummary {
  return { value: calibration.value, computedAt: calibration.computedAt, details: calibration.details };
}

/** Thresholds and unrelated-pair similarities of a space: recalibrated, or saved ones where allowed. */
async function thresholdsOf(
  options: MigrationReportOptions,
  space: VectorSpace,
  embedder: QueryEmbedder,
): Promise<{ thresholds: SpaceThresholds; unrelated: number[] }> {
  const { store } = options;
  const saved = (name: ThresholdName) => store.calibration(space.id, name);
  try {
    if (options.recalibrate === false && saved('similar') && saved('duplicate')) {
      const unrelated = unrelatedPairSimilarities(store, space, options.calibration).similarities;
      return { thresholds: { similar: summary(calibrationFor(store, space, 'similar')), duplicate: summary(calibrationFor(store, space, 'duplicate')) }, unrelated };
    }
    const result = await calibrateThresholds(store, space, { ...options.calibration, embedder, signal: options.signal });
    return { thresholds: { similar: summary(result.similar), duplicate: summary(result.duplicate) }, unrelated: result.unrelated };
  } catch (error) {
    if (!isCoreError(error, 'calibration') || error.reason === 'model-mismatch') throw error;
    return { thresholds: { unavailable: error.message }, unrelated: unrelatedPairSimilarities(store, space, options.calibration).similarities };
  }
}

/**
 * The top-10 distinct declarations of a space for each query vector, best first (pieces of one
 * declaration count once, as search merges them), with the top-1 similarity.
 */
/** Each query's top 10 declarations (see declarationKey) in a space, and its top similarity. */
export function rankings(store: IndexStore, space: VectorSpace, vectors: readonly Float32Array[], oversampling?: number): { keys: string[]; top: number | undefined }[] {
  return vectors.map((vector) => {
    // Pieces of one declaration take several places among the contents; three times k leaves room.
    const neighbours = store.nearest(space, vector, K * 3, { oversampling });
    const chunks = store.chunksByContentHash(space.chunker, neighbours.map((neighbour) => neighbour.contentHash));
    const keys = new Set<string>();
    for (const neighbour of neighbours) {
      for (const chunk of chunks.get(neighbour.contentHash) ?? []) if (keys.size < K) keys.add(declarationKey(chunk));
    }
    return { keys: [...keys], top: neighbours[0]?.similarity };
  });
}

/** Recall@10 and MRR@10: a query's hit is its target declaration within its top 10. */
export function qualityOf(ranked: readonly { keys: string[] }[], targets: readonly string[]): RetrievalQuality {
  let hits = 0;
  let reciprocalRanks = 0;
  targets.forEach((target, index) => {
    const rank = ranked[index]!.keys.indexOf(target);
    if (rank < 0) return;
    hits += 1;
    reciprocalRanks += 1 / (rank + 1);
  });
  return targets.length === 0 ? { recallAt10: 0, mrrAt10: 0 } : { recallAt10: hits / targets.length, mrrAt10: reciprocalRanks / targets.length };
}

function overlapOf(a: readonly string[], b: readonly string[]): { overlapAt10: number; jaccard: number } {
  const setB = new Set(b);
  const shared = new Set(a.filter((key) => setB.has(key))).size;
  const union = new Set([...a, ...b]).size;
  const size = Math.min(K, Math.max(a.length, b.length));
  return { overlapAt10: size === 0 ? 1 : shared / size, jaccard: union === 0 ? 1 : shared / union };
}

/**
 * Compares two vector spaces of one index on the folder's own code: coverage, top-10 overlap of
 * dense results, score distributions, recalibrated thresholds, and Recall@10/MRR@10 on queries taken
 * from doc comments. With `from` undefined (a first index) it describes `to` alone.
 */
export async function migrationReport(options: MigrationReportOptions): Promise<MigrationReport> {
  const { store, from, to, signal } = options;
  if (from && !options.embedFrom) throw new TypeError('migrationReport needs embedFrom (the old space\'s model) when from is given.');
  requireSpaceModel(to, options.embedTo);
  if (from) requireSpaceModel(from, options.embedFrom!);
  const progress = (phase: MigrationReportProgress['phase'], fraction: number) => options.onProgress?.({ phase, fraction });

  progress('coverage', 0);
  const coverage = { from: from ? coverageOf(store, from) : undefined, to: coverageOf(store, to) };

  progress('calibrating', 0.1);
  const calibratedTo = await thresholdsOf(options, to, options.embedTo);
  signal?.throwIfAborted();
  const calibratedFrom = from ? await thresholdsOf(options, from, options.embedFrom!) : undefined;
  signal?.throwIfAborted();

  // Queries: recent ones (deduplicated) and doc-comment ones whose target exists in both spaces.
  progress('embedding-queries', 0.5);
  const recent = [...new Set((options.recentQueries ?? []).map((query) => query.trim()).filter((query) => query !== ''))];
  const chunkers = from && from.chunker !== to.chunker ? [to.chunker, from.chunker] : [to.chunker];
  const drawn = selfSupervisedQueries(store, chunkers, options.sampleQueries ?? 100);
  const supervised: { query: string; chunk: StoredChunk; target: string }[] = [];
  let skipped = drawn.skipped;
  for (const { query, chunk } of drawn.queries) {
    if (!hasDeclaration(store, chunk, to.chunker) || (from && !hasDeclaration(store, chunk, from.chunker))) skipped += 1;
    else supervised.push({ query, chunk, target: declarationKey(chunk) });
  }
  const texts = [...recent, ...supervised.map((entry) => entry.query)];
  const vectorsTo = texts.length > 0 ? (await options.embedTo.embed(texts, 'query', signal)).vectors : [];
  const vectorsFrom = from && texts.length > 0 ? (await options.embedFrom!.embed(texts, 'query', signal)).vectors : [];
  signal?.throwIfAborted();

  progress('searching', 0.8);
  const rankedTo = rankings(store, to, vectorsTo);
  const rankedFrom = from ? rankings(store, from, vectorsFrom) : undefined;
  const topScores = (ranked: readonly { top: number | undefined }[]) => ranked.flatMap((entry) => (entry.top === undefined ? [] : [entry.top]));

  let overlap: MigrationReport['overlap'];
  if (rankedFrom && texts.length > 0) {
    const perQuery = texts.map((query, index): QueryOverlap => ({
      query,
      source: index < recent.length ? 'recent' : 'self-supervised',
      ...overlapOf(rankedFrom[index]!.keys, rankedTo[index]!.keys),
    }));
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    overlap = {
      mean: mean(perQuery.map((entry) => entry.overlapAt10)),
      meanJaccard: mean(perQuery.map((entry) => entry.jaccard)),
      min: Math.min(...perQuery.map((entry) => entry.overlapAt10)),
      perQuery,
    };
  }

  const supervisedTo = rankedTo.slice(recent.length);
  const quality: MigrationReport['quality'] =
    supervised.length === 0
      ? undefined
      : {
          queries: supervised.length,
          to: qualityOf(supervisedTo, supervised.map((entry) => entry.target)),
          from: rankedFrom ? qualityOf(rankedFrom.slice(recent.length), supervised.map((entry) => entry.target)) : undefined,
        };

  progress('done', 1);
  return {
    version: REPORT_VERSION,
    createdAt: Date.now(),
    k: K,
    from: from ? describeSpace(from) : undefined,
    to: describeSpace(to),
    coverage,
    queries: {
      recent: recent.length,
      selfSupervised: supervised.length,
      selfSupervisedSkipped: skipped,
      examples: supervised.slice(0, 5).map((entry) => ({ query: entry.query, path: entry.chunk.path, symbol: entry.chunk.symbol })),
    },
    overlap,
    scores: {
      from: rankedFrom && calibratedFrom ? { topScores: histogram(topScores(rankedFrom)), unrelatedPairs: histogram(calibratedFrom.unrelated) } : undefined,
      to: { topScores: histogram(topScores(rankedTo)), unrelatedPairs: histogram(calibratedTo.unrelated) },
    },
    thresholds: { from: calibratedFrom?.thresholds, to: calibratedTo.thresholds },
    quality,
  };
}

/** Whether the new space's MRR@10 is lower than the old one's by more than `margin` (absolute). */
export function qualityDropped(report: MigrationReport, margin: number): boolean {
  const quality = report.quality;
  if (!quality?.from) return false;
  return quality.to.mrrAt10 < quality.from.mrrAt10 - margin;
}
