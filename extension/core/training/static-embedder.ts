// The trained model run in TypeScript, without onnxruntime: tokenize, add the folded rows, normalise.
// It gives what the ONNX graph gives (same tokenizer, same table) and is how the bare embedding speed of
// the static model is measured (`bench/static-embed.ts`); a runtime could use it as a fast path.
import type { Release } from './release.ts';
import { UNKNOWN_ID, type Vocabulary } from './tokenizer.ts';

export class StaticEmbedder {
  readonly dimensions: number;
  private readonly vocabulary: Vocabulary;
  /** The int8 rows and their scales, as released: a quarter of the memory a float table reads per token. */
  private readonly values: Int8Array;
  private readonly scales: Float32Array;
  private readonly maxTokens: number;
  /** Scratch: how often each token occurs in the text being embedded (all zero between texts). */
  private readonly counts: Int32Array;

  constructor(vocabulary: Vocabulary, values: Int8Array, scales: Float32Array, dimensions: number, maxTokens: number) {
    if (dimensions % 4 !== 0) throw new Error('dimensions must be a multiple of 4');
    this.vocabulary = vocabulary;
    this.values = values;
    this.scales = scales;
    this.dimensions = dimensions;
    this.maxTokens = maxTokens;
    this.counts = new Int32Array(vocabulary.size);
  }

  static fromRelease(release: Release): StaticEmbedder {
    return new StaticEmbedder(release.vocabulary, release.values, release.scales, release.metadata.dimensions, release.metadata.maxTokens);
  }

  /** Unit vectors of texts, row-major; a text with no known token gives a zero vector. */
  embed(texts: readonly string[], prefix = this.dimensions): Float32Array {
    if (prefix % 4 !== 0 || prefix > this.dimensions) throw new Error(`prefix must be a multiple of 4, at most ${this.dimensions}`);
    const D = this.dimensions;
    const out = new Float32Array(texts.length * prefix);
    const sum = new Float32Array(D);
    // A token repeated in a text (`self`, `return`, a variable) is added once, times its count.
    const counts = this.counts;
    const distinct: number[] = [];
    texts.forEach((text, index) => {
      sum.fill(0);
      distinct.length = 0;
      for (const id of this.vocabulary.encode(text, this.maxTokens)) {
        if (id <= UNKNOWN_ID) continue;
        if (counts[id]++ === 0) distinct.push(id);
      }
      for (const id of distinct) {
        const row = id * D;
        const scale = this.scales[id]! * counts[id]!;
        counts[id] = 0;
        for (let d = 0; d < prefix; d += 4) {
          sum[d] += this.values[row + d]! * scale;
          sum[d + 1] += this.values[row + d + 1]! * scale;
          sum[d + 2] += this.values[row + d + 2]! * scale;
          sum[d + 3] += this.values[row + d + 3]! * scale;
        }
      }
      let squares = 0;
      for (let d = 0; d < prefix; d++) squares += sum[d]! * sum[d]!;
      const scale = squares > 0 ? 1 / Math.sqrt(squares) : 0;
      for (let d = 0; d < prefix; d++) out[index * prefix + d] = sum[d]! * scale;
    });
    return out;
  }
}
