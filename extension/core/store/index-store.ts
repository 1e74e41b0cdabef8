// The index store: one SQLite database per indexed folder (better-sqlite3, WAL mode) holding files,
// chunk sets, a lexical FTS5 index and vectors in sqlite-vec `vec0` tables, one table per vector
// space. Every write that must stay consistent (a file's chunks with its lexical rows; vectors with
// their tags; removals with the vectors nobody references any more) is one transaction, so a process
// killed at any point leaves a database the next run can continue from.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import type { Chunk, ChunkDefinition } from '../chunking/types.ts';
import { classifySqliteError, CoreError, isCoreError } from '../errors.ts';
import { lexicalText } from '../text/analyzer.ts';
import { lexicalUnits } from '../text/lexical-units.ts';
import { StoreConnection } from './connection.ts';
import { MigrationStore, type Calibration, type Migration, type MigrationState } from './migrations.ts';
import { SampleStore } from './samples.ts';
import { migrate } from './schema.ts';
import type { Quantizer } from './space-vectors.ts';
import { SpaceStore, type VectorSpace, type VectorSpaceDefinition, type VectorSpaceState } from './spaces.ts';
import { describeStorage } from './storage-option.ts';
import { VectorStore, type NearestNeighbour } from './vectors.ts';

export type { StorageKind, StorageOption } from './storage-option.ts';
export type { Quantizer } from './space-vectors.ts';
export { vectorSpaceId, type VectorSpace, type VectorSpaceDefinition, type VectorSpaceState } from './spaces.ts';
export type { Calibration, Migration, MigrationState } from './migrations.ts';
export { CALIBRATION_MINIMUM, CALIBRATION_SAMPLE, type NearestNeighbour } from './vectors.ts';

/** A file as the store records it. */
export interface FileRecord {
  path: string;
  contentHash: string;
  size: number;
  mtimeMs: number;
  language: string;
}

export interface StoredFile extends FileRecord {
  id: number;
  /** Chunker fingerprints that have chunked this content. */
  chunkers: Set<string>;
  /** Per chunker fingerprint: the RELATIONS_VERSION its chunk set was written with (0: before relations existed). */
  relationsVersions: Map<string, number>;
}

/** A chunk row, with the file path joined in. */
export interface StoredChunk {
  id: number;
  path: string;
  chunker: string;
  contentHash: string;
  startLine: number;
  endLine: number;
  language: string;
  kind: string;
  symbol: string | undefined;
  scope: string[];
  signature: string | undefined;
  docComment: string | undefined;
  part: { index: number; count: number } | undefined;
  text: string;
  /**
   * Set on the first chunk of a lexical unit (see lexical-units.ts): the unit's last line. Undefined
   * for the other pieces of the unit, which have no lexical row of their own.
   */
  lexicalEndLine: number | undefined;
  /** The definition the chunk is (a piece of): see `ChunkDefinition`. Undefined for statements, windows, and chunks stored before schema 8. */
  definition?: ChunkDefinition;
}

/** A chunk's relations as stored (see `ChunkRelations`): names, each list sorted. */
export interface StoredRelations {
  defines: string[];
  calls: string[];
  imports: string[];
}

/** How close a related chunk is to the chunk it was found for: name-only resolution prefers the nearest. */
export type Proximity = 'same-file' | 'same-directory' | 'elsewhere';

/** A chunk found by name (it defines or calls `name`), with how close it is to the path asked about. */
export interface SymbolMatch {
  name: string;
  chunk: StoredChunk;
  proximity: Proximity;
}

/** A callee of a chunk: the definition of a name it calls, from the closest of its definers. */
export interface CalleeMatch extends SymbolMatch {
  /** How many distinct definitions share that closest proximity (1 = unambiguous by name). */
  definitions: number;
}

export interface LexicalMatch {
  chunkId: number;
  /** FTS5 bm25(): lower is better; negated here so higher is better. */
  score: number;
}

/**
 * A lexical row as FTS5 stores it (the table is contentless: no text, only its index): the words of each column
 * (path, symbol-and-scope, body) and how often each query word occurs in each; see `lexicalRows`.
 */
export interface LexicalRow {
  chunkId: number;
  /** Words per column: path, symbol-and-scope, body. */
  lengths: [number, number, number];
  /** Occurrences per column of each query word the row holds. */
  counts: Map<string, [number, number, number]>;
}

/** Statistics of one kind of lexical document (prose sections, or everything else) of a chunk set. */
export interface LexicalKindStatistics {
  /** Lexical documents of the kind. */
  documents: number;
  /** Mean number of words per document, all columns together. */
  averageLength: number;
  /** How many documents of the kind hold each word asked about (absent: none). */
  frequencies: Map<string, number>;
}

