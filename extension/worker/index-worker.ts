// The extension's index worker thread: owns the WorkspaceService (SQLite, tree-sitter, the embedding
// runtime, which starts its own worker) so the extension host's thread only sends messages.
import { parentPort, workerData } from 'node:worker_threads';
import { describeError, WorkspaceService } from '../core/service/workspace-service.ts';
import { isAbortError } from '../core/errors.ts';
import type { HostToWorker, IndexWorkerData, WorkerToHost } from '../protocol/index-worker-protocol.ts';
import { evaluationProgressText } from '../core/evaluation/model-evaluation.ts';

const port = parentPort!;
const data = workerData as IndexWorkerData;
const post = (message: WorkerToHost) => port.postMessage(message);

const service = new WorkspaceService({
  onState: (state) => post({ type: 'state', state }),
  onProgress: (folder, progress) => post({ type: 'progress', folder, progress }),
  log: (level, message) => post({ type: 'log', level, message }),
});

const inFlight = new Map<number, AbortController>();

async function handle(message: Extract<HostToWorker, { type: 'request' }>, signal: AbortSignal): Promise<unknown> {
  switch (message.kind) {
    case 'configure':
      await service.configure(
        { ...message.params.settings, embeddingWorkerScript: data.embeddingWorkerScript, chunkingWorkerScript: data.chunkingWorkerScript, wasmDirectory: data.wasmDirectory },
        message.params.folders,
      );
      return null;
    case 'index':
      await service.index(message.params.folders, signal);
      return null;
    case 'rebuild':
      await service.rebuild(message.params.folders, signal);
      return null;
    case 'update':
      await service.update(message.params.folder, message.params.paths);
      return null;
    case 'pause':
      service.pause();
      return null;
    case 'resume':
      await service.resume();
      return null;
    case 'clear':
      await service.clear(message.params.folders, signal);
      return null;
    case 'search':
      return service.search(message.params.query, message.params.options, signal);
    case 'similar':
      return service.similar(message.params, signal);
    case 'relations':
      return service.relations(message.params);
    case 'languages':
      return service.languages();
    case 'details':
      return service.details();
    case 'cutOver':
      return service.cutOver(message.params.folders);
    case 'rollBack':
      return service.rollBack(message.params.folders);
    case 'migrationReports':
      return service.migrationReports({ keys: message.params.folders, refresh: message.params.refresh, signal });
    case 'duplicates':
      return service.duplicates({ keys: message.params.folders, signal });
    case 'reloadModel':
      await service.reloadModel();
      return null;
    case 'shutdown':
      for (const [id, controller] of inFlight) if (id !== message.id) controller.abort();
      await service.dispose();
      // After the response is posted, nothing keeps the thread alive and it exits.
      setImmediate(() => port.close());
      return null;
    case 'tradeoffs':
      return service.tradeoffs({
        key: message.params.folder,
        signal,
        onProgress: (done, total, text) => post({ type: 'requestProgress', id: message.id, done, total, message: text }),
      });
    case 'evaluateModels':
      return service.evaluateModels({
        key: message.params.folder,
        locations: message.params.locations,
        queries: message.params.queries,
        distractors: message.params.distractors,
        signal,
        onProgress: (progress) => post({ type: 'requestProgress', id: message.id, done: progress.done, total: progress.total, message: evaluationProgressText(progress) }),
      });
  }
}

port.on('message', (message: HostToWorker) => {
  if (message.type === 'cancel') {
    inFlight.get(message.id)?.abort();
    return;
  }
  const controller = new AbortController();
  inFlight.set(message.id, controller);
  handle(message, controller.signal).then(
    (result) => post({ type: 'response', id: message.id, ok: true, result }),
    (error: unknown) =>
      post({
        type: 'response',
        id: message.id,
        ok: false,
        error: isAbortError(error) ? { kind: 'aborted', reason: 'aborted', message: 'cancelled' } : describeError(error),
      }),
  ).finally(() => inFlight.delete(message.id));
});

post({ type: 'state', state: service.state() });
