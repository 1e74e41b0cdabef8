// Vectors and their tags: the `embeddings` table (one row per space × chunk content, its id the rowid
// of the vector in the space's tables) and the space tables themselves (space-vectors.ts). Invariants:
// every tag has a vector in its space's tables and every vector a tag; a tag's content is referenced
// by at least one chunk of the space's chunker (removals drop the vectors nobody references, see
// files.ts); each write is one transaction, so a killed run leaves no half-written vector.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CoreError } from '../errors.ts';
import { StoreModule, type StoreConnection } from './connection.ts';
import type { SampleStore } from './samples.ts';
import { calibrateQuantizer, SpaceVectors, type ResidentVectors } from './space-vectors.ts';
import type { SpaceStore, VectorSpace } from './spaces.ts';

export interface NearestNeighbour {
  embeddingId: number;
  contentHash: string;
  /** Cosine similarity, 1 = same direction. */
  similarity: number;
}

/** Vectors a quantized space needs before it calibrates itself at the end of an index run. */
export const CALIBRATION_MINIMUM = 1000;
/** Vectors a calibration looks at (spread over the space). */
export const CALIBRATION_SAMPLE = 10_000;

/**
 * How many times a warm-up starts its load before it leaves the vectors to the first search: each start follows
 * another connection's commit (or a search of another space taking the memory), and one that keeps committing
 * would have it read forever.
 */
const WARM_UP_STARTS = 4;

/** What `warmVectors` did: whether it read the vectors (to the last slice), and what is held now (undefined: nothing). */
export interface WarmUp {
  loaded: boolean;
  vectors: ResidentVectors | undefined;
}

/** The vectors of every space of one index database. */
export class VectorStore extends StoreModule {
  private readonly spaces: SpaceStore;
  private readonly samples: SampleStore;

  constructor(connection: StoreConnection, spaces: SpaceStore, samples: SampleStore) {
    super(connection);
    this.spaces = spaces;
    this.samples = samples;
  }

  /** Whether the space's vectors are float32 and exact (float32 storage, not yet calibrated, or binary rescored from float32). */
  holdsFloat32(space: VectorSpace): boolean {
    return this.connection.run(() => this.spaces.tablesOf(space).holdsFloat32);
  }

  /**
   * Calibrates a quantized space on a sample of its staged float32 vectors (or on `sample`, e.g. the
   * vectors of the space it is derived from) and moves every staged vector to codes, in one
   * transaction. Does nothing for float32 or already calibrated spaces, or while fewer than
   * `minimumVectors` are stored and no sample is given. Returns whether the space is calibrated now.
   */
  calibrateSpace(space: VectorSpace, options: { minimumVectors?: number; sampleSize?: number; sample?: readonly Float32Array[] } = {}): boolean {
    if (space.storage.kind === 'float32') return true;
    return this.connection.transaction(() => {
      const staged = this.spaces.tablesOf(space);
      if (staged.quantizer) return true;
      let sample = options.sample?.map((vector) => staged.prepare(vector));
      if (!sample) {
        const stored = staged.count();
        if (stored === 0 || stored < (options.minimumVectors ?? CALIBRATION_MINIMUM)) return false;
        sample = this.samples.sampleRows(space, options.sampleSize ?? CALIBRATION_SAMPLE).map((row) => row.vector);
      }
      if (sample.length === 0) return false;
      const quantizer = calibrateQuantizer(space.storage, sample, staged.dimensions);
      this.spaces.saveQuantizer(space.id, quantizer);
      const calibrated = this.spaces.tablesOf(space);
      for (let after = 0; ; ) {
        const batch = staged.stagedBatch(after, 1000);
        if (batch.length === 0) break;
        for (const row of batch) {
          calibrated.unstage(BigInt(row.id));
          calibrated.insert(BigInt(row.id), row.vector);
        }
        after = batch[batch.length - 1]!.id;
      }
      return true;
    });
  }

