// The extension stops (window closed or reloaded, extension disabled) while the index worker indexes.
// The host used to terminate the worker, and with it the embedding worker it had started, possibly in
// the middle of an onnxruntime call: that aborts the whole process, here the extension host. Now the
// host sends `shutdown`: the worker stops its requests, closes its indexes and model, and exits itself.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import type { HostToWorker, IndexWorkerData, WorkerToHost } from '../../../extension/protocol/index-worker-protocol.ts';
import { IndexStore } from '../../../extension/core/store/index-store.ts';
import { writeGeneratedCorpus } from '../indexing/corpus.ts';
import { temporaryDatabasePath } from '../store/helpers.ts';
import { serviceSettings } from '../service/settings.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const INDEX_WORKER = path.join(ROOT, 'extension', 'worker', 'index-worker.ts');
const EMBEDDING_WORKER = path.join(ROOT, 'extension', 'core', 'embedding', 'worker.ts');

test('shutdown while indexing: the worker answers, closes its index and model, and exits by itself', async () => {
  const root = writeGeneratedCorpus(300);
  for (const embeddedBeforeShutdown of [1, 64, 256]) {
    const databasePath = temporaryDatabasePath();
    const worker = new Worker(INDEX_WORKER, { workerData: { embeddingWorkerScript: EMBEDDING_WORKER } satisfies Partial<IndexWorkerData> });
    const responses = new Map<number, Extract<WorkerToHost, { type: 'response' }>>();
    const exitCode = new Promise<number>((resolve) => worker.once('exit', resolve));
    let shutdownSent = false;
    const send = (id: number, message: Omit<Extract<HostToWorker, { type: 'request' }>, 'id' | 'type'>) => worker.postMessage({ type: 'request', id, ...message } as HostToWorker);
    worker.on('message', (message: WorkerToHost) => {
      if (message.type === 'response') responses.set(message.id, message);
      // Shut down once the run has embedded this many chunks: the embedding worker is busy then.
      if (message.type === 'progress' && !shutdownSent && message.progress.chunksEmbedded >= embeddedBeforeShutdown) {
        shutdownSent = true;
        send(3, { kind: 'shutdown', params: {} });
      }
    });
    send(1, { kind: 'configure', params: { settings: serviceSettings(), folders: [{ key: 'k', name: 'corpus', root, databasePath }] } });
    send(2, { kind: 'index', params: {} });

    const hang = setTimeout(() => worker.terminate(), 60_000);
    const code = await exitCode;
    clearTimeout(hang);
    assert.equal(code, 0, `exit after shutdown at ${embeddedBeforeShutdown} chunks: 0 is an exit of its own (terminate gives 1)`);
    assert.ok(shutdownSent, 'the shutdown was sent during the run');
    assert.equal(responses.get(3)?.ok, true, 'shutdown was answered');
    const indexing = responses.get(2);
    assert.ok(indexing, 'the index request was answered');
    assert.ok(indexing.ok || indexing.error.kind === 'aborted', JSON.stringify(indexing));
    // The index was closed cleanly: it opens, and whatever it holds is whole.
    const store = IndexStore.open(databasePath);
    try {
      assert.deepEqual(store.checkIntegrity(), []);
    } finally {
      store.close();
    }
  }
});
