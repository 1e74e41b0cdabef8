// The ranking stage: after fusion, the best few hundred candidates are scored again by the learned ranker from
// what retrieval said and what the query, the chunk and its file say (features.ts), and put in that order. Each
// gets the ranker's calibrated score as its relevance, and the contributions that explain it.
import type { RankedChunk } from '../results.ts';
import { candidateFeatures, FEATURE_NAMES, type WordFrequencies } from './features.ts';
import { Ranker, type Contribution, type RankerWeights } from './model.ts';
import { analyzeQuery, type QueryShape } from './query-shape.ts';
import bundledWeights from './weights.json' with { type: 'json' };

/**
 * Candidates the ranker scores: the fused list's best. Fusion takes up to 100 per list (three lists), and a file's
 * coherence is read from the pool, so the pool holds all of them; what lies further down keeps its fused order.
 */
export const RANKING_POOL = 300;

/** How the ranker scored a candidate. */
export interface RankingScore {
  shape: QueryShape;
  /** The linear score (the sum of the features' contributions). */
  score: number;
  /** What the file-repeat penalty took off the score for the order (0 for a file's best candidate). */
  filePenalty: number;
  /** The score calibrated to the chance of being an answer (0 to 1): the relevance users see. */
  relevance: number;
  /** The candidate's feature vector (FEATURE_NAMES order), for `explainRanking`. */
  features: Float64Array;
}

/** Why a result has its place: the query's shape, the ranker's score, and what each feature added to it. */
export interface RankingExplanation {
  shape: QueryShape;
  score: number;
  /** Taken off the score because better pieces of the same file come first (model.ts `fileRepeat`). */
  filePenalty: number;
  relevance: number;
  /** The features that moved the score, largest effect first. */
  contributions: Contribution[];
}

/** A candidate after the ranking stage. */
export interface RerankedChunk extends RankedChunk {
  /** Unset for candidates below the pool (they keep their fused order, after the pool). */
  ranking?: RankingScore;
}

/** How many of an explanation's contributions a one-line summary names. */
const SUMMARY_FEATURES = 4;

/**
 * The explanation in one line, for a tooltip: "ranked as a symbol query, score 7.22: definesExact +5.73,
 * symbolListRank +2.74, … later piece of its file −0.09". The score is the one that placed the result, file-repeat
 * penalty included, so the scores of a list fall as its places do. The CLI's `--explain` prints the same parts.
 */
export function rankingSummary(explanation: RankingExplanation, features = SUMMARY_FEATURES): string {
  const parts = explanation.contributions.slice(0, features).map((entry) => `${entry.feature} ${entry.contribution >= 0 ? '+' : ''}${entry.contribution.toFixed(2)}`);
  if (explanation.filePenalty > 0) parts.push(`later piece of its file -${explanation.filePenalty.toFixed(2)}`);
  return `ranked as a ${explanation.shape} query, score ${(explanation.score - explanation.filePenalty).toFixed(2)}: ${parts.join(', ')}`;
}

/** The explanation of a ranked candidate's score (computed for the results shown, not for the whole pool). */
export function explainRanking(ranking: RankingScore, ranker: Ranker = bundledRanker()): RankingExplanation {
  return { shape: ranking.shape, score: ranking.score, filePenalty: ranking.filePenalty, relevance: ranking.relevance, contributions: ranker.contributions(ranking.shape, ranking.features, 0) };
}

/**
 * Lowers each file's later candidates: the k-th best of a file (by score) loses `repeat · log2(1 + k)`. A file keeps
 * the order of its own candidates; only its place among other files' changes.
 */
export function spreadFiles(pool: readonly Pick<RankedChunk, 'folder' | 'chunk'>[], scores: Float64Array, repeat: number): void {
  const byFile = new Map<string, number[]>();
  pool.forEach((candidate, index) => {
    const key = `${candidate.folder}\n${candidate.chunk.path}`;
    const list = byFile.get(key);
    if (list) list.push(index);
    else byFile.set(key, [index]);
  });
  for (const list of byFile.values()) {
    if (list.length < 2) continue;
    list.sort((a, b) => scores[b]! - scores[a]! || a - b);
    list.forEach((index, k) => {
      scores[index] = scores[index]! - repeat * Math.log2(1 + k);
    });
  }
}

let defaultRanker: Ranker | undefined;

/** The ranker of the bundled weights (weights.json), loaded once. */
export function bundledRanker(): Ranker {
  defaultRanker ??= new Ranker(bundledWeights as RankerWeights);
  return defaultRanker;
}

/**
 * Orders fused candidates by the ranker. The pool (the first RANKING_POOL) is sorted by score, ties kept in fused
 * order; the rest follow in fused order, with the pool's lowest relevance at most, so relevance falls down the list.
 */
export function rerank(query: string, fused: readonly RankedChunk[], options: { ranker?: Ranker; wordFrequencies?: WordFrequencies } = {}): RerankedChunk[] {
  if (fused.length === 0) return [];
  const ranker = options.ranker ?? bundledRanker();
  const analysis = analyzeQuery(query);
  const pool = fused.slice(0, RANKING_POOL);
  const rows = candidateFeatures(analysis, pool, options.wordFrequencies);
  const scores = ranker.scores(analysis.shape, rows);
  // The order (and the relevance, which falls down it) follows the scores less the file-repeat penalty.
  const placed = Float64Array.from(scores);
  const repeat = ranker.weights.shapes[analysis.shape].fileRepeat ?? 0;
  if (repeat !== 0) spreadFiles(pool, placed, repeat);
  const order = pool.map((_, index) => index).sort((a, b) => placed[b]! - placed[a]! || a - b);
  let lowest = 1;
  const ranked: RerankedChunk[] = order.map((index) => {
    const relevance = ranker.calibrated(analysis.shape, placed[index]!);
    lowest = Math.min(lowest, relevance);
    return {
      ...pool[index]!,
      relevance,
      ranking: {
        shape: analysis.shape, score: scores[index]!, filePenalty: scores[index]! - placed[index]!, relevance,
        features: rows.subarray(index * FEATURE_NAMES.length, (index + 1) * FEATURE_NAMES.length),
      },
    };
  });
  for (const candidate of fused.slice(RANKING_POOL)) ranked.push({ ...candidate, relevance: Math.min(candidate.relevance, lowest) });
  return ranked;
}
