// The validation figure of each epoch: held-out packages' items, each query ranked against all the
// sample's documents (1,024-way by default: the right one and 1,023 distractors), at every Matryoshka
// prefix. Queries are the items' documentation summaries or headings where they have one (the task users
// bring), their identifier words otherwise.
import { KIND_CODES, type TokenizedItems } from './dataset.ts';
import { seededRandom, shuffle } from '../random.ts';
import type { SharedState } from './shared-state.ts';

export interface ValidationResult {
  /** Items ranked (the pool size). */
  size: number;
  /** Per level (same order as the configuration's levels). */
  recallAt1: number[];
  recallAt10: number[];
  /** Mean reciprocal rank over the whole pool. */
  mrr: number[];
}

interface Sample {
  documents: { ids: Int32Array }[];
  queries: { ids: Int32Array }[];
}

const samples = new WeakMap<TokenizedItems, Sample>();

/** The fixed validation sample: the same items and queries every epoch. */
function sampleOf(data: TokenizedItems, size: number, seed: number): Sample {
  const cached = samples.get(data);
  if (cached) return cached;
  const random = seededRandom(seed ^ 0x5eed);
  const items = shuffle(Array.from({ length: data.count }, (_, item) => item), random).slice(0, size);
  const sample: Sample = { documents: [], queries: [] };
  for (const item of items) {
    let chosen = data.itemQueries[item]!;
    for (let query = data.itemQueries[item]!; query < data.itemQueries[item + 1]!; query++) {
      if (data.queryKinds[query] !== KIND_CODES.identifier) {
        chosen = query;
        break;
      }
    }
    sample.documents.push({ ids: data.documentIds.subarray(data.documentOffsets[item]!, data.documentOffsets[item + 1]!) });
    sample.queries.push({ ids: data.queryIds.subarray(data.queryOffsets[chosen]!, data.queryOffsets[chosen + 1]!) });
  }
  samples.set(data, sample);
  return sample;
}

/** Pooled vectors (Σ w_t e_t) of token lists, row-major. */
function pooled(state: SharedState, inputs: readonly { ids: Int32Array }[]): Float32Array {
  const D = state.shape.dimensions;
  const out = new Float32Array(inputs.length * D);
  inputs.forEach(({ ids }, index) => {
    for (const token of ids) {
      const weight = Math.exp(state.logWeights[token]!);
      for (let d = 0; d < D; d++) out[index * D + d] += weight * state.embeddings[token * D + d]!;
    }
  });
  return out;
}

/** Normalises every row's first `prefix` values into a new [rows, prefix] array. */
function prefixNormalized(vectors: Float32Array, rows: number, dimensions: number, prefix: number): Float32Array {
  const out = new Float32Array(rows * prefix);
  for (let row = 0; row < rows; row++) {
    let squares = 0;
    for (let d = 0; d < prefix; d++) squares += vectors[row * dimensions + d]! ** 2;
    const scale = squares > 0 ? 1 / Math.sqrt(squares) : 0;
    for (let d = 0; d < prefix; d++) out[row * prefix + d] = vectors[row * dimensions + d]! * scale;
  }
  return out;
}

export function validate(state: SharedState, data: TokenizedItems, config: { validationSize: number; seed: number; levels: readonly number[] }): ValidationResult {
  const sample = sampleOf(data, config.validationSize, config.seed);
  const n = sample.queries.length;
  const D = state.shape.dimensions;
  const queryVectors = pooled(state, sample.queries);
  const documentVectors = pooled(state, sample.documents);
  const result: ValidationResult = { size: n, recallAt1: [], recallAt10: [], mrr: [] };
  for (const level of config.levels) {
    const queries = prefixNormalized(queryVectors, n, D, level);
    const documents = prefixNormalized(documentVectors, n, D, level);
    let atOne = 0;
    let atTen = 0;
    let reciprocal = 0;
    const scores = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let dot = 0;
        for (let d = 0; d < level; d++) dot += queries[i * level + d]! * documents[j * level + d]!;
        scores[j] = dot;
      }
      // Rank of the right document; ties count against it, so an all-zero model scores badly.
      let rank = 1;
      for (let j = 0; j < n; j++) if (j !== i && scores[j]! >= scores[i]!) rank++;
      if (rank === 1) atOne++;
      if (rank <= 10) atTen++;
      reciprocal += 1 / rank;
    }
    result.recallAt1.push(atOne / Math.max(1, n));
    result.recallAt10.push(atTen / Math.max(1, n));
    result.mrr.push(reciprocal / Math.max(1, n));
  }
  return result;
}
