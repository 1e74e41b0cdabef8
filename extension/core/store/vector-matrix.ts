// The stored vectors of one space held in memory as one matrix, row after row, for searches that look at every
// vector: exact cosine search over float32 rows and the int8 first stage (squared distance between codes). The
// rows keep the stored representation (float32 or int8 codes, truncated dimensions as stored), so memory is what
// the vectors take on disk: 100k × 256 float32 is 100 MB, as int8 25 MB. The vec0 table stays the stored copy;
// space-vectors.ts loads this from it on a space's first search and keeps it in step with the connection's writes.
//
// The rows live in a WebAssembly memory so the scans (vector-kernels.ts) read them in place. Ids ascend with the
// position, as SQLite hands out row ids, so a removal finds its row by binary search; a removed row is marked and
// skipped until a compaction closes the gaps.
import type { Database } from 'better-sqlite3';
import { livePosition } from './binary-codes.ts';
import { readVec0Rows, readVec0RowsAfter, vec0RowCount, type Vec0ReadPath } from './vec0-rows.ts';
import { createRowMemory, PAGE_BYTES, ROW_ALIGNMENT, rowKernels, type RowKernels, type RowMemory } from './vector-kernels.ts';

export type MatrixKind = 'float32' | 'int8';

const roundUp = (value: number, step: number) => Math.ceil(value / step) * step;

/**
 * The most memory one matrix may take: a WebAssembly memory ends at 4 GiB, and a search process should not hold
 * more than this for one space. Past it (1M × 512 float32 is 2 GB) the space is searched from the database.
 */
export const MATRIX_BYTE_LIMIT = 2 * 1024 ** 3;

/** A row by cosine similarity. */
export interface SimilarRow {
  id: number;
  similarity: number;
}

/** A row by distance between int8 codes, with its codes (a view into the matrix, valid until the next write). */
export interface NearRow {
  id: number;
  /** Euclidean distance between the codes, as sqlite-vec gives it (a float32). */
  distance: number;
  codes: Uint8Array;
}

/** Σ values[i]² over `count` values from `start`: a small function of its own, so V8 optimizes it early in a load. */
function sumOfSquares(values: Float32Array, start: number, count: number): number {
  let sum = 0;
  for (let index = start, end = start + count; index < end; index++) sum += values[index]! * values[index]!;
  return sum;
}

/**
 * The positions of the best `k` scores (higher first; equal scores: lower position first), skipping -Infinity
 * (removed rows): one pass with a bounded heap whose root is the worst kept. Positions are visited in ascending
 * order, so a score equal to the root's comes later than it and is worse: only a higher score gets in.
 */
function bestPositions(scores: Float64Array, length: number, k: number): Int32Array {
  const size = Math.min(k, length);
  const heapScores = new Float64Array(size);
  const heapPositions = new Int32Array(size);
  let filled = 0;
  // Whether the entry at heap index a is worse than the one at b: a lower score, or the same score further down.
  const worse = (a: number, b: number) => heapScores[a]! < heapScores[b]! || (heapScores[a] === heapScores[b] && heapPositions[a]! > heapPositions[b]!);
  const swap = (a: number, b: number) => {
    const score = heapScores[a]!;
    heapScores[a] = heapScores[b]!;
    heapScores[b] = score;
    const position = heapPositions[a]!;
    heapPositions[a] = heapPositions[b]!;
    heapPositions[b] = position;
  };
  for (let position = 0; position < length && size > 0; position++) {
    const value = scores[position]!;
    if (value === -Infinity) continue;
    if (filled < size) {
      let child = filled++;
      heapScores[child] = value;
      heapPositions[child] = position;
      while (child > 0 && worse(child, (child - 1) >> 1)) {
        swap(child, (child - 1) >> 1);
        child = (child - 1) >> 1;
      }
    } else if (value > heapScores[0]!) {
      heapScores[0] = value;
      heapPositions[0] = position;
      for (let parent = 0; ; ) {
        const left = parent * 2 + 1;
        if (left >= filled) break;
        const child = left + 1 < filled && worse(left + 1, left) ? left + 1 : left;
        if (!worse(child, parent)) break;
        swap(child, parent);
        parent = child;
      }
    }
  }
  const order = Array.from({ length: filled }, (_, index) => index).sort((a, b) => heapScores[b]! - heapScores[a]! || heapPositions[a]! - heapPositions[b]!);
  return Int32Array.from(order, (index) => heapPositions[index]!);
}

