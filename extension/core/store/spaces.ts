// Vector spaces: the `vector_spaces` table (one row per model × chunker × storage option, in state
// building, active or retired), each space's quantizer (`quantizers`), its per-space flags in `meta`
// (complete, oversampling), and the space's vector tables (space-vectors.ts) held open per space.
// Invariant: at most one space is active, and activating one retires the previous one in the same
// transaction, so a search reads the old space or the new one, never neither.
import { createHash } from 'node:crypto';
import { CoreError } from '../errors.ts';
import { StoreModule, type StoreConnection } from './connection.ts';
import { float32FromBytes } from './quantization.ts';
import { MatrixResidency, SpaceVectors, type Quantizer } from './space-vectors.ts';
import { forModel, parseStorageKey, storageKey, storedDimensions, type StorageOption } from './storage-option.ts';

export interface VectorSpaceDefinition {
  modelFingerprint: string;
  chunker: string;
  /** How the vectors are stored (float32, int8, binary; Matryoshka truncation). Part of the space's id. */
  storage: StorageOption;
  /** The model's dimensions: what vectors given to and asked of the space have (a truncated space stores fewer). */
  dimensions: number;
  modelId: string;
  /** Anything worth keeping about how the vectors were made (manifest, quantization, file hashes). */
  details: Record<string, unknown>;
}

export type VectorSpaceState = 'building' | 'active' | 'retired';

export interface VectorSpace extends VectorSpaceDefinition {
  id: string;
  tableName: string;
  state: VectorSpaceState;
  createdAt: number;
  /** When the space stopped being the active one (kept for rollback until its retention ends). */
  retiredAt: number | undefined;
}

/**
 * The id of a vector space: a hash of everything that makes its vectors what they are. Plain float32
 * storage hashes as the string `float32`, as before storage options existed, so old ids still match.
 */
export function vectorSpaceId(definition: Pick<VectorSpaceDefinition, 'modelFingerprint' | 'chunker' | 'storage'>): string {
  return createHash('sha256')
    .update(JSON.stringify([definition.modelFingerprint, definition.chunker, storageKey(definition.storage)]))
    .digest('hex')
    .slice(0, 24);
}

interface SpaceRow {
  id: string;
  model_fingerprint: string;
  chunker: string;
  storage: string;
  dimensions: number;
  model_id: string;
  table_name: string;
  details: string;
  state: VectorSpaceState;
  created_at: number;
  retired_at: number | null;
}

function toSpace(row: SpaceRow): VectorSpace {
  return {
    id: row.id,
    modelFingerprint: row.model_fingerprint,
    chunker: row.chunker,
    storage: parseStorageKey(row.storage),
    dimensions: row.dimensions,
    modelId: row.model_id,
    tableName: row.table_name,
    details: JSON.parse(row.details) as Record<string, unknown>,
    state: row.state,
    createdAt: row.created_at,
    retiredAt: row.retired_at ?? undefined,
  };
}

interface QuantizerRow {
  bit_thresholds: Buffer | null;
  int8_offset: Buffer | null;
  int8_scale: Buffer | null;
  sample_size: number;
  created_at: number;
}

function toQuantizer(row: QuantizerRow): Quantizer {
  return {
    thresholds: row.bit_thresholds ? float32FromBytes(row.bit_thresholds) : undefined,
    int8: row.int8_offset && row.int8_scale ? { offset: float32FromBytes(row.int8_offset), scale: float32FromBytes(row.int8_scale) } : undefined,
    sampleSize: row.sample_size,
    createdAt: row.created_at,
  };
}

/** The vector spaces of one index database, and their tables. */
export class SpaceStore extends StoreModule {
  /** Each space's tables with their prepared statements, rebuilt when its quantizer changes. */
  private readonly spaceTables = new Map<string, SpaceVectors>();
  /** Which space holds its vectors in memory for searches (one at a time); undefined: none does (sqlite-vec searches). */
  private readonly residency: MatrixResidency | undefined;

  constructor(connection: StoreConnection, options: { vectorsInMemory: boolean } = { vectorsInMemory: true }) {
    super(connection);
    this.residency = options.vectorsInMemory ? new MatrixResidency() : undefined;
    // Codes and vectors held in memory may include writes that were just rolled back: read them again.
    connection.onRollback(() => {
      this.residency?.releaseAll();
      this.spaceTables.clear();
    });
  }

