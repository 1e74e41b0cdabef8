// The tables behind one vector space, per storage option, and the searches over them. Internal to
// the store: IndexStore keeps the tags (embeddings), transactions and error mapping; this file knows
// where a space's vectors physically are and how a query reaches them.
//
//   float32            vectors_<id>   vec0 float[d], cosine                 exact KNN
//   int8               vectors_<id>   vec0 int8[d], codes per dimension     L2 on codes, then rescored
//                                                                           from the codes with the float query
//   binary             vectors_<id>   vec0 bit[d], v > ¾ mean per dimension  Hamming over the codes loaded
//                      rescore_<id>   float32 or int8 vectors                into memory (binary-codes.ts),
//                                                                           then rescored from rescore_<id>
//   int8/binary before calibration:  staging_<id>  vec0 float[d], cosine   exact KNN
//
// d is the stored dimensions (the model's, or fewer after Matryoshka truncation). A quantized space
// holds float32 vectors in its staging table until it is calibrated on a sample of them (or on the
// space it is derived from); calibration then moves every staged vector to codes in one transaction.
import { performance } from 'node:perf_hooks';
import type { Database, Statement } from 'better-sqlite3';
import {
  binaryCode,
  binaryCodeBytes,
  binaryThresholds,
  calibrateInt8,
  cosineSimilarity,
  dequantizeInt8,
  float32Bytes,
  float32FromBytes,
  int8CosineSimilarity,
  int8FromBytes,
  meanVector,
  quantizeInt8,
  truncateAndNormalize,
  type Int8Quantizer,
} from './quantization.ts';
import { BinaryCodes } from './binary-codes.ts';
import { readVec0Rows, vec0RowCount, type Vec0ReadPath } from './vec0-rows.ts';
import { LOAD_SLICE_BYTES, loadMatrix, MatrixLoad, type MatrixKind, type MatrixSource, type VectorMatrix } from './vector-matrix.ts';
import { MAXIMUM_CANDIDATES, defaultOversampling, keepsFloat32, storedDimensions, type StorageOption } from './storage-option.ts';

/** How a calibrated quantized space makes codes. */
export interface Quantizer {
  /** Binary: each bit says whether its dimension is above this threshold (binaryThresholds). */
  thresholds: Float32Array | undefined;
  /** int8 codes: the searched ones, or binary's rescoring vectors. */
  int8: Int8Quantizer | undefined;
  /** How many vectors the calibration looked at. */
  sampleSize: number;
  createdAt: number;
}

/** The fields of a space this file needs. */
export interface SpaceShape {
  id: string;
  tableName: string;
  storage: StorageOption;
  /** The model's dimensions (what callers pass in). */
  dimensions: number;
}

/** A neighbour by row id (the embeddings tag id), with its cosine similarity. */
export interface RowNeighbour {
  id: number;
  similarity: number;
}

function quote(name: string): string {
  return `"${name}"`;
}

/** A space's vectors held in memory for searches (vector-matrix.ts). */
export interface ResidentVectors {
  rows: number;
  /** Memory held: the rows (padded, with room to grow) and the per-row arrays. */
  bytes: number;
  /** Whether they were read from vec0's shadow tables (fast), through the virtual table, or from a plain table (binary's rescoring vectors). */
  path: Vec0ReadPath | 'table';
  /** How long reading them took. */
  milliseconds: number;
  /** Whether the scans run as WebAssembly SIMD. */
  simd: boolean;
  /** What read them: the first search that needed them, or a warm-up ahead of it (`VectorStore.warmVectors`). */
  loadedBy: 'search' | 'warm-up';
}

/**
 * One step of a warm-up (`SpaceVectors.warmStep`): 'held' (nothing to read: already held, or not held in memory
 * at all), 'started' (a load began, or began again: room made for the rows), 'loading' (one more slice read),
 * 'loaded' (the last slice read: held now).
 */
export type WarmStep = 'held' | 'started' | 'loading' | 'loaded';