/** The vectors of one space in memory: float32 rows or int8 codes, by ascending row id. */
export class VectorMatrix {
  readonly kind: MatrixKind;
  readonly dimensions: number;
  /** Bytes per row: the stored vector, zero-padded to what the scans step by. */
  readonly rowBytes: number;
  /** Where the rows start: the query sits before them. */
  private readonly rowsStart: number;
  private readonly memory: RowMemory;
  private readonly kernels: RowKernels;
  private capacity = 0;
  private length = 0;
  private removed = 0;
  private ids = new Float64Array(0);
  private alive = new Uint8Array(0);
  /** float32 rows: the sum of the row's squares (its length squared), summed as `cosineSimilarity` sums it. */
  private squares = new Float64Array(0);
  /** Each row's score in the last search (-Infinity for removed rows), kept to spare an allocation per search. */
  private scores = new Float64Array(0);
  /** Views of the whole memory, made again when it grows (its buffer is replaced then). */
  private byteView = new Uint8Array(0);
  private floatView = new Float32Array(0);

  /** The most bytes this matrix may grow to (MATRIX_BYTE_LIMIT unless a test says otherwise). */
  private readonly byteLimit: number;

  constructor(kind: MatrixKind, dimensions: number, capacity = 1024, options: { simd?: boolean; byteLimit?: number } = {}) {
    this.kind = kind;
    this.byteLimit = options.byteLimit ?? MATRIX_BYTE_LIMIT;
    this.dimensions = dimensions;
    this.rowBytes = roundUp(kind === 'float32' ? dimensions * 4 : dimensions, ROW_ALIGNMENT[kind]);
    this.rowsStart = roundUp(this.rowBytes, 64);
    this.memory = createRowMemory();
    this.kernels = rowKernels(this.memory, options);
    this.grow(Math.max(16, capacity));
  }

  /** Rows held (removed ones excluded). */
  get size(): number {
    return this.length - this.removed;
  }

  /** Bytes of memory held: the WebAssembly memory and the per-row arrays. */
  get bytes(): number {
    return this.memory.buffer.byteLength + this.ids.byteLength + this.alive.byteLength + this.squares.byteLength + this.scores.byteLength;
  }

  /** Whether the scans run as WebAssembly SIMD. */
  get simd(): boolean {
    return this.kernels.simd;
  }

  /** Drops every row, keeping the memory (already paged in: writing fresh memory costs as much as reading the rows). */
  clear(capacity: number): void {
    this.length = 0;
    this.removed = 0;
    this.alive.fill(0);
    if (capacity > this.capacity) this.grow(capacity);
  }

  /** Where the scans write their results: after the last row the capacity allows. */
  private get outStart(): number {
    return this.rowsStart + this.capacity * this.rowBytes;
  }

  /** The bytes of memory `capacity` rows need (rows, the query before them, the scan's results after them). */
  static memoryBytes(kind: MatrixKind, dimensions: number, capacity: number): number {
    const rowBytes = roundUp(kind === 'float32' ? dimensions * 4 : dimensions, ROW_ALIGNMENT[kind]);
    return roundUp(rowBytes, 64) + capacity * (rowBytes + 4);
  }

