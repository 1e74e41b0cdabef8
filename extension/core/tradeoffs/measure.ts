// Measures storage options on an index's own vectors: for each option, the bytes it takes, its query
// latency and its Recall@10 against exact float32 search. Options are built from a space that keeps
// float32 vectors (no embedding), measured, and dropped again unless asked to keep them.
import { performance } from 'node:perf_hooks';
import { deriveSpace } from '../store/derive.ts';
import type { IndexStore, VectorSpace } from '../store/index-store.ts';
import { normalizeStorage, storageKey, storedDimensions, type StorageOption } from '../store/storage-option.ts';

/** What one storage option measured. */
export interface OptionMeasurement {
  /** The option as asked for (oversampling included). */
  option: StorageOption;
  spaceId: string;
  /** True when the space was built for this measurement (and dropped afterwards unless `keepSpaces`). */
  built: boolean;
  vectors: number;
  /** Bytes on disk of the option's own tables (codes, rescoring vectors, SQLite's overhead) per vector. */
  bytesPerVector: number;
  totalBytes: number;
  /** Milliseconds of one k-nearest query (store.nearest, rescoring and tag lookups included). */
  latency: { p50: number; p95: number };
  /** Share of the exact float32 top k (full dimensions) the option returns, averaged over the queries. */
  recallAt10VsExact: number;
}

export interface MeasureOptions {
  /** Neighbours per query (the recall is Recall@k). Default 10. */
  k?: number;
  /** Keep the spaces built for the measurement (state `building`; an index run collects them unless a migration targets one). */
  keepSpaces?: boolean;
  /** Untimed queries before timing each option (warms caches). Default 3. */
  warmup?: number;
  signal?: AbortSignal;
  /** Called before each option is built and measured. */
  onProgress?: (done: number, total: number, option: StorageOption) => void;
}

/** The p-quantile of some values (nearest rank). */
export function quantile(values: readonly number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))] ?? Number.NaN;
}

/** The exact top k content hashes of each query: `reference` must be a full-dimension float32 space. */
export function exactNeighbours(store: IndexStore, reference: VectorSpace, queries: readonly Float32Array[], k = 10): string[][] {
  if (reference.storage.kind !== 'float32' || reference.storage.dimensions !== undefined) {
    throw new RangeError(`Exact neighbours come from a full float32 space; space ${reference.id} stores ${storageKey(reference.storage)}.`);
  }
  return queries.map((query) => store.nearest(reference, query, k).map((neighbour) => neighbour.contentHash));
}

/** Latency and Recall@k of one space against exact neighbours. */
export function measureSpace(
  store: IndexStore,
  space: VectorSpace,
  queries: readonly Float32Array[],
  exact: readonly string[][],
  options: { k?: number; oversampling?: number; warmup?: number } = {},
): { latency: { p50: number; p95: number }; recall: number } {
  const k = options.k ?? 10;
  for (let index = 0; index < Math.min(options.warmup ?? 3, queries.length); index++) store.nearest(space, queries[index]!, k, { oversampling: options.oversampling });
  const milliseconds: number[] = [];
  let recall = 0;
  queries.forEach((query, index) => {
    const started = performance.now();
    const found = store.nearest(space, query, k, { oversampling: options.oversampling });
    milliseconds.push(performance.now() - started);
    const wanted = new Set(exact[index]);
    recall += wanted.size === 0 ? 1 : found.filter((neighbour) => wanted.has(neighbour.contentHash)).length / wanted.size;
  });
  return { latency: { p50: quantile(milliseconds, 0.5), p95: quantile(milliseconds, 0.95) }, recall: queries.length > 0 ? recall / queries.length : Number.NaN };
}

/**
 * Measures storage options of `base`'s model and chunker. `base` must keep float32 vectors of the
 * model's full dimensions (a float32 space, or binary rescored from float32); the exact reference is
 * `base` itself when it is plain float32, otherwise a float32 space built for the measurement.
 * `queries` have the model's dimensions (e.g. embedded doc comments or recent queries). Options that
 * differ only in oversampling share one space.
 */
export async function measureTradeoffs(
  store: IndexStore,
  base: VectorSpace,
  options: readonly StorageOption[],
  queries: readonly Float32Array[],
  settings: MeasureOptions = {},
): Promise<OptionMeasurement[]> {
  if (!store.holdsFloat32(base) || storedDimensions(base.storage, base.dimensions) !== base.dimensions) {
    throw new RangeError(`Space ${base.id} keeps no full float32 vectors (${storageKey(base.storage)}); measure from a float32 space or a binary one rescored from float32.`);
  }
  const k = settings.k ?? 10;
  const built = new Map<string, VectorSpace>();
  const ensure = async (option: StorageOption): Promise<VectorSpace> => {
    const definition = { ...base, storage: normalizeStorage({ ...option, oversampling: undefined }) };
    const key = storageKey(definition.storage);
    if (key === storageKey(base.storage)) return base;
    const existing = store.vectorSpaces().find((space) => space.modelFingerprint === base.modelFingerprint && space.chunker === base.chunker && storageKey(space.storage) === key);
    const space = existing ?? store.ensureVectorSpace(definition);
    if (!existing) built.set(space.id, space);
    if (!existing) {
      await deriveSpace(store, space, base, { signal: settings.signal });
      // A small index stays float32 until calibrated; measure what the option would be, not the staging.
      store.calibrateSpace(space, { minimumVectors: 1 });
    }
    return space;
  };
  try {
    const reference = await ensure({ kind: 'float32' });
    const exact = exactNeighbours(store, reference, queries, k);
    const results: OptionMeasurement[] = [];
    for (const [index, option] of options.entries()) {
      settings.signal?.throwIfAborted();
      settings.onProgress?.(index, options.length, option);
      const space = await ensure(option);
      const vectors = store.vectorCount(space);
      const totalBytes = store.spaceBytes(space);
      const { latency, recall } = measureSpace(store, space, queries, exact, { k, oversampling: option.oversampling, warmup: settings.warmup });
      results.push({
        option,
        spaceId: space.id,
        built: built.has(space.id),
        vectors,
        bytesPerVector: vectors > 0 ? totalBytes / vectors : 0,
        totalBytes,
        latency,
        recallAt10VsExact: recall,
      });
      await new Promise((resolve) => setImmediate(resolve));
    }
    settings.onProgress?.(options.length, options.length, options[options.length - 1] ?? { kind: 'float32' });
    return results;
  } finally {
    if (!settings.keepSpaces) for (const space of built.values()) store.dropSpace(space.id);
  }
}