/** The vector tables of one space on one connection, with the statements prepared once. */
export class SpaceVectors {
  readonly space: SpaceShape;
  readonly storage: StorageOption;
  /** Dimensions of the stored vectors. */
  readonly dimensions: number;
  readonly quantizer: Quantizer | undefined;
  private readonly database: Database;
  private readonly statements = new Map<string, Statement<unknown[]>>();
  /** A binary space's codes in memory, and the database's data_version when they were read. */
  private memory: { codes: BinaryCodes; dataVersion: number } | undefined;
  /**
   * What a calibrated space's searches read held in memory (vector-matrix.ts): a float32 space's vectors, an int8
   * space's codes, a binary space's rescoring vectors; and the data_version when they were read.
   */
  private resident: { matrix: VectorMatrix; dataVersion: number; path: Vec0ReadPath | 'table'; milliseconds: number; loadedBy: ResidentVectors['loadedBy'] } | undefined;
  /**
   * A load of the same in slices under way (warmStep), at the data_version it started at; `milliseconds` sums the
   * time its steps took (not the waits between them). Never both this and a current `resident`.
   */
  private warming: { load: MatrixLoad; dataVersion: number; milliseconds: number } | undefined;
  /** Which space of the connection holds its vectors in memory; undefined: none, sqlite-vec searches the tables. */
  private readonly residency: MatrixResidency | undefined;
  /** The data_version at which the vectors were found too large to hold in memory. */
  private oversized: number | undefined;

  constructor(database: Database, space: SpaceShape, quantizer: Quantizer | undefined, residency?: MatrixResidency) {
    this.database = database;
    this.space = space;
    this.storage = space.storage;
    this.dimensions = storedDimensions(space.storage, space.dimensions);
    this.quantizer = quantizer;
    this.residency = residency;
  }

  /** Table names (all but the vec0 table are absent for float32). */
  static tables(space: Pick<SpaceShape, 'id' | 'tableName'>): { vectors: string; staging: string; rescore: string } {
    return { vectors: space.tableName, staging: `staging_${space.id}`, rescore: `rescore_${space.id}` };
  }

  /** Creates the space's tables. Call inside the transaction that records the space. */
  static create(database: Database, space: SpaceShape): void {
    const { vectors, staging, rescore } = SpaceVectors.tables(space);
    const dimensions = storedDimensions(space.storage, space.dimensions);
    // sqlite-vec stores bits in whole bytes: a dimension count that is not a multiple of 8 gets zero padding bits, the same in every code.
    const column = space.storage.kind === 'int8' ? `int8[${dimensions}]` : space.storage.kind === 'binary' ? `bit[${binaryCodeBytes(dimensions) * 8}]` : `float[${dimensions}] distance_metric=cosine`;
    database.exec(`CREATE VIRTUAL TABLE ${quote(vectors)} USING vec0(embedding ${column})`);
    if (space.storage.kind === 'float32') return;
    database.exec(`CREATE VIRTUAL TABLE ${quote(staging)} USING vec0(embedding float[${dimensions}] distance_metric=cosine)`);
    if (space.storage.kind === 'binary') database.exec(`CREATE TABLE ${quote(rescore)} (id INTEGER PRIMARY KEY, vector BLOB NOT NULL) STRICT`);
  }

  /** Drops the space's tables. Call inside a transaction. */
  static drop(database: Database, space: Pick<SpaceShape, 'id' | 'tableName'>): void {
    const { vectors, staging, rescore } = SpaceVectors.tables(space);
    database.exec(`DROP TABLE IF EXISTS ${quote(vectors)}; DROP TABLE IF EXISTS ${quote(staging)}; DROP TABLE IF EXISTS ${quote(rescore)};`);
  }

  /** Whether vectors go to codes (true) or still to the float32 staging table. */
  get quantized(): boolean {
    return this.storage.kind !== 'float32' && this.quantizer !== undefined;
  }

  /** Whether `vectors()` returns the exact float32 vectors (what derivation needs). */
  get holdsFloat32(): boolean {
    return this.storage.kind === 'float32' || !this.quantized || keepsFloat32(this.storage);
  }

  /** A vector of the model's (or already the stored) dimensions, truncated and normalised as the space stores it. */
  prepare(vector: Float32Array): Float32Array {
    if (vector.length === this.dimensions) return this.storage.dimensions === undefined ? vector : truncateAndNormalize(vector, this.dimensions);
    return truncateAndNormalize(vector, this.dimensions);
  }

  private statement(key: string, sql: string): Statement<unknown[]> {
    let statement = this.statements.get(key);
    if (!statement) {
      statement = this.database.prepare(sql);
      this.statements.set(key, statement);
    }
    return statement;
  }

