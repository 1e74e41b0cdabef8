// The models a user can pick: the two offline models that ship with the extension, well-known
// embedding models downloaded from the Hugging Face Hub, and any model folder on disk. What each Hub
// model needs at run time (pooling, prefixes, window, Matryoshka) comes from known-models.ts; this
// file adds only what a download needs (repository, files, size) and a line for the picker.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CoreError } from '../errors.ts';
import type { Quantization } from './fingerprint.ts';
import { knownModelDefaults } from './known-models.ts';
import type { ModelManifest } from './manifest.ts';
import { findDownload, repositoryDirectory } from './download.ts';

/** A file of a Hub repository to download. */
export interface HubFile {
  /** Path inside the repository, `/`-separated. */
  path: string;
  /** A 404 on an optional file is not an error; the folder works without it. */
  optional?: boolean;
}

/** An offline model built by `npm run models` and shipped in the extension; its manifest is in its folder. */
export interface BundledCatalogEntry {
  kind: 'bundled';
  /** The name in settings and the folder name under the bundled models folder. */
  id: string;
  displayName: string;
  description: string;
}

/** A model downloaded from the Hugging Face Hub. */
export interface HubCatalogEntry {
  kind: 'hub';
  /** The short name in settings, e.g. `bge-small`. */
  id: string;
  /** The Hub repository, `owner/name`. */
  repo: string;
  /** The revision downloaded unless the caller names another; a branch is resolved to a commit at download time. */
  revision: string;
  displayName: string;
  description: string;
  /** Files other than the ONNX graph; the download fails if a required one is missing. */
  files: HubFile[];
  /** The ONNX file for each quantization: repository paths to try in order; the first that exists is downloaded. */
  onnx: Record<Quantization, string[]>;
  /** The manifest written next to the downloaded files (`source` is filled in at download time). */
  manifest: ModelManifest;
  /** Approximate download size in bytes, all files included, for each quantization. */
  approximateBytes: Record<Quantization, number>;
  license: string;
}

/** Any Hugging Face style model folder on disk (settings: model `custom` with a path). */
export interface CustomCatalogEntry {
  kind: 'custom';
  id: 'custom';
  displayName: string;
  description: string;
}

export type CatalogEntry = BundledCatalogEntry | HubCatalogEntry | CustomCatalogEntry;

/** The files every Hub entry downloads besides its ONNX graph. */
const HUB_FILES: HubFile[] = [
  { path: 'config.json' },
  { path: 'tokenizer.json' },
  { path: 'tokenizer_config.json' },
  { path: 'special_tokens_map.json', optional: true },
  { path: '1_Pooling/config.json', optional: true },
  { path: 'config_sentence_transformers.json', optional: true },
];

/**
 * Where Hub repositories keep their ONNX exports. Transformers.js-style exports name the int8 file
 * `model_quantized.onnx` or `model_int8.onnx`; sentence-transformers' own exports name it after the
 * CPU it was tuned for. Whichever is found is saved under the name the runtime looks for first.
 */
const HUB_ONNX: Record<Quantization, string[]> = {
  fp32: ['onnx/model.onnx'],
  int8: ['onnx/model_quantized.onnx', 'onnx/model_int8.onnx', 'onnx/model_qint8_avx512.onnx', 'onnx/model_quint8_avx2.onnx'],
};

const MEGABYTE = 1_000_000;

/** The complete manifest of a Hub model: the known-models table plus the defaults every BERT-style export shares. */
function hubManifest(repo: string): ModelManifest {
  const known = knownModelDefaults(repo);
  if (!known?.dimensions || !known.pooling || !known.maxTokens || !known.displayName) {
    // A programming error in this file or known-models.ts; the catalog test catches it.
    throw new Error(`known-models.ts lacks dimensions, pooling, maxTokens or displayName for ${repo}`);
  }
  return {
    schemaVersion: 1,
    id: repo,
    displayName: known.displayName,
    dimensions: known.dimensions,
    pooling: known.pooling,
    normalize: known.normalize ?? true,
    maxTokens: known.maxTokens,
    queryPrefix: known.queryPrefix ?? '',
    documentPrefix: known.documentPrefix ?? '',
    output: known.output ?? 'last_hidden_state',
    matryoshka: known.matryoshka ?? false,
    ...(known.matryoshkaDimensions ? { matryoshkaDimensions: known.matryoshkaDimensions } : {}),
    ...(known.license ? { license: known.license } : {}),
  };
}

function hubEntry(id: string, repo: string, description: string, approximateMegabytes: Record<Quantization, number>): HubCatalogEntry {
  const manifest = hubManifest(repo);
  return {
    kind: 'hub',
    id,
    repo,
    revision: 'main',
    displayName: manifest.displayName,
    description,
    files: HUB_FILES,
    onnx: HUB_ONNX,
    manifest,
    approximateBytes: { fp32: approximateMegabytes.fp32 * MEGABYTE, int8: approximateMegabytes.int8 * MEGABYTE },
    license: manifest.license ?? 'see the model card',
  };
}

/** The model a new index uses when the settings name none: the project's own (issue 18). */
export const DEFAULT_MODEL_ID = 'code-static';

