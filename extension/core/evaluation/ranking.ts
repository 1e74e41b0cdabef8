// Exact ranking over an in-memory pool, for each storage option made from the pool's float32
// vectors: where each query's one target lands, and Recall@k, MRR@k and nDCG@k from those ranks.
// The store's own search is not used: the pool is small, and every option is emulated the way the
// store searches it (see README.md in this folder).
import { binaryCode, binaryThresholds, calibrateInt8, dot, hammingDistance, int8CosineSimilarity, meanVector, quantizeInt8, truncateAndNormalize } from '../store/quantization.ts';
import type { StorageOption } from '../store/storage-option.ts';

/** Recall@k, MRR@k and nDCG@k of single-target queries. */
export interface RetrievalMetrics {
  recallAt10: number;
  mrrAt10: number;
  ndcgAt10: number;
}

/** A rank for a target that the option never returns (a binary first stage that missed it). */
export const NOT_FOUND = Number.POSITIVE_INFINITY;

/**
 * Metrics of single-target queries from the target's rank: a hit is a rank within k; MRR adds
 * 1/rank, nDCG 1/log2(rank + 1) (the ideal DCG of one relevant result is 1); misses add 0.
 */
export function metricsOfRanks(ranks: readonly number[], k = 10): RetrievalMetrics {
  if (ranks.length === 0) return { recallAt10: 0, mrrAt10: 0, ndcgAt10: 0 };
  let hits = 0;
  let reciprocal = 0;
  let gain = 0;
  for (const rank of ranks) {
    if (!(rank <= k)) continue;
    hits += 1;
    reciprocal += 1 / rank;
    gain += 1 / Math.log2(rank + 1);
  }
  return { recallAt10: hits / ranks.length, mrrAt10: reciprocal / ranks.length, ndcgAt10: gain / ranks.length };
}

/** Unit vectors of the first `dimensions` components (all when undefined). */
function prepared(vectors: readonly Float32Array[], dimensions: number | undefined): Float32Array[] {
  return vectors.map((vector) => truncateAndNormalize(vector, dimensions ?? vector.length));
}

/**
 * The 1-based rank of group `target` when each group (a declaration: a whole chunk, or the pieces of a
 * split one) scores as its best entry, as search merges the pieces of one declaration into one result.
 * `entries[i]` is the pool entry scored `scores[i]` and `groups` maps a pool entry to its group. A group
 * that scores the same as the target ranks before it: ties are counted against the target, so a model
 * that gives every text the same vector finds nothing (with ties in pool order it would find the targets,
 * which come first in the pool). NOT_FOUND when no entry of `target` is there.
 */
export function rankOfGroup(scores: ArrayLike<number>, entries: readonly number[], groups: readonly number[], target: number): number {
  const best = new Map<number, number>();
  for (let position = 0; position < entries.length; position++) {
    const group = groups[entries[position]!]!;
    const score = scores[position]!;
    const known = best.get(group);
    if (known === undefined || score > known) best.set(group, score);
  }
  const mine = best.get(target);
  if (mine === undefined) return NOT_FOUND;
  let rank = 1;
  for (const [group, score] of best) if (group !== target && score >= mine) rank += 1;
  return rank;
}

/**
 * The rank of each query's target when the pool is stored and searched as `option`: `targets[i]` is the
 * group of query i, `groups[j]` the group of pool entry j (by default each entry is its own group, so a
 * target is an index into `pool`). Groups rank by their best entry (see `rankOfGroup`). Binary options
 * fetch `candidates` nearest codes by Hamming distance (equal distances in pool order) and rescore them
 * from float32 (or int8); a target with no entry among them is NOT_FOUND.
 */
export function optionRanks(option: StorageOption, queries: readonly Float32Array[], pool: readonly Float32Array[], targets: readonly number[], candidates = pool.length, groups?: readonly number[]): number[] {
  if (queries.length !== targets.length) throw new RangeError(`${queries.length} queries but ${targets.length} targets.`);
  if (groups && groups.length !== pool.length) throw new RangeError(`${pool.length} pool entries but ${groups.length} groups.`);
  const groupOf = groups ?? pool.map((_, index) => index);
  const base = prepared(pool, option.dimensions);
  const dimensions = base[0]?.length ?? 0;
  const queryVectors = prepared(queries, option.dimensions);
  const int8 = option.kind === 'int8' || (option.kind === 'binary' && option.rescore === 'int8');
  const quantizer = int8 && base.length > 0 ? calibrateInt8(base, dimensions) : undefined;
  const codes = quantizer ? base.map((vector) => quantizeInt8(vector, quantizer)) : [];
  const exact = (query: Float32Array, index: number): number => (quantizer ? int8CosineSimilarity(query, codes[index]!, quantizer) : dot(query, base[index]!));
  const everyEntry = base.map((_, index) => index);

  if (option.kind !== 'binary') {
    return queryVectors.map((query, position) => rankOfGroup(Float64Array.from(base, (_, index) => exact(query, index)), everyEntry, groupOf, targets[position]!));
  }
  const thresholds = binaryThresholds(meanVector(base, dimensions));
  const bits = base.map((vector) => binaryCode(vector, thresholds));
  const net = Math.max(1, Math.min(candidates, base.length));
  return queryVectors.map((query, position) => {
    const code = binaryCode(query, thresholds);
    const distances = bits.map((other) => hammingDistance(code, other));
    const chosen = distances.map((distance, index) => ({ distance, index })).sort((a, b) => a.distance - b.distance || a.index - b.index).slice(0, net).map((candidate) => candidate.index);
    return rankOfGroup(chosen.map((index) => exact(query, index)), chosen, groupOf, targets[position]!);
  });
}