  /**
   * Copies the vectors `target` lacks among the next `limit` of `source` (same model and chunker,
   * float32 vectors of at least the target's stored dimensions) after tag id `afterId`, converting
   * them to the target's storage: a new storage option without re-embedding. Returns how many were
   * copied and the last tag id looked at (undefined when there was nothing left to look at).
   */
  copyVectors(target: VectorSpace, source: VectorSpace, limit: number, afterId = 0): { copied: number; lastId: number | undefined } {
    if (target.modelFingerprint !== source.modelFingerprint || target.chunker !== source.chunker) {
      throw new CoreError('store', 'storage-invalid', `Space ${source.id} holds another model's or chunker's vectors than space ${target.id}; they cannot be copied.`);
    }
    return this.connection.transaction(() => {
      const from = this.spaces.tablesOf(source);
      if (!from.holdsFloat32 || from.dimensions < this.spaces.storedDimensions(target)) {
        throw new CoreError('store', 'storage-invalid', `Space ${source.id} keeps no float32 vectors of ${this.spaces.storedDimensions(target)} dimensions to derive space ${target.id} from.`);
      }
      const rows = this.database
        .prepare('SELECT id, content_hash FROM embeddings WHERE id > ? AND space_id = ? ORDER BY id LIMIT ?')
        .all(afterId, source.id, limit) as { id: number; content_hash: string }[];
      const has = this.database.prepare('SELECT 1 FROM embeddings WHERE space_id = ? AND content_hash = ?');
      const missing = rows.filter((row) => !has.get(target.id, row.content_hash));
      const vectors = from.vectors(missing.map((row) => row.id));
      const to = this.spaces.tablesOf(target);
      const tag = this.database.prepare('INSERT INTO embeddings (space_id, content_hash) VALUES (?, ?)');
      for (const row of missing) {
        const vector = vectors.get(row.id);
        if (!vector) throw new CoreError('store', 'corrupt', `Space ${source.id} has a tag without a vector (${row.id}); run an integrity check.`);
        to.insert(BigInt(tag.run(target.id, row.content_hash).lastInsertRowid), to.prepare(vector));
      }
      return { copied: missing.length, lastId: rows[rows.length - 1]?.id };
    });
  }

  /** The space's vectors held in memory for searches, if they are. */
  residentVectors(space: VectorSpace): ResidentVectors | undefined {
    return this.spaces.tablesOf(space).residentVectors();
  }

  /**
   * Reads the vectors searches of the space read into memory now, ahead of its first search, a slice of about
   * 1 MB at a time with a turn of the event loop after each, so the thread answers other messages meanwhile. A
   * search that comes in between reads the rest itself; writes in between are applied (space-vectors.ts,
   * `warmStep`). Nothing to do when the store keeps no vectors in memory, the space is staged or too large, or
   * another connection keeps committing (then the first search reads them). Throws the signal's reason when aborted.
   */
  async warmVectors(space: VectorSpace, options: { signal?: AbortSignal; sliceBytes?: number } = {}): Promise<WarmUp> {
    for (let starts = 0; ; ) {
      options.signal?.throwIfAborted();
      const step = this.connection.run(() => {
        // Dropped meanwhile (a retention's garbage collection): nothing to hold.
        if (!this.connection.statement('SELECT 1 FROM vector_spaces WHERE id = ?').get(space.id)) return 'held';
        return this.spaces.tablesOf(space).warmStep(undefined, options.sliceBytes);
      });
      // Held: before it began, or since a search read the rest.
      if (step === 'held') return { loaded: false, vectors: this.residentVectors(space) };
      if (step === 'loaded') return { loaded: true, vectors: this.residentVectors(space) };
      if (step === 'started' && ++starts > WARM_UP_STARTS) return { loaded: false, vectors: undefined };
      await nextTurn();
    }
  }

  /** Vectors the space stores (tags), without counting. */
  vectorCount(space: VectorSpace): number {
    return this.connection.run(() => (this.database.prepare('SELECT COUNT(*) AS n FROM embeddings WHERE space_id = ?').get(space.id) as { n: number }).n);
  }

  /**
   * Bytes on disk of each table of a space (its vec0 shadow tables, staging and rescoring tables),
   * from SQLite's dbstat; the tags in `embeddings` are shared by every option and left out.
   */
  spaceBytes(space: VectorSpace): number {
    const { vectors, staging, rescore } = SpaceVectors.tables(space);
    return this.connection.run(() => {
      // vec0 keeps its data in shadow tables named after it (`<table>_chunks`, `<table>_vector_chunks00`, ...).
      const names = (this.database.prepare('SELECT name FROM sqlite_master WHERE rootpage > 0').all() as { name: string }[])
        .map((row) => row.name)
        .filter((name) => [vectors, staging, rescore].some((table) => name === table || name.startsWith(`${table}_`) || name.startsWith(`sqlite_autoindex_${table}_`)));
      // One aggregated row per b-tree: reads only that b-tree's pages, not the whole file.
      const size = this.database.prepare('SELECT pgsize FROM dbstat WHERE name = ? AND aggregate = 1');
      return names.reduce((sum, name) => sum + ((size.get(name) as { pgsize: number } | undefined)?.pgsize ?? 0), 0);
    });
  }