  private grow(capacity: number): void {
    const bytes = VectorMatrix.memoryBytes(this.kind, this.dimensions, capacity);
    if (bytes > this.byteLimit) throw new RangeError(`${capacity} rows of ${this.rowBytes} bytes would take more than ${this.byteLimit} bytes.`);
    const needed = Math.ceil(bytes / PAGE_BYTES);
    const pages = this.memory.buffer.byteLength / PAGE_BYTES;
    if (needed > pages) this.memory.grow(needed - pages);
    this.byteView = new Uint8Array(this.memory.buffer);
    this.floatView = new Float32Array(this.memory.buffer);
    const ids = new Float64Array(capacity);
    ids.set(this.ids.subarray(0, this.length));
    const alive = new Uint8Array(capacity);
    alive.set(this.alive.subarray(0, this.length));
    const squares = new Float64Array(capacity);
    squares.set(this.squares.subarray(0, this.length));
    this.scores = new Float64Array(capacity);
    this.ids = ids;
    this.alive = alive;
    this.squares = squares;
    this.capacity = capacity;
  }

  /** The bytes of the row at a position (a view, valid until the next write). */
  private rowAt(position: number, length = this.rowBytes): Uint8Array {
    return new Uint8Array(this.memory.buffer, this.rowsStart + position * this.rowBytes, length);
  }

  /**
   * Adds a row: the stored bytes of one vector (float32 values, or int8 codes). Ids must come in ascending order
   * (SQLite gives a new row the largest id); returns false, adding nothing, for an id below the last one, so the
   * caller can load the matrix again instead.
   */
  add(id: number, stored: Uint8Array): boolean {
    const storedBytes = this.kind === 'float32' ? this.dimensions * 4 : this.dimensions;
    if (stored.byteLength !== storedBytes) throw new RangeError(`A row of ${stored.byteLength} bytes does not fit a ${this.kind} matrix of ${this.dimensions} dimensions.`);
    if (this.length > 0 && id < this.ids[this.length - 1]!) return false;
    // A quarter more at a time: the memory never shrinks, and a large space grows by a few rows at a time.
    if (this.length === this.capacity) this.grow(Math.ceil(this.capacity * 1.25) + 1024);
    // The padding after the stored bytes is zero: memory starts zeroed, and rows only ever move whole.
    const offset = this.rowsStart + this.length * this.rowBytes;
    this.byteView.set(stored, offset);
    if (this.kind === 'float32') {
      this.squares[this.length] = sumOfSquares(this.floatView, offset >> 2, this.dimensions);
    }
    this.ids[this.length] = id;
    this.alive[this.length] = 1;
    this.length += 1;
    return true;
  }

  /** The position of an id's live row, if any. */
  private positionOf(id: number): number | undefined {
    return livePosition(this.ids, this.alive, this.length, id);
  }

  /** Removes the live row of an id, if any. */
  remove(id: number): boolean {
    const position = this.positionOf(id);
    if (position === undefined) return false;
    this.alive[position] = 0;
    this.removed += 1;
    if (this.removed > 1024 && this.removed * 4 > this.length) this.compact();
    return true;
  }

  /**
   * The cosine of the query and each id's float32 row, summed exactly as `cosineSimilarity` sums it (so equal to it
   * bit for bit); NaN for an id not held. For rescoring a few thousand candidates.
   */
  cosines(query: Float32Array, ids: readonly number[]): Float64Array {
    if (this.kind !== 'float32') throw new TypeError('Cosines need float32 rows.');
    let querySquares = 0;
    for (let index = 0; index < this.dimensions; index++) querySquares += query[index]! * query[index]!;
    const values = this.floatView;
    return Float64Array.from(ids, (id) => {
      const position = this.positionOf(id);
      if (position === undefined) return Number.NaN;
      let product = 0;
      for (let index = 0, offset = (this.rowsStart + position * this.rowBytes) >> 2; index < this.dimensions; index++) product += query[index]! * values[offset + index]!;
      const rowSquares = this.squares[position]!;
      return querySquares > 0 && rowSquares > 0 ? product / Math.sqrt(querySquares * rowSquares) : 0;
    });
  }

