// The embedding runtime as callers see it: load a model folder, embed texts, learn which device
// runs them. All inference happens in a worker thread; this side only sends texts and receives
// vectors, so the caller's thread (the extension host, the CLI's event loop) never blocks on a model.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ModelError, abortError } from '../errors.ts';
import type { Quantization } from '../model/fingerprint.ts';
import type { DeviceSetting } from './providers.ts';
import type { EmbeddingPurpose } from './tokenization.ts';
import type { MessageFromWorker, RequestToWorker, RuntimeInfo, SerializedError, Truncation, WorkerConfiguration } from './worker-protocol.ts';

export type { RuntimeInfo, Truncation } from './worker-protocol.ts';

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

let defaultWorkerScript: string | URL | undefined;

/** Sets the worker script used when `RuntimeOptions.workerScript` is not given (for bundled builds). */
export function setDefaultWorkerScript(script: string | URL): void {
  defaultWorkerScript = script;
}

function toError(error: SerializedError): Error {
  if (error.reason === 'aborted') return new DOMException(error.message, 'AbortError');
  return new ModelError(error.reason, error.message);
}

/** A loaded embedding model running in its own worker thread. */
export class EmbeddingRuntime {
  readonly info: RuntimeInfo;
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextRequestId = 1;
  private failure: Error | undefined;

  private constructor(worker: Worker, info: RuntimeInfo) {
    this.worker = worker;
    this.info = info;
    worker.on('message', (message: MessageFromWorker) => this.onMessage(message));
    worker.on('error', (error) => this.fail(new ModelError('runtime-failed', `The embedding worker crashed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => this.fail(new ModelError(code === 0 ? 'disposed' : 'runtime-failed', code === 0 ? 'The embedding runtime was closed.' : `The embedding worker stopped (exit code ${code}).`)));
  }

  /** Starts a worker, loads and checks the model, and resolves once it has embedded a test input. */
  static async load(options: RuntimeOptions): Promise<EmbeddingRuntime> {
    const configuration: WorkerConfiguration = {
      modelDirectory: options.modelDirectory,
      modelId: options.modelId,
      quantization: options.quantization ?? 'fp32',
      device: options.device ?? 'auto',
      threads: Math.max(1, options.threads ?? availableParallelism()),
      maxBatchSize: options.maxBatchSize ?? 32,
      maxBatchTokens: options.maxBatchTokens ?? 8192,
    };
    const script = options.workerScript ?? defaultWorkerScript ?? new URL('./worker.ts', import.meta.url);
    // Unless this is set, onnxruntime-node (1.30) queues usage telemetry in {XDG_CACHE_HOME}/Microsoft/DeveloperTools/.onnxruntime
    // and its native code goes on to resolve the collector's host to upload it; nothing may leave the machine. That code reads
    // the process's real environment, which a worker's process.env writes do not reach: set it here, before the worker loads it.
    process.env.ORT_DISABLE_TELEMETRY = '1';
    const worker = new Worker(script, { workerData: configuration });
    const info = await new Promise<RuntimeInfo>((resolve, reject) => {
      const onMessage = (message: MessageFromWorker) => {
        if (message.type === 'log') options.log?.(message.level, message.message);
        else if (message.type === 'ready') settle(() => resolve(message.info));
        else if (message.type === 'load-failed') settle(() => reject(toError(message.error)));
      };
      const onError = (error: Error) => settle(() => reject(new ModelError('runtime-failed', `The embedding worker failed to start: ${error.message}`, { cause: error })));
      const onExit = (code: number) => settle(() => reject(new ModelError('runtime-failed', `The embedding worker exited while loading (exit code ${code}).`)));
      const settle = (finish: () => void) => {
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        finish();
      };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    }).catch(async (error: unknown) => {
      await worker.terminate();
      throw error;
    });
    const runtime = new EmbeddingRuntime(worker, info);
    if (options.log) worker.on('message', (message: MessageFromWorker) => message.type === 'log' && options.log!(message.level, message.message));
    return runtime;
  }

  /**
   * Embeds texts for a purpose (queries and documents may get different prefixes). Texts longer than
   * the window are cut and listed in `truncations`. An empty text is an `empty-input` error.
   */
  async embed(texts: readonly string[], purpose: EmbeddingPurpose, signal?: AbortSignal): Promise<Embeddings> {
    if (texts.length === 0) return { vectors: [], truncations: [] };
    const reply = await this.request({ type: 'embed', texts: [...texts], purpose }, signal);
    if (reply.type !== 'embedded') throw new ModelError('runtime-failed', `Unexpected reply ${reply.type}`);
    const { dimensions } = this.info.manifest;
    const vectors = texts.map((_, index) => reply.vectors.subarray(index * dimensions, (index + 1) * dimensions));
    return { vectors, truncations: reply.truncations };
  }

  /** Counts the tokens each text takes as a document (prefix and special tokens included, before any cut). */
  async countTokens(texts: readonly string[], signal?: AbortSignal): Promise<number[]> {
    if (texts.length === 0) return [];
    const reply = await this.request({ type: 'count', texts: [...texts] }, signal);
    if (reply.type !== 'counted') throw new ModelError('runtime-failed', `Unexpected reply ${reply.type}`);
    return reply.counts;
  }

  /** Stops the worker; pending requests fail with a `disposed` error. */
  async dispose(): Promise<void> {
    this.fail(new ModelError('disposed', 'The embedding runtime was closed.'));
    await this.worker.terminate();
  }

  private request(
    message: Omit<Extract<RequestToWorker, { type: 'embed' }>, 'requestId'> | Omit<Extract<RequestToWorker, { type: 'count' }>, 'requestId'>,
    signal?: AbortSignal,
  ): Promise<MessageFromWorker> {
    if (this.failure) return Promise.reject(this.failure);
    if (signal?.aborted) return Promise.reject(abortError(signal));
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

  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