  /** Stores a prepared vector under a row id. */
  insert(id: bigint, vector: Float32Array): void {
    const { vectors, staging, rescore } = SpaceVectors.tables(this.space);
    if (this.storage.kind === 'float32') {
      const bytes = float32Bytes(vector);
      this.statement('insert', `INSERT INTO ${quote(vectors)} (rowid, embedding) VALUES (?, ?)`).run(id, bytes);
      this.addResident(id, bytes);
    } else if (!this.quantizer) {
      this.statement('insert-staging', `INSERT INTO ${quote(staging)} (rowid, embedding) VALUES (?, ?)`).run(id, float32Bytes(vector));
    } else if (this.storage.kind === 'int8') {
      const codes = quantizeInt8(vector, this.quantizer.int8!);
      const bytes = Buffer.from(codes.buffer, codes.byteOffset, codes.byteLength);
      this.statement('insert-int8', `INSERT INTO ${quote(vectors)} (rowid, embedding) VALUES (?, vec_int8(?))`).run(id, bytes);
      this.addResident(id, bytes);
    } else {
      const bits = binaryCode(vector, this.quantizer.thresholds!);
      this.statement('insert-bits', `INSERT INTO ${quote(vectors)} (rowid, embedding) VALUES (?, vec_bit(?))`).run(id, Buffer.from(bits.buffer, bits.byteOffset, bits.byteLength));
      if (this.memory && !this.memory.codes.add(Number(id), bits)) this.memory = undefined;
      const rescoring = this.storage.rescore === 'int8' ? Buffer.from(quantizeInt8(vector, this.quantizer.int8!).buffer) : float32Bytes(vector);
      this.statement('insert-rescore', `INSERT INTO ${quote(rescore)} (id, vector) VALUES (?, ?)`).run(id, rescoring);
      this.addResident(id, rescoring);
    }
  }

  /** Removes a row id from every table of the space. */
  delete(id: bigint): void {
    const { vectors, staging, rescore } = SpaceVectors.tables(this.space);
    this.statement('delete', `DELETE FROM ${quote(vectors)} WHERE rowid = ?`).run(id);
    this.resident?.matrix.remove(Number(id));
    this.warming?.load.deleted(Number(id));
    if (this.storage.kind === 'float32') return;
    this.statement('delete-staging', `DELETE FROM ${quote(staging)} WHERE rowid = ?`).run(id);
    if (this.storage.kind === 'binary') this.statement('delete-rescore', `DELETE FROM ${quote(rescore)} WHERE id = ?`).run(id);
    this.memory?.codes.remove(Number(id));
  }

  /** SQLite's data_version: it moves when another connection commits, never for this one's own writes. */
  private dataVersion(): number {
    let statement = this.statements.get('data-version');
    if (!statement) {
      statement = this.database.prepare('PRAGMA data_version').pluck();
      this.statements.set('data-version', statement);
    }
    return statement.get() as number;
  }

  /** Where the vectors searches read in memory come from, and what they are. */
  private matrixSource(): [MatrixSource, MatrixKind] {
    const { vectors, rescore } = SpaceVectors.tables(this.space);
    // float32 and int8 spaces hold what they search; binary ones, whose codes are in `memory`, their rescoring vectors.
    return this.storage.kind === 'binary' ? [{ table: rescore, layout: 'plain' }, this.storage.rescore === 'int8' ? 'int8' : 'float32'] : [{ table: vectors, layout: 'vec0' }, this.storage.kind];
  }

  /**
   * The vectors table in memory (float32 and calibrated int8 spaces): read on first use, and again when another
   * connection has written since (its data_version moved); this connection's own writes are applied as they
   * happen, and a rollback drops the tables (SpaceStore). One space per connection holds its vectors at a time
   * (MatrixResidency), so memory stays that of the space being searched. A warm-up under way (warmStep) is finished
   * here, so a search never reads a part of the vectors.
   */
  private matrix(): VectorMatrix | undefined {
    if (!this.residency) return undefined;
    const dataVersion = this.dataVersion();
    if (this.resident && this.resident.dataVersion === dataVersion) return this.resident.matrix;
    if (this.oversized === dataVersion) return undefined;
    if (this.warming?.dataVersion === dataVersion) {
      // The rest of the warm-up's slices, now: what it read is still current.
      let step: WarmStep;
      do step = this.warmStep(dataVersion);
      while (step === 'loading' || step === 'started');
      return this.resident?.dataVersion === dataVersion ? this.resident.matrix : undefined;
    }
    return this.loadWhole(dataVersion, 'search');
  }

