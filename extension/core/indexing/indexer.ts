// The indexer keeps one folder's index in step with the disk: it walks the folder, chunks new and
// changed files, embeds every chunk content that has no vector in the target space yet, and removes
// what is gone. See README.md in this folder for the algorithm and its guarantees.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { embeddingText } from '../chunking/embedding-text.ts';
import type { Chunk, Chunker } from '../chunking/types.ts';
import { decodeSample } from '../discovery/content.ts';
import { FileClassifier } from '../discovery/classify.ts';
import { discoverFiles } from '../discovery/walk.ts';
import { skipExample } from '../discovery/folded-links.ts';
import { DEFAULT_MAX_FILE_BYTES } from '../discovery/defaults.ts';
import { readFileConsistently, withReadSkips } from '../discovery/read-file.ts';
import type { DiscoveredFile, DiscoveryOptions, DiscoverySummary, SkippedEntry } from '../discovery/types.ts';
import type { EmbeddingPurpose } from '../embedding/tokenization.ts';
import type { RuntimeInfo, Truncation } from '../embedding/embedding-worker-protocol.ts';
import { abortError, isAbortError, isCoreError } from '../errors.ts';
import type { IndexStore, Migration, StoredFile, VectorSpace, VectorSpaceDefinition } from '../store/index-store.ts';
import { DEFAULT_RETENTION_DAYS, beginMigration, collectGarbage, cutOver } from '../migration/lifecycle.ts';
import { FLOAT32_STORAGE, describeStorage, forModel, type StorageOption } from '../store/storage-option.ts';
import { deriveSpace, derivationSource } from '../store/derive.ts';
import { WriterLock, type WriterLockHolder } from '../store/writer-lock.ts';
import { ProgressEstimator } from './progress.ts';
import type { SpaceDetails } from '../model/space-details.ts';

/** What the indexer needs from an embedding model (the EmbeddingRuntime, or a fake in tests). */
export interface Embedder {
  readonly info: Pick<RuntimeInfo, 'fingerprint' | 'manifest' | 'quantization' | 'fileHashes' | 'modelDirectory'>;
  embed(texts: readonly string[], purpose: EmbeddingPurpose, signal?: AbortSignal): Promise<{ vectors: Float32Array[]; truncations: Truncation[] }>;
}

/** `waiting`: another process (a second window, a CLI run) is writing this index; this run starts after it. */
export type IndexPhase = 'waiting' | 'scanning' | 'indexing' | 'removing' | 'done';

/** A snapshot of a running index operation, for progress bars and the status bar. */
export interface IndexProgress {
  phase: IndexPhase;
  /** Files the walk has looked at. */
  filesScanned: number;
  /** New or changed files found so far, and how many of them are done. */
  filesToIndex: number;
  filesIndexed: number;
  filesRemoved: number;
  /** Chunk contents that need a vector (known so far), and how many have one now. */
  chunksToEmbed: number;
  chunksEmbedded: number;
  /** Contents the run is expected to embed in all: those queued plus an estimate for the files not chunked yet. */
  chunksExpected: number;
  /** Vectors per second since the operation started. */
  embeddingsPerSecond: number;
  /**
   * Share of the run's work done (0..1) from the work really left: it never decreases during a run and
   * is 1 when it is done. Undefined while the total is unknown (waiting, or a first index's walk). See progress.ts.
   */
  fraction: number | undefined;
  /** Time left at the pace so far, once that pace means something. */
  secondsRemaining: number | undefined;
  /** Work units done and left (one per file to chunk, one per content to embed): weights for combining runs. */
  workDone: number;
  workRemaining: number;
}

export interface IndexResult {
  space: VectorSpace;
  /** True when this run made the target space the one searches read. */
  activated: boolean;
  /** The migration this run worked on, when the target space is not (or was not) the active one. */
  migration: Migration | undefined;
  filesScanned: number;
  /** Files whose content was new or changed, chunked (again) this run. */
  filesIndexed: number;
  /** Files found as they were: by size and mtime, or by reading them when those could not be trusted. */
  filesUnchanged: number;
  filesRemoved: number;
  /** Files that could not be read or chunked, with why; they are retried next time. */
  failures: { path: string; error: string }[];
  chunksEmbedded: number;
  /** Vectors copied from another space of the same model and chunker instead of embedded (a storage option change). */
  vectorsDerived: number;
  /**
   * Vectors of unchanged contents taken from another float32 space of the same model (one written by an
   * older chunker version) instead of embedded again.
   */
  vectorsReused: number;
  /** Chunks longer than the model's window; they were cut, and are listed so nothing is cut silently. */
  truncations: { path: string; startLine: number; tokens: number; keptTokens: number }[];
  skips: DiscoverySummary | undefined;
  milliseconds: number;
}

