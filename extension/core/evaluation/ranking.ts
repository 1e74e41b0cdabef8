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
 * The 1-based rank of `target` by score, higher first. Equal scores keep the pool's order, so the
 * rank does not depend on how a sort breaks ties (and two runs agree).
 */
export function rankOf(scores: ArrayLike<number>, target: number): number {
  const score = scores[target]!;
  let rank = 1;
  for (let index = 0; index < scores.length; index++) {
    const other = scores[index]!;
    if (other > score || (other === score && index < target)) rank += 1;
  }
  return rank;
}

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
 * The rank of each query's target (`targets[i]` is an index into `pool`) when the pool is stored and
 * searched as `option`. Binary options fetch `candidates` nearest codes by Hamming distance (equal
 * distances in pool order) and rescore them from float32 (or int8); a target outside them is NOT_FOUND.
 */
export function optionRanks(option: StorageOption, queries: readonly Float32Array[], pool: readonly Float32Array[], targets: readonly number[], candidates = pool.length): number[] {
  if (queries.length !== targets.length) throw new RangeError(`${queries.length} queries but ${targets.length} targets.`);
  const base = prepared(pool, option.dimensions);
  const dimensions = base[0]?.length ?? 0;
  const queryVectors = prepared(queries, option.dimensions);
  const int8 = option.kind === 'int8' || (option.kind === 'binary' && option.rescore === 'int8');
  const quantizer = int8 && base.length > 0 ? calibrateInt8(base, dimensions) : undefined;
  const codes = quantizer ? base.map((vector) => quantizeInt8(vector, quantizer)) : [];
  const exact = (query: Float32Array, index: number): number => (quantizer ? int8CosineSimilarity(query, codes[index]!, quantizer) : dot(query, base[index]!));

  if (option.kind !== 'binary') {
    return queryVectors.map((query, position) => rankOf(Float64Array.from(base, (_, index) => exact(query, index)), targets[position]!));
  }
  const thresholds = binaryThresholds(meanVector(base, dimensions));
  const bits = base.map((vector) => binaryCode(vector, thresholds));
  const net = Math.max(1, Math.min(candidates, base.length));
  return queryVectors.map((query, position) => {
    const target = targets[position]!;
    const code = binaryCode(query, thresholds);
    const distances = bits.map((other) => hammingDistance(code, other));
    const chosen = distances.map((distance, index) => ({ distance, index })).sort((a, b) => a.distance - b.distance || a.index - b.index).slice(0, net);
    const at = chosen.findIndex((candidate) => candidate.index === target);
    if (at < 0) return NOT_FOUND;
    return rankOf(chosen.map((candidate) => exact(query, candidate.index)), at);
  });
}
