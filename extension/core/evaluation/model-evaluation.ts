// "Which model suits my code?": every installed model, with each storage option, judged on the
// folder's own code. One query per documented definition (documented-code.ts); each targets the
// declaration it documents, every piece of it, embedded with the documentation hidden. Every model embeds
// the same bounded pool (the targets and a seeded sample of other declarations, their documentation
// hidden too) with the runtime the indexer uses; the options are made from the pool's float32 vectors and
// ranked exactly in memory; a verdict is given only on evidence (evidence.ts). README.md in this folder
// describes the method and its limits.
import { performance } from 'node:perf_hooks';
import { embeddingText } from '../chunking/embedding-text.ts';
import type { EmbeddingPurpose } from '../embedding/tokenization.ts';
import type { ModelManifest } from '../model/manifest.ts';
import type { IndexStore, StoredChunk } from '../store/index-store.ts';
import { defaultOversampling, describeStorage, normalizeStorage, storageKey, vectorBytesPerVector, type StorageOption } from '../store/storage-option.ts';
import { storageOptionLabel, storageOptionSpec } from '../tradeoffs/compare.ts';
import { declarationKey, declarationPieces, documentedDefinitions, type DefinitionsLeftOut } from './documented-code.ts';
import { evaluationVerdict } from './evidence.ts';
import { hiddenDocumentationTexts } from './hidden-text.ts';
import { metricsOfRanks, optionRanks } from './ranking.ts';
import type { EvaluatedModel, InstalledModel, ModelEvaluationReport, ModelEvaluationRow } from './types.ts';
import { CoreError, isCoreError } from '../errors.ts';
import { seededRandom } from '../random.ts';

export type { EvaluatedModel, InstalledModel, ModelEvaluationReport, ModelEvaluationRow } from './types.ts';

/** Results examined per query. */
const K = 10;
/** Texts per embedding request: small enough to report progress and stop soon after a cancel. */
const EMBEDDING_BATCH = 64;
/** A target's doc comment line shorter than this is too common to say a distractor quotes it. */
const QUOTE_MINIMUM_LENGTH = 20;

/** Most queries drawn by default. */
export const DEFAULT_EVALUATION_QUERIES = 100;
/** Other chunks in the pool by default: with 100 targets, about 21 seconds of USE lite on two cores. */
export const DEFAULT_EVALUATION_DISTRACTORS = 2000;
/** The distractor sample's default seed. */
export const DEFAULT_EVALUATION_SEED = 1;

/** A loaded model as the evaluation uses it: an `EmbeddingRuntime` fits. */
export interface EvaluationRuntime {
  readonly info: { fingerprint: string; manifest: Pick<ModelManifest, 'id' | 'displayName' | 'dimensions' | 'maxTokens' | 'matryoshka' | 'matryoshkaDimensions'> };
  embed(texts: readonly string[], purpose: EmbeddingPurpose, signal?: AbortSignal): Promise<{ vectors: Float32Array[]; truncations?: readonly unknown[] }>;
  /** Releases the model (a runtime shared with the indexer is left running by the loader's wrapper). */
  dispose(): Promise<void>;
}

/** How far an evaluation has come. */
export interface EvaluationProgress {
  phase: 'sampling' | 'loading' | 'embedding' | 'scoring' | 'done';
  /** The model being loaded, embedded with or scored (its name). */
  model?: string;
  /** Texts embedded so far, over all models, of `total`. */
  done: number;
  total: number;
}

/** A progress line for people: "Embedding with use-lite", "Loading glove-100d"… */
export function evaluationProgressText(progress: EvaluationProgress): string {
  const model = progress.model ?? 'the model';
  switch (progress.phase) {
    case 'sampling':
      return 'Drawing queries from doc comments';
    case 'loading':
      return `Loading ${model}`;
    case 'embedding':
      return `Embedding with ${model}`;
    case 'scoring':
      return `Ranking the storage options of ${model}`;
    case 'done':
      return 'Done';
  }
}

/** What `evaluateModels` needs. */
export interface ModelEvaluationOptions {
  store: IndexStore;
  /** The models to compare, in the order they are run. */
  models: readonly InstalledModel[];
  /** Loads one model; it is disposed before the next is loaded, so one model is in memory at a time. */
  loadModel: (model: InstalledModel, signal?: AbortSignal) => Promise<EvaluationRuntime>;
  /** Most queries (default 100). */
  queries?: number;
  /** Other chunks in the pool (default 2,000). */
  distractors?: number;
  /** Seed of the distractor sample (default 1). */
  seed?: number;
  onProgress?: (progress: EvaluationProgress) => void;
  signal?: AbortSignal;
}

