// The trained model run in TypeScript, without onnxruntime: tokenize, add the folded rows, normalise.
// It gives what the ONNX graph gives (same tokenizer, same table) and is how the bare embedding speed of
// the static model is measured (`bench/static-embed.ts`); a runtime could use it as a fast path.
import { dequantizeRows, type Release } from './release.ts';
import { UNKNOWN_ID, type Vocabulary } from './tokenizer.ts';

export class StaticEmbedder {
  readonly dimensions: number;
  private readonly vocabulary: Vocabulary;
  private readonly table: Float32Array;
  private readonly maxTokens: number;

  constructor(vocabulary: Vocabulary, table: Float32Array, dimensions: number, maxTokens: number) {
    this.vocabulary = vocabulary;
    this.table = table;
    this.dimensions = dimensions;
    this.maxTokens = maxTokens;
  }

  static fromRelease(release: Release): StaticEmbedder {
    return new StaticEmbedder(release.vocabulary, dequantizeRows(release, release.metadata.dimensions), release.metadata.dimensions, release.metadata.maxTokens);
  }

  /** Unit vectors of texts, row-major; a text with no known token gives a zero vector. */
  embed(texts: readonly string[], prefix = this.dimensions): Float32Array {
    const D = this.dimensions;
    const out = new Float32Array(texts.length * prefix);
    const sum = new Float32Array(D);
    texts.forEach((text, index) => {
      sum.fill(0);
      for (const id of this.vocabulary.encode(text, this.maxTokens)) {
        if (id <= UNKNOWN_ID) continue;
        const row = id * D;
        for (let d = 0; d < prefix; d++) sum[d] += this.table[row + d]!;
      }
      let squares = 0;
      for (let d = 0; d < prefix; d++) squares += sum[d]! * sum[d]!;
      const scale = squares > 0 ? 1 / Math.sqrt(squares) : 0;
      for (let d = 0; d < prefix; d++) out[index * prefix + d] = sum[d]! * scale;
    });
    return out;
  }
}
