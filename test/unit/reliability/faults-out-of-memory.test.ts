// The embedding worker runs out of memory mid-run (a worker with a heap limit, made to allocate past it
// by allocating-worker.ts): V8 stops the thread with ERR_WORKER_OUT_OF_MEMORY, the run stops with one
// message saying what to do, and the same index answers as before on a worker started again.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { describeError } from '../../../extension/core/service/workspace-service.ts';
import { errorActions, indexWorkerStopReason } from '../../../extension/host/status-text.ts';
import { BASE_FILES, writeCorpus } from '../indexing/corpus.ts';
import { temporaryDatabasePath } from '../store/helpers.ts';
import { addFiles, answers, expectedFailure, openIndex } from './helpers.ts';

const ALLOCATING_WORKER = path.join(import.meta.dirname, 'allocating-worker.ts');

test('a worker out of memory stops indexing with one message and the index answers as before', { timeout: 90_000 }, async () => {
  const root = writeCorpus();
  const databasePath = temporaryDatabasePath();
  const baseFiles = new Set(Object.keys(BASE_FILES));
  const index = await openIndex(root, databasePath, { workerScript: ALLOCATING_WORKER, memoryLimitMb: 256 });
  let before: string[][];
  try {
    await index.index();
    before = await answers(index, baseFiles);
    const vectors = index.store.vectorCount(index.store.activeSpace()!);

    addFiles(root, 'src/generated', 3);
    // The marker allocating-worker.ts reacts to.
    writeFileSync(path.join(root, 'src', 'hungry.ts'), 'export function allocate_until_out_of_memory(): void {}\n');
    const failure = await expectedFailure(index.index(), 'indexing must fail when the worker runs out of memory', 'model', 'out-of-memory');
    assert.equal((failure.cause as { code?: string }).code, 'ERR_WORKER_OUT_OF_MEMORY');
    assert.match(failure.message, /ran out of memory/);
    assert.match(failure.message, /the index keeps what it had/);
    assert.match(failure.message, /fewer threads .*smaller model/);
    const reported = describeError(failure);
    assert.deepEqual([reported.kind, reported.reason], ['model', 'out-of-memory'], 'the service passes the reason on');
    assert.deepEqual(errorActions(reported), ['Change Model Setting', 'Open Log']);

    assert.deepEqual(await answers(index, baseFiles), before, 'the next request starts a new worker and the index answers as before');
    assert.ok(index.store.vectorCount(index.store.activeSpace()!) >= vectors, 'nothing stored before was lost');
  } finally {
    await index.close();
  }

  // The usual worker (no heap limit, nothing that exhausts it) finishes the job.
  const again = await openIndex(root, databasePath);
  try {
    const result = await again.index();
    assert.equal(result.failures.length, 0);
    assert.ok(again.status().activeSpace?.complete, 'a run with enough memory completes');
  } finally {
    await again.close();
  }
});

test('the index worker out of memory is reported as such, with what to change', { timeout: 60_000 }, async () => {
  const worker = new Worker('const hoard = []; for (;;) hoard.push(new Array(100_000).fill(hoard.length));', { eval: true, resourceLimits: { maxOldGenerationSizeMb: 32 } });
  const error = await new Promise<Error>((resolve) => worker.once('error', resolve));
  assert.equal((error as { code?: string }).code, 'ERR_WORKER_OUT_OF_MEMORY');
  assert.match(indexWorkerStopReason(error), /^The index worker ran out of memory; the index keeps what it had\. Exclude very large files/);
  assert.match(indexWorkerStopReason(new Error('boom')), /^The index worker failed: boom$/);
});
