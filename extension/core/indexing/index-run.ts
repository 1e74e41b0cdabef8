// One run of the indexer (indexer.ts) over a folder: walk, read, chunk and write new and changed files in
// batches, embed every content without a vector in the target space while the walk goes on, remove what is gone,
// and finish (cut over a new space, collect garbage). See README.md in this folder for the algorithm.
import { performance } from 'node:perf_hooks';
import { embeddingText } from '../chunking/embedding-text.ts';
import type { Chunk, Chunker } from '../chunking/types.ts';
import { skipExample } from '../discovery/folded-links.ts';
import {
  decodeSample, DEFAULT_MAX_FILE_BYTES, discoverFiles, FileClassifier, readFileConsistently, withReadSkips, type DiscoveredFile, type DiscoverySummary, type SkippedEntry,
} from '../discovery/index.ts';
import { abortError, isAbortError, isCoreError } from '../errors.ts';
import type { FileRecord, Migration, StoredFile, VectorSpace, VectorSpaceDefinition } from '../store/index-store.ts';
import { DEFAULT_RETENTION_DAYS, beginMigration, collectGarbage, cutOver } from '../migration/lifecycle.ts';
import { FLOAT32_STORAGE, describeStorage, forModel, type StorageOption } from '../store/storage-option.ts';
import { deriveSpace, derivationSource } from '../store/derive.ts';
import { ProgressEstimator } from './progress.ts';
import { ChangedFile, contentHashOf, trustedMtime, withKnown, type StartedFile } from './run-files.ts';
import type { SpaceDetails } from '../model/space-details.ts';
import type { Embedder, IndexProgress, IndexResult, IndexerOptions, RunOptions } from './indexer.ts';

/** The vector space an embedder and chunker produce, stored as `storage` says (float32 by default). */
export function vectorSpaceFor(embedder: Embedder, chunker: Chunker, storage: StorageOption = FLOAT32_STORAGE): VectorSpaceDefinition {
  const { manifest, fingerprint, quantization, fileHashes, modelDirectory } = embedder.info;
  return {
    modelFingerprint: fingerprint,
    chunker: chunker.fingerprint,
    storage: forModel({ ...storage, oversampling: undefined }, manifest.dimensions),
    dimensions: manifest.dimensions,
    modelId: manifest.id,
    details: { manifest, quantization, fileHashes, modelDirectory } satisfies SpaceDetails,
  };
}

/** Progress before any work: nothing counted yet. */
export function initialProgress(phase: IndexProgress['phase']): IndexProgress {
  return {
    phase,
    filesScanned: 0,
    filesToIndex: 0,
    filesIndexed: 0,
    filesRemoved: 0,
    chunksToEmbed: 0,
    chunksEmbedded: 0,
    chunksExpected: 0,
    embeddingsPerSecond: 0,
    fraction: undefined,
    secondsRemaining: undefined,
    workDone: 0,
    workRemaining: 0,
  };
}

interface PendingContent {
  contentHash: string;
  chunkId: number;
  /**
   * What to embed and where it comes from, when the chunk was cut by this run: reading it back from the
   * database cost a tenth of a first index. Contents an earlier run left without a vector are read.
   */
  chunk?: { text: string; path: string; startLine: number };
}

/**
 * On a first index, the files the walk finds are indexed in batches of this many, so the walk's work
 * stays together instead of alternating with indexing file by file; the first batch is stored within
 * a fraction of a second of the start either way.
 */
const WALK_BATCH_FILES = 256;

/**
 * Chunked files are written to the store together, in one transaction, once this many are waiting, or
 * WRITE_BATCH_CHUNKS chunks, or WRITE_BATCH_MS after the last write. A transaction per file spent more
 * time committing (and flushing a new full-text segment each time) than inserting: most of a first
 * index's SQLite time. The delay bounds how long a chunked file waits to be searchable.
 */
const WRITE_BATCH_FILES = 128;
const WRITE_BATCH_CHUNKS = 1024;
const WRITE_BATCH_MS = 1000;