/** Every model the settings can name, in the order a picker shows them. */
export const CATALOG: readonly CatalogEntry[] = [
  { kind: 'bundled', id: 'code-static', displayName: 'Code static embeddings (this project\'s own)', description: 'Offline, bundled, the default. Trained here on documented source code of 1,600 packages: a token table, 256 dimensions (Matryoshka: 64 and 128 work too), 512-token window, very fast.' },
  { kind: 'bundled', id: 'use-lite', displayName: 'Universal Sentence Encoder lite', description: 'Offline, bundled. A general sentence encoder: 512 dimensions, short window (128 tokens).' },
  { kind: 'bundled', id: 'glove-100d', displayName: 'GloVe 6B 100-d', description: 'Offline, bundled. Averaged word vectors: fast, matches words more than meaning.' },
  hubEntry('minilm-l6', 'sentence-transformers/all-MiniLM-L6-v2', 'Small and fast general-purpose English model; 256-token window.', { fp32: 92, int8: 24 }),
  hubEntry('bge-small', 'BAAI/bge-small-en-v1.5', 'Small English retrieval model; 512-token window.', { fp32: 135, int8: 35 }),
  hubEntry('nomic-v1.5', 'nomic-ai/nomic-embed-text-v1.5', 'Long-context (8192 tokens) English model; Matryoshka, so vectors can be shortened.', { fp32: 550, int8: 140 }),
  hubEntry('jina-code', 'jinaai/jina-embeddings-v2-base-code', 'Trained on code and English; 8192-token window.', { fp32: 645, int8: 165 }),
  hubEntry('e5-small', 'intfloat/multilingual-e5-small', 'Small multilingual model (about 100 languages); 512-token window.', { fp32: 490, int8: 135 }),
  hubEntry('coderankembed', 'nomic-ai/CodeRankEmbed', 'Code retrieval model: natural-language queries against code; 8192-token window.', { fp32: 550, int8: 140 }),
  { kind: 'custom', id: 'custom', displayName: 'A model folder on disk', description: 'Any folder in the Hugging Face layout (config.json, tokenizer.json, onnx/model.onnx).' },
];

/** The catalog entry with this id, or with this Hub repository (`BAAI/bge-small-en-v1.5`, any case). */
export function catalogEntry(id: string): CatalogEntry | undefined {
  const byId = CATALOG.find((entry) => entry.id === id);
  if (byId) return byId;
  const repo = id.toLowerCase();
  return CATALOG.find((entry) => entry.kind === 'hub' && entry.repo.toLowerCase() === repo);
}

/** Where a model named in settings is, or would be once downloaded. */
export type ResolvedCatalogModel =
  | {
      kind: 'bundled';
      entry: BundledCatalogEntry;
      /** Its folder under `bundledModelsDirectory`; undefined when that was not given. */
      directory: string | undefined;
    }
  | {
      kind: 'hub';
      entry: HubCatalogEntry;
      /** `{storageDirectory}/models/{owner}--{name}`: one folder per downloaded commit below it. */
      repositoryDirectory: string;
      /** The newest complete download of the revision (with the quantization, when one was named); undefined until downloaded. */
      directory: string | undefined;
      /** The commit that folder holds. */
      commit: string | undefined;
    }
  | { kind: 'custom'; directory: string };

export interface ResolveOptions {
  /** The folder holding the offline models (the extension's `models/`). */
  bundledModelsDirectory?: string;
  /** Only a download holding this quantization's ONNX file counts. */
  quantization?: Quantization;
  /** The revision asked for; defaults to the entry's. */
  revision?: string;
}

/**
 * Resolves a model setting: a catalog id (`bge-small`), a Hub repository in the catalog
 * (`BAAI/bge-small-en-v1.5`), or the path of a model folder. Anything else is a `model-missing`
 * error listing the ids.
 */
export function resolveCatalogModel(idOrPath: string, storageDirectory: string, options: ResolveOptions = {}): ResolvedCatalogModel {
  const entry = catalogEntry(idOrPath);
  if (entry?.kind === 'bundled') {
    return { kind: 'bundled', entry, directory: options.bundledModelsDirectory ? path.join(options.bundledModelsDirectory, entry.id) : undefined };
  }
  if (entry?.kind === 'hub') {
    const found = findDownload(storageDirectory, entry.repo, options.revision ?? entry.revision, options.quantization ? [options.quantization] : []);
    return { kind: 'hub', entry, repositoryDirectory: repositoryDirectory(storageDirectory, entry.repo), directory: found?.directory, commit: found?.record.commit };
  }
  const looksLikePath = path.isAbsolute(idOrPath) || idOrPath.startsWith('.') || idOrPath.includes(path.sep) || idOrPath.includes('/');
  if (entry?.kind !== 'custom' && looksLikePath) {
    const directory = path.resolve(idOrPath);
    if (!existsSync(directory)) throw new CoreError('model', 'model-missing', `The model folder ${directory} does not exist. Check the path, or pick a model from the catalog.`);
    return { kind: 'custom', directory };
  }
  const ids = CATALOG.filter((candidate) => candidate.kind !== 'custom').map((candidate) => candidate.id);
  const problem = entry?.kind === 'custom' ? 'The model is set to "custom" without a folder.' : `Unknown model "${idOrPath}".`;
  throw new CoreError('model', 'model-missing', `${problem} Choose one of ${ids.join(', ')}, or give the path of a Hugging Face model folder.`);
}
