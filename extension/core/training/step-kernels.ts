// One training step, as phases over slices of the batch. Each phase writes only the rows or columns its
// caller owns, so the threads of one step never write the same number, and the result does not depend on
// timing. With B the batch, D the dimensions and levels P_1 < … < P_L = D (Matryoshka):
//   pooled   q_i = Σ_t w_t e_t / Σ_t w_t over the query's tokens (d_j likewise), w_t = exp(a_t);
//   cosine   c_l(i, j) = q_i[:P_l] · d_j[:P_l] / (|q_i[:P_l]| |d_j[:P_l]|);
//   loss     Σ_l weight_l · ½ (CE over j of c_l(i, ·)/τ at j = i  +  CE over i of c_l(·, j)/τ at i = j), averaged over the batch.
// Dot products are computed per block between consecutive levels, so all levels cost one full product.
import type { RowGradients, SharedState } from './shared-state.ts';

const EPSILON = 1e-8;

/** Phase 1: pooled vectors, weight sums and prefix norms of the items [from, to) (queries and documents). */
export function poolForward(state: SharedState, from: number, to: number): void {
  const { embeddings, logWeights } = state;
  const { dimensions: D, levels } = state.shape;
  const pool = (ids: Int32Array, offsets: Int32Array, out: Float32Array, weights: Float32Array, norms: Float32Array) => {
    for (let item = from; item < to; item++) {
      const base = item * D;
      out.fill(0, base, base + D);
      let weightSum = 0;
      for (let position = offsets[item]!; position < offsets[item + 1]!; position++) {
        const token = ids[position]!;
        const weight = Math.exp(logWeights[token]!);
        weightSum += weight;
        const row = token * D;
        for (let d = 0; d < D; d++) out[base + d] += weight * embeddings[row + d]!;
      }
      const scale = weightSum > 0 ? 1 / weightSum : 0;
      for (let d = 0; d < D; d++) out[base + d] *= scale;
      weights[item] = weightSum;
      let squares = 0;
      let start = 0;
      levels.forEach((level, index) => {
        for (let d = start; d < level; d++) squares += out[base + d]! * out[base + d]!;
        norms[item * levels.length + index] = Math.sqrt(squares) + EPSILON;
        start = level;
      });
    }
  };
  pool(state.queryIds, state.queryOffsets, state.queries, state.queryWeights, state.queryNorms);
  pool(state.documentIds, state.documentOffsets, state.documents, state.documentWeights, state.documentNorms);
}

/**
 * Phase 2: for query rows [from, to), the cosines against every document at every level, then the
 * query→document half of the loss and its logit gradients. Returns that half's loss (summed over rows).
 */
export function rowLoss(state: SharedState, from: number, to: number, batch: number, temperature: number, levelWeights: readonly number[]): number {
  const { queries, documents, queryNorms, documentNorms, cosines, logitGradients } = state;
  const { dimensions: D, levels } = state.shape;
  const L = levels.length;
  const blockDots = new Float64Array(L);
  const logits = new Float64Array(batch);
  let loss = 0;
  for (let i = from; i < to; i++) {
    const q = i * D;
    for (let j = 0; j < batch; j++) {
      const d = j * D;
      let start = 0;
      for (let level = 0; level < L; level++) {
        // Four partial sums: levels are multiples of 4 (checked by createSharedState), and V8 runs this faster.
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        const end = levels[level]!;
        for (let k = start; k < end; k += 4) {
          s0 += queries[q + k]! * documents[d + k]!;
          s1 += queries[q + k + 1]! * documents[d + k + 1]!;
          s2 += queries[q + k + 2]! * documents[d + k + 2]!;
          s3 += queries[q + k + 3]! * documents[d + k + 3]!;
        }
        blockDots[level] = s0 + s1 + s2 + s3;
        start = end;
      }
      let running = 0;
      for (let level = 0; level < L; level++) {
        running += blockDots[level]!;
        cosines[(level * batch + i) * batch + j] = running / (queryNorms[i * L + level]! * documentNorms[j * L + level]!);
      }
    }
    for (let level = 0; level < L; level++) {
      const row = (level * batch + i) * batch;
      loss += levelWeights[level]! * 0.5 * softmaxGradient(cosines, row, 1, batch, i, temperature, logits, logitGradients, levelWeights[level]! * 0.5 / batch, false);
    }
  }
  return loss / batch;
}

