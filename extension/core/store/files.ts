// Files and what indexing writes with them: the `files` table (path, content hash, size, mtime),
// `file_chunkings` (which chunkers have cut the current content, and with which RELATIONS_VERSION), and
// the `skips` summary of the last run. A file's record, its chunk sets, their lexical rows and names
// (chunk_symbols) are replaced in one transaction, and the vectors no chunk references any more go in
// that same transaction (vectors.ts), so a killed run leaves either the old file or the new one.
import type { Chunk } from '../chunking/types.ts';
import { lexicalText } from '../text/analyzer.ts';
import { lexicalUnits } from '../text/lexical-units.ts';
import { chunkContentHash } from './chunks.ts';
import { StoreModule, type StoreConnection } from './connection.ts';
import { RELATION_ROLES } from './relations.ts';
import type { VectorStore } from './vectors.ts';

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

/** Files a run left out for one reason: how many, and a few of their paths. */
export interface SkipRecord {
  reason: string;
  count: number;
  examples: string[];
}

/** What removing a chunk needs to know about it. */
interface OldChunk {
  id: number;
  content_hash: string;
  chunker: string;
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

/** The files of one index database, and the writes that replace or remove them with their chunks. */
export class FileStore extends StoreModule {
  private readonly vectors: VectorStore;

  constructor(connection: StoreConnection, vectors: VectorStore) {
    super(connection);
    this.vectors = vectors;
  }