/** One index operation: its counters, its queue of contents to embed, its embedding loop. */
export class IndexRun {
  private readonly options: IndexerOptions;
  private readonly classifier: FileClassifier;
  private readonly signal: AbortSignal | undefined;
  private readonly onProgress: ((progress: IndexProgress) => void) | undefined;
  private readonly started = performance.now();
  private readonly space: VectorSpace;
  private readonly pending: PendingContent[] = [];
  private readonly queuedHashes = new Set<string>();
  /** Float32 spaces of the same model whose vectors can stand in for embedding (see reuseVectors). */
  private donors: VectorSpace[] | undefined;
  private readonly progress: IndexProgress = initialProgress('scanning');
  private readonly estimator = new ProgressEstimator();
  /** Bytes of the files to index (as the walk found them) and of those done, and the contents those files queued: what the estimate reads. */
  private bytesToIndex = 0;
  private bytesIndexed = 0;
  private chunksFromFiles = 0;
  private migration: Migration | undefined;
  /** Whether the space had every file chunked and embedded before this run began. */
  private wasComplete = false;
  /** Set by indexAll once the walk has chunked every file; an update of a few paths proves nothing about the rest. */
  private coveredEveryFile = false;
  private readonly result: Omit<IndexResult, 'space' | 'activated' | 'milliseconds' | 'migration'> = {
    filesScanned: 0,
    filesIndexed: 0,
    filesUnchanged: 0,
    filesRemoved: 0,
    failures: [],
    chunksEmbedded: 0,
    vectorsDerived: 0,
    vectorsReused: 0,
    truncations: [],
    skips: undefined,
  };
  /** Files the walk found that could not be read whole (gone, denied, grown past the limit, being written). */
  private readonly readSkips: SkippedEntry[] = [];
  private lastReport = 0;
  private wakeEmbedder: (() => void) | undefined;
  private producing = true;
  private embedLoop: Promise<void> | undefined;
  /** Why the embedding loop stopped early (the model failed, the database refused a write): the run stops with it. */
  private embedFailure: unknown;
  /** Files chunked but not yet written (see WRITE_BATCH_FILES), in the order they were chunked. */
  private readonly writes: { discovered: DiscoveredFile; file: FileRecord; chunks: Chunk[] }[] = [];
  private readonly inFlight: StartedFile[] = []; // handed to the chunker, not finished yet (see indexFiles)
  private chunksToWrite = 0;
  private lastWrite = performance.now();

  constructor(options: IndexerOptions, classifier: FileClassifier, run: RunOptions) {
    this.options = options;
    this.classifier = classifier;
    this.signal = run.signal;
    this.onProgress = run.onProgress;
    const { store } = options;
    this.space = store.ensureVectorSpace(vectorSpaceFor(options.embedder, options.chunker, options.storage));
    if (this.space.storage.kind !== 'float32') store.setOversampling(this.space.id, options.storage?.oversampling);
    // The first index of a folder is searchable while it fills; a later model change is a migration:
    // the old space keeps serving until the new one is complete and cut over.
    if (!store.activeSpace()) store.activateSpace(this.space.id);
    else this.migration = beginMigration(store, this.space);
    const dropped = collectGarbage(store, options.retentionMs ?? DEFAULT_RETENTION_DAYS * 86_400_000);
    for (const space of dropped) options.log?.(`Removed the old index of ${space.modelId} (space ${space.id}): its retention ended or its migration was abandoned.`);
    // Until this run finishes, chunks it adds may have no vector yet: searches say the index is partial.
    this.wasComplete = store.isSpaceComplete(this.space.id);
    store.setSpaceComplete(this.space.id, false);
  }