/** A query, the definition it documents, and that definition's texts with the documentation hidden. */
export interface EvaluationTarget {
  query: string;
  source: 'doc-comment' | 'docstring';
  /** The definition's first chunk (whole, or its first piece). */
  chunk: StoredChunk;
  /** `declarationKey` of the definition. */
  key: string;
  /** What the model embeds: each piece's `embeddingText` with the documentation hidden (pieces left empty are out). */
  texts: string[];
}

/** A declaration of the pool other than a target: its texts, documentation hidden as the targets' is. */
export interface PoolDeclaration {
  chunk: StoredChunk;
  texts: string[];
}


/** The items in a seeded random order (Fisher–Yates); the input is not changed. */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  const shuffled = [...items];
  const random = seededRandom(seed);
  for (let index = shuffled.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [shuffled[index], shuffled[other]] = [shuffled[other]!, shuffled[index]!];
  }
  return shuffled;
}

/** Why documented definitions gave no target. */
export interface TargetsLeftOut extends DefinitionsLeftOut {
  /** The doc comment could not be found in the code, or nothing but documentation was left. */
  notHidden: number;
}

/**
 * Up to `limit` targets, one per documented definition, spread over the index in path order (see
 * `documentedDefinitions`: queries are the first sentence of a docstring or doc comment that no other
 * definition shares). A target is every piece of its declaration, documentation hidden; a definition
 * whose documentation cannot be hidden is left out and counted.
 */
export function evaluationTargets(store: IndexStore, chunker: string, limit: number): { targets: EvaluationTarget[]; leftOut: TargetsLeftOut } {
  const drawn = documentedDefinitions(store, [chunker], limit);
  const leftOut: TargetsLeftOut = { ...drawn.leftOut, notHidden: 0 };
  const targets: EvaluationTarget[] = [];
  for (const definition of drawn.definitions) {
    const texts = hiddenDocumentationTexts(declarationPieces(store, definition.chunk))?.filter((text): text is string => text !== undefined);
    if (!texts || texts.length === 0) leftOut.notHidden += 1;
    else targets.push({ query: definition.query, source: definition.source, chunk: definition.chunk, key: definition.target, texts });
  }
  return { targets, leftOut };
}

/** The longest line of a target's documentation, when long enough to tell that another chunk quotes it. */
function quotedLine(target: EvaluationTarget): string | undefined {
  const documentation = target.source === 'doc-comment' ? (target.chunk.docComment ?? '') : target.query;
  const longest = documentation.split('\n').map((line) => line.trim()).reduce((best, line) => (line.length > best.length ? line : best), '');
  return longest.length >= QUOTE_MINIMUM_LENGTH ? longest : undefined;
}

/**
 * A seeded sample of other declarations (drawn through `chunkIds`, one chunker's, in ascending order),
 * each with all its pieces and its documentation hidden as a target's is, until `count` chunks: never a
 * target's declaration, and never one that quotes a target's documentation (a class outline repeating a
 * method's comment would be found by its words, and the target would look missed for a reason no model
 * controls). The last declaration drawn may take the count a few pieces past `count`.
 */
export function sampleDistractors(store: IndexStore, chunkIds: readonly number[], targets: readonly EvaluationTarget[], count: number, seed: number): { declarations: PoolDeclaration[]; chunks: number; droppedQuoting: number } {
  const taken = new Set(targets.map((target) => target.key));
  const quotes = targets.flatMap((target) => quotedLine(target) ?? []);
  const order = seededShuffle(chunkIds, seed);
  const declarations: PoolDeclaration[] = [];
  let chunks = 0;
  let droppedQuoting = 0;
  for (let start = 0; start < order.length && chunks < count; start += 256) {
    const batch = order.slice(start, start + 256);
    const found = store.chunksById(batch);
    for (const id of batch) {
      const chunk = found.get(id);
      if (!chunk || chunks >= count) continue;
      const key = declarationKey(chunk);
      if (taken.has(key)) continue;
      taken.add(key);
      const pieces = declarationPieces(store, chunk);
      if (quotes.some((quote) => pieces.some((piece) => piece.text.includes(quote)))) {
        droppedQuoting += 1;
        continue;
      }
      // Hidden as the targets' documentation is, so a query cannot find another definition by its doc comment's words.
      const hidden = hiddenDocumentationTexts(pieces) ?? pieces.map((piece) => embeddingText(piece));
      const texts = hidden.filter((text): text is string => text !== undefined);
      if (texts.length === 0) continue;
      declarations.push({ chunk, texts });
      chunks += texts.length;
    }
  }
  return { declarations, chunks, droppedQuoting };
}