  /** Reads the whole vectors table into memory in one snapshot (reusing the memory held or being loaded). */
  private loadWhole(dataVersion: number, loadedBy: ResidentVectors['loadedBy']): VectorMatrix | undefined {
    if (!this.residency) return undefined;
    const started = performance.now();
    const [source, kind] = this.matrixSource();
    // Another connection's write: read again into the same memory (already paged in, so about half the cost).
    const loaded = loadMatrix(this.database, source, kind, this.dimensions, this.resident?.matrix ?? this.warming?.load.matrix);
    this.warming = undefined;
    if (!loaded) {
      // Too large to hold (MATRIX_BYTE_LIMIT): searched from the database until it changes.
      this.release();
      this.oversized = dataVersion;
      return undefined;
    }
    this.oversized = undefined;
    this.residency.claim(this);
    this.resident = { ...loaded, dataVersion, milliseconds: performance.now() - started, loadedBy };
    return loaded.matrix;
  }

  /**
   * Reads one slice of the vectors searches read into memory, ahead of the first search (VectorStore.warmVectors
   * calls it between turns of the event loop). Starts again when another connection has committed since the last
   * slice; this connection's own writes in between are handed to the load (insert, delete), and a rollback drops
   * it with the tables. Binary codes are read in one go with the last slice (a sixteenth of the bytes or less).
   */
  warmStep(dataVersion = this.dataVersion(), sliceBytes = LOAD_SLICE_BYTES): WarmStep {
    // Nothing to hold: searched by sqlite-vec (vectors not in memory, or staged until calibration), or too large.
    if (!this.residency || (this.storage.kind !== 'float32' && !this.quantizer)) return 'held';
    if (this.resident?.dataVersion === dataVersion) {
      if (this.storage.kind === 'binary') this.codesInMemory();
      return 'held';
    }
    if (this.oversized === dataVersion) return 'held';
    const started = performance.now();
    if (this.warming?.dataVersion !== dataVersion) {
      const [source, kind] = this.matrixSource();
      const load = MatrixLoad.start(this.database, source, kind, this.dimensions, this.warming?.load.matrix ?? this.resident?.matrix);
      this.warming = undefined;
      this.resident = undefined;
      if (!load) {
        this.oversized = dataVersion;
        return 'held';
      }
      // Claimed now, not when loaded: the previous holder's memory goes before this one fills.
      this.residency.claim(this);
      this.warming = { load, dataVersion, milliseconds: performance.now() - started };
      // Counting the rows and making room for them is a step of its own: the first slice costs the most.
      return 'started';
    }
    const warming = this.warming!;
    let step: ReturnType<MatrixLoad['step']>;
    try {
      step = warming.load.step(sliceBytes);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      // Grown past MATRIX_BYTE_LIMIT by writes since the load began.
      this.release();
      this.oversized = dataVersion;
      return 'held';
    }
    warming.milliseconds += performance.now() - started;
    if (step === 'unreadable') {
      // vec0's shadow tables not as expected: read through the virtual table in one go, as a search would.
      this.loadWhole(dataVersion, 'warm-up');
      if (this.storage.kind === 'binary') this.codesInMemory();
      return 'loaded';
    }
    if (step === 'more') return 'loading';
    this.warming = undefined;
    this.oversized = undefined;
    this.resident = { matrix: warming.load.matrix, dataVersion, path: warming.load.path, milliseconds: warming.milliseconds, loadedBy: 'warm-up' };
    if (this.storage.kind === 'binary') this.codesInMemory();
    return 'loaded';
  }

  /** Adds a written row to the vectors held in memory (or being loaded); one that cannot be added (an id out of order, no room) drops them, to be read again. */
  private addResident(id: bigint, bytes: Uint8Array): void {
    if (this.warming) {
      let handed = false;
      try {
        handed = this.warming.load.inserted(Number(id), bytes);
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
      }
      if (!handed) this.warming = undefined;
    }
    if (!this.resident) return;
    let added = false;
    try {
      added = this.resident.matrix.add(Number(id), bytes);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
    }
    if (!added) this.release();
  }

  /** Forgets the vectors held in memory and any load of them under way (they are read again on the next search). */
  release(): void {
    this.resident = undefined;
    this.warming = undefined;
  }

