// Building a vector space with another storage option from one that keeps float32 vectors of the
// same model and chunker: the vectors are converted (truncated, quantized), never embedded again.
import { CALIBRATION_MINIMUM, CALIBRATION_SAMPLE, type IndexStore, type VectorSpace } from './index-store.ts';

/**
 * The space `target` can be derived from, if any: same model and chunker, exact float32 vectors of at
 * least the target's stored dimensions (a float32 space, a binary one rescored from float32, or a
 * quantized one not calibrated yet), with the most vectors (the active one first among equals).
 */
export function derivationSource(store: IndexStore, target: VectorSpace): VectorSpace | undefined {
  const wanted = store.storedDimensions(target);
  const candidates = store
    .vectorSpaces()
    .filter((space) => space.id !== target.id && space.modelFingerprint === target.modelFingerprint && space.chunker === target.chunker)
    .filter((space) => store.holdsFloat32(space) && store.storedDimensions(space) >= wanted)
    .map((space) => ({ space, vectors: store.vectorCount(space) }))
    .filter((candidate) => candidate.vectors > 0)
    .sort((a, b) => b.vectors - a.vectors || Number(b.space.state === 'active') - Number(a.space.state === 'active'));
  return candidates[0]?.space;
}

export interface DeriveOptions {
  signal?: AbortSignal;
  /** Called after each batch with the vectors copied so far and how many the source has. */
  onProgress?: (copied: number, total: number) => void;
  /** Vectors per transaction. */
  batchSize?: number;
  /** Fewest source vectors to calibrate a quantized target on (fewer: it stays float32 until the indexer calibrates it). */
  calibrationMinimum?: number;
}

/**
 * Copies every vector `target` lacks from `source`, a batch per transaction, yielding between batches
 * so an abort stops it (what was copied stays; the next call continues). A quantized target is first
 * calibrated on a sample of the source, so its vectors go straight to codes. Returns how many were copied.
 */
export async function deriveSpace(store: IndexStore, target: VectorSpace, source: VectorSpace, options: DeriveOptions = {}): Promise<number> {
  if (target.storage.kind !== 'float32' && !store.quantizer(target.id)) {
    const total = store.vectorCount(source);
    if (total >= (options.calibrationMinimum ?? CALIBRATION_MINIMUM)) {
      store.calibrateSpace(target, { sample: store.sampleVectors(source, CALIBRATION_SAMPLE).map((entry) => entry.vector) });
    }
  }
  const total = store.vectorCount(source);
  let copied = 0;
  for (let after = 0; ; ) {
    options.signal?.throwIfAborted();
    const batch = store.copyVectors(target, source, options.batchSize ?? 2000, after);
    if (batch.lastId === undefined) return copied;
    after = batch.lastId;
    copied += batch.copied;
    options.onProgress?.(copied, total);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