  async indexAll(): Promise<IndexResult> {
    const { store, root } = this.options;
    const stored = store.fileLookup();
    // A new storage option of the same model and chunker: convert the vectors another space keeps
    // instead of embedding everything again. Whatever that space lacks is embedded as usual.
    const source = derivationSource(store, this.space);
    if (source && store.countMissingEmbeddings(this.space) > 0) {
      this.result.vectorsDerived = await deriveSpace(store, this.space, source, { signal: this.signal, calibrationMinimum: this.options.calibrationMinimum });
      if (this.result.vectorsDerived > 0) this.options.log?.(`Converted ${this.result.vectorsDerived} vectors of space ${source.id} to ${describeStorage(this.space.storage)} (space ${this.space.id}) without embedding them again.`);
    }
    this.startEmbedding({ resume: true });
    try {
      // A run over an index that has files scans first (cheap), so progress can say "n of N files". A
      // first index has nothing to compare, so it indexes files as the walk finds them: searching
      // works within seconds, not after a walk that takes minutes on a very large folder (bench/load.ts:
      // the first result came 87 s into indexing 200,000 files, when the walk ended).
      const indexWhileWalking = !store.hasFiles();
      const walk = discoverFiles([root], { ...this.options.discovery, signal: this.signal });
      const changed: ChangedFile[] = [];
      const seen = new Set<string>();
      for await (const file of walk) {
        seen.add(file.relativePath);
        this.progress.filesScanned += 1;
        const known = stored.get(file.relativePath);
        if (known && known.size === file.size && known.mtimeMs === file.mtimeMs && this.isChunked(known)) {
          this.result.filesUnchanged += 1;
        } else {
          // The chunker's thread starts while the walk goes on (about a second for its tokenizer and grammars).
          if (this.progress.filesToIndex === 0) this.options.chunker.prepare?.();
          this.countFileToIndex(file);
          changed.push(new ChangedFile(file));
          if (indexWhileWalking && changed.length >= WALK_BATCH_FILES) {
            await this.indexFiles(withKnown(changed.splice(0), () => undefined));
          }
        }
        this.report();
      }
      this.result.filesScanned = this.progress.filesScanned;

      this.progress.phase = 'indexing';
      await this.indexFiles(withKnown(changed, (file) => stored.get(file.relativePath)));
      await this.drainFiles();
      this.writeChunkedFiles();
      // Files the walk found but that could not be read after all are skips too, counted with the walk's.
      this.result.skips = withReadSkips(walk.summary(), this.readSkips);
      store.replaceSkips(
        Object.entries(this.result.skips.skipped)
          .filter(([, count]) => count > 0)
          .map(([reason, count]) => ({ reason, count, examples: (this.result.skips!.examples[reason as keyof DiscoverySummary['examples']] ?? []).map(skipExample) })),
      );
      // Removals come last, so a file renamed during this run finds its chunks' vectors still there.
      this.progress.phase = 'removing';
      const removed = [...stored.keys()].filter((relativePath) => !seen.has(relativePath));
      this.removeFiles(removed);
      this.coveredEveryFile = true;
      return await this.finish();
    } catch (error) {
      await this.stopEmbedding();
      throw error;
    }
  }

  async updatePaths(relativePaths: readonly string[]): Promise<IndexResult> {
    const { store, root } = this.options;
    const stored = store.fileLookup();
    // Contents an interrupted run left without vectors are picked up by the next full run, not here:
    // finding them scans every chunk, and an update must be quick.
    this.startEmbedding({ resume: false });
    try {
      this.progress.phase = 'indexing';
      const removed: string[] = [];
      for (const relativePath of new Set(relativePaths)) {
        this.signal?.throwIfAborted();
        const classification = await this.classifier.classify(root, relativePath, this.signal);
        if (classification.kind === 'index') {
          this.countFileToIndex(classification.file);
          await this.indexFile(classification.file, stored.get(relativePath));
        } else if (classification.kind === 'folder') {
          const walk = discoverFiles([{ root, folder: classification.relativePath }], { ...this.options.discovery, ignoreCache: this.classifier.ignoreCache, signal: this.signal });
          const seen = new Set<string>();
          for await (const file of walk) {
            seen.add(file.relativePath);
            const known = stored.get(file.relativePath);
            if (known && known.size === file.size && known.mtimeMs === file.mtimeMs && this.isChunked(known)) continue;
            this.countFileToIndex(file);
            await this.indexFile(file, known);
          }
          const prefix = classification.relativePath === '' ? '' : `${classification.relativePath}/`;
          removed.push(...[...stored.keys()].filter((candidate) => candidate.startsWith(prefix) && !seen.has(candidate)));
        } else {
          // Gone or no longer indexable: the path itself, or everything under it if it was a folder.
          const prefix = `${relativePath}/`;
          removed.push(...[...stored.keys()].filter((candidate) => candidate === relativePath || candidate.startsWith(prefix)));
        }
      }
      this.writeChunkedFiles();
      this.progress.phase = 'removing';
      this.removeFiles(removed);
      return await this.finish();
    } catch (error) {
      await this.stopEmbedding();
      throw error;
    }
  }

