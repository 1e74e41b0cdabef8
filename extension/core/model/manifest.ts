// The model manifest: what the runtime must know about a model folder beyond its ONNX graph and
// tokenizer. A folder may carry one (`semsearch-manifest.json`, written by our converters or by a
// user); for a plain Hugging Face folder it is inferred from the sentence-transformers files and the
// table of known models.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CoreError } from '../errors.ts';
import { knownModelDefaults } from './known-models.ts';

export const MANIFEST_FILE = 'semsearch-manifest.json';

/**
 * How token vectors become one vector per input:
 * `cls` takes the first token, `mean` averages the unmasked tokens, `none` means the graph's output
 * is already one vector per input.
 */
export type Pooling = 'cls' | 'mean' | 'none';

export interface ModelManifest {
  schemaVersion: 1;
  /** A short stable name, e.g. `use-lite` or `BAAI/bge-small-en-v1.5`. */
  id: string;
  displayName: string;
  /** Length of the output vector. */
  dimensions: number;
  pooling: Pooling;
  /** Whether the runtime L2-normalises the pooled vector. */
  normalize: boolean;
  /** The model's window: inputs are cut to this many tokens (special tokens included). */
  maxTokens: number;
  /** Prepended to a search query before tokenization, e.g. `search_query: `. */
  queryPrefix: string;
  /** Prepended to an indexed text, e.g. `search_document: `. */
  documentPrefix: string;
  /** Name of the graph output that holds the token or sentence vectors. */
  output: string;
  /** Trained with Matryoshka representation learning, so a prefix of the vector is itself a good embedding. */
  matryoshka: boolean;
  /** For a Matryoshka model, the dimensions it was trained to be truncated to. */
  matryoshkaDimensions?: number[];
  source?: string;
  /**
   * The commit the files were downloaded at (Hub models). Part of the fingerprint: vectors record the
   * revision that made them, so a model updated upstream under the same name is a new vector space.
   */
  revision?: string;
  license?: string;
}

/** The manifest fields that change the vectors a model produces (and so its fingerprint). */
export const VECTOR_AFFECTING_FIELDS = [
  'dimensions',
  'pooling',
  'normalize',
  'maxTokens',
  'queryPrefix',
  'documentPrefix',
  'output',
  // Absent for local and bundled models, and an absent field does not enter the hash.
  'revision',
] as const satisfies readonly (keyof ModelManifest)[];

function invalid(origin: string, problem: string): CoreError<'model'> {
  return new CoreError('model', 'manifest-invalid', `Model manifest ${origin}: ${problem}. Fix the file or remove it to let the model folder be inspected instead.`);
}

/** Checks a parsed manifest and returns it typed; throws a `manifest-invalid` error naming the field. */
export function parseManifest(value: unknown, origin: string): ModelManifest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(origin, 'expected a JSON object');
  const record = value as Record<string, unknown>;
  const requireString = (key: string, allowEmpty = false): string => {
    const field = record[key];
    if (typeof field !== 'string' || (!allowEmpty && field.length === 0)) throw invalid(origin, `"${key}" must be a ${allowEmpty ? '' : 'non-empty '}string`);
    return field;
  };
  const requirePositiveInteger = (key: string): number => {
    const field = record[key];
    if (typeof field !== 'number' || !Number.isInteger(field) || field <= 0) throw invalid(origin, `"${key}" must be a positive integer`);
    return field;
  };
  if (record.schemaVersion !== 1) throw invalid(origin, `"schemaVersion" must be 1 (found ${JSON.stringify(record.schemaVersion)})`);
  const pooling = record.pooling;
  if (pooling !== 'cls' && pooling !== 'mean' && pooling !== 'none') throw invalid(origin, '"pooling" must be "cls", "mean" or "none"');
  if (typeof record.normalize !== 'boolean') throw invalid(origin, '"normalize" must be true or false');
  if (typeof record.matryoshka !== 'boolean') throw invalid(origin, '"matryoshka" must be true or false');
  const manifest: ModelManifest = {
    schemaVersion: 1,
    id: requireString('id'),
    displayName: typeof record.displayName === 'string' ? record.displayName : requireString('id'),
    dimensions: requirePositiveInteger('dimensions'),
    pooling,
    normalize: record.normalize,
    maxTokens: requirePositiveInteger('maxTokens'),
    queryPrefix: requireString('queryPrefix', true),
    documentPrefix: requireString('documentPrefix', true),
    output: requireString('output'),
    matryoshka: record.matryoshka,
  };
  if (record.matryoshkaDimensions !== undefined) {
    const dimensions = record.matryoshkaDimensions;
    if (!Array.isArray(dimensions) || !dimensions.every((entry) => Number.isInteger(entry) && entry > 0 && entry <= manifest.dimensions)) {
      throw invalid(origin, '"matryoshkaDimensions" must be a list of positive integers no larger than "dimensions"');
    }
    manifest.matryoshkaDimensions = dimensions as number[];
  }
  if (typeof record.source === 'string') manifest.source = record.source;
  if (record.revision !== undefined) {
    if (typeof record.revision !== 'string' || record.revision === '') throw invalid(origin, '"revision" must be a non-empty string (the commit the files come from)');
    manifest.revision = record.revision;
  }
  if (typeof record.license === 'string') manifest.license = record.license;
  return manifest;
}

