// Samples of an index: vectors spread over a space (for calibrating a quantizer and for score
// distributions) and documented definitions spread over a chunk set (the self-supervised evaluation
// queries come from them). Spread means every n-th row by id, so a sample is the same on every call
// while the index is unchanged, and never just the first files walked.
import { CHUNK_COLUMNS, toStoredChunk, type ChunkRow, type StoredChunk } from './chunks.ts';
import { StoreModule, type StoreConnection } from './connection.ts';
import type { SpaceStore, VectorSpace } from './spaces.ts';

/** Samples of the vectors and chunks of one index database. */
export class SampleStore extends StoreModule {
  private readonly spaces: SpaceStore;

  constructor(connection: StoreConnection, spaces: SpaceStore) {
    super(connection);
    this.spaces = spaces;
  }

  /**
   * Up to `limit` documented definitions of a chunker, each as its first chunk (a whole chunk, or the
   * first piece of a split one): a doc comment above it, or Python text holding a triple-quoted string (a
   * docstring, most likely). Spread over the index (every n-th by id), in path and line order: the
   * self-supervised evaluation queries come from them.
   */
  documentedChunks(chunker: string, limit: number): StoredChunk[] {
    return this.connection.run(() => {
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

  /**
   * A sample of stored vectors of a space, spread over it (for score distributions and calibration),
   * at the space's stored dimensions (dequantized for int8 spaces).
   */
  sampleVectors(space: VectorSpace, limit: number): { contentHash: string; vector: Float32Array }[] {
    return this.connection.run(() => this.sampleRows(space, limit).map(({ contentHash, vector }) => ({ contentHash, vector })));
  }

  /** Like `sampleVectors`, with each vector's tag id. Call inside `run` or a transaction. */
  sampleRows(space: VectorSpace, limit: number): { id: number; contentHash: string; vector: Float32Array }[] {
    const total = (this.database.prepare('SELECT COUNT(*) AS n FROM embeddings WHERE space_id = ?').get(space.id) as { n: number }).n;
    const step = Math.max(1, Math.floor(total / Math.max(limit, 1)));
    const rows = this.database
      .prepare('SELECT id, content_hash FROM embeddings WHERE space_id = ? AND id % ? = 0 ORDER BY id LIMIT ?')
      .all(space.id, step, limit) as { id: number; content_hash: string }[];
    const vectors = this.spaces.tablesOf(space).vectors(rows.map((row) => row.id));
    return rows.flatMap((row) => {
      const vector = vectors.get(row.id);
      return vector ? [{ id: row.id, contentHash: row.content_hash, vector }] : [];
    });
  }
}
