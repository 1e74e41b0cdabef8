// A chunker whose work runs in a thread of its own (chunking-worker.ts). Chunking a file (tree-sitter's
// parse, its queries, measuring chunks with the tokenizer) was about half of a first index's time on the
// indexing thread; in a worker it runs beside that thread's reads, hashing and database writes, and the
// indexer keeps several files in flight (`Chunker.queueDepth`) so neither waits for the other.
//
// The thread is an optimisation, never a requirement: it starts on the first file, or just before when an index
// run's walk finds a file to index (`prepare`; an index opened only to search never starts it), and if it cannot
// start or stops (a bundle without the script, a crash), the
// files it held and every later one are chunked on the calling thread by an identical chunker, with one
// warning. Chunks are the same either way: the same options, the same tokenizer, the same code.
import { Worker } from 'node:worker_threads';
import { createChunker } from '../chunking/chunker.ts';
import type { Chunk, Chunker, ChunkerLogger, ChunkerOptions } from '../chunking/types.ts';
import { abortError, CoreError, type ChunkingErrorReason } from '../errors.ts';
import { ModelTokenizer } from '../embedding/tokenization.ts';
import type { ChunkingWorkerConfiguration, MessageFromChunkingWorker, RequestToChunkingWorker, SerializedChunkingError } from './chunking-worker-protocol.ts';

/**
 * Files handed to the thread before the first is awaited: enough that it has work while the indexing thread
 * writes a batch of files (a transaction of up to 128 files takes 150–250 ms, about as long as chunking 100
 * files); with 32 the thread sat idle a third of a first index of code-eslint, with 128 a fifth (the rest is
 * the walk before the first files and the writes after the last). A few megabytes of text at most.
 */
export const WORKER_QUEUE_DEPTH = 128;

/**
 * A thread with nothing to do for this long stops, giving back its memory (tree-sitter, the grammars and
 * the tokenizer: about 65 MB on code-eslint); the next file starts a new one (a few hundred milliseconds).
 */
export const WORKER_IDLE_MS = 30_000;

/** How a `WorkerChunker` measures chunks and where its thread's script is. */
export interface WorkerChunkerOptions {
  chunker: Omit<ChunkerOptions, 'countTokens' | 'logger'>;
  tokenizer: ChunkingWorkerConfiguration['tokenizer'];
  logger?: ChunkerLogger;
  /** The thread's script; the default is the source file next to this one (bundles pass their own). */
  workerScript?: string | URL;
  /** How long the thread may sit idle before it stops (default WORKER_IDLE_MS). */
  idleMs?: number;
}

/**
 * The token counter the chunker measures with. The direct tokenizer keeps a table of the words it has cut and
 * counts a text faster than a cache of whole texts would hash it (measured on code-eslint); other tokenizers
 * are slower, and lines repeat (`}`, `return err`), so their counts are remembered.
 */
export function chunkSizeCounter(tokenizer: ModelTokenizer): (text: string) => number {
  if (tokenizer.direct) return (text) => tokenizer.countTokens(text);
  return memoized((text) => tokenizer.countTokens(text), 50_000);
}

/** Caches a function of a string (dropping everything at capacity: cruder than an LRU, free per call). */
function memoized(compute: (text: string) => number, capacity: number): (text: string) => number {
  const cache = new Map<string, number>();
  return (text) => {
    const known = cache.get(text);
    if (known !== undefined) return known;
    const value = compute(text);
    if (cache.size >= capacity) cache.clear();
    cache.set(text, value);
    return value;
  };
}

interface Request {
  path: string;
  text: string;
  signal: AbortSignal | undefined;
  resolve: (chunks: Chunk[]) => void;
  reject: (error: unknown) => void;
}

/** A `Chunker` that chunks in a worker thread, or on this thread when the worker cannot. */
export class WorkerChunker implements Chunker {
  readonly fingerprint: string;
  readonly relationsVersion: number;
  readonly queueDepth = WORKER_QUEUE_DEPTH;
  private readonly options: WorkerChunkerOptions;
  /** The same chunker on this thread: its fingerprint is this one's, and it takes over when the thread fails. */
  private readonly local: Chunker;
  private worker: Worker | undefined;
  /** Why the thread is not used (it failed, or this chunker was disposed); then `local` chunks. */
  private unavailable: string | undefined;
  private disposed = false;
  private readonly requests = new Map<number, Request>();
  private nextRequestId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly idleMs: number;

  constructor(options: WorkerChunkerOptions) {
    this.options = options;
    this.idleMs = options.idleMs ?? WORKER_IDLE_MS;
    let counter: ((text: string) => number) | undefined;
    // The tokenizer loads on this thread only if this thread ends up chunking.
    const countTokens = (text: string): number => {
      counter ??= chunkSizeCounter(ModelTokenizer.load(options.tokenizer.modelDirectory, options.tokenizer.settings, { direct: options.tokenizer.direct }));
      return counter(text);
    };
    this.local = createChunker({ ...options.chunker, countTokens, logger: options.logger });
    this.fingerprint = this.local.fingerprint;
    this.relationsVersion = this.local.relationsVersion;
  }

