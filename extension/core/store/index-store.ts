// The index store: one SQLite database per indexed folder (better-sqlite3, WAL mode) holding files,
// chunk sets, a lexical FTS5 index and vectors in sqlite-vec `vec0` tables, one table per vector
// space. Every write that must stay consistent (a file's chunks with its lexical rows; vectors with
// their tags; removals with the vectors nobody references any more) is one transaction, so a process
// killed at any point leaves a database the next run can continue from.
//
// `IndexStore` owns the connection: opening (and replacing a damaged file), schema migrations
// (schema.ts), transactions, `meta`, and what spans every table (emptying, statistics, integrity).
// Each table's reads and writes live in a module sharing the connection (`StoreConnection`): files.ts,
// chunks.ts, relations.ts, lexical.ts, spaces.ts, vectors.ts, samples.ts, migrations.ts. The methods
// below keep the store's one API for callers and delegate to them; see README.md, "Modules".
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import type { Chunk } from '../chunking/types.ts';
import { classifySqliteError, CoreError, isCoreError } from '../errors.ts';
import { ChunkStore, type StoredChunk } from './chunks.ts';
import { StoreConnection } from './connection.ts';
import { FileStore, type FileRecord, type SkipRecord, type StoredFile } from './files.ts';
import { LexicalStore, type LexicalKindStatistics, type LexicalMatch, type LexicalRow } from './lexical.ts';
import { MigrationStore, type Calibration, type Migration, type MigrationState } from './migrations.ts';
import { SampleStore } from './samples.ts';
import { RelationStore, type CalleeMatch, type StoredRelations, type SymbolMatch } from './relations.ts';
import { migrate } from './schema.ts';
import type { Quantizer, ResidentVectors } from './space-vectors.ts';
import { SpaceStore, type VectorSpace, type VectorSpaceDefinition, type VectorSpaceState } from './spaces.ts';
import { describeStorage } from './storage-option.ts';
import { VectorStore, type NearestNeighbour, type WarmUp } from './vectors.ts';

export type { StorageKind, StorageOption } from './storage-option.ts';
export { chunkContentHash, type StoredChunk } from './chunks.ts';
export type { FileRecord, SkipRecord, StoredFile } from './files.ts';
export type { LexicalKindStatistics, LexicalMatch, LexicalRow } from './lexical.ts';
export type { CalleeMatch, Proximity, StoredRelations, SymbolMatch } from './relations.ts';
export type { Quantizer, ResidentVectors } from './space-vectors.ts';
export { vectorSpaceId, type VectorSpace, type VectorSpaceDefinition, type VectorSpaceState } from './spaces.ts';
export type { Calibration, Migration, MigrationState } from './migrations.ts';
export { CALIBRATION_MINIMUM, CALIBRATION_SAMPLE, type NearestNeighbour, type WarmUp } from './vectors.ts';

export interface StoreStatistics {
  files: number;
  chunks: number;
  /** Per vector space: vectors stored and chunk contents still without a vector. */
  spaces: { id: string; modelId: string; state: VectorSpaceState; vectors: number; missing: number; storage: string }[];
  databaseBytes: number;
}

export interface OpenOptions {
  readonly?: boolean;
  /** Milliseconds to wait for another writer before failing with `locked`. */
  busyTimeoutMs?: number;
  /**
   * Hold the searched space's vectors in memory for dense searches (README, "Vectors in memory"): on unless false.
   * Off, each search has sqlite-vec read them from the database: slower per search, but with no load on the first
   * one, which is what a process that searches once wants.
   */
  vectorsInMemory?: boolean;
}

/** How `IndexStore.openOrReplaceDamaged` opens a database. */
export interface RecoveringOpenOptions {
  busyTimeoutMs?: number;
  /** As `OpenOptions.vectorsInMemory`. */
  vectorsInMemory?: boolean;
  /**
   * Also read every page (`PRAGMA quick_check`) before trusting the file. That costs about a second
   * per 100 MB, so it is for opens that are about to index, not for a quick search.
   */
  verify?: boolean;
}

