// The embedding runtime as callers see it: load a model folder, embed texts, learn which device
// runs them. All inference happens in a worker thread; this side only sends texts and receives
// vectors, so the caller's thread (the extension host, the CLI's event loop) never blocks on a model.
import { availableParallelism } from 'node:os';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { abortError, CoreError, workerFailure } from '../errors.ts';
import { awaitExitOrTerminate } from '../worker-exit.ts';
import { sameStamp, stampFile, type Quantization } from '../model/fingerprint.ts';
import type { DeviceSetting } from './providers.ts';
import type { EmbeddingPurpose } from './tokenization.ts';
import type { EmbeddingBackend, MessageFromWorker, RequestToWorker, RuntimeInfo, SerializedError, Truncation, WorkerConfiguration } from './embedding-worker-protocol.ts';

export type { RuntimeInfo, Truncation } from './embedding-worker-protocol.ts';

export interface RuntimeOptions {
  modelDirectory: string;
  /** The Hugging Face repository id of a downloaded model, used to infer a missing manifest. */
  modelId?: string;
  quantization?: Quantization;
  device?: DeviceSetting;
  /** Threads for one inference; defaults to the machine's cores. */
  threads?: number;
  maxBatchSize?: number;
  maxBatchTokens?: number;
  /** `auto` (default): static token-table models without onnxruntime; `onnxruntime`: every model in a session. */
  backend?: EmbeddingBackend;
  /**
   * The worker's JavaScript heap limit in MiB (Worker `resourceLimits.maxOldGenerationSizeMb`); default:
   * Node's own. A worker over it is stopped alone, its requests fail with an `out-of-memory` error, and
   * the next request starts a new worker. onnxruntime's tensors live outside this heap.
   */
  memoryLimitMb?: number;
  /** The worker script; the default is the source file next to this one (bundles pass their own). */
  workerScript?: string | URL;
  /** Receives the worker's log lines (provider fallback and the like). */
  log?: (level: 'info' | 'warn', message: string) => void;
}

export interface Embeddings {
  /** One vector per input text, in input order, each `dimensions` long. */
  vectors: Float32Array[];
  /** The inputs that were longer than the model's window and were cut. */
  truncations: Truncation[];
}

interface Pending {
  resolve: (value: MessageFromWorker) => void;
  reject: (error: Error) => void;
}

function modelChanged(info: RuntimeInfo, what: string): CoreError<'model'> {
  return new CoreError('model', 
    'model-changed',
    `The files of ${info.manifest.id} changed while it was in use (${what}), so indexing stopped: vectors of the new files must not be stored as the old model's. The index keeps what it had. Reload the model (run the command again, or Semantic Search reloads it by itself), which indexes again if the model is really another one.`,
  );
}

function toError(error: SerializedError): Error {
  if (error.reason === 'aborted') return new DOMException(error.message, 'AbortError');
  return new CoreError('model', error.reason, error.message);
}

/** How a runtime starts its worker, kept to start another one after a crash. */
interface WorkerStart {
  script: string | URL;
  configuration: WorkerConfiguration;
  resourceLimits: ResourceLimits | undefined;
  log: RuntimeOptions['log'];
}

/** Starts a worker and resolves once it has loaded, checked and warmed up the model. */
async function startWorker(start: WorkerStart): Promise<{ worker: Worker; info: RuntimeInfo }> {
  // Unless this is set, onnxruntime-node (1.30) queues usage telemetry in {XDG_CACHE_HOME}/Microsoft/DeveloperTools/.onnxruntime
  // and its native code goes on to resolve the collector's host to upload it; nothing may leave the machine. That code reads
  // the process's real environment, which a worker's process.env writes do not reach: set it here, before the worker loads it.
  process.env.ORT_DISABLE_TELEMETRY = '1';
  const worker = new Worker(start.script, { workerData: start.configuration, resourceLimits: start.resourceLimits });
  const info = await new Promise<RuntimeInfo>((resolve, reject) => {
    const onMessage = (message: MessageFromWorker) => {
      if (message.type === 'log') start.log?.(message.level, message.message);
      else if (message.type === 'ready') settle(() => resolve(message.info));
      else if (message.type === 'load-failed') settle(() => reject(toError(message.error)));
    };
    const onError = (error: Error) => settle(() => reject(workerFailure(error, 'embedding worker (loading the model)')));
    const onExit = (code: number) => settle(() => reject(new CoreError('model', 'runtime-failed', `The embedding worker exited while loading (exit code ${code}).`)));
    const settle = (finish: () => void) => {
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      finish();
    };
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  }).catch(async (error: unknown) => {
    await closeWorker(worker);
    throw error;
  });
  return { worker, info };
}