/** FTS5's docsize record: one varint per column, the column's token count. */
function columnSizes(record: Buffer): [number, number, number] {
  const sizes: number[] = [];
  let offset = 0;
  while (offset < record.length && sizes.length < 3) {
    let value = 0;
    for (let shift = 0; offset < record.length; shift += 7) {
      const byte = record[offset++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) break;
    }
    sizes.push(value);
  }
  return [sizes[0] ?? 0, sizes[1] ?? 0, sizes[2] ?? 0];
}

export interface SkipRecord {
  reason: string;
  count: number;
  examples: string[];
}

export interface StoreStatistics {
  files: number;
  chunks: number;
  /** Per vector space: vectors stored and chunk contents still without a vector. */
  spaces: { id: string; modelId: string; state: VectorSpaceState; vectors: number; missing: number; storage: string }[];
  databaseBytes: number;
}

/** The content hash of a chunk: what is embedded, minus the path (so renames and copies reuse vectors). */
export function chunkContentHash(chunk: Pick<Chunk, 'language' | 'scope' | 'signature' | 'text' | 'kind'>): string {
  return createHash('sha256')
    .update(JSON.stringify([chunk.language, chunk.kind, chunk.scope, chunk.signature ?? null, chunk.text]))
    .digest('hex');
}

export interface OpenOptions {
  readonly?: boolean;
  /** Milliseconds to wait for another writer before failing with `locked`. */
  busyTimeoutMs?: number;
}

/** How `IndexStore.openOrReplaceDamaged` opens a database. */
export interface RecoveringOpenOptions {
  busyTimeoutMs?: number;
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

/** What removing a chunk needs to know about it. */
interface OldChunk {
  id: number;
  content_hash: string;
  chunker: string;
}

interface ChunkRow {
  id: number;
  path: string;
  chunker: string;
  content_hash: string;
  start_line: number;
  end_line: number;
  language: string;
  kind: string;
  symbol: string | null;
  scope: string;
  signature: string | null;
  doc_comment: string | null;
  part_index: number | null;
  part_count: number | null;
  text: string;
  lexical_end_line: number | null;
  definition_start_line: number | null;
  definition_line: number | null;
  head_end_line: number | null;
}

interface FileRow {
  id: number;
  path: string;
  content_hash: string;
  size: number;
  mtime_ms: number;
  language: string;
}

const FILE_COLUMNS = 'id, path, content_hash, size, mtime_ms, language';

/** A file row, its chunk sets still to be filled in from `file_chunkings`. */
function toStoredFile(row: FileRow): StoredFile {
  return { id: row.id, path: row.path, contentHash: row.content_hash, size: row.size, mtimeMs: row.mtime_ms, language: row.language, chunkers: new Set(), relationsVersions: new Map() };
}

const CHUNK_COLUMNS = `c.id, f.path, c.chunker, c.content_hash, c.start_line, c.end_line, c.language, c.kind, c.symbol,
  c.scope, c.signature, c.doc_comment, c.part_index, c.part_count, c.text, c.lexical_end_line, c.definition_start_line,
  c.definition_line, c.head_end_line`;

function toStoredChunk(row: ChunkRow): StoredChunk {
  return {
    id: row.id,
    path: row.path,
    chunker: row.chunker,
    contentHash: row.content_hash,
    startLine: row.start_line,
    endLine: row.end_line,
    language: row.language,
    kind: row.kind,
    symbol: row.symbol ?? undefined,
    scope: JSON.parse(row.scope) as string[],
    signature: row.signature ?? undefined,
    docComment: row.doc_comment ?? undefined,
    part: row.part_index === null ? undefined : { index: row.part_index, count: row.part_count! },
    text: row.text,
    lexicalEndLine: row.lexical_end_line ?? undefined,
    definition:
      row.definition_start_line === null || row.definition_line === null
        ? undefined
        : { startLine: row.definition_start_line, line: row.definition_line, headEndLine: row.head_end_line ?? undefined },
  };
}

type RelationRole = keyof StoredRelations;
const RELATION_ROLES: readonly RelationRole[] = ['defines', 'calls', 'imports'];
const PROXIMITIES: readonly Proximity[] = ['same-file', 'same-directory', 'elsewhere'];

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

export class IndexStore {
  readonly path: string;
  private readonly database: Database.Database;
  /** Whether chunk_symbols exists (looked up once). */
  private relationsTable: boolean | undefined;
  /** Per-kind document counts and lengths of a chunk set, keyed by the chunk set's size (see lexicalKindStatistics). */
  private lexicalSizes: { key: string; sizes: Record<'prose' | 'code', { documents: number; length: number }> } | undefined;

  private readonly connection: StoreConnection;
  private readonly spaceStore: SpaceStore;
  private readonly vectorStore: VectorStore;
  private readonly sampleStore: SampleStore;
  private readonly migrationStore: MigrationStore;