  /** Every chunk content of the space's chunker without a vector, with one chunk id to embed it from. */
  missingVectorContents(space: VectorSpace): { contentHash: string; chunkId: number }[] {
    return this.connection.run(() =>
      (this.database
        .prepare(`SELECT c.content_hash AS content_hash, MIN(c.id) AS id FROM chunks c
          WHERE c.chunker = ? AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.space_id = ? AND e.content_hash = c.content_hash)
          GROUP BY c.content_hash`)
        .all(space.chunker, space.id) as { content_hash: string; id: number }[]).map((row) => ({ contentHash: row.content_hash, chunkId: row.id })),
    );
  }

  /** The given contents that have no vector in the space. */
  contentsWithoutVector(space: VectorSpace, hashes: readonly string[]): string[] {
    return this.connection.run(() => {
      const statement = this.connection.statement('SELECT 1 FROM embeddings WHERE space_id = ? AND content_hash = ?');
      return [...new Set(hashes)].filter((hash) => !statement.get(space.id, hash));
    });
  }

  /** How many distinct chunk contents still lack a vector in the space. */
  countMissingEmbeddings(space: VectorSpace): number {
    return this.connection.run(() =>
      (this.database
        .prepare(`SELECT COUNT(DISTINCT c.content_hash) AS missing FROM chunks c
          WHERE c.chunker = ? AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.space_id = ? AND e.content_hash = c.content_hash)`)
        .get(space.chunker, space.id) as { missing: number }).missing,
    );
  }

  /**
   * Stores vectors for chunk contents, each tagged with the space, in one transaction. A content no
   * chunk references any more (its file changed meanwhile) or that already has a vector is skipped,
   * so this never creates an orphan or a duplicate.
   */
  insertEmbeddings(space: VectorSpace, items: readonly { contentHash: string; vector: Float32Array }[]): number {
    return this.connection.transaction(() => {
      const referenced = this.connection.statement('SELECT 1 FROM chunks WHERE chunker = ? AND content_hash = ? LIMIT 1');
      const tag = this.connection.statement('INSERT OR IGNORE INTO embeddings (space_id, content_hash) VALUES (?, ?)');
      const tables = this.spaces.tablesOf(space);
      let inserted = 0;
      for (const item of items) {
        this.checkDimensions(space, item.vector, 'vector');
        if (!referenced.get(space.chunker, item.contentHash)) continue;
        const result = tag.run(space.id, item.contentHash);
        if (result.changes === 0) continue;
        tables.insert(BigInt(result.lastInsertRowid), tables.prepare(item.vector));
        inserted += 1;
      }
      return inserted;
    });
  }

  /** A vector given to a space has the model's dimensions, or (already truncated) the stored ones. */
  private checkDimensions(space: VectorSpace, vector: Float32Array, what: string): void {
    const stored = this.spaces.storedDimensions(space);
    if (vector.length !== space.dimensions && vector.length !== stored) {
      throw new CoreError('store', 'space-missing', `A ${vector.length}-dimensional ${what} cannot be used with space ${space.id} of ${space.dimensions} dimensions${stored !== space.dimensions ? ` (stored as ${stored})` : ''}.`);
    }
  }

