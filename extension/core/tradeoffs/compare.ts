// "Compare storage options": every storage option of the active model, measured on the folder's own
// index (bytes, latency, Recall@10 against exact float32) and judged on self-supervised queries from
// its doc comments (Recall@10, MRR@10), with a recommendation. Nothing is embedded but the queries:
// options are converted from the float32 vectors the index keeps, measured, and dropped again.
import { rankings, qualityOf, selfSupervisedQueries, declarationKey, hasDeclaration } from '../migration/report.ts';
import type { QueryEmbedder } from '../search/search.ts';
import type { IndexStore, VectorSpace } from '../store/index-store.ts';
import { DEFAULT_OVERSAMPLING, defaultOversampling, describeStorage, normalizeStorage, storageKey, storageWarnings, storedDimensions, type StorageOption } from '../store/storage-option.ts';
import { measureTradeoffs } from './measure.ts';
import type { StorageOptionMeasurement, StorageOptionSpec, TradeoffReport } from './types.ts';

/** Fewer queries than this and stored vectors of the index stand in for the missing ones (latency and recall only). */
const MINIMUM_QUERIES = 40;

export interface CompareOptions {
  store: IndexStore;
  /** The model of the active space (embeds the queries). */
  embedder: QueryEmbedder;
  /** Whether the model was trained for truncation, and to which sizes. */
  model: { id: string; dimensions: number; matryoshka: boolean; matryoshkaDimensions?: number[] };
  /** Queries the user searched lately (used for latency and recall against exact results). */
  recentQueries?: readonly string[];
  /** Self-supervised queries drawn from doc comments. Default 100. */
  sampleQueries?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, label: string) => void;
}

/** The options compared for a model: every kind, two binary nets, and truncations the model supports (or one, with a warning). */
export function candidateOptions(model: CompareOptions['model']): StorageOption[] {
  const options: StorageOption[] = [
    { kind: 'float32' },
    { kind: 'int8' },
    { kind: 'binary', rescore: 'float32', oversampling: DEFAULT_OVERSAMPLING.binary / 4 },
    { kind: 'binary', rescore: 'float32' },
    { kind: 'binary', rescore: 'int8' },
  ];
  const truncations = model.matryoshka ? (model.matryoshkaDimensions ?? []).filter((dimensions) => dimensions < model.dimensions && dimensions >= 64) : [];
  // A model not trained for it is still offered one truncation, so the user sees what it costs.
  if (truncations.length === 0 && model.dimensions >= 128) truncations.push(Math.floor(model.dimensions / 2 / 8) * 8);
  for (const dimensions of truncations.slice(0, 3)) options.push({ kind: 'float32', dimensions }, { kind: 'int8', dimensions });
  return options;
}

/** A storage option as reports carry it: normalised, binary with its oversampling. */
export function storageOptionSpec(option: StorageOption): StorageOptionSpec {
  const normalized = normalizeStorage(option);
  return {
    kind: normalized.kind,
    ...(normalized.dimensions !== undefined ? { dimensions: normalized.dimensions } : {}),
    ...(normalized.rescore ? { rescore: normalized.rescore } : {}),
    ...(normalized.kind === 'binary' ? { oversampling: normalized.oversampling ?? DEFAULT_OVERSAMPLING.binary } : {}),
  };
}

/** A storage option's name in reports: `binary (rescored from float32) ×40`. */
export function storageOptionLabel(option: StorageOption): string {
  const normalized = normalizeStorage(option);
  const oversampling = normalized.kind === 'binary' ? ` ×${normalized.oversampling ?? DEFAULT_OVERSAMPLING.binary}` : '';
  return `${describeStorage(normalized)}${oversampling}`;
}

/** The space whose float32 vectors the options are made from: the active one when it keeps them, or a retained one of the same model and chunker. */
function baseSpace(store: IndexStore, active: VectorSpace): VectorSpace | undefined {
  const fullFloat32 = (space: VectorSpace) => store.holdsFloat32(space) && storedDimensions(space.storage, space.dimensions) === space.dimensions;
  if (fullFloat32(active)) return active;
  return store.vectorSpaces().find((space) => space.modelFingerprint === active.modelFingerprint && space.chunker === active.chunker && fullFloat32(space) && store.vectorCount(space) > 0);
}

/**
 * Picks the smallest option that keeps at least 99% of the exact results and loses at most 0.01 of
 * float32's MRR@10 on the doc-comment queries (when there are any); ties go to the faster one.
 */