/** Phase 3: for document columns [from, to), the document→query half of the loss; adds to the logit gradients. */
export function columnLoss(state: SharedState, from: number, to: number, batch: number, temperature: number, levelWeights: readonly number[]): number {
  const L = state.shape.levels.length;
  const logits = new Float64Array(batch);
  let loss = 0;
  for (let j = from; j < to; j++) {
    for (let level = 0; level < L; level++) {
      const column = level * batch * batch + j;
      loss += levelWeights[level]! * 0.5 * softmaxGradient(state.cosines, column, batch, batch, j, temperature, logits, state.logitGradients, levelWeights[level]! * 0.5 / batch, true);
    }
  }
  return loss / batch;
}

/**
 * Cross-entropy of the `count` logits cosine/τ at `start + k·stride` with the right answer at `target`;
 * writes (or adds) `scale · (softmax − onehot)` to the gradients at the same places. Returns the loss.
 */
function softmaxGradient(
  cosines: Float32Array,
  start: number,
  stride: number,
  count: number,
  target: number,
  temperature: number,
  logits: Float64Array,
  gradients: Float32Array,
  scale: number,
  add: boolean,
): number {
  let maximum = -Infinity;
  for (let k = 0; k < count; k++) {
    const logit = cosines[start + k * stride]! / temperature;
    logits[k] = logit;
    if (logit > maximum) maximum = logit;
  }
  let sum = 0;
  for (let k = 0; k < count; k++) {
    logits[k] = Math.exp(logits[k]! - maximum);
    sum += logits[k]!;
  }
  for (let k = 0; k < count; k++) {
    const gradient = scale * (logits[k]! / sum - (k === target ? 1 : 0));
    const at = start + k * stride;
    gradients[at] = add ? gradients[at]! + gradient : gradient;
  }
  return Math.log(sum) + maximum - cosines[start + target * stride]! / temperature;
}

/**
 * Phase 4: gradients of the pooled vectors. With g_l = dL/dlogit and n the prefix norms,
 *   dL/dq_i[block b] = Σ_j h_b(i, j) d_j[block b] − q_i[block b] Σ_{l≥b} s_l(i) / n_l(q_i)²,
 *   h_b(i, j) = Σ_{l≥b} g_l(i, j) / (τ n_l(q_i) n_l(d_j)),   s_l(i) = Σ_j g_l(i, j) c_l(i, j) / τ,
 * and symmetrically for documents (over i). Rows [from, to) of queries and of documents.
 */
export function pooledGradients(state: SharedState, from: number, to: number, batch: number, temperature: number): void {
  const { dimensions: D, levels } = state.shape;
  const L = levels.length;
  const { cosines, logitGradients } = state;
  const h = new Float64Array(L);
  const s = new Float64Array(L);
  const side = (own: Float32Array, ownNorms: Float32Array, other: Float32Array, otherNorms: Float32Array, out: Float32Array, byRow: boolean) => {
    for (let a = from; a < to; a++) {
      const base = a * D;
      out.fill(0, base, base + D);
      s.fill(0);
      for (let b = 0; b < batch; b++) {
        const i = byRow ? a : b;
        const j = byRow ? b : a;
        let running = 0;
        for (let level = L - 1; level >= 0; level--) {
          const at = (level * batch + i) * batch + j;
          const gradient = logitGradients[at]! / temperature;
          s[level] += gradient * cosines[at]!;
          running += gradient / (ownNorms[a * L + level]! * otherNorms[b * L + level]!);
          h[level] = running;
        }
        const o = b * D;
        let start = 0;
        for (let level = 0; level < L; level++) {
          const coefficient = h[level]!;
          const end = levels[level]!;
          for (let k = start; k < end; k += 4) {
            out[base + k] += coefficient * other[o + k]!;
            out[base + k + 1] += coefficient * other[o + k + 1]!;
            out[base + k + 2] += coefficient * other[o + k + 2]!;
            out[base + k + 3] += coefficient * other[o + k + 3]!;
          }
          start = end;
        }
      }
      let running = 0;
      let end = D;
      for (let level = L - 1; level >= 0; level--) {
        const norm = ownNorms[a * L + level]!;
        running += s[level]! / (norm * norm);
        const start = level === 0 ? 0 : levels[level - 1]!;
        for (let k = start; k < end; k++) out[base + k] -= running * own[base + k]!;
        end = start;
      }
    }
  };
  side(state.queries, state.queryNorms, state.documents, state.documentNorms, state.queryGradients, true);
  side(state.documents, state.documentNorms, state.queries, state.queryNorms, state.documentGradients, false);
}