  /**
   * Whether a file's chunk set for this space is complete and current. One written with older relations is not:
   * chunking it again costs no embedding (its chunks have the same content hashes, so they keep their vectors).
   */
  private isChunked(known: StoredFile): boolean {
    return known.chunkers.has(this.space.chunker) && (known.relationsVersions.get(this.space.chunker) ?? 0) >= this.options.chunker.relationsVersion;
  }

  /** Reads, hashes and (if its content changed) chunks one file, then queues its new contents for embedding. */
  private async indexFile(file: DiscoveredFile, known: StoredFile | undefined): Promise<void> {
    await this.finishFile(this.startFile(file, known));
  }

  /**
   * Indexes files in order, handing the chunker up to its `queueDepth` of them before awaiting the first: a
   * chunker on another thread then parses the next files while this one stores the last. Each file is
   * finished (written, counted) in order, as `indexFile` one after the other would. The last files stay in flight
   * for the next call (the walk's next batch), so the chunker is not idle meanwhile; `drainFiles` finishes them.
   */
  private async indexFiles(files: Iterable<readonly [DiscoveredFile, StoredFile | undefined]>): Promise<void> {
    const depth = Math.max(1, this.options.chunker.queueDepth ?? 1);
    for (const [file, known] of files) {
      this.inFlight.push(this.startFile(file, known));
      if (this.inFlight.length >= depth) await this.finishFile(this.inFlight.shift()!);
    }
  }

  private async drainFiles(): Promise<void> {
    while (this.inFlight.length > 0) await this.finishFile(this.inFlight.shift()!);
  }

