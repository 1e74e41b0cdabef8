// A stand-in embedding model for the kill tests: vectors derived from a hash of the text, so they are
// exact and the same in every process, and no ONNX runtime has to start in each of the many child
// processes a kill test runs. It meets the indexer through the runtime's own interface (`info`,
// `embed`, `dispose`); chunks are measured by a real (small) tokenizer, so chunking is real.
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EmbeddingRuntime } from '../../../extension/core/embedding/runtime.ts';
import type { ModelManifest } from '../../../extension/core/model/manifest.ts';
import { bertTokenizerJson } from '../embedding/synthetic-models.ts';

/** Two models of different dimensions: moving from one to the other is a real migration. */
export const HASH_MODELS = { a: 32, b: 24 } as const;
export type HashModel = keyof typeof HASH_MODELS;

/** The fingerprint a hash model's vector spaces carry. */
export function hashModelFingerprint(model: HashModel): string {
  return `hash-embedder-${model}-${HASH_MODELS[model]}`;
}

/** The unit vector a hash model gives `text`. */
export function hashVector(model: HashModel, text: string): Float32Array {
  const dimensions = HASH_MODELS[model];
  const vector = new Float32Array(dimensions);
  for (let block = 0; block * 32 < dimensions; block++) {
    const digest = createHash('sha256').update(`${model}:${block}:${text}`).digest();
    for (let index = 0; index < 32 && block * 32 + index < dimensions; index++) vector[block * 32 + index] = digest[index]! / 255 - 0.5;
  }
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
}

/** A model folder with just the tokenizer files (a small BERT vocabulary loads much faster than GloVe's). */
export function writeHashModelFolder(): string {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'semsearch-hash-model-'));
  writeFileSync(path.join(directory, 'tokenizer.json'), JSON.stringify(bertTokenizerJson()));
  writeFileSync(path.join(directory, 'tokenizer_config.json'), JSON.stringify({ model_max_length: 512, do_lower_case: true }));
  return directory;
}

/** A runtime that embeds with `hashVector`, answering asynchronously like the worker-backed one; `modelDirectory` from writeHashModelFolder. */
export function hashRuntime(model: HashModel, modelDirectory: string): EmbeddingRuntime {
  const manifest: ModelManifest = {
    schemaVersion: 1,
    id: `hash-embedder-${model}`,
    displayName: `Hash embedder ${model} (tests)`,
    dimensions: HASH_MODELS[model],
    pooling: 'none',
    normalize: true,
    maxTokens: 256,
    queryPrefix: '',
    documentPrefix: '',
    output: 'sentence_embedding',
    matryoshka: false,
  };
  const runtime = {
    info: {
      modelDirectory,
      manifest,
      fingerprint: hashModelFingerprint(model),
      fileHashes: {},
      quantization: 'fp32',
      onnxFile: 'none',
      provider: 'cpu',
      providerAttempts: [],
      threads: 1,
      loadMilliseconds: 0,
    },
    async embed(texts: readonly string[]) {
      await new Promise((resolve) => setImmediate(resolve));
      return { vectors: texts.map((text) => hashVector(model, text)), truncations: [] };
    },
    async dispose() {},
  };
  // The indexer, the searcher and the canary check use only what is above.
  return runtime as unknown as EmbeddingRuntime;
}
