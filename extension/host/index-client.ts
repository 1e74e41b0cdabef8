// The extension host's side of the index worker: starts the worker on first use, sends typed
// requests, turns VS Code cancellation into cancel messages, and re-emits the worker's events.
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { IndexProgress } from '../core/indexing/indexer.ts';
import type { ServiceError, ServiceState } from '../core/service/workspace-service.ts';
import type { NextStep } from '../core/errors.ts';
import { indexWorkerStopReason } from './status-text.ts';
import { awaitExitOrTerminate } from '../core/worker-exit.ts';
import type { HostToWorker, IndexWorkerData, WorkerRequests, WorkerRequestType, WorkerToHost } from '../protocol/index-worker-protocol.ts';

/**
 * A request the worker answered with an error: `kind`/`reason` say what failed (a core error's, as
 * `describeError` carried them across the thread), `nextStep` what the user can do about it.
 */
export class WorkerRequestError extends Error {
  readonly kind: ServiceError['kind'] | 'aborted' | 'worker';
  readonly reason: string;
  readonly nextStep: NextStep;

  constructor(kind: WorkerRequestError['kind'], reason: string, message: string, nextStep: NextStep = 'none') {
    super(message);
    this.name = kind === 'aborted' ? 'AbortError' : 'WorkerRequestError';
    this.kind = kind;
    this.reason = reason;
    this.nextStep = nextStep;
  }
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  progress?: (update: RequestProgress) => void;
}

/** How far a long request has come, as the worker reports it. */
export interface RequestProgress {
  done: number;
  total: number;
  message: string;
}

/** How long the index worker gets to close its indexes and model when the extension stops. */
const SHUTDOWN_TIMEOUT_MS = 4_000;

export class IndexClient implements vscode.Disposable {
  private readonly scriptPath: string;
  private readonly workerData: IndexWorkerData;
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly stateEmitter = new vscode.EventEmitter<ServiceState>();
  private readonly progressEmitter = new vscode.EventEmitter<{ folder: string; progress: IndexProgress }>();
  private readonly logEmitter = new vscode.EventEmitter<{ level: 'info' | 'warn'; message: string }>();
  private readonly crashEmitter = new vscode.EventEmitter<string>();
  /** The worker's latest state. */
  state: ServiceState | undefined;
  /** The last configuration sent; a worker restarted after a crash gets it first. */
  private configuration: WorkerRequests['configure']['params'] | undefined;

  readonly onDidChangeState = this.stateEmitter.event;
  readonly onProgress = this.progressEmitter.event;
  readonly onLog = this.logEmitter.event;
  /** The worker stopped unexpectedly; it restarts on the next request. */
  readonly onDidCrash = this.crashEmitter.event;

  constructor(scriptPath: string, workerData: IndexWorkerData) {
    this.scriptPath = scriptPath;
    this.workerData = workerData;
  }

  get started(): boolean {
    return this.worker !== undefined;
  }

  request<K extends WorkerRequestType>(
    kind: K,
    params: WorkerRequests[K]['params'],
    token?: vscode.CancellationToken,
    onProgress?: (update: RequestProgress) => void,
  ): Promise<WorkerRequests[K]['result']> {
    if (kind === 'configure') this.configuration = params as WorkerRequests['configure']['params'];
    const worker = this.ensureWorker(kind === 'configure');
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (token?.isCancellationRequested) {
        reject(new WorkerRequestError('aborted', 'aborted', 'cancelled'));
        return;
      }
      const subscription = token?.onCancellationRequested(() => {
        worker.postMessage({ type: 'cancel', id } satisfies HostToWorker);
      });
      this.pending.set(id, {
        resolve: (value) => {
          subscription?.dispose();
          resolve(value as WorkerRequests[K]['result']);
        },
        reject: (error) => {
          subscription?.dispose();
          reject(error);
        },
        progress: onProgress,
      });
      worker.postMessage({ type: 'request', id, kind, params } as HostToWorker);
    });
  }

  private ensureWorker(configuring: boolean): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.scriptPath, { workerData: this.workerData });
    worker.on('message', (message: WorkerToHost) => this.onMessage(message));
    worker.on('error', (error) => this.onExit(indexWorkerStopReason(error)));
    worker.on('exit', (code) => this.onExit(`The index worker stopped (exit code ${code}).`));
    // The worker must not keep a closing extension host alive.
    worker.unref();
    this.worker = worker;
    if (this.configuration && !configuring) {
      // Messages are handled in order, so the restarted worker is configured before the request.
      const id = this.nextId++;
      this.pending.set(id, { resolve: () => undefined, reject: () => undefined });
      worker.postMessage({ type: 'request', id, kind: 'configure', params: this.configuration } satisfies HostToWorker);
    }
    return worker;
  }

  private onMessage(message: WorkerToHost): void {
    switch (message.type) {
      case 'response': {
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        if (message.ok) pending.resolve(message.result);
        else pending.reject(new WorkerRequestError(message.error.kind, message.error.reason, message.error.message, 'nextStep' in message.error ? message.error.nextStep : 'none'));
        return;
      }
      case 'state':
        this.state = message.state;
        this.stateEmitter.fire(message.state);
        return;
      case 'progress':
        this.progressEmitter.fire({ folder: message.folder, progress: message.progress });
        return;
      case 'log':
        this.logEmitter.fire({ level: message.level, message: message.message });
        return;
      case 'requestProgress':
        this.pending.get(message.id)?.progress?.({ done: message.done, total: message.total, message: message.message });
        return;
    }
  }

  private onExit(reason: string): void {
    if (!this.worker) return;
    this.worker = undefined;
    for (const pending of this.pending.values()) pending.reject(new WorkerRequestError('worker', 'worker-stopped', reason));
    this.pending.clear();
    this.crashEmitter.fire(reason);
  }

  /**
   * Asks the worker to stop its work, close the indexes and the model and exit, and waits for it (at most
   * `timeoutMs`, then it is terminated). Terminating it at once could stop the embedding worker inside
   * an onnxruntime call, which aborts the whole extension host (../core/worker-exit.ts).
   */
  async shutdown(timeoutMs = SHUTDOWN_TIMEOUT_MS): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.request('shutdown', {}).catch(() => undefined);
    // From here the worker is on its way out: its exit is no crash, and nothing may restart it.
    this.worker = undefined;
    for (const pending of this.pending.values()) pending.reject(new WorkerRequestError('aborted', 'aborted', 'The extension is shutting down.'));
    this.pending.clear();
    await awaitExitOrTerminate(worker, timeoutMs);
  }

  dispose(): void {
    const worker = this.worker;
    this.worker = undefined;
    for (const pending of this.pending.values()) pending.reject(new WorkerRequestError('aborted', 'aborted', 'The extension is shutting down.'));
    this.pending.clear();
    void worker?.terminate();
    this.stateEmitter.dispose();
    this.progressEmitter.dispose();
    this.logEmitter.dispose();
    this.crashEmitter.dispose();
  }
}