  /**
   * The first half of indexing a file, on this thread: read it, hash it, and when its content changed, hand it
   * to the chunker. Whatever fails is kept for `finishFile`, so files finish in order.
   */
  private startFile(file: DiscoveredFile, known: StoredFile | undefined): StartedFile {
    this.signal?.throwIfAborted();
    this.throwIfEmbeddingFailed();
    const { store, chunker } = this.options;
    try {
      const readStarted = Date.now();
      // One version of the file, within the size limit, or why not: never a mix of two versions under one hash.
      const read = readFileConsistently(file.absolutePath, this.options.discovery?.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
      if (read.kind === 'skip') {
        this.readSkips.push({ root: file.root, relativePath: file.relativePath, reason: read.reason, isFolder: false, detail: read.detail });
        this.options.log?.(`Skipped ${file.relativePath} (${read.reason}: ${read.detail}).`);
        // A file being written keeps its last indexed version; one that is gone or no longer indexable goes.
        if (known && read.reason !== 'changing') this.removeFiles([file.relativePath]);
        return { file };
      }
      const { bytes } = read;
      const contentHash = contentHashOf(bytes);
      // The size and mtime of the version read are recorded; an mtime too close to the read is not trusted
      // at all (see RACY_MTIME_MS), so a save in the same clock tick shows as a change next time.
      const mtimeMs = trustedMtime(read.mtimeMs, readStarted);
      if (known && known.contentHash === contentHash && this.isChunked(known)) {
        store.touchFile(file.relativePath, bytes.length, mtimeMs);
        this.result.filesUnchanged += 1;
        return { file };
      }
      const chunking = chunker.chunkFile(file.relativePath, decodeSample(bytes), this.signal);
      // Awaited by finishFile; a run that stops first must not leave its rejection unhandled.
      chunking.catch(() => undefined);
      return { file, chunking, record: { path: file.relativePath, contentHash, size: bytes.length, mtimeMs } };
    } catch (error) {
      return { file, error };
    }
  }

  /** The second half: the file's chunks join the next write, or its failure is recorded. */
  private async finishFile({ file, chunking, record, error: startError }: StartedFile): Promise<void> {
    // A chunked file counts as done once it is written (searchable), in writeChunkedFiles.
    let waitsForWrite = false;
    try {
      if (startError !== undefined) throw startError;
      if (chunking && record) {
        const chunks: Chunk[] = await chunking;
        this.writes.push({ discovered: file, file: { ...record, language: chunks[0]?.language ?? 'text' }, chunks });
        this.chunksToWrite += chunks.length;
        waitsForWrite = true;
        if (this.writes.length >= WRITE_BATCH_FILES || this.chunksToWrite >= WRITE_BATCH_CHUNKS || performance.now() - this.lastWrite >= WRITE_BATCH_MS) {
          this.writeChunkedFiles();
        }
      }
    } catch (error) {
      // A store error is about the whole index (disk full, read-only, locked), not this file: going on
      // would only fail every other file the same way.
      if (isAbortError(error) || isCoreError(error, 'store')) throw error;
      this.result.failures.push({ path: file.relativePath, error: (error as Error).message });
      this.options.log?.(`Could not index ${file.relativePath}: ${(error as Error).message}`);
    }
    if (!waitsForWrite) this.countFileDone(file);
    await this.waitForRoom();
  }

  /**
   * Stores the files chunked so far, in one transaction, and queues their new contents for embedding. A
   * run stopped before this loses only the chunking of those files: they are not in the index, so the next
   * run chunks them again.
   */
  private writeChunkedFiles(): void {
    this.lastWrite = performance.now();
    if (this.writes.length === 0) return;
    const { store, chunker } = this.options;
    const writes = this.writes.splice(0);
    this.chunksToWrite = 0;
    const queued: PendingContent[] = [];
    const queuedNow = new Set<string>();
    store.transaction(() => {
      for (const { file, chunks } of writes) {
        // One row per chunk, in the chunks' order.
        const inserted = store.replaceFile(file, new Map([[this.space.chunker, chunks]]), chunker.relationsVersion).map((row, index) => ({ ...row, chunk: chunks[index]! }));
        // A content is queued once, from its first chunk, however many files of the batch hold it.
        const fresh = inserted.filter((row) => !this.queuedHashes.has(row.contentHash) && !queuedNow.has(row.contentHash));
        const missing = new Set(store.contentsWithoutVector(this.space, fresh.map((row) => row.contentHash)));
        for (const reused of this.reuseVectors([...missing])) missing.delete(reused);
        for (const row of fresh) {
          if (!missing.has(row.contentHash) || queuedNow.has(row.contentHash)) continue;
          queuedNow.add(row.contentHash);
          queued.push({ contentHash: row.contentHash, chunkId: row.id, chunk: { text: embeddingText(row.chunk), path: row.chunk.path, startLine: row.chunk.startLine } });
        }
      }
    });
    // Queued only once the transaction has committed: a rolled-back chunk id must never reach the embedder.
    for (const item of queued) {
      this.chunksFromFiles += 1;
      this.enqueue(item);
    }
    this.result.filesIndexed += writes.length;
    for (const { discovered } of writes) this.countFileDone(discovered);
  }

  /** A file the run will read and chunk: its size goes into the estimate of the contents still to come. */
  private countFileToIndex(file: DiscoveredFile): void {
    this.progress.filesToIndex += 1;
    this.bytesToIndex += file.size;
  }

  private countFileDone(file: DiscoveredFile): void {
    this.progress.filesIndexed += 1;
    this.bytesIndexed += file.size;
    this.report();
  }

  /**
   * Stores vectors for contents another space of the same model already embedded, and returns their
   * hashes. A content hash covers what the chunk says (language, kind, scope, signature, text), so a new
   * chunker version that cuts most chunks as before re-embeds only the chunks it changed. Donors store
   * full float32 vectors. The embedded text can differ only in its header (the path, a value the header
   * now cuts short): the approximation a renamed file's reuse already makes.
   */
  private reuseVectors(hashes: readonly string[]): string[] {
    if (hashes.length === 0) return [];
    const { store } = this.options;
    this.donors ??= store
      .vectorSpaces()
      .filter((space) => space.id !== this.space.id && space.modelFingerprint === this.space.modelFingerprint && space.storage.kind === 'float32' && store.storedDimensions(space) === space.dimensions);
    const reused: { contentHash: string; vector: Float32Array }[] = [];
    let wanted = [...hashes];
    for (const donor of this.donors) {
      if (wanted.length === 0) break;
      const vectors = store.vectorsByContentHash(donor, wanted);
      for (const [contentHash, vector] of vectors) reused.push({ contentHash, vector });
      wanted = wanted.filter((hash) => !vectors.has(hash));
    }
    if (reused.length === 0) return [];
    store.insertEmbeddings(this.space, reused);
    this.result.vectorsReused += reused.length;
    return reused.map((entry) => entry.contentHash);
  }

  private removeFiles(relativePaths: readonly string[]): void {
    if (relativePaths.length === 0) return;
    this.options.store.deleteFiles(relativePaths);
    this.result.filesRemoved += relativePaths.length;
    this.progress.filesRemoved += relativePaths.length;
    this.report();
  }

  // ---- the embedding loop ----

  private enqueue(item: PendingContent): void {
    if (this.queuedHashes.has(item.contentHash)) return;
    this.queuedHashes.add(item.contentHash);
    this.pending.push(item);
    this.progress.chunksToEmbed += 1;
    this.wakeEmbedder?.();
  }

  /** Starts the loop; when resuming, first queues every content an earlier run left without a vector. */
  private startEmbedding({ resume }: { resume: boolean }): void {
    if (resume) {
      const missing = this.options.store.missingVectorContents(this.space);
      const reused = new Set(this.reuseVectors(missing.map((item) => item.contentHash)));
      for (const item of missing) if (!reused.has(item.contentHash)) this.enqueue(item);
    }
    this.embedLoop = this.embedUntilDone();
    // Failures surface from finish(), or from the next file chunked; this keeps an early failure from
    // being reported as unhandled.
    this.embedLoop.catch((error: unknown) => (this.embedFailure ??= error));
  }

  private throwIfEmbeddingFailed(): void {
    if (this.embedFailure !== undefined) throw this.embedFailure;
  }

  /** Back-pressure: chunking waits while the embedder is far behind, so memory stays bounded. */
  private async waitForRoom(): Promise<void> {
    const limit = (this.options.embeddingBatchSize ?? 32) * 8;
    // Chunks waiting to be written count too: written all at once, they would join the queue past its bound.
    // So they are written as soon as they would fill it, and the wait below holds the next file back.
    if (this.chunksToWrite > 0 && this.pending.length + this.chunksToWrite > limit) this.writeChunkedFiles();
    while (this.pending.length > limit && this.embedLoop) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      this.signal?.throwIfAborted();
      // A loop that stopped will never make room.
      this.throwIfEmbeddingFailed();
    }
  }

