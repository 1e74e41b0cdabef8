// The indexer keeps one folder's index in step with the disk: it walks the folder, chunks new and
// changed files, embeds every chunk content that has no vector in the target space yet, and removes
// what is gone. See README.md in this folder for the algorithm and its guarantees.
import path from 'node:path';
import type { Chunker } from '../chunking/types.ts';
import { FileClassifier } from '../discovery/classify.ts';
import type { DiscoveryOptions, DiscoverySummary } from '../discovery/types.ts';
import type { EmbeddingPurpose } from '../embedding/tokenization.ts';
import type { RuntimeInfo, Truncation } from '../embedding/embedding-worker-protocol.ts';
import type { IndexStore, Migration, VectorSpace } from '../store/index-store.ts';
import type { StorageOption } from '../store/storage-option.ts';
import { WriterLock, type WriterLockHolder } from '../store/writer-lock.ts';
import { IndexRun, initialProgress, vectorSpaceFor } from './index-run.ts';

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

/** The meta key where the process holding the writer lock says who it is. */
const WRITER_META_KEY = 'writer';

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