/** How long a worker gets to finish the inference it is in and release its model before it is terminated. */
const CLOSE_TIMEOUT_MS = 10_000;

/** Asks a worker to finish the inference it is in, release its model and exit (see ../worker-exit.ts). */
async function closeWorker(worker: Worker): Promise<void> {
  // A worker that has stopped drops the message, and awaitExitOrTerminate returns at once.
  worker.postMessage({ type: 'close' } satisfies RequestToWorker);
  await awaitExitOrTerminate(worker, CLOSE_TIMEOUT_MS);
}

/** A loaded embedding model running in its own worker thread. */
export class EmbeddingRuntime {
  readonly info: RuntimeInfo;
  private readonly start: WorkerStart;
  private worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextRequestId = 1;
  /** Why the current worker can take no more requests; a crash (not `disposed`) starts a new worker on the next request. */
  private failure: CoreError<'model'> | undefined;
  private restarting: Promise<void> | undefined;

  private constructor(worker: Worker, info: RuntimeInfo, start: WorkerStart) {
    this.worker = worker;
    this.info = info;
    this.start = start;
    this.attach(worker);
  }

  /** Starts a worker, loads and checks the model, and resolves once it has embedded a test input. */
  static async load(options: RuntimeOptions): Promise<EmbeddingRuntime> {
    const start: WorkerStart = {
      script: options.workerScript ?? new URL('./worker.ts', import.meta.url),
      configuration: {
        modelDirectory: options.modelDirectory,
        modelId: options.modelId,
        quantization: options.quantization ?? 'fp32',
        device: options.device ?? 'auto',
        threads: Math.max(1, options.threads ?? availableParallelism()),
        maxBatchSize: options.maxBatchSize ?? 32,
        maxBatchTokens: options.maxBatchTokens ?? 8192,
        backend: options.backend ?? 'auto',
      },
      resourceLimits: options.memoryLimitMb === undefined ? undefined : { maxOldGenerationSizeMb: options.memoryLimitMb },
      log: options.log,
    };
    const { worker, info } = await startWorker(start);
    return new EmbeddingRuntime(worker, info, start);
  }

  private attach(worker: Worker): void {
    worker.on('message', (message: MessageFromWorker) => {
      if (worker !== this.worker) return;
      if (message.type === 'log') this.start.log?.(message.level, message.message);
      else this.onMessage(message);
    });
    worker.on('error', (error) => worker === this.worker && this.fail(workerFailure(error, 'embedding worker')));
    worker.on('exit', (code) => worker === this.worker && this.fail(new CoreError('model', code === 0 ? 'disposed' : 'runtime-failed', code === 0 ? 'The embedding runtime was closed.' : `The embedding worker stopped (exit code ${code}).`)));
  }

  /**
   * Replaces a crashed worker (out of memory, a native fault) with a new one. The model files are
   * hashed again: other bytes than the ones this runtime's fingerprint was made from are an error,
   * never vectors of another model under the old fingerprint.
   */
  private restart(): Promise<void> {
    this.restarting ??= (async () => {
      try {
        const { worker, info } = await startWorker(this.start);
        if (this.failure?.reason === 'disposed' || info.fingerprint !== this.info.fingerprint) {
          await closeWorker(worker);
          if (this.failure?.reason === 'disposed') throw this.failure;
          throw modelChanged(this.info, 'its files now give another fingerprint');
        }
        this.worker = worker;
        // Same bytes (the fingerprint says so) under new stamps, e.g. a file copied back: the new ones count.
        this.info.fileStamps = info.fileStamps;
        this.failure = undefined;
        this.attach(worker);
      } finally {
        this.restarting = undefined;
      }
    })();
    return this.restarting;
  }