  /**
   * The k nearest stored vectors of one space to a query vector, by cosine similarity. float32 spaces
   * are searched exactly; int8 and binary ones take k × oversampling candidates from their codes
   * (default: the space's setting, see setOversampling) and rescore them, so similarities are cosines
   * comparable to float32's. The query has the model's dimensions (or the space's stored ones).
   */
  nearest(space: VectorSpace, query: Float32Array, k: number, options: { oversampling?: number } = {}): NearestNeighbour[] {
    this.checkDimensions(space, query, 'query vector');
    return this.connection.run(() => {
      const tables = this.spaces.tablesOf(space);
      const neighbours = tables.nearest(tables.prepare(query), k, space.storage.kind === 'float32' ? undefined : (options.oversampling ?? this.spaces.oversampling(space.id)));
      // The tags of all neighbours in one statement, looked up by id (CROSS JOIN keeps SQLite from scanning the
      // space's tags instead); a vector without a tag of this space is left out.
      const hashes = new Map(
        (this.connection
          .statement('SELECT e.id AS id, e.content_hash AS content_hash FROM json_each(?) j CROSS JOIN embeddings e ON e.id = j.value WHERE e.space_id = ?')
          .all(JSON.stringify(neighbours.map((neighbour) => neighbour.id)), space.id) as { id: number; content_hash: string }[]).map((row) => [row.id, row.content_hash]),
      );
      return neighbours.flatMap((neighbour) => {
        const contentHash = hashes.get(neighbour.id);
        return contentHash === undefined ? [] : [{ embeddingId: neighbour.id, contentHash, similarity: neighbour.similarity }];
      });
    });
  }

  /**
   * The first stage alone of a calibrated int8 or binary space: row ids by the codes' own distance
   * (Hamming for binary, L2 between codes for int8), nearest first. For tests and measurements.
   */
  firstStage(space: VectorSpace, query: Float32Array, candidates: number): { embeddingId: number; distance: number }[] {
    this.checkDimensions(space, query, 'query vector');
    return this.connection.run(() => {
      const tables = this.spaces.tablesOf(space);
      return tables.firstStage(tables.prepare(query), candidates).map((row) => ({ embeddingId: row.id, distance: row.distance }));
    });
  }

  /**
   * The stored vector of each content hash in a space (for rescoring and "find similar"), at the
   * space's stored dimensions: exact where the space keeps float32, dequantized int8 otherwise.
   */
  vectorsByContentHash(space: VectorSpace, hashes: readonly string[]): Map<string, Float32Array> {
    return this.connection.run(() => {
      const statement = this.connection.statement('SELECT id FROM embeddings WHERE space_id = ? AND content_hash = ?');
      const ids = new Map<number, string>();
      for (const hash of hashes) {
        const row = statement.get(space.id, hash) as { id: number } | undefined;
        if (row) ids.set(row.id, hash);
      }
      const vectors = new Map<string, Float32Array>();
      for (const [id, vector] of this.spaces.tablesOf(space).vectors([...ids.keys()])) vectors.set(ids.get(id)!, vector);
      return vectors;
    });
  }

  /**
   * Deletes the vectors (and tags) of contents no chunk of their chunker references any more, in every
   * space of that chunker. Call inside a transaction, after the chunks are gone.
   */
  deleteUnreferenced(contents: readonly { chunker: string; contentHash: string }[]): void {
    const stillUsed = this.connection.statement('SELECT 1 FROM chunks WHERE chunker = ? AND content_hash = ? LIMIT 1');
    const spaces = this.spaces.vectorSpaces();
    const find = this.connection.statement('SELECT id FROM embeddings WHERE space_id = ? AND content_hash = ?');
    const deleteTag = this.connection.statement('DELETE FROM embeddings WHERE id = ?');
    const orphans = new Map(contents.map((content) => [`${content.chunker}\n${content.contentHash}`, content]));
    for (const { chunker, contentHash: hash } of orphans.values()) {
      if (stillUsed.get(chunker, hash)) continue;
      for (const space of spaces) {
        if (space.chunker !== chunker) continue;
        const embedding = find.get(space.id, hash) as { id: number } | undefined;
        if (!embedding) continue;
        this.spaces.tablesOf(space).delete(BigInt(embedding.id));
        deleteTag.run(embedding.id);
      }
    }
  }

  /**
   * What breaks this module's invariants: tags of unknown spaces, tags without vectors and vectors without
   * tags, vectors no chunk references, and each space's own table problems. Call inside `run`.
   */
  integrityProblems(): string[] {
    const problems: string[] = [];
    const known = new Set(this.spaces.vectorSpaces().map((space) => space.id));
    const unknownTags = (this.database.prepare('SELECT DISTINCT space_id FROM embeddings').all() as { space_id: string }[]).filter((row) => !known.has(row.space_id));
    for (const row of unknownTags) problems.push(`vectors tagged with unknown space ${row.space_id}`);
    for (const space of this.spaces.vectorSpaces()) {
      const tables = this.spaces.tablesOf(space);
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
    return problems;
  }
}