  chunkFile(path: string, text: string, signal?: AbortSignal): Promise<Chunk[]> {
    if (this.disposed) return Promise.reject(new CoreError('chunking', 'disposed', 'The chunker was disposed; create a new one.'));
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const worker = this.unavailable === undefined ? this.started() : undefined;
    if (!worker) return this.local.chunkFile(path, text, signal);
    const requestId = this.nextRequestId++;
    return new Promise<Chunk[]>((resolve, reject) => {
      const onAbort = () => {
        if (!this.requests.delete(requestId)) return;
        this.send({ type: 'cancel', requestId });
        this.idleCheck();
        reject(abortError(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      this.requests.set(requestId, {
        path,
        text,
        signal,
        resolve: (chunks) => {
          done();
          resolve(chunks);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      });
      // Held while it has work, so a process waiting only on chunks does not exit under it.
      if (this.requests.size === 1) worker.ref();
      clearTimeout(this.idleTimer);
      this.send({ type: 'chunk', requestId, path, text });
    });
  }

  /** Starts the thread ahead of the first file (loading its tokenizer and grammars); it stops again if no file comes. */
  prepare(): void {
    if (this.disposed || this.unavailable !== undefined || this.worker) return;
    if (this.started()) this.idleCheck();
  }

  /** Whether the thread is running now (it starts on the first file and stops when idle). */
  get threadRunning(): boolean {
    return this.worker !== undefined;
  }

  dispose(): void {
    clearTimeout(this.idleTimer);
    this.disposed = true;
    this.unavailable = 'disposed';
    const disposedError = new CoreError('chunking', 'disposed', 'The chunker was disposed while it was working; create a new one.');
    for (const request of this.requests.values()) request.reject(disposedError);
    this.requests.clear();
    // Only wasm and JavaScript run there (no native library to tear down mid-call), so terminating is safe.
    void this.worker?.terminate().catch(() => undefined);
    this.worker = undefined;
    this.local.dispose();
  }

  /** The thread, started on first use. */
  private started(): Worker | undefined {
    if (this.worker) return this.worker;
    try {
      const configuration: ChunkingWorkerConfiguration = { chunker: this.options.chunker, tokenizer: this.options.tokenizer };
      const worker = new Worker(this.options.workerScript ?? new URL('./chunking-worker.ts', import.meta.url), { workerData: configuration });
      worker.on('message', (message: MessageFromChunkingWorker) => this.onMessage(message));
      worker.on('error', (error) => this.fail(worker, `it failed: ${error.message}`));
      worker.on('exit', (code) => this.fail(worker, `it stopped (exit code ${code})`));
      worker.unref();
      this.worker = worker;
      return worker;
    } catch (error) {
      this.fail(undefined, `it could not start: ${(error as Error).message}`);
      return undefined;
    }
  }

  private send(message: RequestToChunkingWorker): void {
    this.worker?.postMessage(message);
  }

  private onMessage(message: MessageFromChunkingWorker): void {
    if (message.type === 'warn') {
      this.options.logger?.warn(message.message);
      return;
    }
    const request = this.requests.get(message.requestId);
    if (!request) return; // cancelled meanwhile
    this.requests.delete(message.requestId);
    this.idleCheck();
    if (message.type === 'chunked') request.resolve(message.chunks);
    else request.reject(deserialize(message.error));
  }

  /** Lets the process exit while the thread has nothing to do, and stops the thread when that lasts. */
  private idleCheck(): void {
    if (this.requests.size > 0 || !this.worker) return;
    this.worker.unref();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.retire(), this.idleMs);
    this.idleTimer.unref();
  }

  /** Stops an idle thread; the next file starts a new one. */
  private retire(): void {
    const worker = this.worker;
    if (!worker || this.requests.size > 0) return;
    this.worker = undefined; // its exit is then not a failure (see fail)
    void worker.terminate().catch(() => undefined);
  }

  /**
   * The thread is gone: what it held is chunked here, and so is everything after. A worker that exits after
   * `dispose` (or was replaced) changes nothing.
   */
  private fail(worker: Worker | undefined, why: string): void {
    if (this.disposed || (worker !== undefined && worker !== this.worker)) return;
    this.unavailable = why;
    this.worker = undefined;
    if (worker) void worker.terminate().catch(() => undefined);
    this.options.logger?.warn(`Chunking in a worker thread stopped (${why}); files are chunked on the indexing thread instead.`);
    const held = [...this.requests.values()];
    this.requests.clear();
    for (const request of held) this.local.chunkFile(request.path, request.text, request.signal).then(request.resolve, request.reject);
  }
}

/** A thread's failure as this thread's error: a chunking `CoreError` keeps its reason, an abort is an `AbortError`. */
function deserialize(error: SerializedChunkingError): Error {
  if (error.name === 'AbortError') return new DOMException(error.message, 'AbortError');
  if (error.name === 'CoreError' && error.reason !== undefined) return new CoreError('chunking', error.reason as ChunkingErrorReason, error.message);
  const plain = new Error(error.message);
  plain.name = error.name;
  return plain;
}