  private async embedUntilDone(): Promise<void> {
    const batchSize = this.options.embeddingBatchSize ?? 32;
    const { store, embedder } = this.options;
    // Two requests in flight keep the worker busy while this thread stores the previous batch.
    const inFlight: Promise<void>[] = [];
    for (;;) {
      if (this.signal?.aborted) throw abortError(this.signal);
      if (this.pending.length === 0) {
        if (inFlight.length > 0) {
          await inFlight.shift();
          continue;
        }
        if (!this.producing) return;
        await new Promise<void>((resolve) => (this.wakeEmbedder = resolve));
        this.wakeEmbedder = undefined;
        continue;
      }
      // Wait for a full batch while files are still being chunked, unless the worker would go idle.
      if (this.pending.length < batchSize && this.producing && inFlight.length > 0) {
        await inFlight.shift();
        continue;
      }
      const batch = this.pending.splice(0, batchSize);
      const stored = store.chunksById(batch.filter((item) => !item.chunk).map((item) => item.chunkId));
      for (const item of batch) {
        const chunk = stored.get(item.chunkId);
        if (chunk) item.chunk = { text: embeddingText(chunk), path: chunk.path, startLine: chunk.startLine };
      }
      // A chunk deleted since an earlier run queued it needs no vector. (One cut by this run and replaced since
      // is embedded all the same: insertEmbeddings drops a vector no chunk references.)
      const live = batch.filter((item) => item.chunk !== undefined);
      for (const item of batch) if (!item.chunk) this.queuedHashes.delete(item.contentHash);
      this.progress.chunksToEmbed -= batch.length - live.length;
      if (live.length === 0) continue;
      const texts = live.map((item) => item.chunk!.text);
      const request = embedder.embed(texts, 'document', this.signal).then(({ vectors, truncations }) => {
        store.insertEmbeddings(this.space, live.map((item, index) => ({ contentHash: item.contentHash, vector: vectors[index]! })));
        // Only now may a later file queue the same content again (it will find the vector stored).
        for (const item of live) this.queuedHashes.delete(item.contentHash);
        for (const truncation of truncations) {
          const chunk = live[truncation.index]!.chunk!;
          this.result.truncations.push({ path: chunk.path, startLine: chunk.startLine, tokens: truncation.tokens, keptTokens: truncation.keptTokens });
        }
        this.progress.chunksEmbedded += live.length;
        this.result.chunksEmbedded += live.length;
        this.report();
      });
      // A run stopped while two requests are in flight ends at the first rejection; the other one's
      // rejection must not go unhandled (Node would exit on it: Ctrl-C printed a stack trace).
      request.catch(() => undefined);
      inFlight.push(request);
      if (inFlight.length >= 2) await inFlight.shift();
    }
  }