  private constructor(databasePath: string, database: Database.Database) {
    this.path = databasePath;
    this.database = database;
    this.connection = new StoreConnection(databasePath, database);
    this.spaceStore = new SpaceStore(this.connection);
    this.sampleStore = new SampleStore(this.connection, this.spaceStore);
    this.vectorStore = new VectorStore(this.connection, this.spaceStore, this.sampleStore);
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
      return new IndexStore(databasePath, database);
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
      const store = IndexStore.open(databasePath, { busyTimeoutMs: options.busyTimeoutMs });
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
    const store = IndexStore.open(databasePath, { busyTimeoutMs: options.busyTimeoutMs });
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
    return this.run(() => (this.database.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value);
  }

  setMeta(key: string, value: string): void {
    this.run(() => this.database.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value));
  }

  // ---- files and chunks ----

  /** Every file the index knows, by path. */
  files(): Map<string, StoredFile> {
    return this.run(() => {
      const files = new Map<string, StoredFile>();
      for (const row of this.database.prepare(`SELECT ${FILE_COLUMNS} FROM files`).all() as FileRow[]) files.set(row.path, toStoredFile(row));
      const byId = new Map([...files.values()].map((file) => [file.id, file]));
      for (const { file_id, chunker, relations } of this.database.prepare('SELECT file_id, chunker, relations FROM file_chunkings').all() as { file_id: number; chunker: string; relations: number }[]) {
        byId.get(file_id)?.chunkers.add(chunker);
        byId.get(file_id)?.relationsVersions.set(chunker, relations);
      }
      return files;
    });
  }

  /**
   * The files the index knows, read from the database one at a time: what `files()` answers, without
   * holding every file of a large workspace in memory at once (a 200,000-file index would take hundreds
   * of megabytes). Each `get` reads the current row; `keys` lists every stored path.
   */
  fileLookup(): { get(filePath: string): StoredFile | undefined; keys(): string[] } {
    const fileByPath = this.database.prepare(`SELECT ${FILE_COLUMNS} FROM files WHERE path = ?`);
    const chunkingsOf = this.database.prepare('SELECT chunker, relations FROM file_chunkings WHERE file_id = ?');
    const paths = this.database.prepare('SELECT path FROM files').pluck();
    return {
      get: (filePath) =>
        this.run(() => {
          const row = fileByPath.get(filePath) as FileRow | undefined;
          if (!row) return undefined;
          const file = toStoredFile(row);
          for (const { chunker, relations } of chunkingsOf.all(row.id) as { chunker: string; relations: number }[]) {
            file.chunkers.add(chunker);
            file.relationsVersions.set(chunker, relations);
          }
          return file;
        }),
      keys: () => this.run(() => paths.all() as string[]),
    };
  }

  /** Whether any file is indexed (with any chunker). */
  hasFiles(): boolean {
    return this.run(() => this.database.prepare('SELECT 1 FROM files LIMIT 1').get() !== undefined);
  }

  /** Records a file whose content is unchanged but whose size or mtime moved (a touch, a checkout). */
  touchFile(filePath: string, size: number, mtimeMs: number): void {
    this.run(() => this.database.prepare('UPDATE files SET size = ?, mtime_ms = ? WHERE path = ?').run(size, mtimeMs, filePath));
  }