  /** What is held in memory for searches: the matrix's rows and bytes, how it was read and how long that took. */
  residentVectors(): ResidentVectors | undefined {
    const resident = this.resident;
    return resident && { rows: resident.matrix.size, bytes: resident.matrix.bytes, path: resident.path, milliseconds: resident.milliseconds, simd: resident.matrix.simd, loadedBy: resident.loadedBy };
  }

  /**
   * The binary codes in memory: read from the vec0 table on first use, and again when another
   * connection has written since (SQLite's data_version moves only for other connections' commits;
   * this connection's own writes are applied as they happen).
   */
  private codesInMemory(): BinaryCodes {
    const dataVersion = this.dataVersion();
    if (this.memory && this.memory.dataVersion === dataVersion) return this.memory.codes;
    const { vectors } = SpaceVectors.tables(this.space);
    const codeBytes = binaryCodeBytes(this.dimensions);
    // One snapshot; the codes straight from vec0's shadow tables where their layout is the expected one (vec0-rows.ts).
    const codes = this.database.transaction(() => {
      let read = new BinaryCodes(this.dimensions, Math.max(1024, vec0RowCount(this.database, vectors)));
      let ordered = true;
      readVec0Rows(this.database, vectors, codeBytes, (id, code) => {
        if (ordered && !read.add(id, code)) ordered = false;
      });
      if (!ordered) {
        // vec0 keeps rows in the order they were stored, which is id order unless ids were reused.
        const all: { id: number; code: Uint8Array }[] = [];
        readVec0Rows(this.database, vectors, codeBytes, (id, code) => all.push({ id, code: code.slice() }));
        read = new BinaryCodes(this.dimensions, Math.max(1024, all.length));
        for (const row of all.sort((a, b) => a.id - b.id)) read.add(row.id, row.code);
      }
      return read;
    }).deferred();
    this.memory = { codes, dataVersion };
    return codes;
  }

  /** Rows stored (codes and staged vectors). */
  count(): number {
    const { vectors, staging } = SpaceVectors.tables(this.space);
    const rows = (table: string) => (this.database.prepare(`SELECT COUNT(*) AS n FROM ${quote(table)}`).get() as { n: number }).n;
    return rows(vectors) + (this.storage.kind === 'float32' ? 0 : rows(staging));
  }

  /** Problems with the space's own tables (a binary code without its rescoring vector, staged rows after calibration). */
  integrityProblems(): string[] {
    const problems: string[] = [];
    if (this.storage.kind === 'float32') return problems;
    const { vectors, staging, rescore } = SpaceVectors.tables(this.space);
    const rows = (table: string) => (this.database.prepare(`SELECT COUNT(*) AS n FROM ${quote(table)}`).get() as { n: number }).n;
    if (this.quantizer && rows(staging) > 0) problems.push(`space ${this.space.id}: ${rows(staging)} vectors still staged after calibration`);
    if (!this.quantizer && rows(vectors) > 0) problems.push(`space ${this.space.id}: ${rows(vectors)} codes without a calibration`);
    if (this.storage.kind === 'binary' && rows(vectors) !== rows(rescore)) problems.push(`space ${this.space.id}: ${rows(vectors)} binary codes but ${rows(rescore)} rescoring vectors`);
    return problems;
  }

  /** Row ids of every stored vector, for integrity checks. */
  rowIds(): number[] {
    const { vectors, staging } = SpaceVectors.tables(this.space);
    const ids = (this.database.prepare(`SELECT rowid AS id FROM ${quote(vectors)}`).all() as { id: number }[]).map((row) => row.id);
    if (this.storage.kind !== 'float32') ids.push(...(this.database.prepare(`SELECT rowid AS id FROM ${quote(staging)}`).all() as { id: number }[]).map((row) => row.id));
    return ids;
  }