  /**
   * Throws when a file the fingerprint was hashed from is gone or is not the file that was hashed. The
   * loaded session may still hold the old weights, but this runtime can no longer show which model made
   * a vector, so none is handed out to be stored under the old fingerprint.
   */
  private checkModelFiles(): void {
    for (const stamp of Object.values(this.info.fileStamps)) {
      const now = stampFile(stamp.path);
      if (!now) {
        throw new CoreError('model', 'model-missing', `The model file ${stamp.path} was deleted while the model was in use, so indexing stopped; the index keeps what it had. Download the model again (or build the offline models with \`npm run models\`), or choose another model, then index again.`);
      }
      if (!sameStamp(stamp, now)) throw modelChanged(this.info, `${stamp.path} was replaced`);
    }
  }

  /**
   * Embeds texts for a purpose (queries and documents may get different prefixes). Texts longer than
   * the window are cut and listed in `truncations`. An empty text is an `empty-input` error.
   */
  async embed(texts: readonly string[], purpose: EmbeddingPurpose, signal?: AbortSignal): Promise<Embeddings> {
    if (texts.length === 0) return { vectors: [], truncations: [] };
    const reply = await this.request({ type: 'embed', texts: [...texts], purpose }, signal);
    if (reply.type !== 'embedded') throw new CoreError('model', 'runtime-failed', `Unexpected reply ${reply.type}`);
    // Document vectors are stored under this runtime's fingerprint, so the files must still be the
    // ones it was hashed from (checked after the reply, so a change during inference counts too). A
    // query vector is only compared with stored ones and comes from the session already in memory.
    if (purpose === 'document') this.checkModelFiles();
    const { dimensions } = this.info.manifest;
    const vectors = texts.map((_, index) => reply.vectors.subarray(index * dimensions, (index + 1) * dimensions));
    return { vectors, truncations: reply.truncations };
  }

  /** Counts the tokens each text takes as a document (prefix and special tokens included, before any cut). */
  async countTokens(texts: readonly string[], signal?: AbortSignal): Promise<number[]> {
    if (texts.length === 0) return [];
    const reply = await this.request({ type: 'count', texts: [...texts] }, signal);
    if (reply.type !== 'counted') throw new CoreError('model', 'runtime-failed', `Unexpected reply ${reply.type}`);
    return reply.counts;
  }

  /** Stops the worker; pending requests fail with a `disposed` error. */
  async dispose(): Promise<void> {
    const disposed = new CoreError('model', 'disposed', 'The embedding runtime was closed.');
    this.fail(disposed);
    this.failure = disposed;
    await this.restarting?.catch(() => undefined);
    await closeWorker(this.worker);
  }

  private async request(
    message: Omit<Extract<RequestToWorker, { type: 'embed' }>, 'requestId'> | Omit<Extract<RequestToWorker, { type: 'count' }>, 'requestId'>,
    signal?: AbortSignal,
  ): Promise<MessageFromWorker> {
    if (this.failure?.reason === 'disposed') throw this.failure;
    if (this.failure) await this.restart();
    signal?.throwIfAborted();
    const requestId = this.nextRequestId++;
    return new Promise<MessageFromWorker>((resolve, reject) => {
      const onAbort = () => {
        if (!this.pending.delete(requestId)) return;
        this.worker.postMessage({ type: 'cancel', requestId } satisfies RequestToWorker);
        reject(abortError(signal));
      };
      this.pending.set(requestId, {
        resolve: (value) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(value);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.worker.postMessage({ ...message, requestId } as RequestToWorker);
    });
  }

  private onMessage(message: MessageFromWorker): void {
    if (message.type !== 'embedded' && message.type !== 'counted' && message.type !== 'failed') return;
    const pending = this.pending.get(message.requestId);
    if (!pending) return;
    this.pending.delete(message.requestId);
    if (message.type === 'failed') pending.reject(toError(message.error));
    else pending.resolve(message);
  }

  private fail(error: CoreError<'model'>): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