  /**
   * Each id's int8 row scored by `score` (given the row's codes as a view), NaN for an id not held: rescoring
   * against codes, e.g. with `int8CosineSimilarity`.
   */
  scoreCodes(ids: readonly number[], score: (codes: Int8Array) => number): Float64Array {
    if (this.kind !== 'int8') throw new TypeError('Codes need int8 rows.');
    return Float64Array.from(ids, (id) => {
      const position = this.positionOf(id);
      return position === undefined ? Number.NaN : score(new Int8Array(this.memory.buffer, this.rowsStart + position * this.rowBytes, this.dimensions));
    });
  }

  /** Writes the query into the memory before the rows, zero-padded like them. */
  private placeQuery(bytes: Uint8Array): void {
    const target = new Uint8Array(this.memory.buffer, 0, this.rowBytes);
    target.fill(0);
    target.set(bytes);
  }

  /**
   * The k rows most similar to a query by cosine (float32 matrices), most similar first; equal similarities in id
   * order. Similarities are rounded as sqlite-vec's cosine distance is (1 − a float32 distance), so they equal
   * what its KNN gave within float32 rounding.
   */
  nearestByCosine(query: Float32Array, k: number): SimilarRow[] {
    if (this.kind !== 'float32') throw new TypeError('Cosine search needs float32 rows.');
    if (query.length !== this.dimensions) throw new RangeError(`A ${query.length}-dimensional query cannot search ${this.dimensions}-dimensional rows.`);
    let querySquares = 0;
    for (let index = 0; index < query.length; index++) querySquares += query[index]! * query[index]!;
    const inverseQuery = querySquares > 0 ? 1 / Math.sqrt(querySquares) : 0;
    this.placeQuery(new Uint8Array(query.buffer, query.byteOffset, query.byteLength));
    this.kernels.dotFloat32(0, this.rowsStart, this.length, this.rowBytes, this.outStart);
    const dots = new Float32Array(this.memory.buffer, this.outStart, this.length);
    const { squares, alive, scores } = this;
    for (let position = 0; position < this.length; position++) {
      const rowSquares = squares[position]!;
      scores[position] = alive[position] ? (rowSquares > 0 ? dots[position]! / Math.sqrt(rowSquares) : 0) : -Infinity;
    }
    return Array.from(bestPositions(scores, this.length, k), (position) => ({ id: this.ids[position]!, similarity: 1 - Math.fround(1 - scores[position]! * inverseQuery) }));
  }

  /**
   * The `candidates` rows nearest to query codes by Euclidean distance between codes (int8 matrices), nearest
   * first; equal distances in id order. Each comes with its codes, for rescoring.
   */
  nearestByDistance(query: Int8Array, candidates: number): NearRow[] {
    if (this.kind !== 'int8') throw new TypeError('Distances between codes need int8 rows.');
    if (query.length !== this.dimensions) throw new RangeError(`${query.length} query codes cannot search ${this.dimensions}-dimensional rows.`);
    this.placeQuery(new Uint8Array(query.buffer, query.byteOffset, query.byteLength));
    this.kernels.squaredDistanceInt8(0, this.rowsStart, this.length, this.rowBytes, this.outStart);
    const squared = new Int32Array(this.memory.buffer, this.outStart, this.length);
    const { alive, scores } = this;
    for (let position = 0; position < this.length; position++) scores[position] = alive[position] ? -squared[position]! : -Infinity;
    return Array.from(bestPositions(scores, this.length, candidates), (position) => ({ id: this.ids[position]!, distance: Math.fround(Math.sqrt(squared[position]!)), codes: this.rowAt(position, this.dimensions) }));
  }