  /**
   * The stored vectors of some row ids as float32 at the stored dimensions: exact for float32, staged
   * and binary-with-float32 spaces, the dequantized codes otherwise. Missing ids are left out.
   */
  vectors(ids: readonly number[]): Map<number, Float32Array> {
    const { vectors, staging, rescore } = SpaceVectors.tables(this.space);
    const result = new Map<number, Float32Array>();
    let read: (id: bigint) => Float32Array | undefined;
    if (this.storage.kind === 'float32' || !this.quantizer) {
      const statement = this.statement('read-float', `SELECT embedding FROM ${quote(this.storage.kind === 'float32' ? vectors : staging)} WHERE rowid = ?`);
      read = (id) => {
        const row = statement.get(id) as { embedding: Buffer } | undefined;
        return row ? float32FromBytes(row.embedding) : undefined;
      };
    } else if (this.storage.kind === 'int8') {
      const statement = this.statement('read-int8', `SELECT embedding AS vector FROM ${quote(vectors)} WHERE rowid = ?`);
      read = (id) => {
        const row = statement.get(id) as { vector: Buffer } | undefined;
        return row ? dequantizeInt8(int8FromBytes(row.vector), this.quantizer!.int8!) : undefined;
      };
    } else {
      const statement = this.statement('read-rescore', `SELECT vector FROM ${quote(rescore)} WHERE id = ?`);
      read = (id) => {
        const row = statement.get(id) as { vector: Buffer } | undefined;
        if (!row) return undefined;
        return this.storage.rescore === 'int8' ? dequantizeInt8(int8FromBytes(row.vector), this.quantizer!.int8!) : float32FromBytes(row.vector);
      };
    }
    for (const id of ids) {
      const vector = read(BigInt(id));
      if (vector) result.set(id, vector);
    }
    return result;
  }

  /**
   * The k nearest rows to a prepared query, by cosine similarity. float32 and staged spaces are
   * searched exactly; int8 and binary take k × oversampling candidates from their codes and rescore
   * them, so every similarity returned is a cosine comparable to float32's.
   */
  nearest(query: Float32Array, k: number, oversampling?: number): RowNeighbour[] {
    const { vectors, staging } = SpaceVectors.tables(this.space);
    const limit = Math.min(k, MAXIMUM_CANDIDATES);
    if (this.storage.kind === 'float32' || !this.quantizer) {
      const resident = this.storage.kind === 'float32' ? this.matrix() : undefined;
      if (resident) return resident.nearestByCosine(query, limit);
      // Staged vectors (waiting for calibration during a first index run) and stores without vectors in memory.
      const table = this.storage.kind === 'float32' ? vectors : staging;
      const rows = this.statement('knn-float', `SELECT rowid AS id, distance FROM ${quote(table)} WHERE embedding MATCH ? AND k = ? ORDER BY distance`).all(float32Bytes(query), limit) as { id: number; distance: number }[];
      return rows.map((row) => ({ id: row.id, similarity: 1 - row.distance }));
    }
    const factor = oversampling ?? defaultOversampling(this.storage.kind, this.storage.kind === 'binary' ? this.codesInMemory().size : 0);
    const candidates = Math.min(MAXIMUM_CANDIDATES, Math.max(limit, limit * factor));
    const scored = this.rescoreRows(query, this.firstStage(query, candidates));
    // Ties keep the first stage's order, so equal vectors come back in a stable order.
    return scored
      .map((entry, position) => ({ entry, position }))
      .sort((a, b) => b.entry.similarity - a.entry.similarity || a.position - b.position)
      .slice(0, limit)
      .map(({ entry }) => entry);
  }

  /**
   * The first stage of a calibrated int8 or binary space: the `candidates` rows nearest to the query
   * by the codes' own distance (L2 between int8 codes, Hamming between sign bits), nearest first.
   */
  firstStage(query: Float32Array, candidates: number): { id: number; distance: number; codes?: Uint8Array }[] {
    if (!this.quantized) throw new RangeError(`Space ${this.space.id} has no codes to search (float32, or not calibrated yet).`);
    const limit = Math.min(candidates, MAXIMUM_CANDIDATES);
    if (this.storage.kind === 'int8') {
      // The codes come with the neighbours, for rescoring (reading them again by rowid from vec0 costs far more).
      const codes = quantizeInt8(query, this.quantizer!.int8!);
      const resident = this.matrix();
      if (resident) return resident.nearestByDistance(codes, limit);
      const { vectors } = SpaceVectors.tables(this.space);
      return this.statement('knn-int8', `SELECT rowid AS id, distance, embedding AS codes FROM ${quote(vectors)} WHERE embedding MATCH vec_int8(?) AND k = ? ORDER BY distance`).all(Buffer.from(codes.buffer), limit) as { id: number; distance: number; codes: Buffer }[];
    }
    return this.codesInMemory().nearest(binaryCode(query, this.quantizer!.thresholds!), limit);
  }

