// Model changes as migrations: a shadow space built while the old one answers, atomic cutover,
// rollback, resume after an interruption, garbage collection, and searches that never mix spaces.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EmbeddingRuntime } from '../../../extension/core/embedding/runtime.ts';
import { FolderIndex } from '../../../extension/core/folder-index.ts';
import { collectGarbage, cutOver, migrationStatus, rollBack } from '../../../extension/core/migration/lifecycle.ts';
import type { Quantization } from '../../../extension/core/model/fingerprint.ts';
import { cosine, offlineModel } from '../../helpers/models.ts';
import { writeGeneratedCorpus } from '../indexing/corpus.ts';
import { temporaryDatabasePath } from '../store/helpers.ts';
import { isCoreError } from '../../../extension/core/errors.ts';

function open(root: string, databasePath: string, model: 'use-lite' | 'glove-100d', quantization: Quantization = 'fp32', extra: Partial<Parameters<typeof FolderIndex.open>[0]> = {}) {
  return FolderIndex.open({ root, databasePath, modelDirectory: offlineModel(model), quantization, device: 'cpu', threads: 1, ...extra });
}

describe('migrating between models', () => {
  const root = writeGeneratedCorpus(12);
  const databasePath = temporaryDatabasePath();

  test('USE lite to GloVe: the new space is built beside the old one, then cut over atomically', async () => {
    const first = await open(root, databasePath, 'use-lite');
    await first.index();
    const useSpace = first.store.activeSpace()!;
    await first.close();

    const second = await open(root, databasePath, 'glove-100d');
    try {
      const result = await second.index();
      assert.equal(result.activated, true);
      assert.equal(result.migration?.state, 'cut-over');
      assert.equal(result.migration?.fromSpace, useSpace.id);
      const status = migrationStatus(second.store);
      assert.equal(status.active!.modelId, 'glove-100d');
      assert.equal(status.active!.dimensions, 100);
      assert.equal(status.rollbackTo!.id, useSpace.id, 'the old space is retained for rollback');
      assert.equal(status.pending, undefined);
      assert.deepEqual(second.store.checkIntegrity(), []);
    } finally {
      await second.close();
    }
  });

  test('rollback returns to the old space at once; migrating again reuses the finished space', async () => {
    const index = await open(root, databasePath, 'glove-100d');
    try {
      const started = performance.now();
      const { space } = rollBack(index.store);
      const milliseconds = performance.now() - started;
      assert.ok(milliseconds < 1000, `rollback took ${milliseconds} ms`);
      assert.equal(space.modelId, 'use-lite');
      assert.equal(index.store.activeSpace()!.modelId, 'use-lite');
      assert.equal(index.store.migrations()[0]!.state, 'rolled-back');
      assert.throws(() => rollBack(index.store), (error: unknown) => isCoreError(error, 'migration') && error.reason === 'nothing-to-roll-back');
      // GloVe again: its space is complete already, so it cuts over without embedding anything.
      const again = await index.index();
      assert.equal(again.chunksEmbedded, 0);
      assert.equal(again.activated, true);
      assert.equal(index.store.activeSpace()!.modelId, 'glove-100d');
    } finally {
      await index.close();
    }
  });

  test('fp32 to int8 of the same model is a new fingerprint with close but different vectors', async () => {
    const fp32 = await EmbeddingRuntime.load({ modelDirectory: offlineModel('use-lite'), quantization: 'fp32', device: 'cpu', threads: 1 });
    const int8 = await EmbeddingRuntime.load({ modelDirectory: offlineModel('use-lite'), quantization: 'int8', device: 'cpu', threads: 1 });
    try {
      assert.notEqual(fp32.info.fingerprint, int8.info.fingerprint);
      const text = 'export function parseHeader(line: string) { return line.split(":"); }';
      const [a] = (await fp32.embed([text], 'document')).vectors;
      const [b] = (await int8.embed([text], 'document')).vectors;
      const similarity = cosine(a!, b!);
      assert.ok(similarity > 0.99 && similarity < 0.99999, `cosine ${similarity}`);
    } finally {
      await fp32.dispose();
      await int8.dispose();
    }
    const index = await open(root, databasePath, 'use-lite', 'int8');
    try {
      const result = await index.index();
      assert.equal(result.activated, true);
      assert.equal(index.store.activeSpace()!.details.quantization, 'int8');
      assert.ok(result.chunksEmbedded > 0, 'every chunk is embedded again for the new fingerprint');
    } finally {
      await index.close();
    }
  });

  test('an interrupted shadow build resumes after a restart and then cuts over', async () => {
    const before = await open(root, databasePath, 'glove-100d', 'int8');
    try {
      const controller = new AbortController();
      // The first progress report comes at once, while the folder is being walked.
      await assert.rejects(before.index({ signal: controller.signal, onProgress: () => controller.abort() }), { name: 'AbortError' });
      assert.throws(() => cutOver(before.store), (error: unknown) => isCoreError(error, 'migration') && error.reason === 'not-complete');
      const pending = migrationStatus(before.store).pending;
      assert.ok(pending, 'the migration is recorded');
      assert.equal(pending.complete, false);
      assert.equal(before.store.activeSpace()!.modelId, 'use-lite', 'the old space still answers');
    } finally {
      await before.close();
    }
    // "After a restart": a new process opens the same database.
    const after = await open(root, databasePath, 'glove-100d', 'int8');
    try {
      const result = await after.index();
      assert.equal(result.activated, true);
      assert.equal(after.store.activeSpace()!.modelId, 'glove-100d');
      assert.equal(after.store.activeSpace()!.details.quantization, 'int8');
      assert.deepEqual(after.store.checkIntegrity(), []);
    } finally {
      await after.close();
    }
  });

  test('a search stream during a migration never fails and never goes back to the old space', async () => {
    const oldRuntime = await EmbeddingRuntime.load({ modelDirectory: offlineModel('glove-100d'), quantization: 'int8', device: 'cpu', threads: 1 });
    // Other chunking makes a space that does not exist yet, so the searches overlap its whole build.
    const index = await open(root, databasePath, 'use-lite', 'fp32', {
      chunking: { maxChunkLines: 4 },
      otherEmbedders: (fingerprint) => (fingerprint === oldRuntime.info.fingerprint ? oldRuntime : undefined),
    });
    try {
      const oldSpace = index.store.activeSpace()!.id;
      let done = false;
      const seen: string[] = [];
      const searching = (async () => {
        while (!done) {
          const response = await index.search('validate the invoice number and report what happened', { k: 5 });
          assert.equal(response.denseUnavailable, undefined, 'the old model keeps answering by meaning');
          assert.equal(response.spaces.length, 1);
          seen.push(response.spaces[0]!.id);
          assert.ok(response.hits.length > 0);
        }
      })();
      const result = await index.index();
      done = true;
      await searching;
      const newSpace = result.space.id;
      assert.ok(seen.length > 0);
      assert.ok(seen.every((space) => space === oldSpace || space === newSpace), 'only the two spaces ever answer');
      assert.ok(seen.includes(oldSpace), 'searches ran while the new space was being built');
      const firstNew = seen.indexOf(newSpace);
      if (firstNew !== -1) assert.ok(seen.slice(firstNew).every((space) => space === newSpace), 'after the cutover the old space never answers again');
    } finally {
      await index.close();
      await oldRuntime.dispose();
    }
  });

  test('cutover refuses an incomplete space; garbage collection drops spaces past their retention', async () => {
    const index = await open(root, databasePath, 'use-lite', 'fp32', { chunking: { maxChunkLines: 4 } });
    try {
      assert.throws(() => cutOver(index.store), (error: unknown) => isCoreError(error, 'migration') && error.reason === 'nothing-pending');
      const retired = index.store.vectorSpaces().filter((space) => space.state === 'retired');
      assert.ok(retired.length >= 2);
      const dropped = collectGarbage(index.store, 0, Date.now() + 1);
      assert.equal(dropped.length, retired.length);
      assert.deepEqual(index.store.vectorSpaces().map((space) => space.state), ['active']);
      assert.deepEqual(index.store.checkIntegrity(), []);
    } finally {
      await index.close();
    }
  });
});