  private compact(): void {
    let kept = 0;
    const rows = new Uint8Array(this.memory.buffer, this.rowsStart, this.capacity * this.rowBytes);
    for (let position = 0; position < this.length; position++) {
      if (!this.alive[position]) continue;
      if (kept !== position) {
        this.ids[kept] = this.ids[position]!;
        this.squares[kept] = this.squares[position]!;
        rows.copyWithin(kept * this.rowBytes, position * this.rowBytes, (position + 1) * this.rowBytes);
      }
      this.alive[kept] = 1;
      kept += 1;
    }
    this.alive.fill(0, kept, this.length);
    this.length = kept;
    this.removed = 0;
  }
}

/** Where a matrix's rows are read from: a vec0 table, or a plain table `(id INTEGER PRIMARY KEY, vector BLOB)`. */
export interface MatrixSource {
  table: string;
  layout: 'vec0' | 'plain';
}

/** Every row of a plain `(id, vector)` table, in id order. */
function readPlainRows(database: Database, table: string, visit: (id: number, bytes: Uint8Array) => void): void {
  for (const row of database.prepare(`SELECT id, vector FROM "${table}" ORDER BY id`).raw().iterate() as Iterable<[number, Buffer]>) visit(row[0], row[1]);
}

/**
 * An empty matrix with room for a table's rows and a tenth more (`reuse` cleared when it has the same kind and
 * dimensions), or undefined when that would take more than `byteLimit`: how both loaders start.
 */
function matrixWithRoom(database: Database, source: MatrixSource, kind: MatrixKind, dimensions: number, reuse: VectorMatrix | undefined, byteLimit: number): { matrix: VectorMatrix; capacity: number } | undefined {
  const count = source.layout === 'vec0' ? vec0RowCount(database, source.table) : (database.prepare(`SELECT COUNT(*) AS n FROM "${source.table}"`).get() as { n: number }).n;
  const capacity = Math.max(1024, Math.ceil(count * 1.1));
  if (VectorMatrix.memoryBytes(kind, dimensions, capacity) > byteLimit) return undefined;
  if (reuse && reuse.kind === kind && reuse.dimensions === dimensions) {
    reuse.clear(capacity);
    return { matrix: reuse, capacity };
  }
  return { matrix: new VectorMatrix(kind, dimensions, capacity, { byteLimit }), capacity };
}

/**
 * The rows of a table (float32 vectors or int8 codes of `dimensions`) as a matrix, read in one snapshot; `reuse`
 * (a matrix of the same kind and dimensions) is filled again instead of allocating new memory. Undefined when
 * they would take more than MATRIX_BYTE_LIMIT.
 */
export function loadMatrix(
  database: Database,
  source: MatrixSource,
  kind: MatrixKind,
  dimensions: number,
  reuse?: VectorMatrix,
  byteLimit = MATRIX_BYTE_LIMIT,
): { matrix: VectorMatrix; path: Vec0ReadPath | 'table' } | undefined {
  const rowBytes = kind === 'float32' ? dimensions * 4 : dimensions;
  const { table } = source;
  const readRows = (visit: (id: number, bytes: Uint8Array) => void): Vec0ReadPath | 'table' => {
    if (source.layout === 'vec0') return readVec0Rows(database, table, rowBytes, visit);
    readPlainRows(database, table, visit);
    return 'table';
  };
  // One read transaction (a savepoint inside a caller's): the rows and their count come from one snapshot.
  return database.transaction(() => {
    const room = matrixWithRoom(database, source, kind, dimensions, reuse, byteLimit);
    if (!room) return undefined;
    const { matrix, capacity } = room;
    let ordered = true;
    const path = readRows((id, bytes) => {
      if (ordered && !matrix.add(id, bytes)) ordered = false;
    });
    if (!ordered) {
      // Row ids out of storage order (SQLite gave a deleted largest id to a new row): sort them.
      const rows: { id: number; bytes: Uint8Array }[] = [];
      readRows((id, bytes) => rows.push({ id, bytes: bytes.slice() }));
      matrix.clear(capacity);
      for (const row of rows.sort((a, b) => a.id - b.id)) matrix.add(row.id, row.bytes);
    }
    return { matrix, path };
  }).deferred();
}