  /** Cosine similarities of a query and some rows of a calibrated space, from the rescoring vectors (int8 codes for int8 spaces). */
  rescoreRows(query: Float32Array, rows: readonly { id: number; codes?: Uint8Array }[]): RowNeighbour[] {
    const { vectors, rescore } = SpaceVectors.tables(this.space);
    const int8 = this.storage.kind === 'int8' || this.storage.rescore === 'int8' ? this.quantizer!.int8! : undefined;
    // A binary space's rescoring vectors held in memory: scored where they are, as they would be read.
    const resident = this.storage.kind === 'binary' ? this.matrix() : undefined;
    if (resident) {
      const ids = rows.map((row) => row.id);
      const similarities = int8 ? resident.scoreCodes(ids, (codes) => int8CosineSimilarity(query, codes, int8)) : resident.cosines(query, ids);
      return rows.flatMap((row, index) => (Number.isNaN(similarities[index]) ? [] : [{ id: row.id, similarity: similarities[index]! }]));
    }
    const stored = new Map<number, Uint8Array>();
    for (const row of rows) if (row.codes) stored.set(row.id, row.codes);
    const missing = rows.filter((row) => !stored.has(row.id)).map((row) => row.id);
    if (missing.length > 0) {
      // One statement for all candidates: half the time of one lookup each.
      const read = this.storage.kind === 'int8'
        ? this.statement('read-int8-many', `SELECT rowid AS id, embedding AS vector FROM ${quote(vectors)} WHERE rowid IN (SELECT value FROM json_each(?))`)
        : this.statement('read-rescore-many', `SELECT id, vector FROM ${quote(rescore)} WHERE id IN (SELECT value FROM json_each(?))`);
      for (const row of read.all(JSON.stringify(missing)) as { id: number; vector: Buffer }[]) stored.set(row.id, row.vector);
    }
    const scored: RowNeighbour[] = [];
    for (const row of rows) {
      const bytes = stored.get(row.id);
      if (!bytes) continue;
      scored.push({ id: row.id, similarity: int8 ? int8CosineSimilarity(query, int8FromBytes(bytes), int8) : cosineSimilarity(query, float32FromBytes(bytes)) });
    }
    return scored;
  }

  /** Staged row ids and vectors, in id order, `limit` at a time after `afterId`. */
  stagedBatch(afterId: number, limit: number): { id: number; vector: Float32Array }[] {
    const { staging } = SpaceVectors.tables(this.space);
    return (this.database.prepare(`SELECT rowid AS id, embedding FROM ${quote(staging)} WHERE rowid > ? ORDER BY rowid LIMIT ?`).all(BigInt(afterId), limit) as { id: number; embedding: Buffer }[]).map((row) => ({
      id: row.id,
      vector: float32FromBytes(row.embedding),
    }));
  }

  /** Removes a staged row (after its codes were written). */
  unstage(id: bigint): void {
    const { staging } = SpaceVectors.tables(this.space);
    this.statement('unstage', `DELETE FROM ${quote(staging)} WHERE rowid = ?`).run(id);
  }
}

/** Calibrates a quantizer for a storage option on a sample of prepared vectors. */
export function calibrateQuantizer(storage: StorageOption, sample: readonly Float32Array[], dimensions: number): Quantizer {
  const needsInt8 = storage.kind === 'int8' || (storage.kind === 'binary' && storage.rescore === 'int8');
  return {
    thresholds: storage.kind === 'binary' ? binaryThresholds(meanVector(sample, dimensions)) : undefined,
    int8: needsInt8 ? calibrateInt8(sample, dimensions) : undefined,
    sampleSize: sample.length,
    createdAt: Date.now(),
  };
}

/**
 * Which space of a connection holds its vectors in memory: one at a time, so comparing storage options or
 * searching during a migration never keeps several spaces' vectors (each as large as the space on disk).
 */
export class MatrixResidency {
  private holder: SpaceVectors | undefined;

  /** Makes `tables` the holder, releasing the previous one's vectors. */
  claim(tables: SpaceVectors): void {
    if (this.holder !== tables) this.holder?.release();
    this.holder = tables;
  }

  /** Releases whatever is held (a rolled-back transaction, a dropped space). */
  releaseAll(): void {
    this.holder?.release();
    this.holder = undefined;
  }
}
