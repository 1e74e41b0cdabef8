// Chunks: the `chunks` table, each row one piece of a file's text as one chunker cut it (see
// ../chunking/README.md), with its position, kind, names and the definition it belongs to. The rows are
// written and removed with their file (files.ts); this module reads them. A split definition's pieces
// have consecutive ordinals, and the content hash (what is embedded, minus the path) is what vectors
// are keyed by, so renamed and copied code reuses its vectors.
import { createHash } from 'node:crypto';
import type { Chunk, ChunkDefinition } from '../chunking/types.ts';
import { StoreModule } from './connection.ts';

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

/** The content hash of a chunk: what is embedded, minus the path (so renames and copies reuse vectors). */
export function chunkContentHash(chunk: Pick<Chunk, 'language' | 'scope' | 'signature' | 'text' | 'kind'>): string {
  return createHash('sha256')
    .update(JSON.stringify([chunk.language, chunk.kind, chunk.scope, chunk.signature ?? null, chunk.text]))
    .digest('hex');
}

/** A `chunks` row joined with its file's path, as `CHUNK_COLUMNS` selects it. */
export interface ChunkRow {
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

/** The columns of a `ChunkRow`, from `chunks c JOIN files f`. */
export const CHUNK_COLUMNS = `c.id, f.path, c.chunker, c.content_hash, c.start_line, c.end_line, c.language, c.kind, c.symbol,
  c.scope, c.signature, c.doc_comment, c.part_index, c.part_count, c.text, c.lexical_end_line, c.definition_start_line,
  c.definition_line, c.head_end_line`;

/** A `ChunkRow` as callers see it. */
export function toStoredChunk(row: ChunkRow): StoredChunk {
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

/** Reads the chunks of one index database. */
export class ChunkStore extends StoreModule {

  /** The ids of every chunk of a chunker, ascending (the model evaluation samples distractors from them). */
  chunkIds(chunker: string): number[] {
    return this.connection.run(() => (this.database.prepare('SELECT id FROM chunks WHERE chunker = ? ORDER BY id').all(chunker) as { id: number }[]).map((row) => row.id));
  }

  /** Chunks by id, with paths; missing ids are left out. */
  chunksById(ids: readonly number[]): Map<number, StoredChunk> {
    return this.connection.run(() => {
      // One statement for all ids (a search asks for a few hundred): a statement each cost about as much again.
      const statement = this.connection.statement(`SELECT ${CHUNK_COLUMNS} FROM json_each(?) j CROSS JOIN chunks c ON c.id = j.value JOIN files f ON f.id = c.file_id`);
      const found = new Map<number, StoredChunk>();
      for (const row of statement.all(JSON.stringify([...new Set(ids)])) as ChunkRow[]) found.set(row.id, toStoredChunk(row));
      // In the order asked for, as callers iterate the map.
      const chunks = new Map<number, StoredChunk>();
      for (const id of ids) {
        const chunk = found.get(id);
        if (chunk) chunks.set(id, chunk);
      }
      return chunks;
    });
  }

  /**
   * The given chunks with every other piece of the split chunks among them (a split chunk's pieces have
   * consecutive ordinals), in file and ordinal order, each once: what a definition holds is spread over its pieces.
   */
  withAllPieces(ids: readonly number[]): StoredChunk[] {
    return this.connection.run(() => {
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
    return this.connection.run(() => {
      // One statement for all hashes (a search asks for a hundred or more), each hash's chunks in file and line order.
      const statement = this.connection.statement(`SELECT ${CHUNK_COLUMNS} FROM json_each(?) j
        CROSS JOIN chunks c ON c.chunker = ? AND c.content_hash = j.value JOIN files f ON f.id = c.file_id
        ORDER BY j.key, f.path, c.start_line`);
      const unique = [...new Set(hashes)];
      const result = new Map<string, StoredChunk[]>(unique.map((hash) => [hash, []]));
      for (const row of statement.all(JSON.stringify(unique), chunker) as ChunkRow[]) result.get(row.content_hash)!.push(toStoredChunk(row));
      return result;
    });
  }

  /** The chunks of a file for a chunker, in file order. */
  chunksOfFile(filePath: string, chunker: string): StoredChunk[] {
    return this.connection.run(() =>
      (this.database.prepare(`SELECT ${CHUNK_COLUMNS} FROM chunks c JOIN files f ON f.id = c.file_id WHERE f.path = ? AND c.chunker = ? ORDER BY c.ordinal`).all(filePath, chunker) as ChunkRow[]).map(toStoredChunk),
    );
  }

  /** The languages that have chunks, sorted. */
  languages(): string[] {
    return this.connection.run(() => (this.database.prepare('SELECT DISTINCT language FROM chunks ORDER BY language').all() as { language: string }[]).map((row) => row.language));
  }
}