export interface IndexerOptions {
  /** The folder being indexed (absolute). Stored paths are relative to it. */
  root: string;
  store: IndexStore;
  embedder: Embedder;
  chunker: Chunker;
  discovery?: Omit<DiscoveryOptions, 'signal' | 'onSkip'>;
  /** Texts per embedding request. */
  embeddingBatchSize?: number;
  /**
   * How the target space stores vectors (default float32). Another option than the active space's is
   * a migration; its vectors are derived from a space that keeps float32 vectors when there is one.
   */
  storage?: StorageOption;
  /** Vectors a quantized space needs before it is calibrated at the end of a run (default CALIBRATION_MINIMUM). */
  calibrationMinimum?: number;
  /** How long a replaced vector space is kept for rollback (default 7 days). */
  retentionMs?: number;
  /**
   * Asked when a new space is complete while another one is active: true cuts over now, false leaves
   * the migration "ready" for the user to decide. Without it, complete migrations cut over.
   */
  decideCutover?: (migration: Migration, from: VectorSpace, to: VectorSpace) => Promise<boolean>;
  log?: (message: string) => void;
}

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (progress: IndexProgress) => void;
}

/** Progress before any work: nothing counted yet. */
function initialProgress(phase: IndexProgress['phase']): IndexProgress {
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
}

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

/** The meta key where the process holding the writer lock says who it is. */
const WRITER_META_KEY = 'writer';

/**
 * How close to the read a file's mtime may be before it stops proving anything. A save in the same
 * clock tick as the read (a few ms on Linux, 1-2 s on HFS+ and FAT) can keep both the size and the
 * mtime, so such a file is stored with an mtime no stat matches, and the next run reads it again.
 */
const RACY_MTIME_MS = 2000;

/**
 * On a first index, the files the walk finds are indexed in batches of this many, so the walk's work
 * stays together instead of alternating with indexing file by file; the first batch is stored within
 * a fraction of a second of the start either way.
 */
const WALK_BATCH_FILES = 256;

/** The mtime to record for a file read at `readStartedMs`: its own, or -1 when a later save could share it. */
function trustedMtime(mtimeMs: number, readStartedMs: number): number {
  return mtimeMs >= readStartedMs - RACY_MTIME_MS ? -1 : mtimeMs;
}

/** This process, as another one waiting for the lock names it: e.g. `semsearch.js watch` (pid 123). */
function writerHolder(): WriterLockHolder {
  const script = process.argv[1] ? path.basename(process.argv[1]) : 'node';
  const command = process.argv[2] && !process.argv[2].startsWith('-') ? `${script} ${process.argv[2]}` : script;
  return { pid: process.pid, command, since: Date.now() };
}

function describeHolder(text: string | undefined): string {
  try {
    const holder = JSON.parse(text ?? '') as WriterLockHolder;
    return `Another process (pid ${holder.pid}, ${holder.command}, since ${new Date(holder.since).toISOString()})`;
  } catch {
    return 'Another process';
  }
}

/**
 * A file the scan found new or changed, waiting to be indexed. It keeps what the walk found but not the
 * absolute path, which it joins again when asked: in a first run over a large workspace every file
 * waits, and the absolute paths would double what the list holds.
 */
class ChangedFile implements DiscoveredFile {
  readonly root: string;
  readonly relativePath: string;
  readonly size: number;
  readonly mtimeMs: number;

  constructor(file: DiscoveredFile) {
    this.root = file.root;
    this.relativePath = file.relativePath;
    this.size = file.size;
    this.mtimeMs = file.mtimeMs;
  }

  get absolutePath(): string {
    return path.join(this.root, this.relativePath);
  }
}

/** sha256 of a file's bytes. */
function contentHashOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export class Indexer {
  readonly root: string;
  private readonly options: IndexerOptions;
  private readonly classifier: FileClassifier;
  /**
   * Operations run one at a time, in the order they were asked for, so no update is lost or interleaved;
   * each holds the database's writer lock, so operations of other processes do not interleave either.
   */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: IndexerOptions) {
    this.options = options;
    this.root = options.root;
    this.classifier = new FileClassifier(options.discovery);
  }

  /** The space this indexer fills (created on first use). */
  targetSpace(): VectorSpace {
    return this.options.store.ensureVectorSpace(vectorSpaceFor(this.options.embedder, this.options.chunker, this.options.storage));
  }

  /** Brings the whole folder up to date. Safe to interrupt at any point: the next run resumes. */
  indexAll(run: RunOptions = {}): Promise<IndexResult> {
    return this.serialize(run, () => new IndexRun(this.options, this.classifier, run).indexAll());
  }

  /** Updates the given paths (files or folders, relative to the root; created, changed, deleted or renamed). */
  updatePaths(relativePaths: readonly string[], run: RunOptions = {}): Promise<IndexResult> {
    return this.serialize(run, () => new IndexRun(this.options, this.classifier, run).updatePaths(relativePaths));
  }

  /**
   * Runs a write that is not an index run (a cutover, a rollback) as the index's only writer: after this
   * process's queued runs, and while no other process writes. Without it a cutover could land between
   * two steps of another window's run.
   */
  exclusive<T>(operation: () => T | Promise<T>, run: RunOptions = {}): Promise<T> {
    return this.serialize(run, async () => operation());
  }

  /** Forgets parsed ignore rules after an ignore file changed. */
  invalidateIgnoreRules(absolutePath: string): void {
    this.classifier.invalidate(absolutePath);
  }

  private serialize<T>(run: RunOptions, operation: () => Promise<T>): Promise<T> {
    const exclusive = async () => {
      const lock = await this.acquireWriterLock(run);
      try {
        return await operation();
      } finally {
        lock.release();
      }
    };
    const next = this.queue.then(exclusive, exclusive);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Waits until no other process writes the index (saying so once), then records this one as the writer. */
  private async acquireWriterLock(run: RunOptions): Promise<WriterLock> {
    const { store } = this.options;
    const lock = await WriterLock.acquire(store.path, {
      signal: run.signal,
      onWait: () => {
        this.options.log?.(`${describeHolder(store.getMeta(WRITER_META_KEY))} is updating the index ${store.path}; waiting for it to finish.`);
        run.onProgress?.(initialProgress('waiting'));
      },
    });
    try {
      store.setMeta(WRITER_META_KEY, JSON.stringify(writerHolder()));
    } catch (error) {
      lock.release();
      throw error;
    }
    return lock;
  }
}

