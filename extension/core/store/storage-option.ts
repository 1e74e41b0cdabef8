// How the vectors of a vector space are stored: float32, int8 or binary codes, optionally after
// Matryoshka truncation. The option (less the search-time oversampling) is part of the space's
// identity, so choosing another one builds a new space: a migration, like a model change.
import { CoreError } from '../errors.ts';

/** The representation searched first. */
export type StorageKind = 'float32' | 'int8' | 'binary';

/** What binary candidates are rescored from. */
export type RescoreSource = 'float32' | 'int8';

export interface StorageOption {
  kind: StorageKind;
  /** Matryoshka truncation: keep the first N dimensions of each vector, then normalise. Undefined keeps all. */
  dimensions?: number;
  /** Binary only: the vectors candidates are rescored with (default float32, which also keeps the full vectors). */
  rescore?: RescoreSource;
  /**
   * int8 and binary: first-stage candidates per wanted result before exact rescoring. A search
   * setting, not part of the space's identity: changing it needs no rebuild.
   */
  oversampling?: number;
}

/** Plain float32 vectors: the storage of every space built before storage options existed. */
export const FLOAT32_STORAGE: StorageOption = Object.freeze({ kind: 'float32' });

/**
 * Default oversampling per kind (bench/tradeoffs.ts, README.md): the binary first stage needs a wide
 * net (real USE vectors, 92k: Recall@10 0.97 with 400 candidates for 10 results), int8's only has to
 * undo the per-dimension weighting of its codes (×5: 0.973–0.989, ×10: 0.986–0.990, which is what
 * the codes can give: ranking every vector by its int8 cosine gives the same).
 */
export const DEFAULT_OVERSAMPLING: Record<Exclude<StorageKind, 'float32'>, number> = { int8: 10, binary: 40 };

/**
 * The oversampling a search uses when neither it nor the space sets one. A binary first stage meets
 * more look-alikes as the space grows, so its net widens with it: ×40 up to 400,000 vectors, then one
 * more per 10,000 (1M × 384 synthetic: Recall@10 0.911 with ×40, 0.958 with ×100, at 46–47 ms where
 * float32 took 530 ms when sqlite-vec read every vector per query). int8's loss comes from its codes, not the first stage: ×10 at any size.
 */
export function defaultOversampling(kind: Exclude<StorageKind, 'float32'>, vectors: number): number {
  return kind === 'binary' ? Math.max(DEFAULT_OVERSAMPLING.binary, Math.ceil(vectors / 10_000)) : DEFAULT_OVERSAMPLING[kind];
}

/** sqlite-vec answers at most this many neighbours per KNN query. */
export const MAXIMUM_CANDIDATES = 4096;

function invalid(message: string): CoreError<'store'> {
  return new CoreError('store', 'storage-invalid', message);
}

/** Checks an option and returns it in canonical form (defaults filled, irrelevant fields dropped). */
export function normalizeStorage(option: StorageOption): StorageOption {
  const { kind } = option;
  if (kind !== 'float32' && kind !== 'int8' && kind !== 'binary') throw invalid(`Unknown vector storage "${String(kind)}": use float32, int8 or binary.`);
  const result: StorageOption = { kind };
  if (option.dimensions !== undefined) {
    if (!Number.isInteger(option.dimensions) || option.dimensions < 8) throw invalid(`Truncated dimensions must be a whole number of at least 8 (got ${option.dimensions}).`);
    if (kind === 'binary' && option.dimensions % 8 !== 0) throw invalid(`Binary vectors need a multiple of 8 dimensions (got ${option.dimensions}).`);
    result.dimensions = option.dimensions;
  }
  if (kind === 'binary') result.rescore = option.rescore ?? 'float32';
  else if (option.rescore !== undefined) throw invalid(`Only binary storage is rescored; ${kind} has no "rescore" option.`);
  if (option.rescore !== undefined && option.rescore !== 'float32' && option.rescore !== 'int8') throw invalid(`Binary candidates are rescored from float32 or int8 (got "${String(option.rescore)}").`);
  if (option.oversampling !== undefined) {
    if (kind === 'float32') throw invalid('float32 search is exact; oversampling applies to int8 and binary storage.');
    if (!Number.isInteger(option.oversampling) || option.oversampling < 1) throw invalid(`Oversampling must be a whole number of at least 1 (got ${option.oversampling}).`);
    result.oversampling = option.oversampling;
  }
  return result;
}

/**
 * The canonical text of what shapes the stored bytes (kind, rescoring source, dimensions; never the
 * oversampling). Plain float32 is `float32`, as spaces were named before options existed, so their
 * ids do not change.
 */
export function storageKey(option: StorageOption): string {
  const canonical = normalizeStorage({ ...option, oversampling: undefined });
  const parts: string[] = [canonical.kind];
  if (canonical.rescore) parts.push(`rescore=${canonical.rescore}`);
  if (canonical.dimensions !== undefined) parts.push(`dimensions=${canonical.dimensions}`);
  return parts.join(';');
}