  /** Every file the index knows, by path. */
  files(): Map<string, StoredFile> {
    return this.connection.run(() => {
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
        this.connection.run(() => {
          const row = fileByPath.get(filePath) as FileRow | undefined;
          if (!row) return undefined;
          const file = toStoredFile(row);
          for (const { chunker, relations } of chunkingsOf.all(row.id) as { chunker: string; relations: number }[]) {
            file.chunkers.add(chunker);
            file.relationsVersions.set(chunker, relations);
          }
          return file;
        }),
      keys: () => this.connection.run(() => paths.all() as string[]),
    };
  }

  /** Whether any file is indexed (with any chunker). */
  hasFiles(): boolean {
    return this.connection.run(() => this.database.prepare('SELECT 1 FROM files LIMIT 1').get() !== undefined);
  }

  /** Records a file whose content is unchanged but whose size or mtime moved (a touch, a checkout). */
  touchFile(filePath: string, size: number, mtimeMs: number): void {
    this.connection.run(() => this.connection.statement('UPDATE files SET size = ?, mtime_ms = ? WHERE path = ?').run(size, mtimeMs, filePath));
  }

  /**
   * Replaces a file's record and its chunks for the given chunkers, in one transaction. Chunk sets of
   * other chunkers are dropped when the content changed (they describe old content). Vectors no chunk
   * references any more are removed in the same transaction. `relationsVersion` is the chunker's
   * RELATIONS_VERSION, recorded with the chunk sets (0, the default, for chunks without relations).
   */
  replaceFile(file: FileRecord, chunkSets: Map<string, readonly Chunk[]>, relationsVersion = 0): { id: number; contentHash: string }[] {
    return this.connection.transaction(() => {
      const inserted: { id: number; contentHash: string }[] = [];
      const existing = this.connection.statement('SELECT id, content_hash FROM files WHERE path = ?').get(file.path) as { id: number; content_hash: string } | undefined;
      let fileId: number;
      let replaced: OldChunk[] = [];
      if (existing) {
        fileId = existing.id;
        this.connection.statement('UPDATE files SET content_hash = ?, size = ?, mtime_ms = ?, language = ? WHERE id = ?').run(file.contentHash, file.size, file.mtimeMs, file.language, fileId);
        // New content outdates every chunk set of the file; the same content only the sets being replaced.
        const contentChanged = existing.content_hash !== file.contentHash;
        replaced = (this.connection.statement('SELECT id, content_hash, chunker FROM chunks WHERE file_id = ?').all(fileId) as OldChunk[]).filter(
          (chunk) => contentChanged || chunkSets.has(chunk.chunker),
        );
        for (const chunker of new Set([...replaced.map((chunk) => chunk.chunker), ...chunkSets.keys()])) {
          this.connection.statement('DELETE FROM file_chunkings WHERE file_id = ? AND chunker = ?').run(fileId, chunker);
        }
      } else {
        fileId = Number(this.connection.statement('INSERT INTO files (path, content_hash, size, mtime_ms, language) VALUES (?, ?, ?, ?, ?)').run(file.path, file.contentHash, file.size, file.mtimeMs, file.language).lastInsertRowid);
      }
      const insertChunk = this.connection.statement(`INSERT INTO chunks (file_id, chunker, ordinal, content_hash, start_line, end_line, language, kind, symbol, scope, signature, doc_comment, part_index, part_count, text, lexical_end_line,
          definition_start_line, definition_line, head_end_line)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      const insertLexical = this.connection.statement('INSERT INTO chunks_lexical (rowid, path, symbol, body) VALUES (?, ?, ?, ?)');
      const insertSymbol = this.connection.statement('INSERT OR IGNORE INTO chunk_symbols (chunk_id, name, role) VALUES (?, ?, ?)');
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
        this.connection.statement('INSERT OR IGNORE INTO file_chunkings (file_id, chunker, relations) VALUES (?, ?, ?)').run(fileId, chunker, relationsVersion);
      }
      // The old chunks go after the new ones are in, so content both share keeps its vector.
      this.removeChunks(replaced);
      return inserted;
    });
  }

  /** Removes files, their chunks, lexical rows and the vectors nobody references any more, in one transaction. */
  deleteFiles(paths: readonly string[]): void {
    if (paths.length === 0) return;
    this.connection.transaction(() => {
      const select = this.connection.statement('SELECT id FROM files WHERE path = ?');
      for (const filePath of paths) {
        const row = select.get(filePath) as { id: number } | undefined;
        if (!row) continue;
        this.removeChunks(this.connection.statement('SELECT id, content_hash, chunker FROM chunks WHERE file_id = ?').all(row.id) as OldChunk[]);
        this.connection.statement('DELETE FROM file_chunkings WHERE file_id = ?').run(row.id);
        this.connection.statement('DELETE FROM files WHERE id = ?').run(row.id);
      }
    });
  }

  /** Deletes chunks with their lexical rows, then the vectors no chunk references any more. Call inside a transaction. */
  private removeChunks(chunks: readonly OldChunk[]): void {
    if (chunks.length === 0) return;
    const deleteLexical = this.connection.statement('DELETE FROM chunks_lexical WHERE rowid = ?');
    const deleteSymbols = this.connection.statement('DELETE FROM chunk_symbols WHERE chunk_id = ?');
    const deleteChunk = this.connection.statement('DELETE FROM chunks WHERE id = ?');
    for (const chunk of chunks) {
      deleteLexical.run(chunk.id);
      deleteSymbols.run(chunk.id);
      deleteChunk.run(chunk.id);
    }
    this.vectors.deleteUnreferenced(chunks.map((chunk) => ({ chunker: chunk.chunker, contentHash: chunk.content_hash })));
  }
  replaceSkips(skips: readonly SkipRecord[]): void {
    this.connection.transaction(() => {
      this.database.prepare('DELETE FROM skips').run();
      const insert = this.database.prepare('INSERT INTO skips (reason, count, examples) VALUES (?, ?, ?)');
      for (const skip of skips) insert.run(skip.reason, skip.count, JSON.stringify(skip.examples));
    });
  }

  skips(): SkipRecord[] {
    return this.connection.run(() =>
      (this.database.prepare('SELECT reason, count, examples FROM skips ORDER BY count DESC').all() as { reason: string; count: number; examples: string }[]).map((row) => ({
        reason: row.reason,
        count: row.count,
        examples: JSON.parse(row.examples) as string[],
      })),
    );
  }
}