/** Phase 5: back through the weighted mean into the token rows and weights of items [from, to). */
export function poolBackward(state: SharedState, gradients: RowGradients, from: number, to: number): void {
  const { embeddings, logWeights } = state;
  const D = state.shape.dimensions;
  const back = (ids: Int32Array, offsets: Int32Array, pooled: Float32Array, weights: Float32Array, pooledGradients: Float32Array) => {
    for (let item = from; item < to; item++) {
      const weightSum = weights[item]!;
      if (weightSum <= 0) continue;
      const base = item * D;
      for (let position = offsets[item]!; position < offsets[item + 1]!; position++) {
        const token = ids[position]!;
        const weight = Math.exp(logWeights[token]!);
        const coefficient = weight / weightSum;
        const row = token * D;
        let dot = 0;
        for (let d = 0; d < D; d++) {
          const gradient = pooledGradients[base + d]!;
          gradients.embeddings[row + d] += coefficient * gradient;
          dot += (embeddings[row + d]! - pooled[base + d]!) * gradient;
        }
        gradients.logWeights[token] += coefficient * dot;
        if (gradients.marks[token] === 0) {
          gradients.marks[token] = 1;
          gradients.touched[gradients.touchedCount[0]!++] = token;
        }
      }
    }
  };
  back(state.queryIds, state.queryOffsets, state.queries, state.queryWeights, state.queryGradients);
  back(state.documentIds, state.documentOffsets, state.documents, state.documentWeights, state.documentGradients);
}

/** Adam's settings. */
export interface AdamSettings {
  learningRate: number;
  weightLearningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/**
 * Phase 6: row-sparse ("lazy") Adam on the rows touched this step whose id modulo `workers` is `worker`:
 * the gradient is the sum of every worker's accumulator for that row (in worker order), which are then
 * cleared. Rows no item touched keep their moments unchanged.
 */
export function adamRows(state: SharedState, all: readonly RowGradients[], worker: number, workers: number, step: number, settings: AdamSettings): void {
  const D = state.shape.dimensions;
  const { embeddings, logWeights, embeddingMoment1: m, embeddingMoment2: v, weightMoment1: mw, weightMoment2: vw, rowStamps } = state;
  const correction1 = 1 - settings.beta1 ** step;
  const correction2 = 1 - settings.beta2 ** step;
  const rate = settings.learningRate / correction1;
  const weightRate = settings.weightLearningRate / correction1;
  const gradient = new Float32Array(D);
  for (const source of all) {
    for (let index = 0; index < source.touchedCount[0]!; index++) {
      const row = source.touched[index]!;
      if (row % workers !== worker || rowStamps[row] === step) continue;
      rowStamps[row] = step;
      const offset = row * D;
      gradient.fill(0);
      let weightGradient = 0;
      for (const accumulator of all) {
        if (accumulator.marks[row] === 0) continue;
        for (let d = 0; d < D; d++) gradient[d] += accumulator.embeddings[offset + d]!;
        accumulator.embeddings.fill(0, offset, offset + D);
        weightGradient += accumulator.logWeights[row]!;
        accumulator.logWeights[row] = 0;
      }
      for (let d = 0; d < D; d++) {
        const g = gradient[d]!;
        const first = (m[offset + d] = settings.beta1 * m[offset + d]! + (1 - settings.beta1) * g);
        const second = (v[offset + d] = settings.beta2 * v[offset + d]! + (1 - settings.beta2) * g * g);
        embeddings[offset + d] -= (rate * first) / (Math.sqrt(second / correction2) + settings.epsilon);
      }
      const first = (mw[row] = settings.beta1 * mw[row]! + (1 - settings.beta1) * weightGradient);
      const second = (vw[row] = settings.beta2 * vw[row]! + (1 - settings.beta2) * weightGradient * weightGradient);
      logWeights[row] -= (weightRate * first) / (Math.sqrt(second / correction2) + settings.epsilon);
    }
  }
}

/** Phase 7 (after every worker's phase 6): a worker forgets which rows it touched. */
export function clearTouched(gradients: RowGradients): void {
  for (let index = 0; index < gradients.touchedCount[0]!; index++) gradients.marks[gradients.touched[index]!] = 0;
  gradients.touchedCount[0] = 0;
}