/** About how many bytes of rows one slice of a `MatrixLoad` reads: 5 ms or so here (100k × 256 float32: 98 slices), larger slices cost more per byte. */
export const LOAD_SLICE_BYTES = 1024 ** 2;

/**
 * A matrix loaded a slice at a time, by ascending id, each slice in a snapshot of its own, so the thread can answer
 * other messages between slices (the warm-up ahead of a first search). Slices read at different moments agree
 * only because the owner (space-vectors.ts) keeps them so: it starts again when another connection has committed
 * (data_version), and hands over this connection's own writes as they happen: a row at or below the last id read
 * is applied here, one above it is read by a later slice.
 */
export class MatrixLoad {
  readonly matrix: VectorMatrix;
  readonly path: 'shadow' | 'table';
  private readonly database: Database;
  private readonly source: MatrixSource;
  private readonly storedBytes: number;
  /** Every row up to this id has been read (or handed over). */
  private afterId = 0;

  private constructor(database: Database, source: MatrixSource, matrix: VectorMatrix) {
    this.database = database;
    this.source = source;
    this.matrix = matrix;
    this.path = source.layout === 'vec0' ? 'shadow' : 'table';
    this.storedBytes = matrix.kind === 'float32' ? matrix.dimensions * 4 : matrix.dimensions;
  }

  /** A load of a table's rows into `reuse` (same kind and dimensions) or a new matrix; undefined when they would take more than `byteLimit`. */
  static start(database: Database, source: MatrixSource, kind: MatrixKind, dimensions: number, reuse?: VectorMatrix, byteLimit = MATRIX_BYTE_LIMIT): MatrixLoad | undefined {
    const room = matrixWithRoom(database, source, kind, dimensions, reuse, byteLimit);
    return room && new MatrixLoad(database, source, room.matrix);
  }

  /**
   * Reads the next rows, about `bytes` of them, in one read transaction: 'done' once the last is read, 'unreadable'
   * when vec0's shadow tables are not laid out as expected (read the table with `loadMatrix` instead). A matrix
   * that outgrows its byte limit throws RangeError.
   */
  step(bytes = LOAD_SLICE_BYTES): 'more' | 'done' | 'unreadable' {
    const limit = Math.max(64, Math.floor(bytes / this.storedBytes));
    const { table } = this.source;
    return this.database.transaction(() => {
      let ordered = true;
      const visit = (id: number, row: Uint8Array) => {
        if (ordered && this.matrix.add(id, row)) this.afterId = id;
        else ordered = false;
      };
      let read: number | undefined;
      if (this.source.layout === 'vec0') {
        read = readVec0RowsAfter(this.database, table, this.storedBytes, this.afterId, limit, visit);
      } else {
        const rows = this.database.prepare(`SELECT id, vector FROM "${table}" WHERE id > ? ORDER BY id LIMIT ?`).raw().all(this.afterId, limit) as [number, Buffer][];
        for (const [id, vector] of rows) visit(id, vector);
        read = rows.length;
      }
      // Ids come in ascending order above every row held, so a refused row means a table not laid out as expected.
      if (read === undefined || !ordered) return 'unreadable';
      return read < limit ? 'done' : 'more';
    }).deferred();
  }

  /**
   * A row this connection wrote during the load: applied when its id is at or below the last read; false when it
   * cannot be (an id below the last read, which SQLite gives again only after deleting the largest): start again.
   */
  inserted(id: number, stored: Uint8Array): boolean {
    if (id > this.afterId) return true;
    return this.matrix.add(id, stored);
  }

  /** A row this connection removed during the load: taken out when already read; a later slice will not see it. */
  deleted(id: number): void {
    if (id <= this.afterId) this.matrix.remove(id);
  }
}