/** The storage options judged for a model: float32, int8, binary rescored from float32, and the truncations a Matryoshka model was trained for. */
export function evaluationOptions(model: EvaluationRuntime['info']['manifest'], binaryOversampling: number): StorageOption[] {
  const options: StorageOption[] = [{ kind: 'float32' }, { kind: 'int8' }, { kind: 'binary', rescore: 'float32', oversampling: binaryOversampling }];
  // Only trained sizes: truncating another model is judged by "Compare Storage Options", with its warning.
  const truncations = model.matryoshka ? (model.matryoshkaDimensions ?? []).filter((dimensions) => dimensions < model.dimensions && dimensions >= 64) : [];
  for (const dimensions of truncations.slice(0, 3)) options.push({ kind: 'float32', dimensions }, { kind: 'int8', dimensions });
  return options;
}

/**
 * Candidates a binary search rescores in the pool: the index's net (k × oversampling) as the same
 * share of the pool as of the index, at least k. A target's Hamming rank in a uniform sample shrinks
 * with the sample, so the full net on a small pool would reach far deeper than it does in the index.
 */
export function pooledCandidates(oversampling: number, poolSize: number, indexVectors: number): number {
  const net = K * oversampling;
  const scaled = indexVectors > poolSize ? Math.ceil((net * poolSize) / indexVectors) : net;
  return Math.min(poolSize, Math.max(K, scaled));
}

/** Embeds texts in batches, reporting each; returns the vectors and how many texts were cut. */
async function embedAll(runtime: EvaluationRuntime, texts: readonly string[], purpose: EmbeddingPurpose, signal: AbortSignal | undefined, onBatch: (count: number) => void): Promise<{ vectors: Float32Array[]; truncated: number }> {
  const vectors: Float32Array[] = [];
  let truncated = 0;
  for (let start = 0; start < texts.length; start += EMBEDDING_BATCH) {
    signal?.throwIfAborted();
    const batch = texts.slice(start, start + EMBEDDING_BATCH);
    const embedded = await runtime.embed(batch, purpose, signal);
    // Copies: a runtime's vectors may be views of one transfer buffer.
    vectors.push(...embedded.vectors.map((vector) => Float32Array.from(vector)));
    truncated += embedded.truncations?.length ?? 0;
    onBatch(batch.length);
  }
  return { vectors, truncated };
}

/** Best first: MRR@10, then fewer bytes, then the order the models and options were given in. */
function byQuality(a: { row: ModelEvaluationRow; order: number }, b: { row: ModelEvaluationRow; order: number }): number {
  return b.row.mrrAt10 - a.row.mrrAt10 || a.row.bytesPerVector - b.row.bytesPerVector || a.order - b.order;
}

/**
 * Judges every model (and its storage options) on the folder's own code and ranks them. A model that
 * fails to load or run is listed under `failures`; the others are still judged.
 */