export function recommend(measurements: readonly StorageOptionMeasurement[]): { index: number | undefined; reason: string } {
  const reference = measurements.find((entry) => entry.option.kind === 'float32' && entry.option.dimensions === undefined);
  const acceptable = measurements
    .map((entry, index) => ({ entry, index }))
    .filter(({ entry }) => entry.recallAt10VsExact >= 0.99 && (!reference?.quality || !entry.quality || entry.quality.mrrAt10 >= reference.quality.mrrAt10 - 0.01));
  acceptable.sort((a, b) => a.entry.bytesPerVector - b.entry.bytesPerVector || a.entry.latency.p50 - b.entry.latency.p50);
  const best = acceptable[0];
  if (!best) return { index: undefined, reason: 'No option keeps 99% of the exact results here; keep the current storage.' };
  const current = measurements.find((entry) => entry.current);
  if (best.entry.current) return { index: undefined, reason: `The current storage (${best.entry.label}) is already the smallest that keeps 99% of the exact results.` };
  const share = reference ? ` at ${Math.round((best.entry.bytesPerVector / reference.bytesPerVector) * 100)}% of float32's bytes` : '';
  const quality = best.entry.quality && reference?.quality ? `, MRR@10 ${best.entry.quality.mrrAt10.toFixed(3)} (float32 ${reference.quality.mrrAt10.toFixed(3)})` : '';
  const speed = current ? `, p50 ${best.entry.latency.p50.toFixed(1)} ms (now ${current.latency.p50.toFixed(1)} ms)` : '';
  return { index: best.index, reason: `${best.entry.label} keeps ${(best.entry.recallAt10VsExact * 100).toFixed(1)}% of the exact top 10${quality}${share}${speed}.` };
}

/** Measures every candidate option on the active space's model and recommends one. */
export async function compareStorageOptions(options: CompareOptions): Promise<TradeoffReport> {
  const { store, embedder, signal } = options;
  const active = store.activeSpace();
  if (!active) throw new RangeError('The folder has no index yet: index it, then compare storage options.');
  const base = baseSpace(store, active);
  if (!base) {
    throw new RangeError(`The index keeps no full float32 vectors of ${active.modelId} (it stores ${describeStorage(active.storage)}), so other options cannot be made from it without embedding again. Switch storage to float32 (or binary rescored from float32) first.`);
  }
  const total = candidateOptions(options.model).length + 1;
  options.onProgress?.(0, total, 'embedding queries');

  // Queries: doc comments (with the declaration they document, for quality) and recent searches.
  const drawn = selfSupervisedQueries(store, [base.chunker], options.sampleQueries ?? 100);
  const supervised = drawn.queries.filter(({ chunk }) => hasDeclaration(store, chunk, base.chunker));
  const recent = [...new Set((options.recentQueries ?? []).map((query) => query.trim()).filter(Boolean))];
  const texts = [...supervised.map((entry) => entry.query), ...recent];
  const embedded = texts.length > 0 ? (await embedder.embed(texts, 'query', signal)).vectors : [];
  // A small or undocumented index has few queries; its own vectors stand in for the rest.
  const standIns = embedded.length < MINIMUM_QUERIES ? store.sampleVectors(base, MINIMUM_QUERIES - embedded.length).map((sample) => sample.vector) : [];
  const queries = [...embedded, ...standIns];
  signal?.throwIfAborted();

  // The net a binary search would use on an index this size, named in the label.
  const binaryNet = defaultOversampling('binary', store.vectorCount(base));
  const candidates = candidateOptions(options.model).map((option) => (option.kind === 'binary' && option.oversampling === undefined ? { ...option, oversampling: binaryNet } : option));
  const measured = await measureTradeoffs(store, base, candidates, queries, {
    keepSpaces: true,
    signal,
    onProgress: (done, _total, option) => options.onProgress?.(done + 1, total, storageOptionLabel(option)),
  });
  const targets = supervised.map(({ chunk }) => declarationKey(chunk));
  const supervisedVectors = embedded.slice(0, supervised.length);
  const currentKey = storageKey(active.storage);
  try {
    const results: StorageOptionMeasurement[] = measured.map((measurement) => {
      const space = store.vectorSpace(measurement.spaceId);
      const quality = targets.length > 0 ? qualityOf(rankings(store, space, supervisedVectors, measurement.option.oversampling), targets) : undefined;
      const canonical = normalizeStorage(measurement.option);
      return {
        option: storageOptionSpec(measurement.option),
        label: storageOptionLabel(measurement.option),
        current: storageKey(canonical) === currentKey && (canonical.kind !== 'binary' || (canonical.oversampling ?? DEFAULT_OVERSAMPLING.binary) === (active.storage.oversampling ?? store.oversampling(active.id) ?? DEFAULT_OVERSAMPLING.binary)),
        bytesPerVector: measurement.bytesPerVector,
        totalBytes: measurement.totalBytes,
        latency: measurement.latency,
        recallAt10VsExact: measurement.recallAt10VsExact,
        quality,
        warning: storageWarnings(canonical, options.model)[0],
      };
    });
    const { index, reason } = recommend(results);
    return {
      version: 1,
      createdAt: Date.now(),
      model: { id: options.model.id, dimensions: options.model.dimensions, matryoshka: options.model.matryoshka },
      vectors: store.vectorCount(base),
      queries: { latencyAndRecall: queries.length, selfSupervised: supervised.length },
      options: results,
      recommended: index,
      recommendation: reason,
    };
  } finally {
    // Options that differ only in oversampling share one space: drop each once.
    for (const spaceId of new Set(measured.filter((measurement) => measurement.built).map((measurement) => measurement.spaceId))) store.dropSpace(spaceId);
  }
}