/** One index operation: its counters, its queue of contents to embed, its embedding loop. */
class IndexRun {
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
          this.countFileToIndex(file);
          changed.push(new ChangedFile(file));
          if (indexWhileWalking && changed.length >= WALK_BATCH_FILES) {
            for (const walked of changed.splice(0)) await this.indexFile(walked, undefined);
          }
        }
        this.report();
      }
      this.result.filesScanned = this.progress.filesScanned;

      this.progress.phase = 'indexing';
      for (const file of changed) await this.indexFile(file, stored.get(file.relativePath));
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
        this.countFileDone(file);
        return;
      }
      const { bytes } = read;
      const contentHash = contentHashOf(bytes);
      // The size and mtime of the version read are recorded; an mtime too close to the read is not trusted
      // at all (see RACY_MTIME_MS), so a save in the same clock tick shows as a change next time.
      const mtimeMs = trustedMtime(read.mtimeMs, readStarted);
      if (known && known.contentHash === contentHash && this.isChunked(known)) {
        store.touchFile(file.relativePath, bytes.length, mtimeMs);
        this.result.filesUnchanged += 1;
      } else {
        const text = decodeSample(bytes);
        const chunks: Chunk[] = await chunker.chunkFile(file.relativePath, text, this.signal);
        const inserted = store.replaceFile(
          { path: file.relativePath, contentHash, size: bytes.length, mtimeMs, language: chunks[0]?.language ?? 'text' },
          new Map([[this.space.chunker, chunks]]),
          chunker.relationsVersion,
        );
        const fresh = inserted.filter((chunk) => !this.queuedHashes.has(chunk.contentHash));
        const missing = new Set(store.contentsWithoutVector(this.space, fresh.map((chunk) => chunk.contentHash)));
        for (const reused of this.reuseVectors([...missing])) missing.delete(reused);
        for (const chunk of fresh) {
          if (!missing.has(chunk.contentHash) || this.queuedHashes.has(chunk.contentHash)) continue;
          this.chunksFromFiles += 1;
          this.enqueue({ contentHash: chunk.contentHash, chunkId: chunk.id });
        }
        this.result.filesIndexed += 1;
      }
    } catch (error) {
      // A store error is about the whole index (disk full, read-only, locked), not this file: going on
      // would only fail every other file the same way.
      if (isAbortError(error) || isCoreError(error, 'store')) throw error;
      this.result.failures.push({ path: file.relativePath, error: (error as Error).message });
      this.options.log?.(`Could not index ${file.relativePath}: ${(error as Error).message}`);
    }
    this.countFileDone(file);
    await this.waitForRoom();
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
      const chunks = store.chunksById(batch.map((item) => item.chunkId));
      // A chunk deleted since it was queued (its file changed again) needs no vector.
      const live = batch.filter((item) => chunks.has(item.chunkId));
      for (const item of batch) if (!chunks.has(item.chunkId)) this.queuedHashes.delete(item.contentHash);
      this.progress.chunksToEmbed -= batch.length - live.length;
      if (live.length === 0) continue;
      const texts = live.map((item) => embeddingText(chunks.get(item.chunkId)!));
      const request = embedder.embed(texts, 'document', this.signal).then(({ vectors, truncations }) => {
        store.insertEmbeddings(this.space, live.map((item, index) => ({ contentHash: item.contentHash, vector: vectors[index]! })));
        // Only now may a later file queue the same content again (it will find the vector stored).
        for (const item of live) this.queuedHashes.delete(item.contentHash);
        for (const truncation of truncations) {
          const chunk = chunks.get(live[truncation.index]!.chunkId)!;
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
