// What the Hugging Face files of well-known embedding models do not say, or say differently in
// different exports: query/document prefixes, pooling, Matryoshka training, the usable window.
// Values come from each model's card and sentence-transformers configuration.
import type { ModelManifest } from './manifest.ts';

export type KnownModelDefaults = Partial<Omit<ModelManifest, 'schemaVersion' | 'id'>>;

const KNOWN_MODELS: Record<string, KnownModelDefaults> = {
  'sentence-transformers/all-minilm-l6-v2': {
    displayName: 'all-MiniLM-L6-v2',
    dimensions: 384,
    pooling: 'mean',
    maxTokens: 256,
    license: 'Apache-2.0',
  },
  'baai/bge-small-en-v1.5': {
    displayName: 'BGE small en v1.5',
    dimensions: 384,
    pooling: 'cls',
    maxTokens: 512,
    queryPrefix: 'Represent this sentence for searching relevant passages: ',
    license: 'MIT',
  },
  'nomic-ai/nomic-embed-text-v1.5': {
    displayName: 'Nomic Embed Text v1.5',
    dimensions: 768,
    pooling: 'mean',
    maxTokens: 8192,
    queryPrefix: 'search_query: ',
    documentPrefix: 'search_document: ',
    matryoshka: true,
    matryoshkaDimensions: [768, 512, 256, 128, 64],
    license: 'Apache-2.0',
  },
  'jinaai/jina-embeddings-v2-base-code': {
    displayName: 'Jina Embeddings v2 base code',
    dimensions: 768,
    pooling: 'mean',
    maxTokens: 8192,
    license: 'Apache-2.0',
  },
  'intfloat/multilingual-e5-small': {
    displayName: 'Multilingual E5 small',
    dimensions: 384,
    pooling: 'mean',
    maxTokens: 512,
    queryPrefix: 'query: ',
    documentPrefix: 'passage: ',
    license: 'MIT',
  },
  'nomic-ai/coderankembed': {
    displayName: 'CodeRankEmbed',
    dimensions: 768,
    pooling: 'cls',
    maxTokens: 8192,
    queryPrefix: 'Represent this query for searching relevant code: ',
    license: 'MIT',
  },
};

/**
 * Defaults for a model id such as `BAAI/bge-small-en-v1.5`. Re-exports under another owner
 * (`Xenova/bge-small-en-v1.5`, `onnx-community/...`) match on the repository name.
 */
export function knownModelDefaults(modelId: string): KnownModelDefaults | undefined {
  const key = modelId.toLowerCase();
  if (KNOWN_MODELS[key]) return KNOWN_MODELS[key];
  const name = key.split('/').pop()!;
  const match = Object.keys(KNOWN_MODELS).find((known) => known.split('/').pop() === name);
  return match ? KNOWN_MODELS[match] : undefined;
}
