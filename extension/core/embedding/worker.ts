// The embedding worker thread: owns one EmbeddingEngine and answers the runtime's requests. Queries
// go ahead of documents so a search stays fast while indexing keeps the worker busy.
import { parentPort, workerData } from 'node:worker_threads';
import { isCoreError } from '../errors.ts';
import { EmbeddingEngine } from './engine.ts';
import type { MessageFromWorker, RequestToWorker, SerializedError, WorkerConfiguration } from './embedding-worker-protocol.ts';

type WorkRequest = Exclude<RequestToWorker, { type: 'cancel' | 'close' }>;

const port = parentPort!;
const post = (message: MessageFromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
const serialize = (error: unknown): SerializedError =>
  isCoreError(error, 'model')
    ? { reason: error.reason, message: error.message }
    : error instanceof Error && error.name === 'AbortError'
      ? { reason: 'aborted', message: error.message }
      : { reason: 'runtime-failed', message: error instanceof Error ? error.message : String(error) };

const queue: WorkRequest[] = [];
const cancelled = new Set<number>();
let engine: EmbeddingEngine | undefined;
/** The running drain, if any: it ends after the request in progress once `closing` is set. */
let draining: Promise<void> | undefined;
let closing = false;

function enqueue(request: WorkRequest): void {
  // A query overtakes every queued document request; requests of one kind keep their order.
  const isQuery = request.type === 'embed' && request.purpose === 'query';
  const position = isQuery ? queue.findIndex((queued) => !(queued.type === 'embed' && queued.purpose === 'query')) : -1;
  if (position === -1) queue.push(request);
  else queue.splice(position, 0, request);
}

function drain(): void {
  if (draining || !engine || closing) return;
  draining = answerQueued().finally(() => (draining = undefined));
}

async function answerQueued(): Promise<void> {
  for (let request = queue.shift(); request && !closing; request = queue.shift()) {
    const { requestId } = request;
    if (cancelled.delete(requestId)) continue;
    try {
      if (request.type === 'count') {
        post({ type: 'counted', requestId, counts: request.texts.map((text) => engine!.tokenizer.countTokens(text)) });
      } else {
        const result = await engine!.embed(request.texts, request.purpose, () => cancelled.has(requestId));
        post({ type: 'embedded', requestId, vectors: result.vectors, truncations: result.truncations }, [result.vectors.buffer as ArrayBuffer]);
      }
    } catch (error) {
      post({ type: 'failed', requestId, error: serialize(error) });
    }
    cancelled.delete(requestId);
  }
}

/**
 * Stops taking work, lets the inference in progress end, releases the session, and lets the thread
 * exit. Terminating the thread instead, in the middle of an onnxruntime call, aborts the whole process.
 */
async function close(loading: Promise<unknown>): Promise<void> {
  closing = true;
  queue.length = 0;
  await loading.catch(() => undefined);
  await draining;
  await engine?.dispose().catch(() => undefined);
  port.close();
}

const loading = EmbeddingEngine.load(workerData as WorkerConfiguration, (message) => post({ type: 'log', level: 'info', message }));

port.on('message', (message: RequestToWorker) => {
  if (message.type === 'close') {
    void close(loading);
    return;
  }
  if (message.type === 'cancel') {
    cancelled.add(message.requestId);
    return;
  }
  if (closing) return;
  enqueue(message);
  drain();
});

try {
  engine = await loading;
  post({ type: 'ready', info: engine.info });
  drain();
} catch (error) {
  post({ type: 'load-failed', error: serialize(error) });
}
