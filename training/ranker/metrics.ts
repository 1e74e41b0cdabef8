// MRR@10 of candidate pools in their fused order and in a ranker's order, per query group and shape: how training
// is checked on held-out repositories. Candidate-level (a piece of an answer counts), so it moves with the
// dev sets' chunk protocol without being it.
import { Ranker, type RankerWeights } from '../../extension/core/search/ranking/model.ts';
import { spreadFiles } from '../../extension/core/search/ranking/rerank.ts';
import type { QueryPool } from './pools.ts';

/** 1/rank of the first answer in the top 10 of an order, else 0. */
function reciprocalRank(labels: Uint8Array, order: readonly number[]): number {
  for (let place = 0; place < Math.min(10, order.length); place++) if (labels[order[place]!]) return 1 / (place + 1);
  return 0;
}

/** MRR@10 before and after ranking, per `shape/group`. */
export function poolMetrics(pools: readonly QueryPool[], weights: RankerWeights): { lines: string[]; summary: Record<string, { queries: number; fused: number; ranked: number }> } {
  const ranker = new Ranker(weights);
  const summary: Record<string, { queries: number; fused: number; ranked: number }> = {};
  for (const pool of pools) {
    const scores = ranker.scores(pool.shape, pool.features);
    const repeat = weights.shapes[pool.shape].fileRepeat ?? 0;
    if (repeat !== 0) spreadFiles(pool.candidates, scores, repeat);
    const fusedOrder = Array.from(pool.labels, (_, index) => index);
    const rankedOrder = [...fusedOrder].sort((a, b) => scores[b]! - scores[a]! || a - b);
    for (const key of [`${pool.shape}/${pool.group}`, 'all']) {
      const entry = (summary[key] ??= { queries: 0, fused: 0, ranked: 0 });
      entry.queries += 1;
      entry.fused += reciprocalRank(pool.labels, fusedOrder);
      entry.ranked += reciprocalRank(pool.labels, rankedOrder);
    }
  }
  for (const entry of Object.values(summary)) {
    entry.fused = Number((entry.fused / entry.queries).toFixed(3));
    entry.ranked = Number((entry.ranked / entry.queries).toFixed(3));
  }
  const lines = Object.entries(summary)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, entry]) => `${key.padEnd(20)} ${String(entry.queries).padStart(5)} queries  ${entry.fused.toFixed(3)} → ${entry.ranked.toFixed(3)}`);
  return { lines, summary };
}