/** Reads a `storageKey` back. */
export function parseStorageKey(key: string): StorageOption {
  const [kind, ...parts] = key.split(';');
  const option: StorageOption = { kind: kind as StorageKind };
  for (const part of parts) {
    const [name, value] = part.split('=');
    if (name === 'rescore') option.rescore = value as RescoreSource;
    else if (name === 'dimensions') option.dimensions = Number(value);
    else throw invalid(`The index names an unknown vector storage "${key}". Update the extension, or rebuild the index.`);
  }
  return normalizeStorage(option);
}

/**
 * Parses the command-line form: `float32`, `int8`, `binary` or `binary+int8` (rescored from int8),
 * optionally followed by `:OVERSAMPLING` for int8 and binary, e.g. `binary:40`.
 */
export function parseStorageOption(text: string, dimensions?: number): StorageOption {
  const match = /^(float32|int8|binary)(?:\+(float32|int8))?(?::(\d+))?$/.exec(text.trim());
  if (!match) throw invalid(`"${text}" is not a vector storage: use float32, int8, binary or binary+int8, optionally with :OVERSAMPLING (e.g. binary:40).`);
  const [, kind, rescore, oversampling] = match;
  return normalizeStorage({
    kind: kind as StorageKind,
    ...(rescore ? { rescore: rescore as RescoreSource } : {}),
    ...(oversampling ? { oversampling: Number(oversampling) } : {}),
    ...(dimensions !== undefined ? { dimensions } : {}),
  });
}

/** The option for a model of `modelDimensions`: truncating to all of them is no truncation (and no other space). */
export function forModel(option: StorageOption, modelDimensions: number): StorageOption {
  const canonical = normalizeStorage(option);
  if (canonical.dimensions !== modelDimensions) return canonical;
  const { dimensions: _dimensions, ...rest } = canonical;
  return rest;
}

/** A short human description, e.g. `binary (rescored from float32), 256 dimensions`. */
export function describeStorage(option: StorageOption): string {
  const canonical = normalizeStorage(option);
  const kind = canonical.kind === 'binary' ? `binary (rescored from ${canonical.rescore})` : canonical.kind;
  return canonical.dimensions !== undefined ? `${kind}, first ${canonical.dimensions} dimensions` : kind;
}

/** The dimensions a space stores for a model of `modelDimensions`. */
export function storedDimensions(option: StorageOption, modelDimensions: number): number {
  return option.dimensions ?? modelDimensions;
}

/** Whether a space with this option keeps float32 vectors of its stored dimensions (after calibration). */
export function keepsFloat32(option: StorageOption): boolean {
  return option.kind === 'float32' || (option.kind === 'binary' && (option.rescore ?? 'float32') === 'float32');
}

/** What the model's manifest says about truncation. */
export interface TruncationInfo {
  id: string;
  dimensions: number;
  matryoshka: boolean;
  matryoshkaDimensions?: number[];
}

/**
 * Checks an option against the model; throws for what cannot work (more dimensions than the model
 * has) and returns warnings for what works but may be poor (truncating a model not trained for it).
 */
export function storageWarnings(option: StorageOption, model: TruncationInfo): string[] {
  const canonical = normalizeStorage(option);
  const warnings: string[] = [];
  if (canonical.dimensions === undefined || canonical.dimensions === model.dimensions) return warnings;
  if (canonical.dimensions > model.dimensions) throw invalid(`${model.id} makes ${model.dimensions}-dimensional vectors; they cannot be truncated to ${canonical.dimensions}.`);
  if (!model.matryoshka) {
    warnings.push(`${model.id} was not trained for truncation (Matryoshka): its first ${canonical.dimensions} of ${model.dimensions} dimensions may rank much worse than the whole vector. Compare before relying on it.`);
  } else if (model.matryoshkaDimensions && !model.matryoshkaDimensions.includes(canonical.dimensions)) {
    warnings.push(`${model.id} was trained to be truncated to ${model.matryoshkaDimensions.join(', ')} dimensions; ${canonical.dimensions} is between them and may rank a little worse.`);
  }
  return warnings;
}

/**
 * Bytes of vector data per stored vector (codes plus rescoring vectors), before SQLite's own
 * overhead: what the option costs, for comparing options without building them.
 */
export function vectorBytesPerVector(option: StorageOption, modelDimensions: number): number {
  const canonical = normalizeStorage(option);
  const dimensions = storedDimensions(canonical, modelDimensions);
  if (canonical.kind === 'float32') return 4 * dimensions;
  if (canonical.kind === 'int8') return dimensions;
  return Math.ceil(dimensions / 8) + (canonical.rescore === 'int8' ? dimensions : 4 * dimensions);
}