  private async stopEmbedding(): Promise<void> {
    this.producing = false;
    this.wakeEmbedder?.();
    await this.embedLoop?.catch(() => undefined);
    this.embedLoop = undefined;
  }

  private async finish(): Promise<IndexResult> {
    this.producing = false;
    this.wakeEmbedder?.();
    await this.embedLoop;
    this.embedLoop = undefined;
    const { store } = this.options;
    let activated = false;
    const covered = this.coveredEveryFile || this.wasComplete;
    // A quantized space calibrates on its own vectors once a run has seen the whole folder (or it has
    // many vectors already), so the sample is spread over everything, not the first files walked.
    if (covered && this.space.storage.kind !== 'float32') store.calibrateSpace(this.space, { minimumVectors: this.options.calibrationMinimum });
    const complete = covered && store.countMissingEmbeddings(this.space) === 0;
    store.setSpaceComplete(this.space.id, complete);
    const active = store.activeSpace();
    const pending = store.pendingMigration();
    if (complete && active && active.id !== this.space.id && pending?.toSpace === this.space.id) {
      store.updateMigration(pending.id, 'ready');
      this.report(true);
      const proceed = (await this.options.decideCutover?.(pending, active, this.space)) ?? true;
      if (proceed) {
        this.migration = cutOver(store);
        activated = true;
      } else {
        this.migration = store.pendingMigration();
      }
    }
    this.progress.phase = 'done';
    this.progress.embeddingsPerSecond = this.progress.chunksEmbedded / Math.max((performance.now() - this.started) / 1000, 1e-3);
    this.progress.fraction = 1;
    this.progress.secondsRemaining = 0;
    this.progress.chunksExpected = this.progress.chunksToEmbed;
    this.progress.workDone += this.progress.workRemaining;
    this.progress.workRemaining = 0;
    this.onProgress?.({ ...this.progress });
    return { ...this.result, space: store.vectorSpace(this.space.id), activated, migration: this.migration, milliseconds: performance.now() - this.started };
  }

  private report(force = false): void {
    if (!this.onProgress) return;
    const now = performance.now();
    if (!force && now - this.lastReport < 100) return;
    this.lastReport = now;
    const seconds = (now - this.started) / 1000;
    this.progress.embeddingsPerSecond = this.progress.chunksEmbedded / Math.max(seconds, 1e-3);
    const { phase } = this.progress;
    const estimate = this.estimator.update(
      {
        totalKnown: phase !== 'scanning' && phase !== 'waiting',
        filesDone: this.progress.filesIndexed,
        filesTotal: this.progress.filesToIndex,
        bytesDone: this.bytesIndexed,
        bytesTotal: this.bytesToIndex,
        chunksFromFiles: this.chunksFromFiles,
        chunksQueued: this.progress.chunksToEmbed,
        chunksEmbedded: this.progress.chunksEmbedded,
      },
      now,
    );
    this.progress.fraction = estimate.fraction;
    this.progress.secondsRemaining = estimate.secondsRemaining;
    this.progress.chunksExpected = Math.max(estimate.chunksExpected, this.progress.chunksToEmbed);
    this.progress.workDone = estimate.workDone;
    this.progress.workRemaining = estimate.workRemaining;
    this.onProgress({ ...this.progress });
  }
}