/** A damaged index database that was moved aside (kept, never deleted) and replaced by an empty one. */
export interface DamagedDatabase {
  /** Where the damaged database is now. */
  movedTo: string;
  /** What showed the damage: the SQLite error, or the first problems the check found. */
  problems: string[];
  /** What happened, for the user. */
  message: string;
}

/**
 * Renames a damaged database (and its write-ahead log) to `<path>.corrupt-<time>`, so nothing is lost
 * and a new one can be created at `path`. Returns the new name.
 */
function moveAside(databasePath: string): string {
  const movedTo = `${databasePath}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    renameSync(databasePath, movedTo);
    if (existsSync(`${databasePath}-wal`)) renameSync(`${databasePath}-wal`, `${movedTo}-wal`);
    // The shared-memory index is rebuilt from the log; a stale one must not meet the new database.
    rmSync(`${databasePath}-shm`, { force: true });
  } catch (error) {
    throw new CoreError('store', 'corrupt', `The index database ${databasePath} is damaged and could not be moved aside (${(error as Error).message}). Delete it, or move it away, and index again.`, { cause: error });
  }
  return movedTo;
}

/** One open index database: the connection, its transactions and schema, and every table's operations. */
export class IndexStore {
  readonly path: string;
  private readonly database: Database.Database;

  private readonly connection: StoreConnection;
  private readonly fileStore: FileStore;
  private readonly chunkStore: ChunkStore;
  private readonly relationStore: RelationStore;
  private readonly lexicalStore: LexicalStore;
  private readonly spaceStore: SpaceStore;
  private readonly vectorStore: VectorStore;
  private readonly sampleStore: SampleStore;
  private readonly migrationStore: MigrationStore;

  private constructor(databasePath: string, database: Database.Database, options: Pick<OpenOptions, 'vectorsInMemory'>) {
    this.path = databasePath;
    this.database = database;
    this.connection = new StoreConnection(databasePath, database);
    this.spaceStore = new SpaceStore(this.connection, { vectorsInMemory: options.vectorsInMemory ?? true });
    this.sampleStore = new SampleStore(this.connection, this.spaceStore);
    this.vectorStore = new VectorStore(this.connection, this.spaceStore, this.sampleStore);
    this.fileStore = new FileStore(this.connection, this.vectorStore);
    this.chunkStore = new ChunkStore(this.connection);
    this.relationStore = new RelationStore(this.connection);
    this.lexicalStore = new LexicalStore(this.connection);
    this.migrationStore = new MigrationStore(this.connection);
  }

  /** Opens (creating if needed) and migrates an index database. Errors are store `CoreError`s with a next step. */
  static open(databasePath: string, options: OpenOptions = {}): IndexStore {
    let database: Database.Database | undefined;
    try {
      if (!options.readonly) mkdirSync(path.dirname(databasePath), { recursive: true });
      database = new Database(databasePath, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
      sqliteVec.load(database);
      database.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
      if (!options.readonly) {
        database.pragma('journal_mode = WAL');
        // NORMAL in WAL mode: a power loss may drop the last commits but never corrupts the file.
        database.pragma('synchronous = NORMAL');
      }
      // Memory-mapped reads make vec0 scans several times faster (better-sqlite3 caps this at 2 GiB).
      database.pragma('mmap_size = 2147483648');
      database.pragma('foreign_keys = ON');
      // Reading the schema version touches the file header: a file that is not a database fails here.
      database.pragma('user_version', { simple: true });
      if (!options.readonly) migrate(database);
      return new IndexStore(databasePath, database, options);
    } catch (error) {
      database?.close();
      throw classifySqliteError(error, databasePath);
    }
  }

  /**
   * Opens a writable index database; one that is damaged (not a database, truncated, pages of garbage,
   * or, with `verify`, failing SQLite's check) is renamed to `<name>.corrupt-<time>` and an empty one
   * takes its place. Other errors (locked, read-only, too new) are thrown as `open` throws them.
   */
  static openOrReplaceDamaged(databasePath: string, options: RecoveringOpenOptions = {}): { store: IndexStore; damaged: DamagedDatabase | undefined } {
    let problems: string[];
    try {
      const store = IndexStore.open(databasePath, { busyTimeoutMs: options.busyTimeoutMs, vectorsInMemory: options.vectorsInMemory });
      try {
        problems = options.verify ? store.quickCheck() : [];
      } catch (error) {
        store.close();
        throw error;
      }
      if (problems.length === 0) return { store, damaged: undefined };
      store.close();
    } catch (error) {
      if (!isCoreError(error, 'store') || error.reason !== 'corrupt') throw error;
      problems = [error.cause instanceof Error ? error.cause.message : error.message];
    }
    const movedTo = moveAside(databasePath);
    const store = IndexStore.open(databasePath, { busyTimeoutMs: options.busyTimeoutMs, vectorsInMemory: options.vectorsInMemory });
    const shown = problems.slice(0, 2).join('; ').replace(/\s+/g, ' ') + (problems.length > 2 ? `; ${problems.length - 2} more problems` : '');
    return {
      store,
      damaged: { movedTo, problems, message: `The index database ${databasePath} was damaged (${shown}). It was kept as ${movedTo} and replaced by a new, empty index.` },
    };
  }

  close(): void {
    if (this.database.open) this.database.close();
  }

  /** SQLite's page-level check (`PRAGMA quick_check`): the problems found, none when healthy. */
  quickCheck(): string[] {
    return this.run(() => {
      const rows = this.database.pragma('quick_check') as { quick_check: string }[];
      if (rows.length === 1 && rows[0]!.quick_check === 'ok') return [];
      // One problem a line; SQLite heads them with the database's name.
      return rows.flatMap((row) => row.quick_check.split('\n')).filter((line) => line.trim() !== '' && !line.startsWith('***'));
    });
  }

  /** Runs `work` in one transaction (IMMEDIATE, so two writers queue instead of deadlocking). */
  transaction<T>(work: () => T): T {
    return this.connection.transaction(work);
  }

  private run<T>(work: () => T): T {
    return this.connection.run(work);
  }

  // ---- meta ----

  getMeta(key: string): string | undefined {
    return this.connection.getMeta(key);
  }

  setMeta(key: string, value: string): void {
    this.connection.setMeta(key, value);
  }

  // ---- files (files.ts) ----

  /** Every file the index knows, by path. */
  files(): Map<string, StoredFile> {
    return this.fileStore.files();
  }

  /** The files the index knows, read one at a time: what `files()` answers without holding them all in memory. */
  fileLookup(): { get(filePath: string): StoredFile | undefined; keys(): string[] } {
    return this.fileStore.fileLookup();
  }

  /** Whether any file is indexed (with any chunker). */
  hasFiles(): boolean {
    return this.fileStore.hasFiles();
  }

  /** Records a file whose content is unchanged but whose size or mtime moved (a touch, a checkout). */
  touchFile(filePath: string, size: number, mtimeMs: number): void {
    this.fileStore.touchFile(filePath, size, mtimeMs);
  }

  /** Replaces a file's record and its chunks for the given chunkers, in one transaction. */
  replaceFile(file: FileRecord, chunkSets: Map<string, readonly Chunk[]>, relationsVersion = 0): { id: number; contentHash: string }[] {
    return this.fileStore.replaceFile(file, chunkSets, relationsVersion);
  }

  /** Removes files, their chunks, lexical rows and the vectors nobody references any more, in one transaction. */
  deleteFiles(paths: readonly string[]): void {
    this.fileStore.deleteFiles(paths);
  }

  replaceSkips(skips: readonly SkipRecord[]): void {
    this.fileStore.replaceSkips(skips);
  }

  skips(): SkipRecord[] {
    return this.fileStore.skips();
  }

  // ---- chunks (chunks.ts) ----

  /** The ids of every chunk of a chunker, ascending (the model evaluation samples distractors from them). */
  chunkIds(chunker: string): number[] {
    return this.chunkStore.chunkIds(chunker);
  }

  /** Chunks by id, with paths; missing ids are left out. */
  chunksById(ids: readonly number[]): Map<number, StoredChunk> {
    return this.chunkStore.chunksById(ids);
  }

  /** The given chunks with every other piece of the split chunks among them, in file and ordinal order, each once. */
  withAllPieces(ids: readonly number[]): StoredChunk[] {
    return this.chunkStore.withAllPieces(ids);
  }

  /** The chunks of one chunker whose content has a given hash (duplicates share a hash). */
  chunksByContentHash(chunker: string, hashes: readonly string[]): Map<string, StoredChunk[]> {
    return this.chunkStore.chunksByContentHash(chunker, hashes);
  }

  /** The chunks of a file for a chunker, in file order. */
  chunksOfFile(filePath: string, chunker: string): StoredChunk[] {
    return this.chunkStore.chunksOfFile(filePath, chunker);
  }

  /** The languages that have chunks, sorted. */
  languages(): string[] {
    return this.chunkStore.languages();
  }

  /** Up to `limit` documented definitions of a chunker, spread over the index (the evaluation queries come from them). */
  documentedChunks(chunker: string, limit: number): StoredChunk[] {
    return this.sampleStore.documentedChunks(chunker, limit);
  }

  // ---- relations: what chunks define, call and import, by name (relations.ts) ----

  /** The names a chunk defines, calls and imports (empty lists for a chunk without relations, or an index from before them). */
  relationsOfChunk(chunkId: number): StoredRelations {
    return this.relationStore.relationsOfChunk(chunkId);
  }

  /** Chunks of a chunker that define `name`, nearest to `near` first; the pieces of one split definition count once. */
  definitionsOf(chunker: string, name: string, options: { near?: string; limit?: number } = {}): SymbolMatch[] {
    return this.relationStore.definitionsOf(chunker, name, options);
  }

  /** Chunks of a chunker that call `name`, nearest to `near` first (see `RelationStore.callersOf`). */
  callersOf(chunker: string, name: string, options: { near?: string; limit?: number; definition?: Pick<StoredChunk, 'id' | 'scope'> } = {}): SymbolMatch[] {
    return this.relationStore.callersOf(chunker, name, options);
  }

  /** The definitions of the names a chunk calls, resolved by name (a method's own class first), the closest ones per name, never the chunk itself (see `RelationStore.calleesOf`). */
  calleesOf(chunk: Pick<StoredChunk, 'id' | 'path' | 'chunker' | 'scope'>, options: { perName?: number } = {}): CalleeMatch[] {
    return this.relationStore.calleesOf(chunk, options);
  }

  // ---- vector spaces (spaces.ts) ----

  /** Creates the space (and its tables) if it does not exist; returns it either way. */
  ensureVectorSpace(definition: VectorSpaceDefinition, state: VectorSpaceState = 'building'): VectorSpace {
    return this.spaceStore.ensureVectorSpace(definition, state);
  }

  vectorSpaces(): VectorSpace[] {
    return this.spaceStore.vectorSpaces();
  }

  /** The space with this id; a `space-missing` store error when there is none. */
  vectorSpace(id: string): VectorSpace {
    return this.spaceStore.vectorSpace(id);
  }

  /** The space searches read, if any. */
  activeSpace(): VectorSpace | undefined {
    return this.spaceStore.activeSpace();
  }

  /** Makes one space the active one (the previous active one becomes retired), atomically. */
  activateSpace(id: string): void {
    this.spaceStore.activateSpace(id);
  }

  /** Drops a space, its vec0 table and its tags, in one transaction. */
  dropSpace(id: string): void {
    this.spaceStore.dropSpace(id);
  }

  /** Whether the last index run left the space with a vector for every chunk. */
  isSpaceComplete(spaceId: string): boolean {
    return this.spaceStore.isSpaceComplete(spaceId);
  }

  setSpaceComplete(spaceId: string, complete: boolean): void {
    this.spaceStore.setSpaceComplete(spaceId, complete);
  }

  /** The oversampling searches of a quantized space use unless told otherwise (set with the storage option). */
  oversampling(spaceId: string): number | undefined {
    return this.spaceStore.oversampling(spaceId);
  }

  setOversampling(spaceId: string, oversampling: number | undefined): void {
    this.spaceStore.setOversampling(spaceId, oversampling);
  }

  /** How a quantized space makes codes, once calibrated. */
  quantizer(spaceId: string): Quantizer | undefined {
    return this.spaceStore.quantizer(spaceId);
  }

  /** The dimensions a space's stored vectors have (fewer than the model's after truncation). */
  storedDimensions(space: Pick<VectorSpace, 'storage' | 'dimensions'>): number {
    return this.spaceStore.storedDimensions(space);
  }

  // ---- vectors and their tags (vectors.ts) ----

  /** Whether the space's vectors are float32 and exact (float32 storage, not yet calibrated, or binary rescored from float32). */
  holdsFloat32(space: VectorSpace): boolean {
    return this.vectorStore.holdsFloat32(space);
  }

  /** Calibrates a quantized space and moves its staged vectors to codes, in one transaction (see vectors.ts). */
  calibrateSpace(space: VectorSpace, options: { minimumVectors?: number; sampleSize?: number; sample?: readonly Float32Array[] } = {}): boolean {
    return this.vectorStore.calibrateSpace(space, options);
  }

  /** Copies vectors `source` has and `target` lacks, converted to the target's storage (no re-embedding). */
  copyVectors(target: VectorSpace, source: VectorSpace, limit: number, afterId = 0): { copied: number; lastId: number | undefined } {
    return this.vectorStore.copyVectors(target, source, limit, afterId);
  }

  /** The space's vectors held in memory for searches, if they are (rows, bytes, how they were read and in how long). */
  residentVectors(space: VectorSpace): ResidentVectors | undefined {
    return this.vectorStore.residentVectors(space);
  }

  /** Reads a space's vectors into memory ahead of its first search, a slice at a time (see vectors.ts). */
  warmVectors(space: VectorSpace, options: { signal?: AbortSignal; sliceBytes?: number } = {}): Promise<WarmUp> {
    return this.vectorStore.warmVectors(space, options);
  }

  /** Vectors the space stores (tags), without counting. */
  vectorCount(space: VectorSpace): number {
    return this.vectorStore.vectorCount(space);
  }

  /** Bytes on disk of a space's tables (from SQLite's dbstat; the shared tags left out). */
  spaceBytes(space: VectorSpace): number {
    return this.vectorStore.spaceBytes(space);
  }

  /** Every chunk content of the space's chunker without a vector, with one chunk id to embed it from. */
  missingVectorContents(space: VectorSpace): { contentHash: string; chunkId: number }[] {
    return this.vectorStore.missingVectorContents(space);
  }

  /** The given contents that have no vector in the space. */
  contentsWithoutVector(space: VectorSpace, hashes: readonly string[]): string[] {
    return this.vectorStore.contentsWithoutVector(space, hashes);
  }

  /** How many distinct chunk contents still lack a vector in the space. */
  countMissingEmbeddings(space: VectorSpace): number {
    return this.vectorStore.countMissingEmbeddings(space);
  }

  /** Stores vectors for chunk contents, each tagged with the space, in one transaction. */
  insertEmbeddings(space: VectorSpace, items: readonly { contentHash: string; vector: Float32Array }[]): number {
    return this.vectorStore.insertEmbeddings(space, items);
  }

  /** The k nearest stored vectors of one space to a query vector, by cosine similarity, whatever the storage. */
  nearest(space: VectorSpace, query: Float32Array, k: number, options: { oversampling?: number } = {}): NearestNeighbour[] {
    return this.vectorStore.nearest(space, query, k, options);
  }

  /** The first stage alone of a calibrated int8 or binary space (for tests and measurements). */
  firstStage(space: VectorSpace, query: Float32Array, candidates: number): { embeddingId: number; distance: number }[] {
    return this.vectorStore.firstStage(space, query, candidates);
  }

  /** The stored vector of each content hash in a space, at the space's stored dimensions. */
  vectorsByContentHash(space: VectorSpace, hashes: readonly string[]): Map<string, Float32Array> {
    return this.vectorStore.vectorsByContentHash(space, hashes);
  }

  // ---- the lexical index (lexical.ts) ----

  /** BM25 matches of an FTS5 expression among one chunker's chunks, best first. */
  lexical(chunker: string, matchExpression: string, limit: number): LexicalMatch[] {
    return this.lexicalStore.lexical(chunker, matchExpression, limit);
  }

  /** Lexical rows of one kind (`prose` or `code`) matching an FTS5 expression, with column lengths and word counts. */
  lexicalRows(chunker: string, matchExpression: string, words: readonly string[], kind: 'prose' | 'code', limit: number): LexicalRow[] {
    return this.lexicalStore.lexicalRows(chunker, matchExpression, words, kind, limit);
  }

  /** Per-kind statistics of one chunker's lexical documents: counts, mean lengths, each word's document frequency. */
  lexicalKindStatistics(chunker: string, words: readonly string[]): Record<'prose' | 'code', LexicalKindStatistics> {
    return this.lexicalStore.lexicalKindStatistics(chunker, words);
  }

  /** How many of one chunker's chunks contain each word, and how many chunks it has. */
  lexicalDocumentFrequencies(chunker: string, words: readonly string[]): { frequencies: Map<string, number>; documents: number } {
    return this.lexicalStore.lexicalDocumentFrequencies(chunker, words);
  }

  // ---- migrations, calibrations, canaries (migrations.ts) ----

  /** Records the start of a migration to `toSpace` (abandoning any unfinished one) and returns it. */
  startMigration(fromSpace: string | undefined, toSpace: string): Migration {
    return this.migrationStore.startMigration(fromSpace, toSpace);
  }

  /** The unfinished migration (building or ready for cutover), if any. */
  pendingMigration(): Migration | undefined {
    return this.migrationStore.pendingMigration();
  }

  /** Every migration, newest first. */
  migrations(): Migration[] {
    return this.migrationStore.migrations();
  }

  updateMigration(id: number, state: MigrationState, report?: unknown): void {
    this.migrationStore.updateMigration(id, state, report);
  }

  saveCalibration(spaceId: string, name: string, value: number, details: Record<string, unknown>): void {
    this.migrationStore.saveCalibration(spaceId, name, value, details);
  }

  calibration(spaceId: string, name: string): Calibration | undefined {
    return this.migrationStore.calibration(spaceId, name);
  }

  saveCanaries(modelFingerprint: string, textsHash: string, vectors: readonly Float32Array[]): void {
    this.migrationStore.saveCanaries(modelFingerprint, textsHash, vectors);
  }

  canaries(modelFingerprint: string): { textsHash: string; vectors: Float32Array[] } | undefined {
    return this.migrationStore.canaries(modelFingerprint);
  }

  /** A sample of stored vectors of a space, spread over it, at the space's stored dimensions. */
  sampleVectors(space: VectorSpace, limit: number): { contentHash: string; vector: Float32Array }[] {
    return this.sampleStore.sampleVectors(space, limit);
  }

  // ---- the whole database: emptying, compaction, statistics, integrity ----

  /**
   * Removes everything the index holds (files, chunks, lexical rows, vector spaces with their tables,
   * migrations, calibrations, canaries, skips) in one transaction, keeping the schema. This is how an
   * index is cleared while another process has it open: deleting the file would leave that process
   * reading, and later writing, a file nobody else sees (see clear-database.ts).
   */
  empty(): void {
    this.transaction(() => {
      for (const space of this.vectorSpaces()) this.dropSpace(space.id);
      for (const table of ['chunk_symbols', 'chunks', 'file_chunkings', 'files', 'skips', 'embeddings', 'migrations', 'calibrations', 'canaries', 'quantizers']) {
        this.database.exec(`DELETE FROM ${table}`);
      }
      this.database.exec("INSERT INTO chunks_lexical (chunks_lexical) VALUES ('delete-all')");
      this.database.exec("DELETE FROM meta WHERE key LIKE 'complete:%' OR key LIKE 'oversampling:%'");
    });
  }

  /** Gives the free pages back to the file system; false when another connection's reads keep it from finishing now. */
  compact(): boolean {
    try {
      this.database.exec('VACUUM');
      this.database.pragma('wal_checkpoint(TRUNCATE)');
      return true;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return false;
      throw classifySqliteError(error, this.path);
    }
  }


  statistics(chunker?: string): StoreStatistics {
    return this.run(() => {
      const files = (this.database.prepare('SELECT COUNT(*) AS n FROM files').get() as { n: number }).n;
      const chunks = chunker
        ? (this.database.prepare('SELECT COUNT(*) AS n FROM chunks WHERE chunker = ?').get(chunker) as { n: number }).n
        : (this.database.prepare('SELECT COUNT(*) AS n FROM chunks').get() as { n: number }).n;
      const spaces = this.vectorSpaces().map((space) => ({
        id: space.id,
        modelId: space.modelId,
        state: space.state,
        vectors: (this.database.prepare('SELECT COUNT(*) AS n FROM embeddings WHERE space_id = ?').get(space.id) as { n: number }).n,
        missing: this.countMissingEmbeddings(space),
        storage: describeStorage(space.storage),
      }));
      return { files, chunks, spaces, databaseBytes: this.databaseBytes() };
    });
  }

  /** Bytes on disk: the database file and its write-ahead log. */
  databaseBytes(): number {
    let total = 0;
    for (const suffix of ['', '-wal']) {
      try {
        total += statSync(this.path + suffix).size;
      } catch {
        // The WAL may not exist.
      }
    }
    return total;
  }

  /** Full integrity check plus the store's own invariants; returns the problems found (empty = healthy). */
  checkIntegrity(): string[] {
    return this.run(() => {
      const problems: string[] = [];
      const sqliteResult = this.database.pragma('integrity_check') as { integrity_check: string }[];
      if (sqliteResult.length !== 1 || sqliteResult[0]!.integrity_check !== 'ok') problems.push(...sqliteResult.map((row) => `sqlite: ${row.integrity_check}`));
      problems.push(...this.vectorStore.integrityProblems());
      const duplicates = (this.database.prepare('SELECT COUNT(*) AS n FROM (SELECT file_id, chunker, ordinal FROM chunks GROUP BY file_id, chunker, ordinal HAVING COUNT(*) > 1)').get() as { n: number }).n;
      if (duplicates > 0) problems.push(`${duplicates} duplicated chunk positions`);
      const lexicalRows = (this.database.prepare('SELECT COUNT(*) AS n FROM chunks_lexical').get() as { n: number }).n;
      const unitRows = (this.database.prepare('SELECT COUNT(*) AS n FROM chunks WHERE lexical_end_line IS NOT NULL').get() as { n: number }).n;
      if (lexicalRows !== unitRows) problems.push(`${unitRows} lexical units but ${lexicalRows} lexical rows`);
      const chunksWithoutFile = (this.database.prepare('SELECT COUNT(*) AS n FROM chunks c WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.id = c.file_id)').get() as { n: number }).n;
      if (chunksWithoutFile > 0) problems.push(`${chunksWithoutFile} chunks of deleted files`);
      return problems;
    });
  }
}
