// A model file is replaced or deleted while the model is loaded and indexing: the run stops with one
// message before any vector is stored under the old fingerprint, searching goes on, and with the
// right file back the next run completes.
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { FolderIndex } from '../../../extension/core/folder-index.ts';
import { offlineModel } from '../../helpers/models.ts';
import { BASE_FILES, writeCorpus } from '../indexing/corpus.ts';
import { temporaryDatabasePath } from '../store/helpers.ts';
import { addFiles, answers, expectedFailure, openIndex } from './helpers.ts';
import { isCoreError } from '../../../extension/core/errors.ts';

/** A private copy of the offline GloVe model (int8 weights only, to keep the copy small). */
function copyModel(): string {
  const source = offlineModel('glove-100d');
  const directory = path.join(mkdtempSync(path.join(os.tmpdir(), 'semsearch-model-')), 'glove-100d');
  cpSync(source, directory, { recursive: true, filter: (file) => path.basename(file) !== 'model.onnx' });
  return directory;
}

function storedVectors(index: FolderIndex): { vectors: number; missing: number } {
  const space = index.store.activeSpace()!;
  return { vectors: index.store.vectorCount(space), missing: index.store.countMissingEmbeddings(space) };
}

test('a model file replaced or deleted while in use stops indexing before a vector is stored under the old fingerprint', { timeout: 90_000 }, async () => {
  const modelDirectory = copyModel();
  const weights = path.join(modelDirectory, 'onnx', 'model_quantized.onnx');
  const original = path.join(path.dirname(modelDirectory), 'original.onnx');
  copyFileSync(weights, original);
  const root = writeCorpus();
  const databasePath = temporaryDatabasePath();
  const baseFiles = new Set(Object.keys(BASE_FILES));
  const open = () => openIndex(root, databasePath, { modelDirectory, quantization: 'int8' });

  let before: string[][];
  let fingerprint: string;
  const index = await open();
  try {
    await index.index();
    before = await answers(index, baseFiles);
    fingerprint = index.runtime.info.fingerprint;
    const stored = storedVectors(index);
    assert.equal(stored.missing, 0);

    // Replaced in place by other weights (the float32 export of the same vectors: other bytes, other fingerprint).
    addFiles(root, 'src/generated', 3);
    copyFileSync(path.join(offlineModel('glove-100d'), 'onnx', 'model.onnx'), weights);
    const replaced = await expectedFailure(index.index(), 'indexing with a replaced model file must fail', 'model', 'model-changed');
    assert.match(replaced.message, /changed while it was in use/);
    assert.match(replaced.message, /model_quantized\.onnx was replaced/);
    assert.match(replaced.message, /Reload the model/);
    const after = storedVectors(index);
    assert.equal(after.vectors, stored.vectors, 'no vector was stored after the file changed');
    assert.ok(after.missing > 0, 'the new chunks wait for a vector');
    assert.deepEqual(await answers(index, baseFiles), before, 'searching goes on with the model in memory');

    // Deleted: the message names the file and how to get it back.
    rmSync(weights);
    const deleted = await expectedFailure(index.index(), 'indexing with a deleted model file must fail', 'model', 'model-missing');
    assert.ok(deleted.message.includes(`${weights} was deleted`), deleted.message);
    assert.match(deleted.message, /Download the model again \(or build the offline models with `npm run models`\)/);
    assert.equal(storedVectors(index).vectors, stored.vectors);
  } finally {
    await index.close();
  }

  // The deleted file makes loading fail with the same kind of message.
  await assert.rejects(open(), (error: unknown) => isCoreError(error, 'model') && error.reason === 'model-missing' && /Download the model again/.test(error.message));

  copyFileSync(original, weights);
  const restored = await open();
  try {
    assert.equal(restored.runtime.info.fingerprint, fingerprint, 'the same bytes give the same fingerprint');
    assert.deepEqual(await answers(restored, baseFiles), before);
    const result = await restored.index();
    assert.equal(result.failures.length, 0);
    assert.deepEqual(storedVectors(restored).missing, 0, 'the next run completes');
  } finally {
    await restored.close();
  }
});
