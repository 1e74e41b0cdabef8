// The migration operations both front ends call: space labels, the current migration, and the one cutover path.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EmbeddingRuntime } from '../../../extension/core/embedding/runtime.ts';
import { FolderIndex } from '../../../extension/core/folder-index.ts';
import { rollBack } from '../../../extension/core/migration/lifecycle.ts';
import type { VectorSpace } from '../../../extension/core/store/index-store.ts';
import { currentMigration, decideCutover, loadSpaceModel, spaceLabel } from '../../../extension/core/operations/migration.ts';
import { offlineModel } from '../../helpers/models.ts';
import { writeGeneratedCorpus } from '../indexing/corpus.ts';
import { temporaryDatabasePath } from '../store/helpers.ts';

function space(storage: VectorSpace['storage'], details: Record<string, unknown> = {}): VectorSpace {
  return { id: 'abc', tableName: 't', state: 'active', createdAt: 0, retiredAt: undefined, modelFingerprint: 'f', chunker: 'c', storage, dimensions: 512, modelId: 'use-lite', details };
}

describe('spaceLabel', () => {
  test('names the model, and the storage only when it is not plain float32, as the vectors\'', () => {
    assert.equal(spaceLabel(space({ kind: 'float32' })), 'use-lite');
    assert.equal(spaceLabel(space({ kind: 'int8' })), 'use-lite (vectors stored as int8)');
  });
  test('identify adds the model weights and the space id, so two spaces of one model are told apart', () => {
    assert.equal(spaceLabel(space({ kind: 'float32' }, { quantization: 'int8' }), { identify: true }), 'use-lite, model weights int8 (space abc)');
    assert.equal(spaceLabel(space({ kind: 'int8' }, { quantization: 'fp32' }), { identify: true }), 'use-lite, model weights fp32, vectors stored as int8 (space abc)');
    assert.equal(spaceLabel(space({ kind: 'float32' }), { identify: true }), 'use-lite (space abc)');
  });
});

describe('a model change through the operations', () => {
  const root = writeGeneratedCorpus(8);
  const databasePath = temporaryDatabasePath();
  const open = (model: 'use-lite' | 'glove-100d', extra: Partial<Parameters<typeof FolderIndex.open>[0]> = {}) =>
    FolderIndex.open({ root, databasePath, modelDirectory: offlineModel(model), quantization: 'fp32', device: 'cpu', threads: 1, ...extra });

  test('the manual policy waits, with the report saved; the current migration is the pending one, then the cutover while it can be rolled back', async () => {
    const first = await open('use-lite');
    await first.index();
    assert.equal(currentMigration(first.store)?.fromSpace, undefined, 'a first index is a migration from nothing');
    await first.close();

    let held: Awaited<ReturnType<typeof decideCutover>> | undefined;
    const loadedModels: EmbeddingRuntime[] = [];
    let index: FolderIndex | undefined;
    index = await open('glove-100d', {
      decideCutover: async (pending) => {
        held = await decideCutover({
          store: index!.store,
          migration: pending,
          embedderFor: async (candidate) => {
            if (candidate.modelFingerprint === index!.runtime.info.fingerprint) return index!.runtime;
            const loaded = await loadSpaceModel(candidate, { device: 'cpu', threads: 1 });
            assert.ok('runtime' in loaded, 'the old space\'s model loads from its recorded folder');
            loadedModels.push(loaded.runtime);
            return loaded.runtime;
          },
          policy: { automatic: false, margin: 0.05 },
        });
        return held.decision.cutOver;
      },
    });
    try {
      const result = await index.index();
      assert.equal(result.activated, false);
      assert.equal(held?.reportError, undefined);
      assert.equal(held?.decision.cutOver, false);
      const pending = currentMigration(index.store)!;
      assert.equal(pending.state, 'ready');
      assert.ok(pending.report !== undefined, 'the report is saved with the migration');
      assert.equal(held?.report?.to.modelId, 'glove-100d');
      assert.equal(held?.report?.from?.modelId, 'use-lite');
    } finally {
      for (const runtime of loadedModels) await runtime.dispose();
      await index.close();
    }
  });

  test('after a rollback there is no current migration', async () => {
    const index = await open('glove-100d', { decideCutover: async () => true });
    try {
      await index.index();
      assert.equal(currentMigration(index.store)?.state, 'cut-over', 'the last cutover, while it can be rolled back');
      rollBack(index.store);
      assert.equal(currentMigration(index.store), undefined);
    } finally {
      await index.close();
    }
  });
});