  /**
   * Replaces a file's record and its chunks for the given chunkers, in one transaction. Chunk sets of
   * other chunkers are dropped when the content changed (they describe old content). Vectors no chunk
   * references any more are removed in the same transaction. `relationsVersion` is the chunker's
   * RELATIONS_VERSION, recorded with the chunk sets (0, the default, for chunks without relations).
   */
  replaceFile(file: FileRecord, chunkSets: Map<string, readonly Chunk[]>, relationsVersion = 0): { id: number; contentHash: string }[] {
    return this.transaction(() => {
      const inserted: { id: number; contentHash: string }[] = [];
      const existing = this.database.prepare('SELECT id, content_hash FROM files WHERE path = ?').get(file.path) as { id: number; content_hash: string } | undefined;
      let fileId: number;
      let replaced: OldChunk[] = [];
      if (existing) {
        fileId = existing.id;
        this.database.prepare('UPDATE files SET content_hash = ?, size = ?, mtime_ms = ?, language = ? WHERE id = ?').run(file.contentHash, file.size, file.mtimeMs, file.language, fileId);
        // New content outdates every chunk set of the file; the same content only the sets being replaced.
        const contentChanged = existing.content_hash !== file.contentHash;
        replaced = (this.database.prepare('SELECT id, content_hash, chunker FROM chunks WHERE file_id = ?').all(fileId) as OldChunk[]).filter(
          (chunk) => contentChanged || chunkSets.has(chunk.chunker),
        );
        for (const chunker of new Set([...replaced.map((chunk) => chunk.chunker), ...chunkSets.keys()])) {
          this.database.prepare('DELETE FROM file_chunkings WHERE file_id = ? AND chunker = ?').run(fileId, chunker);
        }
      } else {
        fileId = Number(this.database.prepare('INSERT INTO files (path, content_hash, size, mtime_ms, language) VALUES (?, ?, ?, ?, ?)').run(file.path, file.contentHash, file.size, file.mtimeMs, file.language).lastInsertRowid);
      }
      const insertChunk = this.database.prepare(`INSERT INTO chunks (file_id, chunker, ordinal, content_hash, start_line, end_line, language, kind, symbol, scope, signature, doc_comment, part_index, part_count, text, lexical_end_line,
          definition_start_line, definition_line, head_end_line)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      const insertLexical = this.database.prepare('INSERT INTO chunks_lexical (rowid, path, symbol, body) VALUES (?, ?, ?, ?)');
      const insertSymbol = this.database.prepare('INSERT OR IGNORE INTO chunk_symbols (chunk_id, name, role) VALUES (?, ?, ?)');
      const pathWords = lexicalText(file.path);
      for (const [chunker, chunks] of chunkSets) {
        const unitsByHead = new Map(lexicalUnits(chunks).map((unit) => [unit.first, unit]));
        chunks.forEach((chunk, ordinal) => {
          const contentHash = chunkContentHash(chunk);
          const unit = unitsByHead.get(ordinal);
          const id = Number(insertChunk.run(
            fileId, chunker, ordinal, contentHash, chunk.startLine, chunk.endLine, chunk.language, chunk.kind,
            chunk.symbol ?? null, JSON.stringify(chunk.scope), chunk.signature ?? null, chunk.docComment ?? null,
            chunk.part?.index ?? null, chunk.part?.count ?? null, chunk.text, unit?.endLine ?? null,
            chunk.definition?.startLine ?? null, chunk.definition?.line ?? null, chunk.definition?.headEndLine ?? null,
          ).lastInsertRowid);
          if (unit) insertLexical.run(id, pathWords, lexicalText([...chunk.scope, chunk.symbol ?? ''].join(' ')), lexicalText(unit.text));
          for (const role of RELATION_ROLES) for (const name of chunk.relations[role]) insertSymbol.run(id, name, role);
          inserted.push({ id, contentHash });
        });
        this.database.prepare('INSERT OR IGNORE INTO file_chunkings (file_id, chunker, relations) VALUES (?, ?, ?)').run(fileId, chunker, relationsVersion);
      }
      // The old chunks go after the new ones are in, so content both share keeps its vector.
      this.removeChunks(replaced);
      return inserted;
    });
  }

  /** Removes files, their chunks, lexical rows and the vectors nobody references any more, in one transaction. */
  deleteFiles(paths: readonly string[]): void {
    if (paths.length === 0) return;
    this.transaction(() => {
      const select = this.database.prepare('SELECT id FROM files WHERE path = ?');
      for (const filePath of paths) {
        const row = select.get(filePath) as { id: number } | undefined;
        if (!row) continue;
        this.removeChunks(this.database.prepare('SELECT id, content_hash, chunker FROM chunks WHERE file_id = ?').all(row.id) as OldChunk[]);
        this.database.prepare('DELETE FROM file_chunkings WHERE file_id = ?').run(row.id);
        this.database.prepare('DELETE FROM files WHERE id = ?').run(row.id);
      }
    });
  }

  /** Deletes chunks with their lexical rows, then the vectors no chunk references any more. Call inside a transaction. */
  private removeChunks(chunks: readonly OldChunk[]): void {
    if (chunks.length === 0) return;
    const deleteLexical = this.database.prepare('DELETE FROM chunks_lexical WHERE rowid = ?');
    const deleteSymbols = this.database.prepare('DELETE FROM chunk_symbols WHERE chunk_id = ?');
    const deleteChunk = this.database.prepare('DELETE FROM chunks WHERE id = ?');
    for (const chunk of chunks) {
      deleteLexical.run(chunk.id);
      deleteSymbols.run(chunk.id);
      deleteChunk.run(chunk.id);
    }
    const stillUsed = this.database.prepare('SELECT 1 FROM chunks WHERE chunker = ? AND content_hash = ? LIMIT 1');
    const spaces = this.vectorSpaces();
    const find = this.database.prepare('SELECT id FROM embeddings WHERE space_id = ? AND content_hash = ?');
    const deleteTag = this.database.prepare('DELETE FROM embeddings WHERE id = ?');
    const orphans = new Map(chunks.map((chunk) => [`${chunk.chunker}\n${chunk.content_hash}`, chunk]));
    for (const { chunker, content_hash: hash } of orphans.values()) {
      if (stillUsed.get(chunker, hash)) continue;
      for (const space of spaces) {
        if (space.chunker !== chunker) continue;
        const embedding = find.get(space.id, hash) as { id: number } | undefined;
        if (!embedding) continue;
        this.spaceStore.tablesOf(space).delete(BigInt(embedding.id));
        deleteTag.run(embedding.id);
      }
    }
  }

  /** The ids of every chunk of a chunker, ascending (the model evaluation samples distractors from them). */
  chunkIds(chunker: string): number[] {
    return this.run(() => (this.database.prepare('SELECT id FROM chunks WHERE chunker = ? ORDER BY id').all(chunker) as { id: number }[]).map((row) => row.id));
  }

  /** Chunks by id, with paths; missing ids are left out. */
  chunksById(ids: readonly number[]): Map<number, StoredChunk> {
    return this.run(() => {
      const statement = this.database.prepare(`SELECT ${CHUNK_COLUMNS} FROM chunks c JOIN files f ON f.id = c.file_id WHERE c.id = ?`);
      const chunks = new Map<number, StoredChunk>();
      for (const id of ids) {
        const row = statement.get(id) as ChunkRow | undefined;
        if (row) chunks.set(id, toStoredChunk(row));
      }
      return chunks;
    });
  }

  /**
   * The given chunks with every other piece of the split chunks among them (a split chunk's pieces have
   * consecutive ordinals), in file and ordinal order, each once: what a definition holds is spread over its pieces.
   */
  withAllPieces(ids: readonly number[]): StoredChunk[] {
    return this.run(() => {
      const statement = this.database.prepare(`SELECT ${CHUNK_COLUMNS} FROM chunks o
        JOIN chunks c ON c.file_id = o.file_id AND c.chunker = o.chunker
          AND c.ordinal BETWEEN o.ordinal - COALESCE(o.part_index, 0) AND o.ordinal - COALESCE(o.part_index, 0) + COALESCE(o.part_count, 1) - 1
        JOIN files f ON f.id = c.file_id
        WHERE o.id = ? ORDER BY c.ordinal`);
      const chunks = new Map<number, StoredChunk>();
      for (const id of ids) {
        for (const row of statement.all(id) as ChunkRow[]) if (!chunks.has(row.id)) chunks.set(row.id, toStoredChunk(row));
      }
      return [...chunks.values()].sort((a, b) => a.path.localeCompare(b.path) || a.startLine - b.startLine || a.id - b.id);
    });
  }

  /** The chunks of one chunker whose content has a given hash (duplicates share a hash). */
  chunksByContentHash(chunker: string, hashes: readonly string[]): Map<string, StoredChunk[]> {
    return this.run(() => {
      const statement = this.database.prepare(`SELECT ${CHUNK_COLUMNS} FROM chunks c JOIN files f ON f.id = c.file_id WHERE c.chunker = ? AND c.content_hash = ? ORDER BY f.path, c.start_line`);
      const result = new Map<string, StoredChunk[]>();
      for (const hash of hashes) result.set(hash, (statement.all(chunker, hash) as ChunkRow[]).map(toStoredChunk));
      return result;
    });
  }

  /** The chunks of a file for a chunker, in file order. */
  chunksOfFile(filePath: string, chunker: string): StoredChunk[] {
    return this.run(() =>
      (this.database.prepare(`SELECT ${CHUNK_COLUMNS} FROM chunks c JOIN files f ON f.id = c.file_id WHERE f.path = ? AND c.chunker = ? ORDER BY c.ordinal`).all(filePath, chunker) as ChunkRow[]).map(toStoredChunk),
    );
  }

  // ---- relations: what chunks define, call and import, by name ----

  /** The names a chunk defines, calls and imports (empty lists for a chunk without relations, or an index from before them). */
  relationsOfChunk(chunkId: number): StoredRelations {
    const relations: StoredRelations = { defines: [], calls: [], imports: [] };
    if (!this.hasRelations()) return relations;
    const rows = this.run(() => this.database.prepare('SELECT name, role FROM chunk_symbols WHERE chunk_id = ? ORDER BY role, name').all(chunkId) as { name: string; role: RelationRole }[]);
    for (const row of rows) relations[row.role].push(row.name);
    return relations;
  }

  /**
   * Chunks of a chunker that define `name`, nearest to `near` first (same file, same directory, elsewhere),
   * then by path and line. The pieces of one split definition count once (its first piece).
   */
  definitionsOf(chunker: string, name: string, options: { near?: string; limit?: number } = {}): SymbolMatch[] {
    return this.chunksWithSymbol(chunker, name, 'defines', options);
  }

  /** Chunks of a chunker that call `name`, nearest to `near` first; the pieces of one split caller count once. */
  callersOf(chunker: string, name: string, options: { near?: string; limit?: number } = {}): SymbolMatch[] {
    return this.chunksWithSymbol(chunker, name, 'calls', options);
  }

  /**
   * The definitions of the names a chunk calls, resolved by name alone: for each name, the definitions at the
   * closest proximity to the chunk (same file, else same directory, else anywhere), at most `perName` of them,
   * never the chunk itself. `definitions` says how many shared that proximity (more than 1: ambiguous).
   */
  calleesOf(chunk: Pick<StoredChunk, 'id' | 'path' | 'chunker'>, options: { perName?: number } = {}): CalleeMatch[] {
    const perName = options.perName ?? 3;
    const callees: CalleeMatch[] = [];
    for (const name of this.relationsOfChunk(chunk.id).calls) {
      // A recursive call finds the chunk itself: not a callee.
      const definitions = this.definitionsOf(chunk.chunker, name, { near: chunk.path, limit: 64 }).filter((match) => match.chunk.id !== chunk.id);
      const closest = definitions.filter((match) => match.proximity === definitions[0]?.proximity);
      for (const match of closest.slice(0, perName)) callees.push({ ...match, definitions: closest.length });
    }
    return callees;
  }

  /** Whether the database has relations at all (a read-only index of schema 4 or older has not). */
  private hasRelations(): boolean {
    this.relationsTable ??= this.run(() => this.database.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'chunk_symbols'").get() !== undefined);
    return this.relationsTable;
  }

  private chunksWithSymbol(chunker: string, name: string, role: RelationRole, options: { near?: string; limit?: number }): SymbolMatch[] {
    if (!this.hasRelations()) return [];
    const near = options.near ?? '';
    const slash = near.lastIndexOf('/');
    const directory = slash < 0 ? '' : near.slice(0, slash + 1);
    const limit = options.limit ?? 50;
    return this.run(() => {
      // Proximity in SQL, so that a name defined a thousand times still finds its same-file definition first.
      const rows = this.database
        .prepare(`SELECT ${CHUNK_COLUMNS},
            CASE WHEN :near IS NULL THEN 2
                 WHEN f.path = :near THEN 0
                 WHEN substr(f.path, 1, :directoryLength) = :directory AND instr(substr(f.path, :directoryLength + 1), '/') = 0 THEN 1
                 ELSE 2 END AS proximity
          FROM chunk_symbols s JOIN chunks c ON c.id = s.chunk_id JOIN files f ON f.id = c.file_id
          WHERE s.name = :name AND s.role = :role AND c.chunker = :chunker
          ORDER BY proximity, f.path, c.start_line LIMIT :limit`)
        .all({ near: options.near ?? null, directory, directoryLength: directory.length, name, role, chunker, limit: limit * 4 }) as (ChunkRow & { proximity: number })[];
      const matches: SymbolMatch[] = [];
      const seen = new Set<string>();
      for (const row of rows) {
        const chunk = toStoredChunk(row);
        // Pieces of one split chunk share path, kind, scope, symbol and count; the first one found stands for all.
        const whole = chunk.part === undefined ? `#${chunk.id}` : JSON.stringify([chunk.path, chunk.kind, chunk.scope, chunk.symbol ?? null, chunk.part.count]);
        if (seen.has(whole)) continue;
        seen.add(whole);
        matches.push({ name, chunk, proximity: options.near === undefined ? 'elsewhere' : PROXIMITIES[row.proximity]! });
        if (matches.length >= limit) break;
      }
      return matches;
    });
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

  // ---- vectors ----

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

  /** Whether the space's vectors are float32 and exact (float32 storage, not yet calibrated, or binary rescored from float32). */
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

  /** BM25 matches of an FTS5 expression among one chunker's chunks, best first. */
  lexical(chunker: string, matchExpression: string, limit: number): LexicalMatch[] {
    return this.run(() => {
      const rows = this.database
        .prepare(`SELECT l.rowid AS id, bm25(chunks_lexical, 1.0, 4.0, 1.0) AS rank
          FROM chunks_lexical l JOIN chunks c ON c.id = l.rowid
          WHERE chunks_lexical MATCH ? AND c.chunker = ?
          ORDER BY rank LIMIT ?`)
        .all(matchExpression, chunker, limit) as { id: number; rank: number }[];
      return rows.map((row) => ({ chunkId: row.id, score: -row.rank }));
    });
  }

  /**
   * Lexical rows matching an FTS5 expression among one chunker's chunks of one kind (`prose`: sections;
   * `code`: the rest), best first by FTS5 bm25(), with their column lengths and the query words' counts: the
   * first stage of per-kind scoring (search/lexical-kinds.ts). `words` are the expression's words.
   */
  lexicalRows(chunker: string, matchExpression: string, words: readonly string[], kind: 'prose' | 'code', limit: number): LexicalRow[] {
    return this.run(() => {
      const found = this.database
        .prepare(`SELECT l.rowid AS id, d.sz AS sizes
          FROM chunks_lexical l JOIN chunks c ON c.id = l.rowid JOIN chunks_lexical_docsize d ON d.id = l.rowid
          WHERE chunks_lexical MATCH ? AND c.chunker = ? AND (c.kind = 'section') = ?
          ORDER BY bm25(chunks_lexical, 1.0, 4.0, 1.0) LIMIT ?`)
        .all(matchExpression, chunker, kind === 'prose' ? 1 : 0, limit) as { id: number; sizes: Buffer }[];
      const rows = new Map(found.map((row) => [row.id, { chunkId: row.id, lengths: columnSizes(row.sizes), counts: new Map<string, [number, number, number]>() } satisfies LexicalRow]));
      // The table is contentless: a word's occurrences per row and column come from the index itself.
      this.database.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.chunks_lexical_instances USING fts5vocab(main, chunks_lexical, 'instance')`);
      const occurrences = this.database.prepare('SELECT doc, col, COUNT(*) AS n FROM temp.chunks_lexical_instances WHERE term = ? GROUP BY doc, col');
      const columnIndex: Record<string, number> = { path: 0, symbol: 1, body: 2 };
      for (const word of new Set(words)) {
        for (const entry of occurrences.all(word) as { doc: number; col: string; n: number }[]) {
          const row = rows.get(entry.doc);
          if (!row) continue;
          let counts = row.counts.get(word);
          if (!counts) row.counts.set(word, (counts = [0, 0, 0]));
          counts[columnIndex[entry.col] ?? 2] += entry.n;
        }
      }
      return [...rows.values()];
    });
  }

  /**
   * Per-kind statistics of one chunker's lexical documents: counts and mean lengths (cached until the chunk set
   * changes size) and the document frequency of each word within each kind.
   */
  lexicalKindStatistics(chunker: string, words: readonly string[]): Record<'prose' | 'code', LexicalKindStatistics> {
    return this.run(() => {
      const version = this.database.prepare('SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS top FROM chunks WHERE chunker = ?').get(chunker) as { n: number; top: number };
      const key = `${chunker}\n${version.n}\n${version.top}`;
      if (this.lexicalSizes?.key !== key) {
        const sizes = { prose: { documents: 0, length: 0 }, code: { documents: 0, length: 0 } };
        const rows = this.database
          .prepare(`SELECT c.kind = 'section' AS prose, d.sz AS sizes FROM chunks_lexical_docsize d JOIN chunks c ON c.id = d.id WHERE c.chunker = ?`)
          .iterate(chunker) as IterableIterator<{ prose: number; sizes: Buffer }>;
        for (const row of rows) {
          const [path, symbol, body] = columnSizes(row.sizes);
          const entry = sizes[row.prose === 1 ? 'prose' : 'code'];
          entry.documents += 1;
          entry.length += path + symbol + body;
        }
        this.lexicalSizes = { key, sizes };
      }
      const { sizes } = this.lexicalSizes;
      const result = {
        prose: { documents: sizes.prose.documents, averageLength: sizes.prose.length / Math.max(1, sizes.prose.documents), frequencies: new Map<string, number>() },
        code: { documents: sizes.code.documents, averageLength: sizes.code.length / Math.max(1, sizes.code.documents), frequencies: new Map<string, number>() },
      };
      const count = this.database.prepare(`SELECT SUM(c.kind = 'section') AS prose, COUNT(*) AS total
        FROM chunks_lexical l JOIN chunks c ON c.id = l.rowid WHERE chunks_lexical MATCH ? AND c.chunker = ?`);
      for (const word of new Set(words)) {
        // Words are letters and digits only, so quoting cannot be broken out of.
        const row = count.get(`"${word}"`, chunker) as { prose: number | null; total: number };
        if ((row.prose ?? 0) > 0) result.prose.frequencies.set(word, row.prose!);
        if (row.total - (row.prose ?? 0) > 0) result.code.frequencies.set(word, row.total - (row.prose ?? 0));
      }
      return result;
    });
  }

  /** The languages that have chunks, sorted. */
  languages(): string[] {
    return this.run(() => (this.database.prepare('SELECT DISTINCT language FROM chunks ORDER BY language').all() as { language: string }[]).map((row) => row.language));
  }

  /**
   * How many chunks contain each word (across chunk sets), and an upper bound of the chunk count
   * (the largest chunk id: no scan needed). Unknown words are left out.
   */
  lexicalDocumentFrequencies(words: readonly string[]): { frequencies: Map<string, number>; chunkBound: number } {
    return this.run(() => {
      const statement = this.database.prepare('SELECT doc FROM chunks_lexical_terms WHERE term = ?');
      const frequencies = new Map<string, number>();
      for (const word of words) {
        const row = statement.get(word) as { doc: number } | undefined;
        if (row) frequencies.set(word, row.doc);
      }
      const chunkBound = (this.database.prepare('SELECT COALESCE(MAX(id), 0) AS bound FROM chunks').get() as { bound: number }).bound;
      return { frequencies, chunkBound };
    });
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

  /**
   * Up to `limit` documented definitions of a chunker, each as its first chunk (a whole chunk, or the
   * first piece of a split one): a doc comment above it, or Python text holding a triple-quoted string (a
   * docstring, most likely). Spread over the index (every n-th by id), in path and line order: the
   * self-supervised evaluation queries come from them.
   */
  documentedChunks(chunker: string, limit: number): StoredChunk[] {
    return this.run(() => {
      const where = `c.chunker = ? AND (c.part_index IS NULL OR c.part_index = 0)
        AND (c.doc_comment IS NOT NULL OR (c.language = 'python' AND (instr(c.text, ?) > 0 OR instr(c.text, ?) > 0)))`;
      const quotes = ['"""', "'''"];
      const total = (this.database.prepare(`SELECT COUNT(*) AS n FROM chunks c WHERE ${where}`).get(chunker, ...quotes) as { n: number }).n;
      const step = Math.max(1, Math.floor(total / Math.max(limit, 1)));
      return (this.database
        .prepare(`SELECT ${CHUNK_COLUMNS} FROM chunks c JOIN files f ON f.id = c.file_id WHERE ${where} AND c.id % ? = 0 ORDER BY f.path, c.start_line LIMIT ?`)
        .all(chunker, ...quotes, step, limit) as ChunkRow[]).map(toStoredChunk);
    });
  }

  /** A sample of stored vectors of a space, spread over it, at the space's stored dimensions. */
  sampleVectors(space: VectorSpace, limit: number): { contentHash: string; vector: Float32Array }[] {
    return this.sampleStore.sampleVectors(space, limit);
  }

  /**
   * A sample of stored vectors of a space, spread over it (for score distributions and calibration),
   * at the space's stored dimensions (dequantized for int8 spaces).
   */
  // ---- skips and statistics ----

  replaceSkips(skips: readonly SkipRecord[]): void {
    this.transaction(() => {
      this.database.prepare('DELETE FROM skips').run();
      const insert = this.database.prepare('INSERT INTO skips (reason, count, examples) VALUES (?, ?, ?)');
      for (const skip of skips) insert.run(skip.reason, skip.count, JSON.stringify(skip.examples));
    });
  }

  skips(): SkipRecord[] {
    return this.run(() =>
      (this.database.prepare('SELECT reason, count, examples FROM skips ORDER BY count DESC').all() as { reason: string; count: number; examples: string }[]).map((row) => ({
        reason: row.reason,
        count: row.count,
        examples: JSON.parse(row.examples) as string[],
      })),
    );
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
      const known = new Set(this.vectorSpaces().map((space) => space.id));
      const unknownTags = (this.database.prepare('SELECT DISTINCT space_id FROM embeddings').all() as { space_id: string }[]).filter((row) => !known.has(row.space_id));
      for (const row of unknownTags) problems.push(`vectors tagged with unknown space ${row.space_id}`);
      for (const space of this.vectorSpaces()) {
        const tables = this.spaceStore.tablesOf(space);
        const tags = (this.database.prepare('SELECT COUNT(*) AS n FROM embeddings WHERE space_id = ?').get(space.id) as { n: number }).n;
        const vectors = tables.count();
        if (tags !== vectors) problems.push(`space ${space.id}: ${tags} tags but ${vectors} vectors`);
        problems.push(...tables.integrityProblems());
        const orphans = (this.database
          .prepare('SELECT COUNT(*) AS n FROM embeddings e WHERE e.space_id = ? AND NOT EXISTS (SELECT 1 FROM chunks c WHERE c.chunker = ? AND c.content_hash = e.content_hash)')
          .get(space.id, space.chunker) as { n: number }).n;
        if (orphans > 0) problems.push(`space ${space.id}: ${orphans} vectors no chunk references`);
        const tagged = this.database.prepare('SELECT 1 FROM embeddings WHERE id = ? AND space_id = ?');
        const untagged = tables.rowIds().filter((id) => !tagged.get(id, space.id)).length;
        if (untagged > 0) problems.push(`space ${space.id}: ${untagged} vectors without a tag of this space`);
      }
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
