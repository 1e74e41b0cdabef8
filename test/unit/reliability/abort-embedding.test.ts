// Stopping a run (Ctrl-C in `semsearch index`, Pause or a setting change in VS Code) while two embedding
// requests are in flight. Each request rejects with the abort; the embedding loop stopped at the first
// and never awaited the second, so Node saw an unhandled rejection and `semsearch index` died with a
// stack trace instead of "stopping (the index keeps what is done)".
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { test } from 'node:test';
import { FolderIndex } from '../../../extension/core/folder-index.ts';
import { Indexer, type Embedder } from '../../../extension/core/indexing/indexer.ts';
import { abortError, isAbortError } from '../../../extension/core/errors.ts';
import { offlineModel } from '../../helpers/models.ts';
import { writeGeneratedCorpus } from '../indexing/corpus.ts';
import { temporaryDatabasePath } from '../store/helpers.ts';

test('a run stopped with two embedding requests in flight ends with the abort, and leaves no rejection unhandled', async () => {
  const root = writeGeneratedCorpus(8);
  const index = await FolderIndex.open({ root, databasePath: temporaryDatabasePath(), modelDirectory: offlineModel('glove-100d'), quantization: 'fp32', device: 'cpu', threads: 1 });
  const unhandled: unknown[] = [];
  const recordUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', recordUnhandled);
  try {
    const controller = new AbortController();
    let inFlight = 0;
    // Answers nothing until the run is stopped, then rejects as the worker-backed runtime does.
    const stalled: Embedder = {
      info: index.runtime.info,
      embed(_texts, _purpose, signal) {
        inFlight += 1;
        if (inFlight === 2) setTimeout(() => controller.abort(), 10);
        return new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(abortError(signal)), { once: true }));
      },
    };
    const indexer = new Indexer({ root, store: index.store, embedder: stalled, chunker: index.chunker, embeddingBatchSize: 2 });
    await assert.rejects(indexer.indexAll({ signal: controller.signal }), (error) => isAbortError(error));
    assert.equal(inFlight, 2, 'both requests were in flight when the run stopped');
    // Rejections are reported as unhandled after the microtasks of the turn they happen in.
    await nextTurn();
    await nextTurn();
    assert.deepEqual(unhandled, []);
    assert.deepEqual(index.store.checkIntegrity(), []);
  } finally {
    process.off('unhandledRejection', recordUnhandled);
    await index.close();
  }
});