export async function evaluateModels(options: ModelEvaluationOptions): Promise<ModelEvaluationReport> {
  const { store, signal } = options;
  const seed = options.seed ?? DEFAULT_EVALUATION_SEED;
  const active = store.activeSpace();
  if (!active) throw new CoreError('evaluation', 'no-index', 'The folder has no index yet: index it, then ask which model suits it.');
  if (options.models.length === 0) throw new CoreError('evaluation', 'no-models', 'No model can be loaded without a download: build the offline models (`npm run models`) or download one from the catalog first.');

  let done = 0;
  let total = 0;
  const progress = (phase: EvaluationProgress['phase'], model?: string) => options.onProgress?.({ phase, ...(model !== undefined ? { model } : {}), done, total });
  progress('sampling');
  const { targets, leftOut } = evaluationTargets(store, active.chunker, options.queries ?? DEFAULT_EVALUATION_QUERIES);
  if (targets.length === 0) {
    throw new CoreError('evaluation', 'no-queries', 'No documented code was found to make queries from (doc comments above definitions, or Python docstrings, each saying something no other definition says). The evaluation needs some documented functions or classes.');
  }
  const chunkIds = store.chunkIds(active.chunker);
  const distractors = sampleDistractors(store, chunkIds, targets, options.distractors ?? DEFAULT_EVALUATION_DISTRACTORS, seed);
  signal?.throwIfAborted();

  // The pool: every piece of every declaration (target i is group i), in a seeded order: where a
  // binary first stage cuts among equal Hamming distances, pool order decides, and it must not favour targets.
  const declarations = [...targets, ...distractors.declarations];
  const entries = seededShuffle(declarations.flatMap((declaration, group) => declaration.texts.map((text) => ({ text, group }))), seed);
  const poolTexts = entries.map((entry) => entry.text);
  const groups = entries.map((entry) => entry.group);
  const targetChunks = targets.reduce((sum, target) => sum + target.texts.length, 0);
  const queryTexts = targets.map((target) => target.query);
  const targetGroups = targets.map((_, index) => index);
  const indexVectors = store.vectorCount(active);
  // A binary index's own net when it has one set, else the net a binary index of this size would use.
  const oversampling = (active.storage.kind === 'binary' ? store.oversampling(active.id) : undefined) ?? defaultOversampling('binary', indexVectors);
  const candidates = pooledCandidates(oversampling, poolTexts.length, indexVectors);
  total = options.models.length * (poolTexts.length + queryTexts.length);
  const activeKey = storageKey(active.storage);

  const models: EvaluatedModel[] = [];
  const failures: ModelEvaluationReport['failures'] = [];
  const rows: { row: ModelEvaluationRow; order: number }[] = [];
  // Per row (by position in `rows`), each query's reciprocal rank: the verdict weighs a lead against its noise.
  const reciprocalRanks = new Map<number, number[]>();
  for (const [modelIndex, model] of options.models.entries()) {
    signal?.throwIfAborted();
    progress('loading', model.name);
    let runtime: EvaluationRuntime | undefined;
    try {
      runtime = await options.loadModel(model, signal);
      const manifest = runtime.info.manifest;
      progress('embedding', model.name);
      const queries = await embedAll(runtime, queryTexts, 'query', signal, (count) => {
        done += count;
        progress('embedding', model.name);
      });
      const started = performance.now();
      const pool = await embedAll(runtime, poolTexts, 'document', signal, (count) => {
        done += count;
        progress('embedding', model.name);
      });
      const seconds = (performance.now() - started) / 1000;
      const chunksPerSecond = seconds > 0 ? poolTexts.length / seconds : 0;
      const current = runtime.info.fingerprint === active.modelFingerprint;
      models.push({
        name: model.name,
        id: manifest.id,
        displayName: manifest.displayName,
        source: model.source,
        quantization: model.quantization,
        dimensions: manifest.dimensions,
        maxTokens: manifest.maxTokens,
        matryoshka: manifest.matryoshka,
        current,
        chunksPerSecond,
        truncatedTexts: pool.truncated,
      });
      progress('scoring', model.name);
      for (const [optionIndex, option] of evaluationOptions(manifest, oversampling).entries()) {
        signal?.throwIfAborted();
        const ranks = optionRanks(option, queries.vectors, pool.vectors, targetGroups, candidates, groups);
        const metrics = metricsOfRanks(ranks, K);
        reciprocalRanks.set(rows.length, ranks.map((rank) => (rank <= K ? 1 / rank : 0)));
        const normalized = normalizeStorage(option);
        rows.push({
          order: modelIndex * 100 + optionIndex,
          row: {
            model: model.name,
            modelDisplayName: manifest.displayName,
            option: storageOptionSpec(option),
            label: storageOptionLabel(option),
            dimensions: normalized.dimensions ?? manifest.dimensions,
            bytesPerVector: vectorBytesPerVector(normalized, manifest.dimensions),
            ...metrics,
            chunksPerSecond,
            ...(normalized.kind === 'binary' ? { candidates } : {}),
            currentModel: current,
            current: current && storageKey(normalized) === activeKey,
          },
        });
        // Scoring a large pool takes a moment per option: let a cancel and other work in.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      if (!isCoreError(error, 'model')) throw error;
      failures.push({ model: model.name, message: error.message });
    } finally {
      await runtime?.dispose();
    }
  }
  done = total;
  progress('done');
  const measured = rows.map((entry, position) => ({ ...entry, reciprocalRanks: reciprocalRanks.get(position) }));
  const sorted = measured.sort(byQuality);
  const ranked = sorted.map(({ row }) => row);
  const verdict = evaluationVerdict(sorted.map(({ row, reciprocalRanks: perQuery }) => ({ ...row, reciprocalRanks: perQuery })), targets.length);
  return {
    version: 2,
    createdAt: Date.now(),
    k: K,
    seed,
    index: { chunks: chunkIds.length, vectors: indexVectors, modelId: active.modelId, storage: describeStorage(active.storage) },
    pool: { size: poolTexts.length, targets: targets.length, targetChunks, distractors: distractors.chunks, droppedQuoting: distractors.droppedQuoting },
    queries: {
      count: targets.length,
      fromDocComments: targets.filter((target) => target.source === 'doc-comment').length,
      fromDocstrings: targets.filter((target) => target.source === 'docstring').length,
      skipped: leftOut.noSentence + leftOut.boilerplate + leftOut.duplicate + leftOut.notHidden,
      leftOut,
      examples: targets.slice(0, 5).map((target) => ({ query: target.query, path: target.chunk.path, symbol: target.chunk.symbol })),
    },
    models,
    failures,
    rows: ranked,
    verdict,
  };
}