function readJsonIfPresent(file: string): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new CoreError('model', 'model-corrupt', `${file} is not valid JSON. Download or rebuild the model again.`, { cause: error });
  }
}

/**
 * The manifest of a model folder: its own manifest file if it has one, otherwise inferred from the
 * Hugging Face and sentence-transformers files, with the known-models table filling in what those
 * files do not say (prefixes, Matryoshka). `modelId` names the Hub repository the folder came from,
 * when known.
 */
export function loadManifest(modelDirectory: string, modelId?: string): LoadedManifest {
  const manifestPath = path.join(modelDirectory, MANIFEST_FILE);
  const own = readJsonIfPresent(manifestPath);
  if (own) return { manifest: parseManifest(own, manifestPath), origin: 'file' };
  return { manifest: inferManifest(modelDirectory, modelId), origin: 'inferred' };
}

/**
 * A manifest and where it came from. An inferred manifest's `output` is a guess the runtime may
 * correct from the graph's real outputs; a manifest file's is a promise the graph must keep.
 */
export interface LoadedManifest {
  manifest: ModelManifest;
  origin: 'file' | 'inferred';
}

function inferManifest(modelDirectory: string, modelId?: string): ModelManifest {
  const config = readJsonIfPresent(path.join(modelDirectory, 'config.json'));
  if (!config) {
    throw new CoreError('model', 
      'manifest-invalid',
      `${modelDirectory} has neither ${MANIFEST_FILE} nor config.json, so its dimensions and pooling are unknown. Add a ${MANIFEST_FILE}.`,
    );
  }
  const id = modelId ?? (typeof config._name_or_path === 'string' && config._name_or_path ? config._name_or_path : path.basename(modelDirectory));
  const known = knownModelDefaults(id);
  const tokenizerConfig = readJsonIfPresent(path.join(modelDirectory, 'tokenizer_config.json')) ?? {};
  const sentenceBertConfig = readJsonIfPresent(path.join(modelDirectory, 'sentence_bert_config.json')) ?? {};
  const sentenceTransformersConfig = readJsonIfPresent(path.join(modelDirectory, 'config_sentence_transformers.json')) ?? {};
  const poolingConfig = readJsonIfPresent(path.join(modelDirectory, '1_Pooling', 'config.json'));

  const dimensions = [config.hidden_size, config.d_model, config.n_embd, known?.dimensions].find(
    (value): value is number => typeof value === 'number' && value > 0,
  );
  if (dimensions === undefined) {
    throw new CoreError('model', 'manifest-invalid', `${modelDirectory}/config.json does not give hidden_size; add a ${MANIFEST_FILE} with "dimensions".`);
  }

  let pooling: Pooling = known?.pooling ?? 'mean';
  if (poolingConfig?.pooling_mode_cls_token === true) pooling = 'cls';
  else if (poolingConfig?.pooling_mode_mean_tokens === true) pooling = 'mean';

  // The window is the smallest limit any file states. Absurd "no limit" values (1e30) are ignored.
  const limits = [sentenceBertConfig.max_seq_length, tokenizerConfig.model_max_length, known?.maxTokens, positionLimit(config)].filter(
    (value): value is number => typeof value === 'number' && value > 0 && value < 1_000_000,
  );
  const maxTokens = limits.length > 0 ? Math.min(...limits) : 512;

  const prompts = (sentenceTransformersConfig.prompts ?? {}) as Record<string, unknown>;
  const promptFor = (...names: string[]) => names.map((name) => prompts[name]).find((value): value is string => typeof value === 'string');

  return {
    schemaVersion: 1,
    id,
    displayName: known?.displayName ?? id,
    dimensions,
    pooling,
    normalize: true,
    maxTokens,
    queryPrefix: promptFor('query') ?? known?.queryPrefix ?? '',
    documentPrefix: promptFor('document', 'passage', 'corpus') ?? known?.documentPrefix ?? '',
    output: known?.output ?? 'last_hidden_state',
    matryoshka: known?.matryoshka ?? false,
    ...(known?.matryoshkaDimensions ? { matryoshkaDimensions: known.matryoshkaDimensions } : {}),
    ...(known?.license ? { license: known.license } : {}),
  };
}

/** Token positions a BERT-like config allows; RoBERTa-style models reserve two of them for padding offsets. */
function positionLimit(config: Record<string, unknown>): number | undefined {
  const positions = config.max_position_embeddings;
  if (typeof positions !== 'number') return undefined;
  const reservesPadding = config.model_type === 'xlm-roberta' || config.model_type === 'roberta';
  return reservesPadding ? positions - 2 : positions;
}