  /** Creates the space (and its tables) if it does not exist; returns it either way. */
  ensureVectorSpace(definition: VectorSpaceDefinition, state: VectorSpaceState = 'building'): VectorSpace {
    const storage = forModel(definition.storage, definition.dimensions);
    if (storage.dimensions !== undefined && storage.dimensions > definition.dimensions) {
      throw new CoreError('store', 'storage-invalid', `${definition.modelId} makes ${definition.dimensions}-dimensional vectors; they cannot be truncated to ${storage.dimensions}.`);
    }
    const id = vectorSpaceId({ ...definition, storage });
    return this.connection.transaction(() => {
      const existing = this.database.prepare('SELECT * FROM vector_spaces WHERE id = ?').get(id) as SpaceRow | undefined;
      if (existing) return toSpace(existing);
      const tableName = `vectors_${id}`;
      SpaceVectors.create(this.database, { id, tableName, storage, dimensions: definition.dimensions });
      this.database
        .prepare('INSERT INTO vector_spaces (id, model_fingerprint, chunker, storage, dimensions, model_id, table_name, details, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(id, definition.modelFingerprint, definition.chunker, storageKey(storage), definition.dimensions, definition.modelId, tableName, JSON.stringify(definition.details), state, Date.now());
      return toSpace(this.database.prepare('SELECT * FROM vector_spaces WHERE id = ?').get(id) as SpaceRow);
    });
  }

  /**
   * A space's tables, with its current quantizer (another connection may have calibrated it meanwhile).
   * Call inside `run` or a transaction: SQLite errors are not classified here.
   */
  tablesOf(space: Pick<VectorSpace, 'id' | 'tableName' | 'storage' | 'dimensions'>): SpaceVectors {
    const cached = this.spaceTables.get(space.id);
    if (space.storage.kind === 'float32') {
      if (cached) return cached;
    } else {
      const createdAt = (this.database.prepare('SELECT created_at FROM quantizers WHERE space_id = ?').get(space.id) as { created_at: number } | undefined)?.created_at;
      if (cached && cached.quantizer?.createdAt === createdAt) return cached;
    }
    // A float32 space has no quantizer (and a read-only database of schema 3 no quantizers table).
    cached?.release();
    const tables = new SpaceVectors(this.database, space, space.storage.kind === 'float32' ? undefined : this.quantizer(space.id), this.residency);
    this.spaceTables.set(space.id, tables);
    return tables;
  }

  /** How a quantized space makes codes, once calibrated. */
  quantizer(spaceId: string): Quantizer | undefined {
    const row = this.connection.run(() => this.database.prepare('SELECT bit_thresholds, int8_offset, int8_scale, sample_size, created_at FROM quantizers WHERE space_id = ?').get(spaceId) as QuantizerRow | undefined);
    return row ? toQuantizer(row) : undefined;
  }

  /** Saves a space's quantizer (its calibration). Call inside a transaction. */
  saveQuantizer(spaceId: string, quantizer: Quantizer): void {
    const bytes = (array: Float32Array | undefined) => (array ? Buffer.from(array.slice().buffer) : null);
    this.database
      .prepare('INSERT INTO quantizers (space_id, bit_thresholds, int8_offset, int8_scale, sample_size, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(spaceId, bytes(quantizer.thresholds), bytes(quantizer.int8?.offset), bytes(quantizer.int8?.scale), quantizer.sampleSize, quantizer.createdAt);
  }

  /** The dimensions a space's stored vectors have (fewer than the model's after truncation). */
  storedDimensions(space: Pick<VectorSpace, 'storage' | 'dimensions'>): number {
    return storedDimensions(space.storage, space.dimensions);
  }

  /** Whether the last index run left the space with a vector for every chunk. */
  isSpaceComplete(spaceId: string): boolean {
    return this.connection.getMeta(`complete:${spaceId}`) === '1';
  }

  setSpaceComplete(spaceId: string, complete: boolean): void {
    this.connection.setMeta(`complete:${spaceId}`, complete ? '1' : '0');
  }

  /** The oversampling searches of a quantized space use unless told otherwise (set with the storage option). */
  oversampling(spaceId: string): number | undefined {
    const value = this.connection.getMeta(`oversampling:${spaceId}`);
    return value === undefined ? undefined : Number(value);
  }

  setOversampling(spaceId: string, oversampling: number | undefined): void {
    if (oversampling === undefined) this.connection.deleteMeta(`oversampling:${spaceId}`);
    else this.connection.setMeta(`oversampling:${spaceId}`, String(oversampling));
  }

  vectorSpaces(): VectorSpace[] {
    return this.connection.run(() => (this.database.prepare('SELECT * FROM vector_spaces ORDER BY created_at').all() as SpaceRow[]).map(toSpace));
  }

  vectorSpace(id: string): VectorSpace {
    const row = this.connection.run(() => this.database.prepare('SELECT * FROM vector_spaces WHERE id = ?').get(id) as SpaceRow | undefined);
    if (!row) throw new CoreError('store', 'space-missing', `The index has no vector space ${id}. Re-index the folder.`);
    return toSpace(row);
  }

  /** The space searches read, if any. */
  activeSpace(): VectorSpace | undefined {
    const row = this.connection.run(() => this.database.prepare("SELECT * FROM vector_spaces WHERE state = 'active'").get() as SpaceRow | undefined);
    return row ? toSpace(row) : undefined;
  }

  /** Makes one space the active one (the previous active one becomes retired), atomically. */
  activateSpace(id: string): void {
    this.connection.transaction(() => {
      this.vectorSpace(id);
      this.database.prepare("UPDATE vector_spaces SET state = 'retired', retired_at = ? WHERE state = 'active' AND id != ?").run(Date.now(), id);
      this.database.prepare("UPDATE vector_spaces SET state = 'active', retired_at = NULL WHERE id = ?").run(id);
    });
  }

  /** Drops a space, its vec0 table and its tags, in one transaction. */
  dropSpace(id: string): void {
    this.connection.transaction(() => {
      const space = this.vectorSpace(id);
      this.database.prepare('DELETE FROM embeddings WHERE space_id = ?').run(id);
      SpaceVectors.drop(this.database, space);
      this.spaceTables.get(id)?.release();
      this.spaceTables.delete(id);
      this.database.prepare('DELETE FROM calibrations WHERE space_id = ?').run(id);
      this.database.prepare('DELETE FROM quantizers WHERE space_id = ?').run(id);
      this.database.prepare('DELETE FROM meta WHERE key = ?').run(`oversampling:${id}`);
      this.database.prepare('DELETE FROM vector_spaces WHERE id = ?').run(id);
    });
  }
}
